/**
 * When a written `kubelet_config` or `linux_os_config` differs from the committed one, is it a change to Terraform?
 * Neither block is ForceNew at 4.55.0 or 4.73.0 (no ForceNew in kubernetes_nodepool.go:288-615@v4.55.0 or
 * :289-617@v4.73.0, none of the resource's CustomizeDiffs names them: kubernetes_cluster_node_pool_resource.go:68-91
 * @v4.55.0, :68-118@v4.73.0); Update sends them (:786-805@v4.55.0, :834-853@v4.73.0) and both are in
 * `cycleNodePoolProperties` (:963, :965@v4.55.0; :1011, :1013@v4.73.0): a change rotates the pool through
 * `temporary_name_for_rotation`. Both blocks are Optional, not Computed: adding or removing one is a change.
 *
 * Inside a block, a difference in the written JSON is no change where Terraform sees the same value:
 * - an unset Optional setting is its zero value (expand drops zeros), `cpu_cfs_quota_enabled` unset is its Default
 *   true, `net_ipv4_tcp_tw_reuse` unset is false;
 * - `allowed_unsafe_sysctls` is a set (order and repeats are no change);
 * - an Optional+Computed setting left out keeps the value in state: `transparent_huge_page` and
 *   `transparent_huge_page_enabled` at both versions (one value to AKS: Read sets both), `container_log_max_line`
 *   and `container_log_max_files` at 4.73 only (O+C from 4.71; at 4.55 `container_log_max_line` is plain Optional).
 */

/** The azurerm versions recorded (structural: replacement-rules.ts imports this module, not the other way round). */
type Version = "4.55.0" | "4.73.0";

/** How one setting compares: its zero value when unset, a set, or Optional+Computed (unset keeps the state value). */
type Setting = { readonly zero: unknown } | "set" | "computed";

type Block = Readonly<Record<string, unknown>>;
type Differs = (before: unknown, after: unknown) => boolean;

const KUBELET_4_55: Readonly<Record<string, Setting>> = {
  cpu_manager_policy: { zero: "" },
  cpu_cfs_quota_enabled: { zero: true }, // Default true (kubernetes_nodepool.go:304-308@v4.55.0)
  cpu_cfs_quota_period: { zero: "" },
  image_gc_high_threshold: { zero: 0 },
  image_gc_low_threshold: { zero: 0 },
  topology_manager_policy: { zero: "" },
  allowed_unsafe_sysctls: "set", // TypeSet (:338-344)
  container_log_max_size_mb: { zero: 0 },
  container_log_max_line: { zero: 0 }, // Optional, not Computed (:352-356)
  pod_max_pid: { zero: 0 },
};

const KUBELET_4_73: Readonly<Record<string, Setting>> = {
  ...KUBELET_4_55,
  // Optional+Computed aliases of one API field (kubernetes_cluster_node_pool_resource.go:145-160@v4.73.0).
  container_log_max_line: "computed",
  container_log_max_files: "computed",
};

const LINUX_OS: Readonly<Record<string, Setting>> = {
  // Optional+Computed aliases of one API field at both versions (:95-118@v4.55.0, :121-143@v4.73.0).
  transparent_huge_page: "computed",
  transparent_huge_page_enabled: "computed",
  transparent_huge_page_defrag: { zero: "" },
  swap_file_size_mb: { zero: 0 },
};

/** The sysctl_config settings: all Optional integers with zero dropped by expand, and one bool (:433-615@v4.55.0). */
function sysctlSetting(name: string): Setting {
  return { zero: name === "net_ipv4_tcp_tw_reuse" ? false : 0 };
}

/** Aliases Read sets to one value: setting either to the value the other had is no change. */
const ALIASES: Readonly<Record<string, string>> = {
  transparent_huge_page: "transparent_huge_page_enabled",
  transparent_huge_page_enabled: "transparent_huge_page",
  container_log_max_line: "container_log_max_files",
  container_log_max_files: "container_log_max_line",
};

/** A MaxItems 1 block as written: cdktf writes an object, Terraform JSON also allows a one-element list. */
function blockOf(v: unknown): Block | undefined {
  const b = Array.isArray(v) ? v[0] : v;
  return b && typeof b === "object" ? (b as Block) : undefined;
}

function sortedSet(v: unknown): string {
  return JSON.stringify(Array.isArray(v) ? [...new Set(v.map((x) => JSON.stringify(x)))].sort() : []);
}

/** True when the settings of two present blocks differ to Terraform. */
function settingsDiffer(
  a: Block,
  b: Block,
  settings: (name: string) => Setting | undefined,
  nested: Readonly<Record<string, Differs>>,
): boolean {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return names.some((name) => {
    if (JSON.stringify(a[name]) === JSON.stringify(b[name])) return false;
    if (name in nested) return nested[name](a[name], b[name]);
    const setting = settings(name) ?? { zero: undefined };
    if (setting === "set") return sortedSet(a[name]) !== sortedSet(b[name]);
    if (setting === "computed") {
      if (b[name] === undefined) return false; // left out: the state value stays
      const alias = ALIASES[name];
      const old = a[name] ?? (alias ? a[alias] : undefined);
      return JSON.stringify(old) !== JSON.stringify(b[name]);
    }
    return JSON.stringify(a[name] ?? setting.zero) !== JSON.stringify(b[name] ?? setting.zero);
  });
}

/** Whether a block changed: added or removed (Optional, not Computed), or a setting changed. */
function blockDiffers(
  a: unknown,
  b: unknown,
  settings: (name: string) => Setting | undefined,
  nested: Readonly<Record<string, Differs>> = {},
): boolean {
  const before = blockOf(a);
  const after = blockOf(b);
  if (!before || !after) return !!before !== !!after;
  return settingsDiffer(before, after, settings, nested);
}

/** The rotation rules of the two blocks at an azurerm version: `(before, after) => is this a change`. */
export function nodePoolConfigRotationRules(version: Version): Readonly<Record<string, Differs>> {
  const kubelet = version === "4.73.0" ? KUBELET_4_73 : KUBELET_4_55;
  const sysctl: Differs = (x, y) => blockDiffers(x, y, sysctlSetting);
  return {
    kubelet_config: (a, b) => blockDiffers(a, b, (n) => kubelet[n]),
    linux_os_config: (a, b) => blockDiffers(a, b, (n) => LINUX_OS[n], { sysctl_config: sysctl }),
  };
}
