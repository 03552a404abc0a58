/**
 * Issue #18: a GuardedNodePool's networking, host and GPU settings: what reaches main.tf.json, the subnets a pool
 * exposes for the runner's subnet-join grant, and what a pool that uses none of them keeps (its bytes). The refusals
 * are rows of test/bad-input-matrix.ts; the replacement and rotation rules are in test/replacement-rules.test.ts.
 */
import { TerraformVariable } from "cdktf";
import {
  GpuDriver,
  GpuInstanceProfile,
  GuardedNodePool,
  GuardedNodePoolProps,
  InfrastructureStack,
  NodePoolCluster,
  ScaleDownMode,
} from "../lib";
import { GPU_DRIVERS, GPU_INSTANCE_PROFILES, SCALE_DOWN_MODES } from "../lib/azure/node-pool-host-settings";
import { CLUSTER_ID, cleanupTempDirs, newApp, poolResource, readStackJson, SUBSCRIPTION, workspace } from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const VNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const NODES = `${VNET}/subnets/nodes`;
const PODS = `${VNET}/subnets/pods`;
const PREFIX = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/publicIPPrefixes/nodes`;
const CRG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-cap/providers/Microsoft.Compute/capacityReservationGroups/crg1`;
const base = { name: "apps", vmSize: "Standard_D4s_v5", minCount: 3, maxCount: 6 } as const;

function synth(props: Partial<GuardedNodePoolProps>, extra?: (s: InfrastructureStack) => Partial<GuardedNodePoolProps>) {
  const ws = workspace();
  const app = newApp(ws);
  const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
  const pool = new GuardedNodePool(stack, "pool", {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    ...base,
    ...props,
    ...(extra ? extra(stack) : {}),
  });
  app.synth();
  return { pool, body: poolResource(readStackJson(ws.repo, "infra"), "apps") as Parsed };
}

const NEW_ATTRIBUTES = [
  "vnet_subnet_id",
  "pod_subnet_id",
  "scale_down_mode",
  "host_encryption_enabled",
  "fips_enabled",
  "gpu_instance",
  "gpu_driver",
  "capacity_reservation_group_id",
  "node_public_ip_enabled",
  "node_public_ip_prefix_id",
];

describe("GuardedNodePool networking, host and GPU settings", () => {
  test("each prop is written to its attribute, as given", () => {
    const { body, pool } = synth({
      vnetSubnetId: NODES,
      podSubnetId: PODS,
      scaleDownMode: ScaleDownMode.DEALLOCATE,
      hostEncryptionEnabled: true,
      fipsEnabled: true,
      gpuInstance: GpuInstanceProfile.MIG_3G,
      gpuDriver: GpuDriver.NONE,
      capacityReservationGroupId: CRG,
      nodePublicIpEnabled: true,
      nodePublicIpPrefixId: PREFIX,
    });
    expect(body).toMatchObject({
      vnet_subnet_id: NODES,
      pod_subnet_id: PODS,
      scale_down_mode: "Deallocate",
      host_encryption_enabled: true,
      fips_enabled: true,
      gpu_instance: "MIG3g",
      gpu_driver: "None",
      capacity_reservation_group_id: CRG,
      node_public_ip_enabled: true,
      node_public_ip_prefix_id: PREFIX,
    });
    expect(pool.subnetIds).toEqual([NODES, PODS]);
  });

  test("a pool that sets none of them writes none of them (its bytes stay as they were)", () => {
    const { body, pool } = synth({});
    for (const attr of NEW_ATTRIBUTES) expect(body).not.toHaveProperty(attr);
    expect(pool.subnetIds).toEqual([]);
  });

  test("false is written as given (an explicit false reads back as the default: no change)", () => {
    const { body } = synth({ hostEncryptionEnabled: false, fipsEnabled: false, nodePublicIpEnabled: false });
    expect(body).toMatchObject({ host_encryption_enabled: false, fips_enabled: false, node_public_ip_enabled: false });
  });

  test("a MIG profile without a driver writes gpu_driver Install (what AKS returns for a GPU pool)", () => {
    expect(synth({ gpuInstance: GpuInstanceProfile.MIG_1G }).body).toMatchObject({ gpu_instance: "MIG1g", gpu_driver: "Install" });
    expect(synth({ gpuDriver: GpuDriver.INSTALL }).body).not.toHaveProperty("gpu_instance");
  });

  test("subnetIds: the node subnet alone; references are kept as references", () => {
    expect(synth({ vnetSubnetId: NODES }).pool.subnetIds).toEqual([NODES]);
    const { pool, body } = synth({}, (s) => ({
      vnetSubnetId: new TerraformVariable(s, "node_subnet_id", { type: "string" }).stringValue,
      podSubnetId: new TerraformVariable(s, "pod_subnet_id", { type: "string" }).stringValue,
    }));
    expect(pool.subnetIds).toHaveLength(2);
    expect(body.vnet_subnet_id).toBe("${var.node_subnet_id}");
    expect(body.pod_subnet_id).toBe("${var.pod_subnet_id}");
  });

  test("the enums carry exactly the values the provider validates", () => {
    expect(Object.values(ScaleDownMode).sort()).toEqual([...SCALE_DOWN_MODES].sort());
    expect(Object.values(GpuInstanceProfile).sort()).toEqual([...GPU_INSTANCE_PROFILES].sort());
    expect(Object.values(GpuDriver).sort()).toEqual([...GPU_DRIVERS].sort());
  });
});

describe("a change of a committed pool: replacement refused, rotation said", () => {
  function synthInto(ws: ReturnType<typeof workspace>, props: Partial<GuardedNodePoolProps>): { lines: string[]; error?: Error } {
    const lines: string[] = [];
    const app = newApp(ws, { log: (l) => lines.push(l) });
    const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
    new GuardedNodePool(stack, "pool", { cluster: NodePoolCluster.fromClusterId(CLUSTER_ID), ...base, ...props });
    try {
      app.synth();
      return { lines };
    } catch (e) {
      return { lines, error: e as Error };
    }
  }

  test("GIVEN a committed pool WHEN a capacity reservation group is added THEN the synth is refused (ForceNew, guarded pool)", () => {
    const ws = workspace();
    expect(synthInto(ws, {}).error).toBeUndefined();
    const { error } = synthInto(ws, { capacityReservationGroupId: CRG });
    // a guarded pool is replaced blue/green only under a new name: the refusal asks for it first
    expect(error?.message).toMatch(
      /\[infra\/pool\] name = "apps": allowed is a name the committed pool does not have, because .* would be replaced \(capacity_reservation_group_id: undefined → /,
    );
  });

  test("GIVEN a committed pool WHEN it moves into a subnet THEN the synth writes it and says the pool rotates", () => {
    const ws = workspace();
    synthInto(ws, {});
    const { lines, error } = synthInto(ws, { vnetSubnetId: NODES, fipsEnabled: true });
    expect(error).toBeUndefined();
    expect(lines.filter((l) => l.includes("will be rotated"))).toEqual([
      expect.stringMatching(/\(pool "apps"\) will be rotated because fips_enabled: undefined → true, vnet_subnet_id: undefined → "/),
    ]);
  });

  test("GIVEN a committed pool in a subnet WHEN vnetSubnetId is removed THEN the synth is refused (azurerm cannot unset it)", () => {
    const ws = workspace();
    expect(synthInto(ws, { vnetSubnetId: NODES }).error).toBeUndefined();
    const { error } = synthInto(ws, {});
    expect(error?.message).toMatch(/vnet_subnet_id = ".*" is committed and this synth removes it: azurerm sends no subnet/);
    // keeping the subnet and changing something else passes
    expect(synthInto(ws, { vnetSubnetId: NODES, maxCount: 7 }).error).toBeUndefined();
  });
});
