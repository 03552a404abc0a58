import { Token } from "../core/framework";
import { PropChecks } from "../core/validation";
import { NodePoolSysctlConfig, sysctlConfigToWrite, validateSysctlConfig } from "./node-pool-sysctl-config";
import { KubernetesClusterNodePoolLinuxOsConfig } from "./provider/kubernetes-cluster-node-pool";

export * from "./node-pool-sysctl-config";

/**
 * A GuardedNodePool's `linuxOsConfig`: the `linux_os_config` block of `azurerm_kubernetes_cluster_node_pool`
 * (`schemaNodePoolLinuxOSConfig`, internal/services/containers/kubernetes_nodepool.go:367-431@v4.55.0, :369-433
 * @v4.73.0), whose transparent huge page names the resource redefines (kubernetes_cluster_node_pool_resource.go:94-118
 * @v4.55.0, :120-143@v4.73.0). The same schema at both versions. `NP:` below = kubernetes_cluster_node_pool_resource.go.
 */

/** Transparent huge pages (`transparent_huge_page`, StringInSlice always/madvise/never, NP:95-104@v4.55.0). */
export enum TransparentHugePage {
  ALWAYS = "always",
  MADVISE = "madvise",
  NEVER = "never",
}

/** Transparent huge page defragmentation (`transparent_huge_page_defrag`, StringInSlice, kubernetes_nodepool.go:386-396@v4.55.0). */
export enum TransparentHugePageDefrag {
  ALWAYS = "always",
  DEFER = "defer",
  DEFER_MADVISE = "defer+madvise",
  MADVISE = "madvise",
  NEVER = "never",
}

/**
 * OS settings of every node of a Linux pool (AKS custom node configuration). Changing any of them, or adding or
 * removing the block, rotates the pool through `temporaryNameForRotation` (not a replacement).
 */
export interface NodePoolLinuxOsConfig {
  /**
   * Kernel sysctls.
   * @default - AKS's defaults
   */
  readonly sysctlConfig?: NodePoolSysctlConfig;
  /**
   * Transparent huge pages.
   * @default - AKS's default
   */
  readonly transparentHugePage?: TransparentHugePage;
  /**
   * Transparent huge page defragmentation.
   * @default - AKS's default
   */
  readonly transparentHugePageDefrag?: TransparentHugePageDefrag;
  /**
   * Size of a swap file on each node in MB. Needs `kubeletConfig` too: azurerm sends the kubelet's `failSwapOn = false`,
   * without which AKS refuses a swap file, only inside `kubelet_config`.
   * @default - no swap file
   */
  readonly swapFileSizeMb?: number;
}

const KEYS: readonly (keyof NodePoolLinuxOsConfig)[] = [
  "sysctlConfig",
  "transparentHugePage",
  "transparentHugePageDefrag",
  "swapFileSizeMb",
];
const INT32_MAX = 2147483647;

/** What the pool check needs to know beside the block. */
export interface LinuxOsConfigContext {
  /** The pool's OS type (`Linux` or `Windows`). */
  readonly osType: string;
  /** Whether the pool has a kubeletConfig. */
  readonly hasKubeletConfig: boolean;
}

/**
 * Checks `linuxOsConfig` against the provider's ValidateFuncs and the errors its Create and Update raise only at
 * apply: the block on a Windows pool (NP:681-684, :797-799@v4.55.0; :729-732, :845-847@v4.73.0).
 */
export function validateLinuxOsConfig(c: PropChecks, given: NodePoolLinuxOsConfig | undefined, context: LinuxOsConfigContext): void {
  // A token as the whole block cannot be checked; a token inside is reported at its setting.
  if (given === undefined || (Token.isUnresolved(given) && !c.literal("linuxOsConfig", given))) return;
  if (!c.record("linuxOsConfig", given, `an object { ${KEYS.join("?, ")}? }`)) return;
  c.check(
    context.osType === "Linux",
    "linuxOsConfig",
    given,
    `unset on a ${context.osType} pool (azurerm refuses linux_os_config unless os_type is Linux, at apply)`,
  );
  const unknown = Object.keys(given).filter((k) => !(KEYS as readonly string[]).includes(k));
  for (const k of unknown)
    c.fail(`linuxOsConfig.${k}`, given[k as keyof NodePoolLinuxOsConfig], `one of the linuxOsConfig settings: ${KEYS.join(", ")}`);
  c.check(
    unknown.length > 0 || KEYS.some((k) => given[k] !== undefined), // an unknown name is its own message
    "linuxOsConfig",
    given,
    "at least one setting (leave linuxOsConfig unset for AKS's OS defaults; an empty block still rotates the pool when added or removed)",
  );
  c.oneOf("linuxOsConfig.transparentHugePage", given.transparentHugePage, Object.values(TransparentHugePage));
  c.oneOf("linuxOsConfig.transparentHugePageDefrag", given.transparentHugePageDefrag, Object.values(TransparentHugePageDefrag));
  const swap = given.swapFileSizeMb;
  // swap_file_size_mb: TypeInt without ValidateFunc (kubernetes_nodepool.go:398-401@v4.55.0); expand drops 0.
  if (swap !== undefined && c.literal("linuxOsConfig.swapFileSizeMb", swap)) {
    const ok = Number.isInteger(swap) && swap >= 1 && swap <= INT32_MAX;
    c.check(ok, "linuxOsConfig.swapFileSizeMb", swap, `a whole number of MB from 1 to ${INT32_MAX}`);
    // "must be false, otherwise the backend will report error: CustomKubeletConfig.FailSwapOn must be set to false to
    // enable swap file on nodes" (NP:1338-1339@v4.55.0, :1388-1389@v4.73.0): sent only as part of kubelet_config.
    if (ok)
      c.check(
        context.hasKubeletConfig,
        "linuxOsConfig.swapFileSizeMb",
        swap,
        "a swap file on a pool with kubeletConfig (azurerm sends failSwapOn = false, which AKS needs for a swap file, " +
          "only inside kubelet_config: give kubeletConfig, e.g. { cpuCfsQuotaEnabled: true })",
      );
  }
  validateSysctlConfig(c, given.sysctlConfig);
}

/**
 * The `linux_os_config` block to write, or nothing when the props give none.
 *
 * Transparent huge pages are written as `transparent_huge_page_enabled`, the deprecated alias, at both versions.
 * Both names are Optional+Computed (NP:95-118@v4.55.0, :121-143@v4.73.0), Read sets both to the API's value
 * (NP:1593-1598@v4.55.0), and expand applies `transparent_huge_page` first and `transparent_huge_page_enabled` after it
 * (NP:1450-1457@v4.55.0, :1508-1515@v4.73.0). A changed `transparent_huge_page` would be overwritten by the old value
 * the Computed alias keeps in the plan (an Optional+Computed attribute left out of the config keeps its state value),
 * so AKS would never get it and every plan would rotate the pool again; the alias, applied last, always carries the
 * new value. (The price is azurerm's deprecation warning.)
 */
export function linuxOsConfigToWrite(given: NodePoolLinuxOsConfig | undefined): KubernetesClusterNodePoolLinuxOsConfig | undefined {
  if (!given || typeof given !== "object") return undefined;
  return {
    sysctlConfig: sysctlConfigToWrite(given.sysctlConfig),
    transparentHugePageEnabled: given.transparentHugePage,
    transparentHugePageDefrag: given.transparentHugePageDefrag,
    swapFileSizeMb: given.swapFileSizeMb,
  };
}
