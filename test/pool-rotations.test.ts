/**
 * Issue #13 item 6 (in part): the synth says which pools the next apply rotates (an in-place change AKS carries out
 * through temporary_name_for_rotation; the rotating attributes are in lib/azure/replacement-rules.ts).
 */
import { GuardedNodePool, GuardedNodePoolProps, InfrastructureStack, NodePoolCluster } from "../lib";
import { checkPoolRotations } from "../lib/checks/pool-rotations";
import { GitOpsFile } from "../lib/core/gitops-file";
import { OwnershipRecord } from "../lib/synth/ownership";
import { renderFile } from "../lib/synth/render";
import { CLUSTER_ID, cleanupTempDirs, newApp, SUBSCRIPTION, workspace } from "./helpers";

afterAll(cleanupTempDirs);

const POOL = "azurerm_kubernetes_cluster_node_pool";
const VNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet";

function stack(pools: Record<string, unknown>): GitOpsFile {
  return {
    path: "infrastructure/prod/main.tf.json",
    source: "app/prod",
    content: { format: "json", value: { resource: { [POOL]: pools } } },
  };
}
function pool(extra: Record<string, unknown> = {}) {
  return {
    name: "core",
    vm_size: "Standard_D2s_v3",
    os_type: "Linux",
    priority: "Regular",
    temporary_name_for_rotation: "coretmp",
    ...extra,
  };
}
function notices(before: GitOpsFile, after: GitOpsFile): string[] {
  const old = renderFile(before);
  const record: OwnershipRecord = { generator: "cdktf-aks-gitops", files: { [old.path]: old.sha256 } };
  const sink: string[] = [];
  const problems = checkPoolRotations(
    [renderFile(after)],
    { record, read: (p) => (p === old.path ? old.bytes : undefined) },
    {
      acknowledged: new Set(),
      notices: sink,
    },
  );
  expect(problems).toEqual([]); // a rotation is said, never refused
  return sink;
}

describe("rotation notices", () => {
  test("a vmSize change: one line naming the pool, the change and the temporary pool", () => {
    expect(notices(stack({ a: pool() }), stack({ a: pool({ vm_size: "Standard_D4s_v3" }) }))).toEqual([
      `[app/prod] ${POOL}.a in infrastructure/prod (pool "core") will be rotated because vm_size: "Standard_D2s_v3" → "Standard_D4s_v3": ` +
        `AKS creates the temporary pool "coretmp", deletes "core" and creates it again with the new settings, then ` +
        `deletes "coretmp"; every node is drained and recreated`,
    ]);
  });

  test.each([
    ["max_pods", {}, { max_pods: 60 }],
    ["zones", { zones: ["1"] }, { zones: ["1", "2"] }],
    ["os_disk_type", {}, { os_disk_type: "Ephemeral" }],
    ["os_disk_size_gb", { os_disk_size_gb: 128 }, { os_disk_size_gb: 256 }],
    // issue #18's props (cycleNodePoolProperties, kubernetes_cluster_node_pool_resource.go:960-975@v4.55.0)
    ["vnet_subnet_id", {}, { vnet_subnet_id: `${VNET}/subnets/nodes` }],
    ["vnet_subnet_id", { vnet_subnet_id: `${VNET}/subnets/nodes` }, { vnet_subnet_id: `${VNET}/subnets/nodes2` }],
    [
      "pod_subnet_id",
      { vnet_subnet_id: `${VNET}/subnets/nodes` },
      { vnet_subnet_id: `${VNET}/subnets/nodes`, pod_subnet_id: `${VNET}/subnets/pods` },
    ],
    ["host_encryption_enabled", {}, { host_encryption_enabled: true }],
    ["fips_enabled", { fips_enabled: false }, { fips_enabled: true }],
    ["node_public_ip_enabled", {}, { node_public_ip_enabled: true }],
  ])("a change of %s rotates", (attr, before, after) => {
    expect(notices(stack({ a: pool(before) }), stack({ a: pool(after) }))).toEqual([expect.stringContaining(`because ${attr}: `)]);
  });

  test("no line for in-place changes that do not rotate, defaults written out, Computed values left out, or a zone reorder", () => {
    const before = stack({ a: pool({ zones: ["1", "2"], max_pods: 60 }) });
    const after = stack({ a: pool({ zones: ["2", "1"], min_count: 4, node_labels: { a: "b" }, os_disk_type: "Managed" }) });
    expect(notices(before, after)).toEqual([]);
    // issue #18: false written where nothing was (the default), and scale_down_mode (updated in place, not cycled)
    const defaults = { host_encryption_enabled: false, fips_enabled: false, node_public_ip_enabled: false, scale_down_mode: "Deallocate" };
    expect(notices(stack({ a: pool() }), stack({ a: pool(defaults) }))).toEqual([]);
  });

  test("a pool that is replaced (state safety's to refuse) or new is not listed as rotated", () => {
    expect(notices(stack({ a: pool() }), stack({ a: pool({ name: "core2", vm_size: "Standard_D4s_v3" }) }))).toEqual([]);
    expect(notices(stack({ a: pool() }), stack({ a: pool(), b: pool({ name: "other" }) }))).toEqual([]);
  });
});

describe("the synth prints the line", () => {
  function synth(ws: ReturnType<typeof workspace>, props: Partial<GuardedNodePoolProps>): string[] {
    const lines: string[] = [];
    const app = newApp(ws, { log: (l) => lines.push(l) });
    const s = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
    new GuardedNodePool(s, "pool", {
      cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
      name: "apps",
      vmSize: "Standard_D4s_v5",
      minCount: 3,
      maxCount: 6,
      ...props,
    });
    app.synth();
    return lines;
  }

  test("GIVEN a committed pool WHEN its vmSize changes THEN the synth writes it and prints one rotation line; unchanged, none", () => {
    const ws = workspace();
    expect(synth(ws, {}).filter((l) => l.includes("rotated"))).toEqual([]);
    const lines = synth(ws, { vmSize: "Standard_D8s_v5" });
    expect(lines.filter((l) => l.includes("rotated"))).toEqual([
      expect.stringMatching(
        /^gitops: \[infra\] azurerm_kubernetes_cluster_node_pool\.pool_.* \(pool "apps"\) will be rotated because vm_size: "Standard_D4s_v5" → "Standard_D8s_v5": AKS creates the temporary pool "appstmp"/,
      ),
    ]);
    expect(synth(ws, { vmSize: "Standard_D8s_v5" }).filter((l) => l.includes("rotated"))).toEqual([]);
  });
});
