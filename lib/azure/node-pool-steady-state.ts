import { PropChecks } from "../core/validation";
import { KubernetesClusterNodePoolUpgradeSettings } from "./provider/kubernetes-cluster-node-pool";

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
    "unset for a Spot pool (AKS does not surge Spot pools; azurerm 4.65 refuses max_surge and max_unavailable on " +
      "them at plan, and azurerm 4.55 needs one of them in a present block)",
  );
}

/**
 * Azure's spelling of a VM size, or undefined when the size is not of the usual shape (then it is left as given).
 * `vm_size` has no case-insensitive diff suppression (kubernetes_cluster_node_pool_resource.go:148-154@v4.55.0, same at
 * :190@v4.73.0), Read stores what AKS returns (:1222@v4.55.0), and a change rotates the pool (:960-975@v4.55.0): two
 * spellings of one size must not both be accepted. Azure names sizes `Standard_` + family (upper case) + vCPUs
 * [+ `-`constrained vCPUs] + features (lower case) + segments, the version segment `_v<n>` in lower case; other segments
 * (accelerators such as `A100`, `cc`, `Promo`) vary and are kept as given.
 */
export function canonicalVmSize(size: string): string | undefined {
  const m = /^standard_([a-z]+)([0-9]+(?:-[0-9]+)?)([a-z]*)((?:_[a-z0-9]+)*)$/i.exec(size);
  if (!m) return undefined;
  const segments = m[4]
    .split("_")
    .slice(1)
    .map((s) => (/^v[0-9]{1,2}$/i.test(s) ? s.toLowerCase() : s));
  return `Standard_${m[1].toUpperCase()}${m[2]}${m[3].toLowerCase()}${segments.map((s) => `_${s}`).join("")}`;
}

/** Refuses a VM size written in another case than Azure's spelling. */
export function validateVmSizeSpelling(c: PropChecks, vmSize: string): void {
  const canonical = canonicalVmSize(vmSize);
  if (canonical === undefined || canonical === vmSize) return;
  c.fail(
    "vmSize",
    vmSize,
    `Azure's spelling of the size, ${JSON.stringify(canonical)} (azurerm compares vm_size case-sensitively: ` +
      `another spelling of the same size rotates the pool or plans a change on every run)`,
  );
}
