import { bootstrapFolder, clusterNameOf, terraformFileOf } from "../core/repo-layout";
import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";
import { LocatedTerraformObject } from "./terraform-objects";

/**
 * One line per cluster whose `clusters/<c>/` folder disappears from the tree (the cluster is decommissioned), saying
 * what to do before that commit lands: nothing the library writes afterwards can clean up what the cluster leaves.
 * The order matters because tofu-controller re-plans from the source while it finalizes a Terraform object, so a
 * Terraform object pruned in the same pass as its own GitRepository stays Terminating (flux-iac/tofu-controller
 * docs/how_to/resource_deletion.md, controllers/tf_controller.go at v0.16.5), even with destroyResourcesOnDeletion: false.
 */
export function decommissionNotices(
  files: readonly RenderedFile[],
  repo: RepoView,
  owned: readonly string[],
  objectsBefore: readonly LocatedTerraformObject[],
): string[] {
  const clustersAfter = new Set(files.map((f) => clusterNameOf(f.path)).filter((c) => c !== undefined));
  const removed = [...new Set(owned.map(clusterNameOf).filter((c): c is string => c !== undefined && !clustersAfter.has(c)))];
  return removed.sort().map((cluster) => {
    const objects = objectsBefore.filter((o) => o.cluster === cluster);
    const bootstrap = bootstrapStep(cluster, files, repo, owned);
    const steps = [...(bootstrap ? [bootstrap] : []), ...objectSteps(objects)];
    if (steps.length === 0) return `cluster ${cluster} is decommissioned (clusters/${cluster}/ disappears)`;
    return `cluster ${cluster} is decommissioned (clusters/${cluster}/ and its Terraform objects disappear); first: ${steps.join("; ")}`;
  });
}

/** The bootstrap stack: the only configuration that can tear down the Flux extension, the runner identity and its role. */
function bootstrapStep(cluster: string, files: readonly RenderedFile[], repo: RepoView, owned: readonly string[]): string | undefined {
  const folder = bootstrapFolder(cluster);
  const file = terraformFileOf(folder);
  if (!owned.includes(file)) return undefined; // flux CLI mode: no bootstrap stack in the tree
  const roles = customRoles(repo.read(file));
  const role = roles.length
    ? `; the custom role ${roles.map((r) => JSON.stringify(r)).join(", ")} (azurerm_role_definition) is part of it and outlives the cluster otherwise`
    : "";
  const stays = files.some((f) => f.path === file);
  return stays
    ? `${folder} stays: destroy it (terraform destroy in ${folder}) once the cluster is gone${role}`
    : `destroy the bootstrap stack ${folder} (terraform destroy in ${folder} at the committed tree) or hand it over (copy the ` +
        `folder and its state out of the generated tree) before this commit, which deletes it: it is the only configuration ` +
        `that can tear down the Flux extension, the runner identity and its role assignment${role}`;
}

function objectSteps(objects: readonly LocatedTerraformObject[]): string[] {
  if (objects.length === 0) return [];
  const secrets = objects.map((o) => o.stateKey).join(", ");
  const sources = [...new Set(objects.map((o) => o.sourceRef))].join(", ");
  const ids = objects.map((o) => o.id).join(", ");
  return [
    `the state Secrets ${secrets} stay in the cluster, orphaned: delete them, or keep them for whoever takes the resources over`,
    `remove the Terraform objects ${ids} in a commit of their own and wait until Flux has pruned them, while their source ` +
      `${sources} is still there: tofu-controller looks the source up before it finalizes, so a Terraform object pruned in ` +
      `the same pass as its own GitRepository stays Terminating`,
  ];
}

function customRoles(bytes: Buffer | undefined): string[] {
  if (!bytes) return [];
  try {
    const json = JSON.parse(bytes.toString("utf8")) as { resource?: { azurerm_role_definition?: Record<string, { name?: unknown }> } };
    return Object.values(json.resource?.azurerm_role_definition ?? {}).map((r) => String(r?.name ?? ""));
  } catch {
    return [];
  }
}
