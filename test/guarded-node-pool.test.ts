/**
 * GuardedNodePool: the Terraform it renders into `infrastructure/<stack>/main.tf.json` (read back from disk and
 * parsed), checked against the provider binding's own schema, and every input it refuses.
 */
import * as fs from "fs";
import * as path from "path";
import { DataAzurermKubernetesCluster } from "@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster";
import {
  KubernetesClusterNodePool,
  KubernetesClusterNodePoolConfig,
  kubernetesClusterNodePoolUpgradeSettingsToTerraform,
} from "@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { Construct } from "constructs";
import * as fc from "fast-check";
import {
  GitOpsSynthError,
  GuardedNodePool,
  GuardedNodePoolProps,
  InfrastructureStack,
  NodePoolCluster,
  NodePoolMode,
  NodePoolOsDiskType,
  NodePoolOsSku,
  NodePoolOsType,
  SpotEvictionPolicy,
  TaintEffect,
  temporaryNameFor,
} from "../lib";
import {
  CLUSTER_ID,
  cleanupTempDirs,
  tempDir,
  newApp,
  OTHER_SUBSCRIPTION,
  poolResource,
  readStackJson,
  re,
  SUBSCRIPTION,
  thrownBy,
  workspace,
} from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;
const SPOT_TAINT = "kubernetes.azure.com/scalesetpriority=spot:NoSchedule";
const STACK = "infra";

type PoolProps = Omit<GuardedNodePoolProps, "cluster"> & { cluster?: NodePoolCluster };

const base = { name: "apps", vmSize: "Standard_D4s_v5", minCount: 3, maxCount: 6 } as const;

function addPool(stack: Construct, id: string, props: Partial<PoolProps> = {}): GuardedNodePool {
  return new GuardedNodePool(stack, id, { cluster: NodePoolCluster.fromClusterId(CLUSTER_ID), ...base, ...props });
}

/** GIVEN a stack built by `build`, WHEN the app synthesizes, THEN returns the parsed main.tf.json of the stack. */
function synthStack(build: (stack: InfrastructureStack) => void): Parsed {
  const ws = workspace();
  const app = newApp(ws);
  const stack = new InfrastructureStack(app, STACK, { subscriptionId: SUBSCRIPTION });
  build(stack);
  app.synth();
  return readStackJson(ws.repo, STACK);
}

function synthPool(props: Partial<PoolProps> = {}): Parsed {
  const tf = synthStack((s) => addPool(s, "pool", props));
  return poolResource(tf, props.name ?? base.name);
}

// ---------------------------------------------------------------------------------------------------------------
// The attribute names the provider schema has, taken from the binding (generated from the 4.55.0 schema):
// synthesizeAttributes() lists every attribute of the resource, set or not.

class NodePoolSchemaProbe extends KubernetesClusterNodePool {
  attributeNames(): string[] {
    return Object.keys(this.synthesizeAttributes());
  }
}
class ProviderSchemaProbe extends AzurermProvider {
  attributeNames(): string[] {
    return Object.keys(this.synthesizeAttributes());
  }
}
class ClusterDataSchemaProbe extends DataAzurermKubernetesCluster {
  attributeNames(): string[] {
    return Object.keys(this.synthesizeAttributes());
  }
}

/** A plain cdktf stack in a temp outdir (cleaned up), for the binding probes and the reference resource. */
function plainStack(id: string): TerraformStack {
  return new TerraformStack(new App({ outdir: path.join(tempDir(), "cdktf.out"), stackTraces: false }), id);
}

const probeStack = plainStack("probe");
const NODE_POOL_ATTRIBUTES = new NodePoolSchemaProbe(probeStack, "pool", { name: "probe", kubernetesClusterId: "id" }).attributeNames();
const PROVIDER_ATTRIBUTES = new ProviderSchemaProbe(probeStack, "azurerm", {}).attributeNames();
const CLUSTER_DATA_ATTRIBUTES = new ClusterDataSchemaProbe(probeStack, "cluster", { name: "n", resourceGroupName: "rg" }).attributeNames();
const UPGRADE_SETTINGS_ATTRIBUTES = Object.keys(kubernetesClusterNodePoolUpgradeSettingsToTerraform({}) as object);
/** Terraform meta-arguments of a resource block, plus cdktf's "//" metadata comment. */
const RESOURCE_META = ["//", "count", "depends_on", "for_each", "lifecycle", "provider", "provisioner", "connection"];
const LIFECYCLE_ATTRIBUTES = [
  "create_before_destroy",
  "prevent_destroy",
  "ignore_changes",
  "replace_triggered_by",
  "precondition",
  "postcondition",
];

/** A pool with every prop set, so the schema checks see every attribute the construct can emit. */
const everyProp: Partial<PoolProps> = {
  name: "full",
  nodeCount: 4,
  mode: NodePoolMode.USER,
  zones: ["1", "2", "3"],
  nodeLabels: { workload: "batch" },
  nodeTaints: [{ key: "dedicated", value: "batch", effect: TaintEffect.NO_SCHEDULE }],
  maxPods: 60,
  osDiskSizeGb: 128,
  osDiskType: NodePoolOsDiskType.EPHEMERAL,
  osType: NodePoolOsType.LINUX,
  osSku: NodePoolOsSku.AZURE_LINUX,
  orchestratorVersion: "1.31",
  upgradeSettings: { maxSurge: "33%", drainTimeoutInMinutes: 30, nodeSoakDurationInMinutes: 5 },
  tags: { team: "platform" },
  preventDestroy: true,
  temporaryNameForRotation: "fullrot",
  guardrails: { minCountFloor: 3, maxCountCeiling: 10, allowedVmSizes: ["Standard_D4s_v5"] },
};
/** The Spot props on top (a Spot pool takes no upgradeSettings: see docs/steady-state-audit.md). */
const everySpotProp: Partial<PoolProps> = {
  ...everyProp,
  upgradeSettings: undefined,
  spot: { evictionPolicy: SpotEvictionPolicy.DEALLOCATE, maxPrice: 0.12345 },
};

describe("schema: the pool emits only what azurerm 4.55.0 knows", () => {
  test("the probes read the binding's schema (sanity: known attributes are there, unknown are not)", () => {
    expect(NODE_POOL_ATTRIBUTES).toEqual(
      expect.arrayContaining([
        "auto_scaling_enabled",
        "min_count",
        "max_count",
        "node_count",
        "temporary_name_for_rotation",
        "upgrade_settings",
      ]),
    );
    expect(NODE_POOL_ATTRIBUTES).not.toContain("enable_auto_scaling"); // the 3.x name, removed in 4.0
    expect(PROVIDER_ATTRIBUTES).toEqual(
      expect.arrayContaining(["features", "subscription_id", "use_cli", "resource_provider_registrations"]),
    );
    expect(PROVIDER_ATTRIBUTES).not.toContain("vm_size");
    expect(UPGRADE_SETTINGS_ATTRIBUTES).toEqual(expect.arrayContaining(["max_surge", "max_unavailable"]));
  });

  test.each([
    ["Regular", everyProp],
    ["Spot", everySpotProp],
  ])("GIVEN a %s pool with every prop set THEN every key of the resource is a schema attribute or a meta-argument", (_priority, props) => {
    const tf = synthStack((s) => addPool(s, "pool", props));
    const pool = poolResource(tf, "full");
    for (const key of Object.keys(pool)) expect([...NODE_POOL_ATTRIBUTES, ...RESOURCE_META]).toContain(key);
    for (const key of Object.keys(pool.lifecycle)) expect(LIFECYCLE_ATTRIBUTES).toContain(key);
    for (const key of Object.keys(pool.upgrade_settings ?? {})) expect(UPGRADE_SETTINGS_ATTRIBUTES).toContain(key);
    // ignore_changes names attributes by their Terraform name; a typo there would silently ignore nothing
    for (const attr of pool.lifecycle.ignore_changes) expect(NODE_POOL_ATTRIBUTES).toContain(attr);
  });

  test("GIVEN pools by name and by id THEN provider and data source keys are schema attributes too", () => {
    const tf = synthStack((s) => {
      addPool(s, "a", { name: "a", cluster: NodePoolCluster.fromClusterName("aks-prod", "rg-aks") });
      addPool(s, "b", { name: "b" });
    });
    for (const provider of tf.provider.azurerm) for (const key of Object.keys(provider)) expect(PROVIDER_ATTRIBUTES).toContain(key);
    for (const data of Object.values(tf.data.azurerm_kubernetes_cluster) as Parsed[]) {
      for (const key of Object.keys(data))
        expect([...CLUSTER_DATA_ATTRIBUTES, "//", "depends_on", "provider", "count", "for_each", "lifecycle"]).toContain(key);
    }
  });

  test("GIVEN a Spot pool with every prop set THEN it equals the same config written directly against the binding's types", () => {
    const expected: KubernetesClusterNodePoolConfig = {
      name: "full",
      kubernetesClusterId: CLUSTER_ID,
      vmSize: "Standard_D4s_v5",
      autoScalingEnabled: true,
      minCount: 3,
      maxCount: 6,
      nodeCount: 4,
      mode: "User",
      zones: ["1", "2", "3"],
      nodeLabels: { workload: "batch", "kubernetes.azure.com/scalesetpriority": "spot" },
      nodeTaints: ["dedicated=batch:NoSchedule", SPOT_TAINT],
      maxPods: 60,
      osDiskSizeGb: 128,
      osDiskType: "Ephemeral",
      osType: "Linux",
      osSku: "AzureLinux",
      orchestratorVersion: "1.31",
      priority: "Spot",
      evictionPolicy: "Deallocate",
      spotMaxPrice: 0.12345,
      temporaryNameForRotation: "fullrot",
      tags: { team: "platform" },
      lifecycle: { ignoreChanges: ["node_count"], preventDestroy: true },
    };
    const referenceStack = plainStack("reference");
    new KubernetesClusterNodePool(referenceStack, "pool", expected);
    const reference = JSON.parse(Testing.synth(referenceStack));
    const referencePool = Object.values(reference.resource.azurerm_kubernetes_cluster_node_pool)[0] as Parsed;

    const ours = poolResource(
      synthStack((s) => addPool(s, "pool", everySpotProp)),
      "full",
    );
    const { ["//"]: _meta, ...oursWithoutMetadata } = ours;
    expect(oursWithoutMetadata).toEqual(referencePool);
  });
});

describe("autoscaling guardrail", () => {
  test("GIVEN a minimal pool THEN autoscaling is on with min and max set, the cluster id and the VM size", () => {
    const pool = synthPool();
    expect(pool).toMatchObject({
      name: "apps",
      kubernetes_cluster_id: CLUSTER_ID,
      vm_size: "Standard_D4s_v5",
      auto_scaling_enabled: true,
      min_count: 3,
      max_count: 6,
      mode: "User",
      os_type: "Linux",
      priority: "Regular",
    });
  });

  test("node_count is ignored (the autoscaler owns it) and min_count/max_count are not (they are the reconciled guardrail)", () => {
    const { lifecycle } = synthPool();
    expect(lifecycle.ignore_changes).toContain("node_count");
    expect(lifecycle.ignore_changes).not.toContain("min_count");
    expect(lifecycle.ignore_changes).not.toContain("max_count");
    expect(lifecycle.ignore_changes).not.toContain("all");
  });

  test("node_count is emitted only when nodeCount is given", () => {
    expect(synthPool()).not.toHaveProperty("node_count");
    expect(synthPool({ nodeCount: 5 }).node_count).toBe(5);
  });

  test("prevent_destroy is true by default and false with preventDestroy: false", () => {
    expect(synthPool().lifecycle.prevent_destroy).toBe(true);
    expect(synthPool({ preventDestroy: false }).lifecycle.prevent_destroy).toBe(false);
  });

  test("a regular pool has no Spot settings and no taints", () => {
    const pool = synthPool();
    expect(pool).not.toHaveProperty("eviction_policy");
    expect(pool).not.toHaveProperty("spot_max_price");
    expect(pool).not.toHaveProperty("node_taints");
  });
});

describe("temporary_name_for_rotation", () => {
  test.each([
    ["apps", NodePoolOsType.LINUX],
    ["corepool", NodePoolOsType.LINUX],
    ["a", NodePoolOsType.LINUX],
    ["abcdefghijkl", NodePoolOsType.LINUX], // 12 characters: the suffix must replace, not extend
    ["abcdefghitmp", NodePoolOsType.LINUX], // 12 characters ending in "tmp": the obvious derivation would equal the name
    ["win1", NodePoolOsType.WINDOWS],
    ["winabc", NodePoolOsType.WINDOWS], // 6 characters, the Windows maximum
    ["abctmp", NodePoolOsType.WINDOWS], // 6 characters ending in "tmp"
  ])("GIVEN name %s (%s) THEN the rendered rotation name is valid, within the OS limit and differs from the name", (name, osType) => {
    const pool = synthPool({ name, osType });
    const tmp = pool.temporary_name_for_rotation;
    expect(tmp).toMatch(POOL_NAME);
    expect(tmp.length).toBeLessThanOrEqual(osType === NodePoolOsType.WINDOWS ? 6 : 12);
    expect(tmp).not.toBe(name);
  });

  test("property: for every valid name the derived rotation name is valid and differs", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/),
        fc.constantFrom(NodePoolOsType.LINUX, NodePoolOsType.WINDOWS),
        (name, osType) => {
          const max = osType === NodePoolOsType.WINDOWS ? 6 : 12;
          fc.pre(name.length <= max);
          const tmp = temporaryNameFor(name, osType);
          return POOL_NAME.test(tmp) && tmp.length <= max && tmp !== name;
        },
      ),
      { numRuns: 500 },
    );
  });

  test("an explicit temporaryNameForRotation is written as given", () => {
    expect(synthPool({ temporaryNameForRotation: "appsswap" }).temporary_name_for_rotation).toBe("appsswap");
  });
});

describe("spot pools", () => {
  test("GIVEN spot: {} THEN priority Spot, eviction policy Delete, max price -1 and the AKS spot taint", () => {
    const pool = synthPool({ spot: {} });
    expect(pool.priority).toBe("Spot");
    expect(pool.eviction_policy).toBe("Delete");
    expect(pool.spot_max_price).toBe(-1);
    expect(pool.node_taints).toEqual([SPOT_TAINT]);
  });

  test("GIVEN an eviction policy and own taints THEN both are kept and the spot taint is added once", () => {
    const pool = synthPool({
      spot: { evictionPolicy: SpotEvictionPolicy.DEALLOCATE },
      nodeTaints: [
        { key: "gpu", effect: TaintEffect.NO_SCHEDULE },
        { key: "kubernetes.azure.com/scalesetpriority", value: "spot", effect: TaintEffect.NO_SCHEDULE },
      ],
    });
    expect(pool.eviction_policy).toBe("Deallocate");
    expect(pool.node_taints).toEqual(["gpu:NoSchedule", SPOT_TAINT]);
  });
});

describe("cluster reference", () => {
  test("by id: the id is written literally and no data source is added", () => {
    const tf = synthStack((s) => addPool(s, "pool"));
    expect(poolResource(tf, "apps").kubernetes_cluster_id).toBe(CLUSTER_ID);
    expect(tf.data).toBeUndefined();
  });

  test("by name: one azurerm_kubernetes_cluster data source, shared by two pools of the same cluster in one stack", () => {
    const tf = synthStack((s) => {
      addPool(s, "a", { name: "a", cluster: NodePoolCluster.fromClusterName("aks-prod", "rg-aks") });
      addPool(s, "b", { name: "b", cluster: NodePoolCluster.fromClusterName("aks-prod", "rg-aks") });
    });
    const data = tf.data.azurerm_kubernetes_cluster;
    expect(Object.keys(data)).toHaveLength(1);
    const [key] = Object.keys(data);
    expect(data[key]).toMatchObject({ name: "aks-prod", resource_group_name: "rg-aks" });
    const ref = `\${data.azurerm_kubernetes_cluster.${key}.id}`;
    expect(poolResource(tf, "a").kubernetes_cluster_id).toBe(ref);
    expect(poolResource(tf, "b").kubernetes_cluster_id).toBe(ref);
  });

  test("by name: two clusters in one stack get one data source each, and each pool references its own", () => {
    const tf = synthStack((s) => {
      addPool(s, "a", { name: "a", cluster: NodePoolCluster.fromClusterName("aks-one", "rg-aks") });
      addPool(s, "b", { name: "b", cluster: NodePoolCluster.fromClusterName("aks-two", "rg-aks") });
    });
    expect(Object.keys(tf.data.azurerm_kubernetes_cluster)).toHaveLength(2);
    for (const [pool, cluster] of [
      ["a", "aks-one"],
      ["b", "aks-two"],
    ]) {
      const key = /^\$\{data\.azurerm_kubernetes_cluster\.([^.]+)\.id\}$/.exec(poolResource(tf, pool).kubernetes_cluster_id)![1];
      expect(tf.data.azurerm_kubernetes_cluster[key]).toMatchObject({ name: cluster, resource_group_name: "rg-aks" });
    }
  });

  test("by name: clusters whose names only collide after id sanitizing still get their own data source", () => {
    const tf = synthStack((s) => {
      addPool(s, "a", { name: "a", cluster: NodePoolCluster.fromClusterName("b-aks", "rg-a") });
      addPool(s, "b", { name: "b", cluster: NodePoolCluster.fromClusterName("a-b-aks", "rg") });
    });
    for (const [pool, cluster, rg] of [
      ["a", "b-aks", "rg-a"],
      ["b", "a-b-aks", "rg"],
    ]) {
      const key = /^\$\{data\.azurerm_kubernetes_cluster\.([^.]+)\.id\}$/.exec(poolResource(tf, pool).kubernetes_cluster_id)![1];
      expect(tf.data.azurerm_kubernetes_cluster[key]).toMatchObject({ name: cluster, resource_group_name: rg });
    }
  });

  test("by name in two stacks: each stack has its own data source (a stack cannot reference another's)", () => {
    const ws = workspace();
    const app = newApp(ws);
    for (const id of ["one", "two"]) {
      const s = new InfrastructureStack(app, id, { subscriptionId: SUBSCRIPTION });
      addPool(s, "pool", { name: id, cluster: NodePoolCluster.fromClusterName("aks-prod", "rg-aks") });
    }
    app.synth();
    for (const id of ["one", "two"]) {
      const tf = readStackJson(ws.repo, id);
      expect(Object.values(tf.data.azurerm_kubernetes_cluster)).toEqual([
        expect.objectContaining({ name: "aks-prod", resource_group_name: "rg-aks" }),
      ]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Refused input. Each case: GIVEN one bad prop, WHEN synth, THEN one GitOpsSynthError naming the construct path,
// the prop, the value and what is allowed, and nothing is written.

function refusal(build: (stack: InfrastructureStack) => void): GitOpsSynthError {
  const ws = workspace();
  const app = newApp(ws);
  build(new InfrastructureStack(app, STACK, { subscriptionId: SUBSCRIPTION }));
  const err = thrownBy(() => app.synth());
  expect(err).toBeInstanceOf(GitOpsSynthError);
  expect(fs.existsSync(ws.repo)).toBe(false);
  return err as GitOpsSynthError;
}

function refusedPool(props: Partial<PoolProps>): GitOpsSynthError {
  return refusal((s) => addPool(s, "pool", props));
}

const at = `\\[${STACK}/pool\\] `;

describe("refused pool input", () => {
  test.each<[string, Partial<PoolProps>, RegExp]>([
    [
      "minCount below the default floor 3",
      { minCount: 2 },
      new RegExp(`${at}minCount = 2: allowed is at least the floor guardrails\\.minCountFloor = 3 \\(range 3\\.\\.1000\\)`),
    ],
    [
      "minCount below a custom floor",
      { minCount: 4, maxCount: 8, guardrails: { minCountFloor: 5 } },
      new RegExp(`${at}minCount = 4: allowed is .*minCountFloor = 5 \\(range 5\\.\\.1000\\)`),
    ],
    [
      "maxCount above the ceiling",
      { maxCount: 11, guardrails: { maxCountCeiling: 10 } },
      new RegExp(`${at}maxCount = 11: allowed is at most the ceiling guardrails\\.maxCountCeiling = 10`),
    ],
    ["minCount above maxCount", { minCount: 5, maxCount: 4 }, new RegExp(`${at}maxCount = 4: allowed is at least minCount \\(5\\)`)],
    ["negative minCount", { minCount: -1 }, new RegExp(`${at}minCount = -1: allowed is a whole number from 0 to 1000`)],
    ["fractional maxCount", { maxCount: 4.5 }, new RegExp(`${at}maxCount = 4\\.5: allowed is a whole number from 0 to 1000`)],
    ["maxCount above the AKS limit 1000", { maxCount: 1001 }, new RegExp(`${at}maxCount = 1001: allowed is a whole number from 0 to 1000`)],
    [
      "nodeCount above maxCount",
      { nodeCount: 7 },
      new RegExp(`${at}nodeCount = 7: allowed is a count within \\[minCount, maxCount\\] = \\[3, 6\\]`),
    ],
    [
      "nodeCount below minCount",
      { nodeCount: 2 },
      new RegExp(`${at}nodeCount = 2: allowed is a count within \\[minCount, maxCount\\] = \\[3, 6\\]`),
    ],
    [
      "name in upper case",
      { name: "Apps" },
      new RegExp(`${at}name = "Apps": allowed is a lower-case letter, then lower-case letters and digits, 1 to 12 characters`),
    ],
    ["name with a dash", { name: "user-pool" }, new RegExp(`${at}name = "user-pool": allowed is a lower-case letter.*1 to 12 characters`)],
    ["name of 13 characters", { name: "abcdefghijklm" }, new RegExp(`${at}name = "abcdefghijklm": allowed is .*1 to 12 characters`)],
    ["empty name", { name: "" }, new RegExp(`${at}name = "": allowed is .*1 to 12 characters`)],
    [
      "Windows name of 7 characters",
      { name: "winpool", osType: NodePoolOsType.WINDOWS },
      new RegExp(`${at}name = "winpool": allowed is .*1 to 6 characters \\(Windows\\)`),
    ],
    [
      "invalid explicit rotation name",
      { temporaryNameForRotation: "Apps-Tmp" },
      new RegExp(`${at}temporaryNameForRotation = "Apps-Tmp": allowed is a lower-case letter`),
    ],
    [
      "rotation name equal to the name",
      { temporaryNameForRotation: "apps" },
      new RegExp(`${at}temporaryNameForRotation = "apps": allowed is .*different from name`),
    ],
    [
      "spot in a System pool",
      { mode: NodePoolMode.SYSTEM, spot: {} },
      new RegExp(`${at}spot = \\{\\}: allowed is unset for a System pool`),
    ],
    [
      "spot with an eviction policy AKS does not know",
      { spot: { evictionPolicy: "Hibernate" as SpotEvictionPolicy } },
      new RegExp(`${at}spot\\.evictionPolicy = "Hibernate": allowed is one of "Delete", "Deallocate"`),
    ],
    [
      "spot max price with 6 decimals",
      { spot: { maxPrice: 0.123456 } },
      new RegExp(`${at}spot\\.maxPrice = 0\\.123456: allowed is -1 .*at most 5 decimals`),
    ],
    [
      "Windows System pool",
      { mode: NodePoolMode.SYSTEM, osType: NodePoolOsType.WINDOWS, name: "sys" },
      new RegExp(`${at}osType = "Windows": allowed is Linux for a System pool`),
    ],
    [
      "OS SKU of the other OS",
      { osSku: NodePoolOsSku.WINDOWS_2022 },
      new RegExp(`${at}osSku = "Windows2022": allowed is an Linux SKU: AzureLinux, AzureLinux3, Ubuntu, Ubuntu2204`),
    ],
    [
      "vmSize not in allowedVmSizes",
      { guardrails: { allowedVmSizes: ["Standard_D2s_v3", "Standard_D8s_v5"] } },
      new RegExp(`${at}vmSize = "Standard_D4s_v5": allowed is one of guardrails\\.allowedVmSizes: Standard_D2s_v3, Standard_D8s_v5`),
    ],
    ["vmSize that is not a VM size", { vmSize: "D4s_v5" }, new RegExp(`${at}vmSize = "D4s_v5": allowed is an Azure VM size`)],
    [
      "node label under kubernetes.azure.com/",
      { nodeLabels: { "kubernetes.azure.com/mode": "user" } },
      new RegExp(
        at +
          re(
            'nodeLabels["kubernetes.azure.com/mode"] = "kubernetes.azure.com/mode": ' +
              "allowed is a key outside the reserved prefixes kubernetes.io/, kubernetes.azure.com/",
          ),
      ),
    ],
    [
      "node label under kubernetes.io/",
      { nodeLabels: { "kubernetes.io/role": "x" } },
      new RegExp(`${at}${re('nodeLabels["kubernetes.io/role"] = "kubernetes.io/role": allowed is a key outside the reserved prefixes')}`),
    ],
    [
      "maxPods below 30 in a System pool",
      { mode: NodePoolMode.SYSTEM, maxPods: 20 },
      new RegExp(`${at}maxPods = 20: allowed is a whole number from 30 to 250`),
    ],
    ["maxPods below 10", { maxPods: 9 }, new RegExp(`${at}maxPods = 9: allowed is a whole number from 10 to 250`)],
    ["maxPods above 250", { maxPods: 251 }, new RegExp(`${at}maxPods = 251: allowed is a whole number from 10 to 250`)],
    [
      "upgradeSettings with maxSurge and maxUnavailable",
      { upgradeSettings: { maxSurge: "1", maxUnavailable: "1" } },
      new RegExp(
        `${at}${re('upgradeSettings = {"maxSurge":"1","maxUnavailable":"1"}: allowed is exactly one of maxSurge and maxUnavailable')}`,
      ),
    ],
    [
      "maxSurge of 0%",
      { upgradeSettings: { maxSurge: "0%" } },
      new RegExp(`${at}upgradeSettings\\.maxSurge = "0%": allowed is a node count`),
    ],
    [
      "node soak above 30 minutes",
      { upgradeSettings: { nodeSoakDurationInMinutes: 31 } },
      new RegExp(`${at}upgradeSettings\\.nodeSoakDurationInMinutes = 31: allowed is a whole number from 0 to 30`),
    ],
    ["zone 4", { zones: ["1", "4"] }, new RegExp(`${at}${re('zones = ["1","4"]: allowed is zones from "1", "2", "3"')}`)],
    [
      "orchestratorVersion that is not 1.xx",
      { orchestratorVersion: "v1.31" },
      new RegExp(`${at}orchestratorVersion = "v1\\.31": allowed is a Kubernetes version 1\\.xx or 1\\.xx\\.y`),
    ],
    [
      "malformed cluster id",
      { cluster: NodePoolCluster.fromClusterId("/subscriptions/x/resourceGroups/rg") },
      new RegExp(`${at}${re('cluster (clusterId) = "/subscriptions/x/resourceGroups/rg": allowed is an AKS resource id')}`),
    ],
    [
      "cluster id of another resource type",
      { cluster: NodePoolCluster.fromClusterId(CLUSTER_ID.replace("managedClusters", "virtualMachines")) },
      new RegExp(`${at}cluster \\(clusterId\\) = ".*virtualMachines/aks-prod": allowed is an AKS resource id`),
    ],
    [
      "cluster name with a space",
      { cluster: NodePoolCluster.fromClusterName("aks prod", "rg-aks") },
      new RegExp(`${at}cluster \\(name\\) = "aks prod": allowed is an AKS cluster name`),
    ],
  ])("%s", (_title, props, message) => {
    const err = refusedPool(props);
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/nothing was written/);
  });

  test("each refusal reports only the bad prop (no follow-up noise from derived values)", () => {
    expect(refusedPool({ minCount: 2 }).problems).toHaveLength(1);
    expect(refusedPool({ maxCount: 1001 }).problems).toHaveLength(1);
    expect(refusedPool({ name: "winpool", osType: NodePoolOsType.WINDOWS }).problems).toHaveLength(1);
    expect(refusedPool({ name: "Apps" }).problems).toHaveLength(1); // not also the derived rotation name "Appstmp"
    expect(refusedPool({ minCount: 5, maxCount: 4, nodeCount: 4 }).problems).toHaveLength(1); // not also nodeCount
  });

  test("spot in a System pool: one message that names both sides of the conflict", () => {
    const err = refusedPool({ mode: NodePoolMode.SYSTEM, spot: {} });
    expect(err.problems).toEqual([
      expect.stringMatching(
        new RegExp(`^${at}spot = \\{\\}: allowed is unset for a System pool .*a Spot pool needs mode: NodePoolMode\\.USER`),
      ),
    ]);
  });

  test("a custom floor below 3 lets minCount go below 3", () => {
    expect(synthPool({ minCount: 1, maxCount: 3, guardrails: { minCountFloor: 1 } }).min_count).toBe(1);
  });

  test("allowedVmSizes matches case-insensitively (Azure VM sizes are case-insensitive)", () => {
    expect(synthPool({ vmSize: "Standard_D4s_v5", guardrails: { allowedVmSizes: ["standard_d4s_v5"] } }).vm_size).toBe("Standard_D4s_v5");
  });

  test("a token where a literal is required: minCount from a TerraformVariable", () => {
    const err = refusal((s) => {
      const min = new TerraformVariable(s, "min", { type: "number" });
      addPool(s, "pool", { minCount: Token.asNumber(min.value) });
    });
    expect(err.message).toMatch(new RegExp(`${at}minCount = <unresolved token>: allowed is a literal value known at synth, not a token`));
  });

  test("a token where a literal is required: vmSize from a TerraformVariable", () => {
    const err = refusal((s) => {
      const size = new TerraformVariable(s, "size", { type: "string" });
      addPool(s, "pool", { vmSize: size.stringValue });
    });
    expect(err.message).toMatch(new RegExp(`${at}vmSize = <unresolved token>: allowed is a literal value known at synth, not a token`));
  });

  test("a cluster id that is a reference (token) is accepted and written as the reference", () => {
    const tf = synthStack((s) => {
      const id = new TerraformVariable(s, "cluster_id", { type: "string" });
      addPool(s, "pool", { cluster: NodePoolCluster.fromClusterId(id.stringValue) });
    });
    expect(poolResource(tf, "apps").kubernetes_cluster_id).toBe("${var.cluster_id}");
  });

  test("outside an InfrastructureStack the pool fails at construction, naming its path", () => {
    const app = newApp(workspace());
    const plain = new TerraformStack(app, "plain");
    expect(() => addPool(plain, "pool")).toThrow(/\[plain\/pool\] must be created inside an InfrastructureStack/);
  });
});

describe("pool names are unique per cluster", () => {
  test("two pools with the same name on the same cluster id: the second is refused, naming the first", () => {
    const err = refusal((s) => {
      addPool(s, "a");
      addPool(s, "b");
    });
    expect(err.problems).toEqual([
      expect.stringMatching(
        new RegExp(`^\\[${STACK}/b\\] name = "apps": allowed is a name no other pool of the same cluster uses \\(${STACK}/a has it\\)`),
      ),
    ]);
  });

  test("the same cluster given by id and by name (case-insensitively) is one cluster", () => {
    const err = refusal((s) => {
      addPool(s, "a");
      addPool(s, "b", { cluster: NodePoolCluster.fromClusterName("AKS-prod", "RG-aks") });
    });
    expect(err.message).toMatch(new RegExp(`\\[${STACK}/b\\] name = "apps": allowed is a name no other pool of the same cluster uses`));
  });

  test("the same cluster in two stacks is one cluster", () => {
    const ws = workspace();
    const app = newApp(ws);
    addPool(new InfrastructureStack(app, "one", { subscriptionId: SUBSCRIPTION }), "pool");
    addPool(new InfrastructureStack(app, "two", { subscriptionId: SUBSCRIPTION }), "pool");
    expect(() => app.synth()).toThrow(
      /\[two\/pool\] name = "apps": allowed is a name no other pool of the same cluster uses \(one\/pool has it\)/,
    );
  });

  test("the same name on two different clusters is fine", () => {
    const tf = synthStack((s) => {
      addPool(s, "a");
      addPool(s, "b", { cluster: NodePoolCluster.fromClusterId(CLUSTER_ID.replace("aks-prod", "aks-dev")) });
    });
    expect(Object.keys(tf.resource.azurerm_kubernetes_cluster_node_pool)).toHaveLength(2);
  });

  test("the same resource group and cluster name in two subscriptions are two clusters", () => {
    const ws = workspace();
    const app = newApp(ws);
    for (const [id, sub] of [
      ["dev", SUBSCRIPTION],
      ["prod", OTHER_SUBSCRIPTION],
    ]) {
      addPool(new InfrastructureStack(app, id, { subscriptionId: sub }), "pool", {
        cluster: NodePoolCluster.fromClusterName("aks", "rg-aks"),
      });
    }
    expect(() => app.synth()).not.toThrow();
  });

  // GAP (lib/guarded-node-pool.ts, checkUniqueName): only names are compared, not rotation names. When "apps" rotates
  // (vmSize change), azurerm creates/updates the agent pool "appstmp" (the derived rotation name) and deletes it at
  // the end: with a second pool named "appstmp" in the cluster, the rotation overwrites and then deletes that pool.
  test("a pool named like another pool's rotation name on the same cluster is refused", () => {
    const err = refusal((s) => {
      addPool(s, "a", { name: "apps" }); // rotation name derived: appstmp
      addPool(s, "b", { name: "appstmp" });
    });
    expect(err.message).toMatch(/\[infra\/(a|b)\] (name|temporaryNameForRotation) = "appstmp"/);
  });
});
