import { KubernetesClusterNodePoolUpgradeSettings } from "@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool";
import { PropChecks } from "../core/validation";

/**
 * What a GuardedNodePool writes so that a plan after apply is empty, and what it refuses because the provider would
 * refuse it at plan: the node pool rows of docs/steady-state-audit.md. Sources are files of
 * hashicorp/terraform-provider-azurerm at the tag.
 */

/**
 * The `upgrade_settings` the pool writes when the props give none. The block is Optional, not Computed
 * (upgradeSettingsSchemaNodePoolResource, kubernetes_cluster_node_pool_resource.go:1260-1297@v4.55.0), and AKS returns
 * `max_surge = "10%"` for a pool created without it, so an absent block diffs on every plan; the provider's own
 * acceptance configs write exactly this block (kubernetes_cluster_node_pool_resource_test.go:1414@v4.55.0).
 */
export const DEFAULT_UPGRADE_SETTINGS = { maxSurge: "10%" } as const;

/** The props' upgrade settings (GuardedNodePool's NodePoolUpgradeSettings; structural, so this module imports nothing of it). */
interface GivenUpgradeSettings {
  readonly maxSurge?: string;
  readonly maxUnavailable?: string;
  readonly drainTimeoutInMinutes?: number;
  readonly nodeSoakDurationInMinutes?: number;
}

/** The `upgrade_settings` block to write: none on Spot pools, the given settings, or the AKS default. */
export function upgradeSettingsToWrite(
  given: GivenUpgradeSettings | undefined,
  spot: boolean,
): KubernetesClusterNodePoolUpgradeSettings | undefined {
  if (spot) return undefined; // see validateSpotUpgradeSettings
  if (!given) return { ...DEFAULT_UPGRADE_SETTINGS };
  return {
    // At 4.55 a present block needs exactly one of max_surge and max_unavailable (ExactlyOneOf, :1267-1283@v4.55.0).
    maxSurge: given.maxSurge ?? (given.maxUnavailable === undefined ? DEFAULT_UPGRADE_SETTINGS.maxSurge : undefined),
    maxUnavailable: given.maxUnavailable,
    drainTimeoutInMinutes: given.drainTimeoutInMinutes,
    nodeSoakDurationInMinutes: given.nodeSoakDurationInMinutes,
  };
}

/**
 * The label AKS puts on Spot nodes. azurerm's docs for `priority` require it in `node_labels`
 * (website/docs/r/kubernetes_cluster_node_pool.html.markdown:135@v4.55.0; Azure/AKS#3152): `node_labels` is
 * Optional+Computed (:251-258), so a config with any other label and not this one diffs, and the update strips it.
 */
export const SPOT_LABEL_KEY = "kubernetes.azure.com/scalesetpriority";
export const SPOT_LABEL_VALUE = "spot";

/** The node labels to write: the given ones, plus the Spot label on Spot pools. */
export function nodeLabelsToWrite(labels: Record<string, string> | undefined, spot: boolean): Record<string, string> | undefined {
  if (!spot) return labels;
  return { ...(labels ?? {}), [SPOT_LABEL_KEY]: SPOT_LABEL_VALUE };
}

/** True for the one reserved label a Spot pool may be given: the one it gets anyway. */
export function isSpotLabel(key: string, value: unknown, spot: boolean): boolean {
  return spot && key === SPOT_LABEL_KEY && value === SPOT_LABEL_VALUE;
}

/**
 * A Spot pool gets no `upgrade_settings`: from azurerm 4.65 a CustomizeDiff refuses `max_surge` and `max_unavailable`
 * on Spot pools (kubernetes_cluster_node_pool_resource.go:91-116@v4.65.0, CHANGELOG 4.65.0 #31129), while at 4.55 a
 * present block needs one of them (ExactlyOneOf, :1267-1283@v4.55.0): no block is the one form valid on both. AKS
 * returns an empty object for Spot pools, which azurerm reads as no block (:1400@v4.55.0).
 */
export function validateSpotUpgradeSettings(c: PropChecks, upgradeSettings: unknown, spot: boolean): void {
  if (!spot || upgradeSettings === undefined) return;
  c.fail(
    "upgradeSettings",
    upgradeSettings,
    "unset for a Spot pool (AKS does not surge Spot pools; azurerm 4.65 refuses max_surge and max_unavailable on them at plan, and azurerm 4.55 needs one of them in a present block)",
  );
}
