import { Token } from "../core/framework";
import { PropChecks } from "../core/validation";
import { KubernetesClusterNodePoolLinuxOsConfigSysctlConfig } from "./provider/kubernetes-cluster-node-pool";

/**
 * A GuardedNodePool's `linuxOsConfig.sysctlConfig`: the `sysctl_config` block inside `linux_os_config`
 * (`schemaNodePoolSysctlConfig`, internal/services/containers/kubernetes_nodepool.go:433-615@v4.55.0, the same schema
 * two lines down at :435-617@v4.73.0). Every setting is Optional, not Computed; the ranges are the provider's
 * ValidateFuncs. The names are the binding's (`@cdktf/provider-azurerm` KubernetesClusterNodePoolLinuxOsConfigSysctlConfig),
 * the same at both versions.
 */
export interface NodePoolSysctlConfig {
  /** `fs.aio-max-nr`, 65536 to 6553500. */
  readonly fsAioMaxNr?: number;
  /** `fs.file-max`, 8192 to 12000500. */
  readonly fsFileMax?: number;
  /** `fs.inotify.max_user_watches`, 781250 to 2097152. */
  readonly fsInotifyMaxUserWatches?: number;
  /** `fs.nr_open`, 8192 to 20000500. */
  readonly fsNrOpen?: number;
  /** `kernel.threads-max`, 20 to 513785. */
  readonly kernelThreadsMax?: number;
  /** `net.core.netdev_max_backlog`, 1000 to 3240000. */
  readonly netCoreNetdevMaxBacklog?: number;
  /** `net.core.optmem_max`, 20480 to 4194304. */
  readonly netCoreOptmemMax?: number;
  /** `net.core.rmem_default`, 212992 to 134217728. */
  readonly netCoreRmemDefault?: number;
  /** `net.core.rmem_max`, 212992 to 134217728. */
  readonly netCoreRmemMax?: number;
  /** `net.core.somaxconn`, 4096 to 3240000. */
  readonly netCoreSomaxconn?: number;
  /** `net.core.wmem_default`, 212992 to 134217728. */
  readonly netCoreWmemDefault?: number;
  /** `net.core.wmem_max`, 212992 to 134217728. */
  readonly netCoreWmemMax?: number;
  /** `net.ipv4.ip_local_port_range min value`, 1024 to 60999. */
  readonly netIpv4IpLocalPortRangeMin?: number;
  /** `net.ipv4.ip_local_port_range max value`, 32768 to 65535. */
  readonly netIpv4IpLocalPortRangeMax?: number;
  /** `net.ipv4.neigh.default.gc_thresh1`, 128 to 80000. */
  readonly netIpv4NeighDefaultGcThresh1?: number;
  /** `net.ipv4.neigh.default.gc_thresh2`, 512 to 90000. */
  readonly netIpv4NeighDefaultGcThresh2?: number;
  /** `net.ipv4.neigh.default.gc_thresh3`, 1024 to 100000. */
  readonly netIpv4NeighDefaultGcThresh3?: number;
  /** `net.ipv4.tcp_fin_timeout`, 5 to 120. */
  readonly netIpv4TcpFinTimeout?: number;
  /** `net.ipv4.tcp_keepalive_intvl`, 10 to 90. */
  readonly netIpv4TcpKeepaliveIntvl?: number;
  /** `net.ipv4.tcp_keepalive_probes`, 1 to 15. */
  readonly netIpv4TcpKeepaliveProbes?: number;
  /** `net.ipv4.tcp_keepalive_time`, 30 to 432000. */
  readonly netIpv4TcpKeepaliveTime?: number;
  /** `net.ipv4.tcp_max_syn_backlog`, 128 to 3240000. */
  readonly netIpv4TcpMaxSynBacklog?: number;
  /** `net.ipv4.tcp_max_tw_buckets`, 8000 to 1440000. */
  readonly netIpv4TcpMaxTwBuckets?: number;
  /** `net.netfilter.nf_conntrack_buckets`, 65536 to 524288. */
  readonly netNetfilterNfConntrackBuckets?: number;
  /** `net.netfilter.nf_conntrack_max`, 131072 to 2097152. */
  readonly netNetfilterNfConntrackMax?: number;
  /** `vm.max_map_count`, 65530 to 262144. */
  readonly vmMaxMapCount?: number;
  /** `vm.swappiness`, 0 to 100. */
  readonly vmSwappiness?: number;
  /** `vm.vfs_cache_pressure`, 0 to 100. */
  readonly vmVfsCachePressure?: number;
  /** `net.ipv4.tcp_tw_reuse`. @default false (azurerm sends false whenever the block is given) */
  readonly netIpv4TcpTwReuse?: boolean;
}

/**
 * `[min, max, line]`: `validation.IntBetween(min, max)` of each setting, at the line of kubernetes_nodepool.go@v4.55.0
 * where the attribute starts (line + 2 at v4.73.0).
 */
const SYSCTL_RANGES: Readonly<Record<Exclude<keyof NodePoolSysctlConfig, "netIpv4TcpTwReuse">, readonly [number, number, number]>> = {
  fsAioMaxNr: [65536, 6553500, 440],
  fsFileMax: [8192, 12000500, 446],
  fsInotifyMaxUserWatches: [781250, 2097152, 452],
  fsNrOpen: [8192, 20000500, 458],
  kernelThreadsMax: [20, 513785, 464],
  netCoreNetdevMaxBacklog: [1000, 3240000, 470],
  netCoreOptmemMax: [20480, 4194304, 476],
  netCoreRmemDefault: [212992, 134217728, 482],
  netCoreRmemMax: [212992, 134217728, 488],
  netCoreSomaxconn: [4096, 3240000, 494],
  netCoreWmemDefault: [212992, 134217728, 500],
  netCoreWmemMax: [212992, 134217728, 506],
  netIpv4IpLocalPortRangeMin: [1024, 60999, 512],
  netIpv4IpLocalPortRangeMax: [32768, 65535, 518],
  netIpv4NeighDefaultGcThresh1: [128, 80000, 524],
  netIpv4NeighDefaultGcThresh2: [512, 90000, 530],
  netIpv4NeighDefaultGcThresh3: [1024, 100000, 536],
  netIpv4TcpFinTimeout: [5, 120, 542],
  netIpv4TcpKeepaliveIntvl: [10, 90, 548],
  netIpv4TcpKeepaliveProbes: [1, 15, 554],
  netIpv4TcpKeepaliveTime: [30, 432000, 560],
  netIpv4TcpMaxSynBacklog: [128, 3240000, 566],
  netIpv4TcpMaxTwBuckets: [8000, 1440000, 572],
  netNetfilterNfConntrackBuckets: [65536, 524288, 583],
  netNetfilterNfConntrackMax: [131072, 2097152, 589],
  vmMaxMapCount: [65530, 262144, 595],
  vmSwappiness: [0, 100, 601],
  vmVfsCachePressure: [0, 100, 607],
};

/** The sysctl settings by prop name, in the provider's order, then the one boolean. */
export const SYSCTL_KEYS: readonly (keyof NodePoolSysctlConfig)[] = [
  ...(Object.keys(SYSCTL_RANGES) as (keyof NodePoolSysctlConfig)[]),
  "netIpv4TcpTwReuse",
];

/**
 * Checks `linuxOsConfig.sysctlConfig`: each setting in its IntBetween range, and the local port range as azurerm's
 * expand requires it (both or neither, min no larger than max; kubernetes_cluster_node_pool_resource.go:1514-1521
 * @v4.55.0, :1572-1579@v4.73.0, errors it otherwise raises only at apply).
 */
export function validateSysctlConfig(c: PropChecks, given: NodePoolSysctlConfig | undefined): void {
  const prop = "linuxOsConfig.sysctlConfig";
  if (given === undefined || (Token.isUnresolved(given) && !c.literal(prop, given))) return;
  if (!c.record(prop, given, "an object of sysctl settings, e.g. { netCoreSomaxconn: 16384, vmMaxMapCount: 262144 }")) return;
  const unknown = Object.keys(given).filter((k) => !(SYSCTL_KEYS as readonly string[]).includes(k));
  for (const k of unknown)
    c.fail(`${prop}.${k}`, given[k as keyof NodePoolSysctlConfig], `one of the sysctlConfig settings: ${SYSCTL_KEYS.join(", ")}`);
  c.check(
    unknown.length > 0 || SYSCTL_KEYS.some((k) => given[k] !== undefined), // an unknown name is its own message
    prop,
    given,
    "at least one setting (leave sysctlConfig unset to keep AKS's sysctl defaults)",
  );
  const ok: Record<string, boolean> = {};
  for (const [key, [min, max]] of Object.entries(SYSCTL_RANGES)) {
    const value = given[key as keyof typeof SYSCTL_RANGES];
    if (value === undefined || !c.literal(`${prop}.${key}`, value)) continue;
    // vm_swappiness and vm_vfs_cache_pressure allow 0, but expand sends only non-zero values (:1558-1563@v4.55.0).
    const lowest = Math.max(min, 1);
    ok[key] = Number.isInteger(value) && value >= lowest && value <= max;
    const zeroNote =
      min === 0 ? ` (azurerm allows 0, but 0 is never sent: its expand drops zero values, so AKS would keep its default)` : "";
    c.check(ok[key], `${prop}.${key}`, value, `a whole number from ${lowest} to ${max}${zeroNote}`);
  }
  if (given.netIpv4TcpTwReuse !== undefined)
    c.check(typeof given.netIpv4TcpTwReuse === "boolean", `${prop}.netIpv4TcpTwReuse`, given.netIpv4TcpTwReuse, "true or false");
  const min = given.netIpv4IpLocalPortRangeMin;
  const max = given.netIpv4IpLocalPortRangeMax;
  if ((min === undefined) !== (max === undefined))
    c.fail(
      `${prop}.${min === undefined ? "netIpv4IpLocalPortRangeMin" : "netIpv4IpLocalPortRangeMax"}`,
      undefined,
      "set together with the other end of the range: azurerm sends net.ipv4.ip_local_port_range as one value and refuses one end alone",
    );
  else if (ok.netIpv4IpLocalPortRangeMin && ok.netIpv4IpLocalPortRangeMax && min! > max!)
    c.fail(`${prop}.netIpv4IpLocalPortRangeMin`, min, `at most netIpv4IpLocalPortRangeMax (${max})`);
}

/** The `sysctl_config` block to write: the given settings only, or nothing. */
export function sysctlConfigToWrite(
  given: NodePoolSysctlConfig | undefined,
): KubernetesClusterNodePoolLinuxOsConfigSysctlConfig | undefined {
  if (!given || typeof given !== "object") return undefined;
  const out: Record<string, unknown> = {};
  for (const k of SYSCTL_KEYS) if (given[k] !== undefined) out[k] = given[k];
  return out as KubernetesClusterNodePoolLinuxOsConfigSysctlConfig;
}
