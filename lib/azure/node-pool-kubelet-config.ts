import { Token } from "../core/framework";
import { PropChecks } from "../core/validation";
import { KubernetesClusterNodePoolKubeletConfig } from "./provider/kubernetes-cluster-node-pool";

/**
 * A GuardedNodePool's `kubeletConfig`: the `kubelet_config` block of `azurerm_kubernetes_cluster_node_pool`. The block
 * is the shared `schemaNodePoolKubeletConfig` (internal/services/containers/kubernetes_nodepool.go:288-365@v4.55.0,
 * :289-367@v4.73.0), with the 4.73 resource adding `container_log_max_files` and making both log-file names
 * Optional+Computed (kubernetes_cluster_node_pool_resource.go:145-160@v4.73.0). Lines below are `NPS:` =
 * kubernetes_nodepool.go and `NP:` = kubernetes_cluster_node_pool_resource.go, at v4.55.0 unless said otherwise.
 */

/** Kubelet CPU manager policy (`cpu_manager_policy`, StringInSlice, NPS:295-302; :296-303@v4.73.0). */
export enum CpuManagerPolicy {
  /** The default: no exclusive CPUs. */
  NONE = "none",
  /** Guaranteed pods with whole CPU requests get exclusive CPUs. */
  STATIC = "static",
}

/** Kubelet topology manager policy (`topology_manager_policy`, StringInSlice, NPS:327-336; :328-337@v4.73.0). */
export enum TopologyManagerPolicy {
  NONE = "none",
  BEST_EFFORT = "best-effort",
  RESTRICTED = "restricted",
  SINGLE_NUMA_NODE = "single-numa-node",
}

/**
 * Kubelet settings of every node of the pool (AKS custom node configuration). Changing any of them, or adding or
 * removing the block, rotates the pool through `temporaryNameForRotation` (not a replacement).
 */
export interface NodePoolKubeletConfig {
  /**
   * CPU manager policy.
   * @default - AKS's default (none)
   */
  readonly cpuManagerPolicy?: CpuManagerPolicy;
  /**
   * CFS quota enforcement of CPU limits.
   * @default true (the schema Default)
   */
  readonly cpuCfsQuotaEnabled?: boolean;
  /**
   * CFS quota period, a duration such as `"100ms"`.
   * @default - AKS's default (100ms)
   */
  readonly cpuCfsQuotaPeriod?: string;
  /**
   * Disk usage percentage above which image garbage collection always runs, 1 to 100.
   * @default - AKS's default (85)
   */
  readonly imageGcHighThreshold?: number;
  /**
   * Disk usage percentage below which image garbage collection never runs, 1 to 100, below imageGcHighThreshold.
   * @default - AKS's default (80)
   */
  readonly imageGcLowThreshold?: number;
  /**
   * Topology manager policy.
   * @default - AKS's default (none)
   */
  readonly topologyManagerPolicy?: TopologyManagerPolicy;
  /**
   * Unsafe sysctls (or patterns ending in `*`) pods may set, e.g. `["kernel.msg*", "net.core.somaxconn"]`.
   * @default - none
   */
  readonly allowedUnsafeSysctls?: string[];
  /**
   * Size in MB at which a container log file is rotated.
   * @default - AKS's default
   */
  readonly containerLogMaxSizeMb?: number;
  /**
   * Most container log files kept per container, at least 2.
   * @default - AKS's default
   */
  readonly containerLogMaxFiles?: number;
  /**
   * Most processes per pod, -1 for no limit.
   * @default - AKS's default
   */
  readonly podMaxPid?: number;
}

const KEYS: readonly (keyof NodePoolKubeletConfig)[] = [
  "cpuManagerPolicy",
  "cpuCfsQuotaEnabled",
  "cpuCfsQuotaPeriod",
  "imageGcHighThreshold",
  "imageGcLowThreshold",
  "topologyManagerPolicy",
  "allowedUnsafeSysctls",
  "containerLogMaxSizeMb",
  "containerLogMaxFiles",
  "podMaxPid",
];

/** The largest count the provider's TypeInt and the API's int64 both hold on every platform azurerm ships for. */
const INT32_MAX = 2147483647;
/** A Go duration (what AKS takes in cpuCfsQuotaPeriod): decimal numbers with units, e.g. `100ms`, `1.5ms`, `1s`. */
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
/** A sysctl name, or a prefix ending in `*` (NPD: "allow list of unsafe sysctls command or patterns (ending in `*`)"). */
const SYSCTL_PATTERN = /^[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*(\.?\*)?$/;
/** Why 0 is refused where azurerm's range allows it: its expand sends only non-zero values (NP:1349-1366@v4.55.0). */
const ZERO_NOT_SENT = "0 is never sent: azurerm's expand drops zero values, so AKS would keep its default";

/**
 * Checks `kubeletConfig` against the provider's ValidateFuncs (and what its expand drops); problems are reported as
 * `kubeletConfig.<field>`. Nothing here differs between 4.55.0 and 4.73.0 (the one rename is the written name only).
 */
export function validateKubeletConfig(c: PropChecks, given: NodePoolKubeletConfig | undefined): void {
  if (given === undefined) return;
  // A token as the whole block cannot be checked; a token inside is reported at its setting.
  if (Token.isUnresolved(given) && !c.literal("kubeletConfig", given)) return;
  if (!c.record("kubeletConfig", given, `an object { ${KEYS.join("?, ")}? }`)) return;
  const unknown = Object.keys(given).filter((k) => !(KEYS as readonly string[]).includes(k));
  for (const k of unknown)
    c.fail(`kubeletConfig.${k}`, given[k as keyof NodePoolKubeletConfig], `one of the kubeletConfig settings: ${KEYS.join(", ")}`);
  c.check(
    unknown.length > 0 || KEYS.some((k) => given[k] !== undefined), // an unknown name is its own message
    "kubeletConfig",
    given,
    "at least one setting (leave kubeletConfig unset for AKS's kubelet defaults; an empty block still rotates the pool when added or removed)",
  );
  c.oneOf("kubeletConfig.cpuManagerPolicy", given.cpuManagerPolicy, Object.values(CpuManagerPolicy));
  c.oneOf("kubeletConfig.topologyManagerPolicy", given.topologyManagerPolicy, Object.values(TopologyManagerPolicy));
  if (given.cpuCfsQuotaEnabled !== undefined)
    c.check(typeof given.cpuCfsQuotaEnabled === "boolean", "kubeletConfig.cpuCfsQuotaEnabled", given.cpuCfsQuotaEnabled, "true or false");
  c.pattern(
    "kubeletConfig.cpuCfsQuotaPeriod",
    given.cpuCfsQuotaPeriod,
    GO_DURATION,
    'a duration such as "100ms" (decimal numbers with ns, us, ms, s, m or h; azurerm passes it to AKS unchecked)',
  );
  // image_gc_*_threshold: IntBetween(0, 100) (NPS:315-325; :316-326@v4.73.0); 0 is dropped by expand.
  const highOk = threshold(c, "kubeletConfig.imageGcHighThreshold", given.imageGcHighThreshold);
  const lowOk = threshold(c, "kubeletConfig.imageGcLowThreshold", given.imageGcLowThreshold);
  if (highOk && lowOk && given.imageGcHighThreshold !== undefined && given.imageGcLowThreshold !== undefined)
    c.check(
      given.imageGcLowThreshold < given.imageGcHighThreshold,
      "kubeletConfig.imageGcLowThreshold",
      given.imageGcLowThreshold,
      `a percentage below imageGcHighThreshold (${given.imageGcHighThreshold}): the kubelet refuses a low threshold at or above the high one`,
    );
  validateSysctlPatterns(c, given.allowedUnsafeSysctls);
  // container_log_max_size_mb: TypeInt without ValidateFunc (NPS:346-349); 0 is dropped by expand.
  positive(c, "kubeletConfig.containerLogMaxSizeMb", given.containerLogMaxSizeMb, 1);
  // container_log_max_line (4.55, NPS:352-356) / container_log_max_files (4.73, NPS:352-356@v4.73.0): IntAtLeast(2).
  positive(c, "kubeletConfig.containerLogMaxFiles", given.containerLogMaxFiles, 2);
  // pod_max_pid: TypeInt without ValidateFunc (NPS:358-361); 0 is dropped by expand; the kubelet reads -1 as no limit.
  if (given.podMaxPid !== undefined && c.literal("kubeletConfig.podMaxPid", given.podMaxPid)) {
    const p = given.podMaxPid;
    c.check(
      p === -1 || (Number.isInteger(p) && p >= 1 && p <= INT32_MAX),
      "kubeletConfig.podMaxPid",
      p,
      `-1 (no limit) or a whole number from 1 to ${INT32_MAX} (${ZERO_NOT_SENT})`,
    );
  }
}

function threshold(c: PropChecks, prop: string, value: number | undefined): boolean {
  if (value === undefined || !c.literal(prop, value)) return value === undefined;
  const ok = Number.isInteger(value) && value >= 1 && value <= 100;
  c.check(ok, prop, value, `a whole number from 1 to 100 (azurerm allows 0 to 100, but ${ZERO_NOT_SENT})`);
  return ok;
}

function positive(c: PropChecks, prop: string, value: number | undefined, min: number): void {
  if (value === undefined || !c.literal(prop, value)) return;
  const ok = Number.isInteger(value) && value >= min && value <= INT32_MAX;
  c.check(ok, prop, value, `a whole number from ${min} to ${INT32_MAX}`);
}

function validateSysctlPatterns(c: PropChecks, list: string[] | undefined): void {
  const prop = "kubeletConfig.allowedUnsafeSysctls";
  if (list === undefined || !c.literal(prop, list)) return;
  if (!c.array(prop, list, 'an array of sysctl names or patterns ending in "*", e.g. ["kernel.msg*", "net.core.somaxconn"]')) return;
  c.check(list.length > 0, prop, list, "at least one sysctl (leave it unset to allow none)");
  list.forEach((s, i) =>
    c.check(
      typeof s === "string" && SYSCTL_PATTERN.test(s),
      `${prop}[${i}]`,
      s,
      'a sysctl name such as "net.core.somaxconn" or a pattern ending in "*" such as "kernel.msg*"',
    ),
  );
  // A TypeSet (NPS:338-344): a repeated entry is one entry to Terraform.
  c.check(new Set(list).size === list.length, prop, list, "each sysctl once (the attribute is a set)");
}

/**
 * The `kubelet_config` block to write, or nothing when the props give none (nothing is written for AKS to fill in).
 * Omitted settings are left out: none is Computed except the log-file count at 4.73, and the provider's partial
 * acceptance config (only cpu_manager_policy, cpu_cfs_quota_enabled, cpu_cfs_quota_period) ends in an empty plan
 * (kubernetes_cluster_node_pool_resource_test.go:137-151, :1578-1582@v4.55.0), so AKS fills none of the others in.
 *
 * The log-file count is written as `container_log_max_line` at both versions: the only name at 4.55 (NPS:352), and at
 * 4.73 the deprecated alias of `container_log_max_files`. Both names are Optional+Computed at 4.73 and Read sets both
 * (NPS:1576-1593@v4.73.0); expand applies `container_log_max_files` first and then `container_log_max_line`
 * (NP:1411-1418@v4.73.0). A changed `container_log_max_files` would be overwritten by the old value the Computed
 * alias keeps in the plan, so the change would never reach AKS and every plan would rotate the pool again; the
 * alias, applied last, always carries the new value. (The price is azurerm's deprecation warning at 4.73.)
 */
export function kubeletConfigToWrite(given: NodePoolKubeletConfig | undefined): KubernetesClusterNodePoolKubeletConfig | undefined {
  if (!given || typeof given !== "object") return undefined;
  return {
    cpuManagerPolicy: given.cpuManagerPolicy,
    cpuCfsQuotaEnabled: given.cpuCfsQuotaEnabled,
    cpuCfsQuotaPeriod: given.cpuCfsQuotaPeriod,
    imageGcHighThreshold: given.imageGcHighThreshold,
    imageGcLowThreshold: given.imageGcLowThreshold,
    topologyManagerPolicy: given.topologyManagerPolicy,
    allowedUnsafeSysctls: given.allowedUnsafeSysctls ? [...given.allowedUnsafeSysctls] : undefined,
    containerLogMaxSizeMb: given.containerLogMaxSizeMb,
    containerLogMaxLine: given.containerLogMaxFiles,
    podMaxPid: given.podMaxPid,
  };
}
