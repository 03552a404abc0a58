import { NodePoolAddressing } from "../azure/guarded-node-pool-generations";
import { azurermVersionOfStack, nodePoolRotationRulesFor, ReplacementRules, replacementRulesForStack } from "../azure/replacement-rules";
import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";
import { PoolResource } from "./guarded-pools";
import { CheckOptions } from "./tree-check";

const NODE_POOL = "azurerm_kubernetes_cluster_node_pool";

type Body = Readonly<Record<string, unknown>>;

/**
 * Says what a change does to the nodes: one notice per guarded or unguarded node pool that the next apply rotates
 * (an in-place change AKS carries out through `temporary_name_for_rotation`: every node is drained and recreated),
 * compared with the tree on disk. Never a problem: a rotation is allowed, but nobody should learn of it from the
 * nodes going away. Pools that are replaced instead are state safety's to refuse, and not listed here.
 */
export function checkPoolRotations(files: readonly RenderedFile[], repo: RepoView, options: CheckOptions): string[] {
  if (!options.notices || !repo.record) return [];
  for (const file of files) {
    if (!file.path.endsWith(".tf.json") || file.file.content.format !== "json") continue;
    if (!(file.path in repo.record.files)) continue;
    const bytes = repo.read(file.path);
    if (!bytes || bytes.equals(file.bytes)) continue; // an unchanged file rotates nothing
    const after = file.file.content.value;
    const before = parseJsonOrNothing(bytes);
    const rules = replacementRulesForStack(after);
    const rotating = nodePoolRotationRulesFor(azurermVersionOfStack(after));
    const folder = file.path.slice(0, file.path.lastIndexOf("/"));
    for (const [name, next] of Object.entries(poolsOf(after))) {
      const old = poolsOf(before)[name];
      if (!old || replaced(rules, old, next)) continue;
      const changes = changed(rotating, old, next);
      if (changes.length) options.notices.push(rotationNotice(file.source, `${NODE_POOL}.${name}`, folder, next, changes));
    }
  }
  return [];
}

/** An accepted blue/green replacement of a guarded pool (an acknowledged replacement written at the next generation). */
export function blueGreenNotice(source: string, old: PoolResource, pool: NodePoolAddressing, next: Body): string {
  return (
    `[${source}] ${old.address} in ${old.folder} (pool ${JSON.stringify(old.body.name)}) will be replaced blue/green at ` +
    `${pool.address} (pool ${JSON.stringify(next.name)}): the next apply creates the new pool and destroys the old one, ` +
    `in no order between them (the old pool's pods are evicted as it goes, so keep room for them elsewhere); ` +
    `prevent_destroy stays on ${pool.address}, and removing the acknowledgement later keeps it there`
  );
}

function rotationNotice(source: string, address: string, folder: string, pool: Body, changes: string[]): string {
  const name = JSON.stringify(pool.name);
  const temporary = JSON.stringify(pool.temporary_name_for_rotation);
  return (
    `[${source}] ${address} in ${folder} (pool ${name}) will be rotated because ${changes.join(", ")}: ` +
    `AKS creates the temporary pool ${temporary}, deletes ${name} and creates it again with the new settings, ` +
    `then deletes ${temporary}; every node is drained and recreated`
  );
}

function replaced(rules: ReplacementRules, old: Body, next: Body): boolean {
  return changed(rules[NODE_POOL] ?? {}, old, next).length > 0;
}

/** The attributes whose rule says the written change is a change, as `attr: before → after`. */
function changed(rules: ReplacementRules[string], old: Body, next: Body): string[] {
  return Object.entries(rules)
    .filter(([attr, rule]) => {
      const a = old[attr];
      const b = next[attr];
      if (JSON.stringify(a) === JSON.stringify(b)) return false;
      return rule === true ? true : rule(a, b, { before: old, after: next });
    })
    .map(([attr]) => `${attr}: ${JSON.stringify(old[attr])} → ${JSON.stringify(next[attr])}`);
}

/** The node pools of a Terraform JSON document, by address name. */
export function poolsOf(json: unknown): Record<string, Body> {
  return (json as { resource?: Record<string, Record<string, Body>> } | undefined)?.resource?.[NODE_POOL] ?? {};
}

/** A committed file's JSON, or nothing (a file that is no JSON has no pools to compare). */
export function parseJsonOrNothing(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return {};
  }
}
