/**
 * Issue #18: a GuardedNodePool's kubeletConfig and linuxOsConfig (azurerm's kubelet_config and linux_os_config):
 * what is written, what is refused (the provider's ValidateFuncs and the errors it raises only at apply), and what a
 * change does (a rotation, never a replacement, compared setting by setting per azurerm version).
 */
import { Lazy, Token } from "cdktf";
import {
  CpuManagerPolicy,
  GuardedNodePool,
  GuardedNodePoolProps,
  InfrastructureStack,
  NodePoolCluster,
  NodePoolOsType,
  TopologyManagerPolicy,
  TransparentHugePage,
  TransparentHugePageDefrag,
} from "../lib";
import { nodePoolRotationRulesFor, REPLACEMENT_RULES } from "../lib/azure/replacement-rules";
import { checkPoolRotations } from "../lib/checks/pool-rotations";
import { checkStateSafety } from "../lib/checks/state-safety";
import { GitOpsFile } from "../lib/core/gitops-file";
import { OwnershipRecord } from "../lib/synth/ownership";
import { renderFile } from "../lib/synth/render";
import { CLUSTER_ID, cleanupTempDirs, newApp, poolResource, readStackJson, re, refusedProblems, SUBSCRIPTION, workspace } from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const STACK = "infra";
const base = { name: "apps", vmSize: "Standard_D4s_v5", minCount: 3, maxCount: 6 } as const;
type PoolProps = Partial<Omit<GuardedNodePoolProps, "cluster">>;

function addPool(stack: InfrastructureStack, props: PoolProps): GuardedNodePool {
  return new GuardedNodePool(stack, "pool", { cluster: NodePoolCluster.fromClusterId(CLUSTER_ID), ...base, ...props });
}
function synthPool(props: PoolProps = {}): Parsed {
  const ws = workspace();
  const app = newApp(ws);
  addPool(new InfrastructureStack(app, STACK, { subscriptionId: SUBSCRIPTION }), props);
  app.synth();
  return poolResource(readStackJson(ws.repo, STACK), props.name ?? base.name);
}
function problemsOf(props: PoolProps): readonly string[] {
  return refusedProblems((app) => void addPool(new InfrastructureStack(app, STACK, { subscriptionId: SUBSCRIPTION }), props));
}
/** Exactly one problem, on `prop`, whose allowed text starts with `allowed`. */
function refusedOnce(props: PoolProps, prop: string, shown: string, allowed: string): void {
  expect(problemsOf(props)).toEqual([
    expect.stringMatching(new RegExp(`^\\[${STACK}/pool\\] ${re(prop)} = ${re(shown)}: allowed is ${re(allowed)}`)),
  ]);
}

describe("written", () => {
  test("no block given: neither kubelet_config nor linux_os_config is written (nothing for AKS to fill in)", () => {
    const pool = synthPool();
    expect(pool).not.toHaveProperty("kubelet_config");
    expect(pool).not.toHaveProperty("linux_os_config");
  });

  test("kubeletConfig: the given settings only, under the binding's names; the log-file count as container_log_max_line", () => {
    const pool = synthPool({
      kubeletConfig: {
        cpuManagerPolicy: CpuManagerPolicy.STATIC,
        topologyManagerPolicy: TopologyManagerPolicy.BEST_EFFORT,
        imageGcHighThreshold: 90,
        imageGcLowThreshold: 70,
        allowedUnsafeSysctls: ["kernel.msg*", "net.core.somaxconn"],
        containerLogMaxFiles: 10,
      },
    });
    expect(pool.kubelet_config).toEqual({
      cpu_manager_policy: "static",
      topology_manager_policy: "best-effort",
      image_gc_high_threshold: 90,
      image_gc_low_threshold: 70,
      allowed_unsafe_sysctls: ["kernel.msg*", "net.core.somaxconn"],
      container_log_max_line: 10,
    });
    // cpu_cfs_quota_enabled is left to its schema Default (true); the renamed attribute is never written
    expect(pool.kubelet_config).not.toHaveProperty("cpu_cfs_quota_enabled");
    expect(pool.kubelet_config).not.toHaveProperty("container_log_max_files");
  });

  test("linuxOsConfig: THP as transparent_huge_page_enabled, sysctl_config nested, omitted settings left out", () => {
    const pool = synthPool({
      kubeletConfig: { cpuCfsQuotaEnabled: false },
      linuxOsConfig: {
        transparentHugePage: TransparentHugePage.MADVISE,
        transparentHugePageDefrag: TransparentHugePageDefrag.DEFER_MADVISE,
        swapFileSizeMb: 1024,
        sysctlConfig: {
          netCoreSomaxconn: 16384,
          netIpv4IpLocalPortRangeMin: 32768,
          netIpv4IpLocalPortRangeMax: 60999,
          netIpv4TcpTwReuse: true,
        },
      },
    });
    expect(pool.kubelet_config).toEqual({ cpu_cfs_quota_enabled: false });
    expect(pool.linux_os_config).toEqual({
      transparent_huge_page_enabled: "madvise",
      transparent_huge_page_defrag: "defer+madvise",
      swap_file_size_mb: 1024,
      sysctl_config: {
        net_core_somaxconn: 16384,
        net_ipv4_ip_local_port_range_min: 32768,
        net_ipv4_ip_local_port_range_max: 60999,
        net_ipv4_tcp_tw_reuse: true,
      },
    });
    expect(pool.linux_os_config).not.toHaveProperty("transparent_huge_page");
  });

  test("the range ends azurerm allows are accepted (every sysctl at its lowest and highest, thresholds 1 and 100)", () => {
    const lowest = { fsAioMaxNr: 65536, kernelThreadsMax: 20, netIpv4TcpKeepaliveProbes: 1, vmMaxMapCount: 65530, vmSwappiness: 1 };
    const highest = {
      fsAioMaxNr: 6553500,
      kernelThreadsMax: 513785,
      netIpv4TcpKeepaliveProbes: 15,
      vmMaxMapCount: 262144,
      vmSwappiness: 100,
    };
    for (const sysctlConfig of [lowest, highest])
      expect(synthPool({ linuxOsConfig: { sysctlConfig } }).linux_os_config).toHaveProperty("sysctl_config");
    expect(synthPool({ kubeletConfig: { imageGcHighThreshold: 100, imageGcLowThreshold: 1, podMaxPid: -1 } }).kubelet_config).toEqual({
      image_gc_high_threshold: 100,
      image_gc_low_threshold: 1,
      pod_max_pid: -1,
    });
  });
});

describe("refused, naming the prop, the value and what is allowed", () => {
  test.each([
    [{ imageGcHighThreshold: 101 }, "kubeletConfig.imageGcHighThreshold", "101", "a whole number from 1 to 100"],
    [
      { imageGcHighThreshold: 0 },
      "kubeletConfig.imageGcHighThreshold",
      "0",
      "a whole number from 1 to 100 (azurerm allows 0 to 100, but 0 is never sent",
    ],
    [
      { imageGcHighThreshold: 80, imageGcLowThreshold: 80 },
      "kubeletConfig.imageGcLowThreshold",
      "80",
      "a percentage below imageGcHighThreshold (80)",
    ],
    [{ cpuManagerPolicy: "Static" as CpuManagerPolicy }, "kubeletConfig.cpuManagerPolicy", '"Static"', 'one of "none", "static"'],
    [
      { topologyManagerPolicy: "best_effort" as TopologyManagerPolicy },
      "kubeletConfig.topologyManagerPolicy",
      '"best_effort"',
      'one of "none", "best-effort"',
    ],
    [{ containerLogMaxFiles: 1 }, "kubeletConfig.containerLogMaxFiles", "1", "a whole number from 2 to"],
    [{ podMaxPid: 0 }, "kubeletConfig.podMaxPid", "0", "-1 (no limit) or a whole number from 1 to"],
    [{ cpuCfsQuotaPeriod: "100" }, "kubeletConfig.cpuCfsQuotaPeriod", '"100"', 'a duration such as "100ms"'],
    [
      { allowedUnsafeSysctls: ["net.core.somaxconn", "net.core.somaxconn"] },
      "kubeletConfig.allowedUnsafeSysctls",
      '["net.core.somaxconn","net.core.somaxconn"]',
      "each sysctl once",
    ],
    [{ allowedUnsafeSysctls: ["net core"] }, "kubeletConfig.allowedUnsafeSysctls[0]", '"net core"', "a sysctl name"],
    [{}, "kubeletConfig", "{}", "at least one setting"],
    [{ imageGcHighTreshold: 90 } as object, "kubeletConfig.imageGcHighTreshold", "90", "one of the kubeletConfig settings"],
  ])("kubeletConfig %j", (kubeletConfig, prop, shown, allowed) => {
    refusedOnce({ kubeletConfig }, prop, shown, allowed);
  });

  test.each([
    [
      { transparentHugePage: "enabled" as TransparentHugePage },
      "linuxOsConfig.transparentHugePage",
      '"enabled"',
      'one of "always", "madvise", "never"',
    ],
    [
      { transparentHugePageDefrag: "defer-madvise" as TransparentHugePageDefrag },
      "linuxOsConfig.transparentHugePageDefrag",
      '"defer-madvise"',
      'one of "always", "defer", "defer+madvise"',
    ],
    [
      { sysctlConfig: { netCoreSomaxconn: 1024 } },
      "linuxOsConfig.sysctlConfig.netCoreSomaxconn",
      "1024",
      "a whole number from 4096 to 3240000",
    ],
    [
      { sysctlConfig: { vmSwappiness: 0 } },
      "linuxOsConfig.sysctlConfig.vmSwappiness",
      "0",
      "a whole number from 1 to 100 (azurerm allows 0",
    ],
    [
      { sysctlConfig: { netIpv4TcpFinTimeout: 5.5 } },
      "linuxOsConfig.sysctlConfig.netIpv4TcpFinTimeout",
      "5.5",
      "a whole number from 5 to 120",
    ],
    [
      { sysctlConfig: { netIpv4IpLocalPortRangeMin: 32768 } },
      "linuxOsConfig.sysctlConfig.netIpv4IpLocalPortRangeMax",
      "(unset)",
      "set together with the other end",
    ],
    [
      { sysctlConfig: { netIpv4IpLocalPortRangeMin: 40000, netIpv4IpLocalPortRangeMax: 33000 } },
      "linuxOsConfig.sysctlConfig.netIpv4IpLocalPortRangeMin",
      "40000",
      "at most netIpv4IpLocalPortRangeMax (33000)",
    ],
    [{ sysctlConfig: {} }, "linuxOsConfig.sysctlConfig", "{}", "at least one setting"],
    [{ swapFileSizeMb: 1024 }, "linuxOsConfig.swapFileSizeMb", "1024", "a swap file on a pool with kubeletConfig"],
  ])("linuxOsConfig %j", (linuxOsConfig, prop, shown, allowed) => {
    refusedOnce({ linuxOsConfig }, prop, shown, allowed);
  });

  test("linuxOsConfig on a Windows pool (azurerm refuses it only at apply)", () => {
    refusedOnce(
      { name: "win1", osType: NodePoolOsType.WINDOWS, linuxOsConfig: { transparentHugePage: TransparentHugePage.NEVER } },
      "linuxOsConfig",
      '{"transparentHugePage":"never"}',
      "unset on a Windows pool",
    );
  });

  test("JavaScript callers: wrong-typed blocks and settings are reported, not a TypeError; a token is refused", () => {
    const problems = problemsOf({
      kubeletConfig: { allowedUnsafeSysctls: "net.*" as never, cpuCfsQuotaEnabled: "yes" as never },
      linuxOsConfig: { sysctlConfig: [] as never, swapFileSizeMb: Token.asNumber(Lazy.numberValue({ produce: () => 1 })) },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^\[infra\/pool\] kubeletConfig\.cpuCfsQuotaEnabled = "yes": allowed is true or false$/),
      expect.stringMatching(/^\[infra\/pool\] kubeletConfig\.allowedUnsafeSysctls = "net\.\*": allowed is an array of sysctl names/),
      expect.stringMatching(/^\[infra\/pool\] linuxOsConfig\.swapFileSizeMb = <unresolved token>: allowed is a literal value/),
      expect.stringMatching(/^\[infra\/pool\] linuxOsConfig\.sysctlConfig = \[\]: allowed is an object of sysctl settings/),
    ]);
    expect(problemsOf({ kubeletConfig: 5 as never, linuxOsConfig: null as never })).toEqual([
      expect.stringMatching(/^\[infra\/pool\] kubeletConfig = 5: allowed is an object \{ cpuManagerPolicy\?, /),
      expect.stringMatching(/^\[infra\/pool\] linuxOsConfig = null: allowed is an object \{ sysctlConfig\?, /),
    ]);
  });

  test("every problem at once, and nothing written", () => {
    const problems = problemsOf({
      kubeletConfig: { imageGcHighThreshold: 101, containerLogMaxFiles: 1 },
      linuxOsConfig: { sysctlConfig: { fsFileMax: 1, vmMaxMapCount: 1 } },
    });
    expect(problems.map((p) => /\] (\S+) =/.exec(p)?.[1])).toEqual([
      "kubeletConfig.imageGcHighThreshold",
      "kubeletConfig.containerLogMaxFiles",
      "linuxOsConfig.sysctlConfig.fsFileMax",
      "linuxOsConfig.sysctlConfig.vmMaxMapCount",
    ]);
  });
});

// ------------------------------------------------------------------------------------------- what a change does

const POOL = "azurerm_kubernetes_cluster_node_pool";
type Version = keyof typeof REPLACEMENT_RULES;

function stack(body: Record<string, unknown>, version: Version): GitOpsFile {
  const pool = { name: "core", vm_size: "Standard_D2s_v3", temporary_name_for_rotation: "coretmp", ...body };
  return {
    path: "infrastructure/prod/main.tf.json",
    source: "app/prod",
    content: {
      format: "json",
      value: {
        terraform: { required_providers: { azurerm: { source: "hashicorp/azurerm", version } } },
        resource: { [POOL]: { a: pool } },
      },
    },
  };
}
function record(before: GitOpsFile) {
  const old = renderFile(before);
  const owned: OwnershipRecord = { generator: "cdktf-aks-gitops", files: { [old.path]: old.sha256 } };
  return { record: owned, read: (p: string) => (p === old.path ? old.bytes : undefined) };
}
/** The rotation notices and the state-safety problems of going from `a` to `b` at a version. */
function change(a: Record<string, unknown>, b: Record<string, unknown>, version: Version) {
  const before = stack(a, version);
  const after = stack(b, version);
  const notices: string[] = [];
  checkPoolRotations([renderFile(after)], record(before), { acknowledged: new Set(), notices });
  const problems = checkStateSafety([renderFile(after)], record(before), { acknowledged: new Set() });
  return { notices, problems };
}
const rotates = (version: Version, a: Record<string, unknown>, b: Record<string, unknown>, attr: string) => {
  const { notices, problems } = change(a, b, version);
  expect(problems).toEqual([]); // never a replacement
  expect(notices).toEqual([expect.stringMatching(new RegExp(`will be rotated because ${attr}: `))]);
};
const nothing = (version: Version, a: Record<string, unknown>, b: Record<string, unknown>) =>
  expect(change(a, b, version)).toEqual({ notices: [], problems: [] });

const VERSIONS = Object.keys(REPLACEMENT_RULES) as Version[];

describe.each(VERSIONS)("azurerm %s: kubelet_config and linux_os_config rotate the pool, never replace it", (version) => {
  test("neither block is in the replacement rules", () => {
    expect(REPLACEMENT_RULES[version][POOL]).not.toHaveProperty("kubelet_config");
    expect(REPLACEMENT_RULES[version][POOL]).not.toHaveProperty("linux_os_config");
  });

  test("adding, changing or removing kubelet_config rotates", () => {
    rotates(version, {}, { kubelet_config: { cpu_manager_policy: "static" } }, "kubelet_config");
    rotates(version, { kubelet_config: { pod_max_pid: 100 } }, { kubelet_config: { pod_max_pid: 200 } }, "kubelet_config");
    rotates(version, { kubelet_config: { pod_max_pid: 100 } }, {}, "kubelet_config");
    rotates(
      version,
      { kubelet_config: { pod_max_pid: 100 } },
      { kubelet_config: { pod_max_pid: 100, image_gc_high_threshold: 90 } },
      "kubelet_config",
    );
  });

  test("kubelet_config: the Default written or left out, a set in another order, list or object form: no change", () => {
    nothing(version, { kubelet_config: { pod_max_pid: 1 } }, { kubelet_config: { pod_max_pid: 1, cpu_cfs_quota_enabled: true } });
    nothing(
      version,
      { kubelet_config: { allowed_unsafe_sysctls: ["a.b", "c.*"] } },
      { kubelet_config: { allowed_unsafe_sysctls: ["c.*", "a.b"] } },
    );
    nothing(version, { kubelet_config: [{ pod_max_pid: 1 }] }, { kubelet_config: { pod_max_pid: 1 } });
    rotates(
      version,
      { kubelet_config: { pod_max_pid: 1 } },
      { kubelet_config: { pod_max_pid: 1, cpu_cfs_quota_enabled: false } },
      "kubelet_config",
    );
  });

  test("adding, changing or removing linux_os_config or its sysctl_config rotates", () => {
    rotates(version, {}, { linux_os_config: { swap_file_size_mb: 1024 } }, "linux_os_config");
    rotates(version, { linux_os_config: { swap_file_size_mb: 1024 } }, {}, "linux_os_config");
    const sysctl = (s: Record<string, unknown> | undefined) => ({
      linux_os_config: { swap_file_size_mb: 1, ...(s ? { sysctl_config: s } : {}) },
    });
    rotates(version, sysctl({ vm_max_map_count: 65530 }), sysctl({ vm_max_map_count: 262144 }), "linux_os_config");
    rotates(version, sysctl(undefined), sysctl({ vm_max_map_count: 65530 }), "linux_os_config");
    rotates(version, sysctl({ vm_max_map_count: 65530 }), sysctl(undefined), "linux_os_config");
    nothing(version, sysctl({ vm_max_map_count: 65530 }), sysctl({ vm_max_map_count: 65530, net_ipv4_tcp_tw_reuse: false }));
  });

  test("transparent huge pages (Optional+Computed aliases at both versions): left out or moved between the names is no change", () => {
    const thp = (attrs: Record<string, unknown>) => ({ linux_os_config: { swap_file_size_mb: 1, ...attrs } });
    nothing(version, thp({ transparent_huge_page_enabled: "always" }), thp({}));
    nothing(version, thp({ transparent_huge_page: "always" }), thp({ transparent_huge_page_enabled: "always" }));
    rotates(version, thp({ transparent_huge_page_enabled: "always" }), thp({ transparent_huge_page_enabled: "never" }), "linux_os_config");
    rotates(version, thp({}), thp({ transparent_huge_page_enabled: "never" }), "linux_os_config");
  });
});

test("container_log_max_line left out: a change at 4.55 (Optional), none at 4.73 (Optional+Computed alias from 4.71)", () => {
  const before = { kubelet_config: { pod_max_pid: 1, container_log_max_line: 5 } };
  const after = { kubelet_config: { pod_max_pid: 1 } };
  rotates("4.55.0", before, after, "kubelet_config");
  nothing("4.73.0", before, after);
  // at 4.73 the old name written where the new one was (the same value) is no change either
  nothing("4.73.0", { kubelet_config: { container_log_max_files: 5 } }, { kubelet_config: { container_log_max_line: 5 } });
  expect(() => nodePoolRotationRulesFor("4.60.0")).toThrow(/No replacement rules recorded for azurerm 4\.60\.0/);
});
