import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";
import { parseJsonOrNothing, poolsOf } from "./pool-rotations";

const NODE_POOL = "azurerm_kubernetes_cluster_node_pool";

/**
 * Node pool attributes azurerm cannot take away once they were applied, with what to do instead. Removing
 * `vnet_subnet_id` plans a change (it is Optional, not Computed) and, being in the rotation list, rotates the pool;
 * but Update sends a subnet only when one is set (`kubernetes_cluster_node_pool_resource.go:900-908@v4.55.0`,
 * `:948-956@v4.73.0`), so the pool comes back in the same subnet, Read writes it into the state again, and every
 * plan after that rotates the pool once more: on tofu-controller's interval, every node drained over and over.
 */
const STICKY: Readonly<Record<string, string>> = {
  vnet_subnet_id:
    "azurerm sends no subnet when vnetSubnetId is unset (kubernetes_cluster_node_pool_resource.go:900-908@v4.55.0, " +
    ":948-956@v4.73.0), so the pool would stay in its subnet and every plan would rotate it again. Keep vnetSubnetId; " +
    "to leave the subnet, add a new pool (another name) without it and remove this one",
};

/**
 * Refuses removing an attribute of a committed node pool that azurerm cannot remove (STICKY), compared with the
 * committed tree state safety reads (`repo.base`: HEAD or the base ref). Not acknowledgeable: the result would be a
 * rotation on every plan, not a one-off change.
 */
export function checkStickyPoolSettings(files: readonly RenderedFile[], workingTree: RepoView): string[] {
  const repo = workingTree.base ?? workingTree;
  if (!repo.record) return [];
  const problems: string[] = [];
  for (const file of files) {
    if (!file.path.endsWith(".tf.json") || file.file.content.format !== "json") continue;
    if (!(file.path in repo.record.files)) continue;
    const bytes = repo.read(file.path);
    if (!bytes || bytes.equals(file.bytes)) continue;
    const before = poolsOf(parseJsonOrNothing(bytes));
    const folder = file.path.slice(0, file.path.lastIndexOf("/"));
    for (const [name, next] of Object.entries(poolsOf(file.file.content.value))) {
      const old = before[name];
      if (!old) continue;
      for (const [attr, why] of Object.entries(STICKY)) {
        if (typeof old[attr] === "string" && next[attr] === undefined) {
          problems.push(
            `[${file.source}] ${NODE_POOL}.${name} in ${folder} (pool ${JSON.stringify(next.name)}): ${attr} = ` +
              `${JSON.stringify(old[attr])} is committed and this synth removes it: ${why}`,
          );
        }
      }
    }
  }
  return problems;
}
