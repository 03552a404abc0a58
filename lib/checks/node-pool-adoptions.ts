import { NodePoolAddressing } from "../azure/guarded-node-pool-generations";
import { adoptionIntoReplacement, NodePoolAdoptionKind } from "../azure/node-pool-adoption";
import { terraformFileOf } from "../core/repo-layout";
import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";
import { folderOfPath, LocatedTerraformObject, renderedTerraformObjects } from "./terraform-objects";
import { CheckOptions } from "./tree-check";

/**
 * Says, for every pool that adopts an existing one (GuardedNodePool `adopt`), what the next plan does with it and
 * when the block can go: one notice each, on every synth, the first one included (state safety compares nothing
 * then). The one problem: an adoption in the synth that acknowledges the same pool's replacement; the rest of what
 * can be wrong with an adoption is refused where it is typed (lib/azure/node-pool-adoption.ts).
 */
export function checkNodePoolAdoptions(files: readonly RenderedFile[], repo: RepoView, options: CheckOptions): string[] {
  const objects = renderedTerraformObjects(files);
  const committed = repo.base ?? repo;
  const problems: string[] = [];
  for (const pool of options.nodePools ?? []) {
    if (!pool.adoption) continue;
    const refused = adoptionIntoReplacement(pool);
    if (refused) problems.push(refused);
    else
      options.notices?.push(
        adoptionNotice(
          pool,
          objects.filter((o) => folderOfPath(o.path) === pool.folder),
          committedBlock(committed, pool),
        ),
      );
  }
  return problems;
}

function adoptionNotice(pool: NodePoolAddressing, appliedBy: readonly LocatedTerraformObject[], committedBefore: boolean): string {
  const adoption = pool.adoption!;
  const by = appliedBy.length
    ? ` by ${appliedBy.map((o) => `Terraform object ${o.id}${o.cluster ? ` (cluster ${o.cluster})` : ""}, state ${o.stateKey}`).join("; ")}`
    : " (no Terraform object applies this folder yet)";
  const what =
    adoption.kind === NodePoolAdoptionKind.IMPORT
      ? `adopts the existing pool ${adoption.from} with an import block: the next plan${by} imports it instead of creating ` +
        `it (a difference from the live pool is an in-place update; one that forces a new pool fails the plan, the pool has prevent_destroy)`
      : `takes over ${adoption.from} from the state it keeps with a moved block: the next plan${by} moves it, and for an ` +
        `unchanged pool creates and destroys nothing (if that state lacks ${adoption.from}, the plan tries to create the ` +
        `pool and azurerm's create fails because it exists)`;
  const when = committedBefore
    ? `the ${adoption.kind} block is already committed: once the Terraform object has applied it, remove adopt and synth again`
    : pool.committed
      ? `the committed tree already has this pool at ${pool.address}, so once applied it is in that state and Terraform ` +
        `ignores the ${adoption.kind} block: remove adopt unless that commit never applied`
      : `once the Terraform object has applied it, remove adopt and synth again (until then it stays: Terraform ignores ` +
        `the ${adoption.kind} block once the address is in its state)`;
  return `[${pool.source}] ${pool.address} in ${pool.folder} ${what}; ${when}`;
}

/** Whether the committed stack already has this pool's import or moved block. */
function committedBlock(repo: RepoView, pool: NodePoolAddressing): boolean {
  const bytes = repo.record ? repo.read(terraformFileOf(pool.folder)) : undefined;
  if (!bytes) return false;
  let json: { import?: unknown; moved?: unknown };
  try {
    json = JSON.parse(bytes.toString("utf8")) as typeof json;
  } catch {
    return false;
  }
  const blocks = pool.adoption!.kind === NodePoolAdoptionKind.IMPORT ? json.import : json.moved;
  return Array.isArray(blocks) && blocks.some((b: { to?: unknown } | null) => b?.to === pool.address);
}
