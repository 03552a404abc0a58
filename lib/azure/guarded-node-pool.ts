import { KubernetesClusterNodePool } from "@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool";
import { Construct } from "constructs";
import { checkKeyPrefixLength } from "../core/kubernetes-limits";
import { appOf, Registry } from "../core/registry";
import { terraformLiteral, terraformLiteralMap } from "../core/terraform-literal";
import { addPropValidation, PropChecks } from "../core/validation";
import { InfrastructureStack } from "./infrastructure-stack";
import { BoundCluster, NodePoolCluster } from "./node-pool-cluster";
import {
  isSpotLabel,
  nodeLabelsToWrite,
  upgradeSettingsToWrite,
  validateSpotUpgradeSettings,
  validateVmSizeSpelling,
} from "./node-pool-steady-state";

/** Node pool mode. */
export enum NodePoolMode {
  /** Runs system pods (CoreDNS, metrics-server); Linux and Regular priority only. */
  SYSTEM = "System",
  /** Runs workloads. */
  USER = "User",
}

/** Operating system of the nodes. */
export enum NodePoolOsType {
  LINUX = "Linux",
  WINDOWS = "Windows",
}

/** OS image family of the nodes; must match the OS type. */
export enum NodePoolOsSku {
  AZURE_LINUX = "AzureLinux",
  AZURE_LINUX_3 = "AzureLinux3",
  UBUNTU = "Ubuntu",
  UBUNTU_2204 = "Ubuntu2204",
  WINDOWS_2019 = "Windows2019",
  WINDOWS_2022 = "Windows2022",
}

/** OS disk type of the nodes. */
export enum NodePoolOsDiskType {
  MANAGED = "Managed",
  EPHEMERAL = "Ephemeral",
}

/** What a taint does to pods that do not tolerate it. */
export enum TaintEffect {
  NO_SCHEDULE = "NoSchedule",
  PREFER_NO_SCHEDULE = "PreferNoSchedule",
  NO_EXECUTE = "NoExecute",
}

/** What happens to Spot nodes the platform evicts. */
export enum SpotEvictionPolicy {
  DELETE = "Delete",
  DEALLOCATE = "Deallocate",
}

/** A Kubernetes taint on every node of the pool. */
export interface NodeTaint {
  readonly key: string;
  /** @default - no value (`key:Effect`) */
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** Spot capacity: cheaper, evictable, and immutable after creation. */
export interface SpotOptions {
  /**
   * What happens to evicted nodes.
   * @default SpotEvictionPolicy.DELETE
   */
  readonly evictionPolicy?: SpotEvictionPolicy;
  /**
   * Highest price per hour in US dollars, up to 5 decimals; -1 pays up to the on-demand price.
   * @default -1
   */
  readonly maxPrice?: number;
}

/** Rolling upgrade settings; exactly one of maxSurge and maxUnavailable. */
export interface NodePoolUpgradeSettings {
  /**
   * Extra nodes during an upgrade: a count (`"1"`) or a percentage of the pool (`"33%"`).
   * @default - "10%" unless maxUnavailable is set
   */
  readonly maxSurge?: string;
  /**
   * Nodes that may be unavailable during an upgrade, as a count or percentage.
   * @default - unset (maxSurge is used)
   */
  readonly maxUnavailable?: string;
  /**
   * Minutes to wait for a node to drain before the upgrade fails, 0 to 1440.
   * @default - the AKS default (30)
   */
  readonly drainTimeoutInMinutes?: number;
  /**
   * Minutes to wait after draining a node before moving on, 0 to 30.
   * @default - the AKS default (0)
   */
  readonly nodeSoakDurationInMinutes?: number;
}

/** Guardrails an organisation puts on every pool; validated at synth. */
export interface NodePoolGuardrails {
  /**
   * The lowest minCount allowed.
   * @default 3
   */
  readonly minCountFloor?: number;
  /**
   * The highest maxCount allowed.
   * @default - no ceiling below the AKS limit of 1000
   */
  readonly maxCountCeiling?: number;
  /**
   * VM sizes the pool may use.
   * @default - any size
   */
  readonly allowedVmSizes?: string[];
}

/** Props of a GuardedNodePool: what a platform engineer sets on an AKS node pool, plus the guardrails. */
export interface GuardedNodePoolProps {
  /** The AKS cluster the pool belongs to. */
  readonly cluster: NodePoolCluster;
  /** Pool name: a lower-case letter, then lower-case letters and digits, 12 characters at most (Windows: 6). Changing it replaces the pool. */
  readonly name: string;
  /** VM size of the nodes, e.g. `Standard_D2s_v3`. Changing it rotates the pool through `temporaryNameForRotation`. */
  readonly vmSize: string;
  /** Lowest node count the autoscaler may scale to; the drift guardrail the controller reconciles. */
  readonly minCount: number;
  /** Highest node count the autoscaler may scale to. */
  readonly maxCount: number;
  /**
   * Node count at creation, in [minCount, maxCount]. Afterwards the autoscaler owns the count (`node_count` is ignored).
   * @default - minCount
   */
  readonly nodeCount?: number;
  /**
   * System or User pool.
   * @default NodePoolMode.USER
   */
  readonly mode?: NodePoolMode;
  /**
   * Availability zones, e.g. `["1", "2", "3"]`. Changing them rotates the pool.
   * @default - no zones
   */
  readonly zones?: string[];
  /**
   * Kubernetes labels on every node (not under the reserved `kubernetes.io/` and `kubernetes.azure.com/` prefixes).
   * Spot pools always get `kubernetes.azure.com/scalesetpriority: spot`, the label AKS puts on their nodes.
   * @default - none (Spot pools: the Spot label)
   */
  readonly nodeLabels?: Record<string, string>;
  /**
   * Taints on every node.
   * @default - none (Spot pools always get the taint AKS adds itself)
   */
  readonly nodeTaints?: NodeTaint[];
  /**
   * Pods per node, 10 to 250 (System pools: at least 30). Changing it rotates the pool.
   * @default - the AKS default for the network plugin
   */
  readonly maxPods?: number;
  /**
   * OS disk size in GB, 1 to 2048. Changing it rotates the pool.
   * @default - the AKS default for the VM size
   */
  readonly osDiskSizeGb?: number;
  /**
   * OS disk type. Changing it rotates the pool.
   * @default NodePoolOsDiskType.MANAGED
   */
  readonly osDiskType?: NodePoolOsDiskType;
  /**
   * Operating system. Changing it replaces the pool.
   * @default NodePoolOsType.LINUX
   */
  readonly osType?: NodePoolOsType;
  /**
   * OS SKU; must match osType.
   * @default - the AKS default for the OS type
   */
  readonly osSku?: NodePoolOsSku;
  /**
   * Kubernetes version, `1.xx` or `1.xx.y`; must be supported by the control plane.
   * @default - the control plane's version
   */
  readonly orchestratorVersion?: string;
  /**
   * Rolling upgrade settings. Not allowed on Spot pools (AKS does not surge them; azurerm 4.65 refuses surge settings there).
   * @default - max surge 10% (what AKS returns when none is given; written so that plans stay empty); none on Spot pools
   */
  readonly upgradeSettings?: NodePoolUpgradeSettings;
  /**
   * Run on Spot capacity. Spot pools are User pools; priority and eviction policy are immutable.
   * @default - Regular priority
   */
  readonly spot?: SpotOptions;
  /**
   * Azure tags.
   * @default - none
   */
  readonly tags?: Record<string, string>;
  /**
   * Organisation guardrails.
   * @default - floor 3, no ceiling, any VM size
   */
  readonly guardrails?: NodePoolGuardrails;
  /**
   * Refuse `terraform destroy` of the pool (`lifecycle.prevent_destroy`).
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Name of the temporary pool used when a change rotates the pool (vmSize, zones, maxPods, OS disk, …).
   * @default - derived from name, e.g. `corepool` → `corepooltmp`
   */
  readonly temporaryNameForRotation?: string;
}

/** The Terraform address the pool's resource gets inside its stack. */
const RESOURCE_ID = "pool";
const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;
const LINUX_SKUS = [NodePoolOsSku.AZURE_LINUX, NodePoolOsSku.AZURE_LINUX_3, NodePoolOsSku.UBUNTU, NodePoolOsSku.UBUNTU_2204];
const WINDOWS_SKUS = [NodePoolOsSku.WINDOWS_2019, NodePoolOsSku.WINDOWS_2022];
const RESERVED_LABEL_PREFIXES = ["kubernetes.io/", "kubernetes.azure.com/"];
const SPOT_TAINT = "kubernetes.azure.com/scalesetpriority=spot:NoSchedule";
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const SURGE = /^([1-9][0-9]*|([1-9][0-9]?|100)%)$/;
const VERSION = /^1\.[0-9]{1,2}(\.[0-9]{1,2})?$/;
const AKS_MAX_NODES = 1000;
/** Azure tag names: at most 512 characters, none of `<>%&\?/` (Azure Resource Manager). */
const TAG_NAME = /^[^<>%&\\?/]{1,512}$/;

/**
 * An AKS node pool (`azurerm_kubernetes_cluster_node_pool`) whose guardrails hold by construction: autoscaling is
 * always on with min and max set (a portal edit of them is drift the controller reverts), `node_count` is left to the
 * autoscaler, the pool is protected from destroy, and a VM size change rotates instead of failing at apply.
 */
export class GuardedNodePool extends Construct {
  /** The provider resource; escape hatch for settings this construct does not expose. */
  readonly resource: KubernetesClusterNodePool;
  /** The pool name in AKS. */
  readonly name: string;
  readonly minCount: number;
  readonly maxCount: number;
  /** The resolved guardrails this pool was checked against. */
  readonly guardrails: Required<Pick<NodePoolGuardrails, "minCountFloor" | "maxCountCeiling">> & Pick<NodePoolGuardrails, "allowedVmSizes">;
  /** The bound cluster (id and identity for checks). */
  readonly cluster: BoundCluster;
  /** Name of the temporary pool a rotation creates. */
  readonly temporaryNameForRotation: string;

  constructor(scope: Construct, id: string, givenProps: GuardedNodePoolProps) {
    super(scope, id);
    // A JavaScript caller without props gets the validation messages (cluster, name, counts unset), not a TypeError.
    const props: GuardedNodePoolProps = givenProps ?? ({} as GuardedNodePoolProps);
    InfrastructureStack.of(this); // fails early with the path if used outside an infrastructure stack
    const mode = props.mode ?? NodePoolMode.USER;
    const osType = props.osType ?? NodePoolOsType.LINUX;
    const nodeCount = props.nodeCount;
    const preventDestroy = props.preventDestroy ?? true;
    const temporaryName = props.temporaryNameForRotation ?? (typeof props.name === "string" ? temporaryNameFor(props.name, osType) : "");
    this.name = props.name;
    this.minCount = props.minCount;
    this.maxCount = props.maxCount;
    this.guardrails = {
      minCountFloor: props.guardrails?.minCountFloor ?? 3,
      maxCountCeiling: props.guardrails?.maxCountCeiling ?? AKS_MAX_NODES,
      allowedVmSizes: props.guardrails?.allowedVmSizes,
    };
    // A JavaScript caller without a cluster gets the validation message, not a TypeError here.
    this.cluster = props.cluster instanceof NodePoolCluster ? props.cluster._bind(this) : { id: "" };
    const checksCluster = props.cluster instanceof NodePoolCluster ? firstPoolOf(this, props.cluster) === this : true;

    // A JavaScript caller's `nodeTaints: {}` or `[null]` gets the validation message, not a TypeError here.
    const taintList = Array.isArray(props.nodeTaints) ? props.nodeTaints.filter((t) => t !== null && typeof t === "object") : [];
    const taints = taintList.map((t) => `${t.key}${t.value !== undefined ? `=${t.value}` : ""}:${t.effect}`);
    if (props.spot && !taints.includes(SPOT_TAINT)) taints.push(SPOT_TAINT); // AKS adds it; declaring it avoids a diff on every plan

    this.resource = new KubernetesClusterNodePool(this, RESOURCE_ID, {
      name: props.name,
      kubernetesClusterId: this.cluster.id,
      vmSize: props.vmSize,
      autoScalingEnabled: true,
      minCount: props.minCount,
      maxCount: props.maxCount,
      nodeCount: nodeCount,
      mode,
      zones: props.zones,
      // Literal text stays literal in Terraform JSON (validation sees and reports the props as typed).
      nodeLabels: terraformLiteralMap(nodeLabelsToWrite(props.nodeLabels, !!props.spot)),
      nodeTaints: taints.length ? taints.map((t) => terraformLiteral(t)) : undefined,
      maxPods: props.maxPods,
      osDiskSizeGb: props.osDiskSizeGb,
      osDiskType: props.osDiskType,
      osType,
      osSku: props.osSku,
      orchestratorVersion: props.orchestratorVersion,
      upgradeSettings: upgradeSettingsToWrite(props.upgradeSettings, !!props.spot),
      priority: props.spot ? "Spot" : "Regular",
      evictionPolicy: props.spot ? (props.spot.evictionPolicy ?? SpotEvictionPolicy.DELETE) : undefined,
      spotMaxPrice: props.spot ? (props.spot.maxPrice ?? -1) : undefined,
      temporaryNameForRotation: temporaryName,
      tags: terraformLiteralMap(props.tags),
      lifecycle: {
        // The autoscaler owns the live count; without this every reconcile would scale the pool back.
        ignoreChanges: ["node_count"],
        preventDestroy,
      },
    });

    this.temporaryNameForRotation = temporaryName;
    POOLS.add(appOf(this), poolKey(this), this);

    addPropValidation(this, (c) => validateProps(c, props, { mode, osType, temporaryName, guardrails: this.guardrails, checksCluster }));
    addPropValidation(this, (c) => this.checkUniqueNames(c));
  }

  /**
   * Two pools of one cluster must not share a name, nor may one's name be the other's rotation name: the rotation
   * creates and then deletes an agent pool of that name.
   */
  private checkUniqueNames(c: PropChecks): void {
    if (!this.cluster.key) return;
    const mine = [this.name, this.temporaryNameForRotation];
    for (const other of POOLS.of(appOf(this), poolKey(this))) {
      if (other === this) return; // only pools declared earlier are blamed, so each clash is reported once
      const theirs = [other.name, other.temporaryNameForRotation];
      if (other.name === this.name) c.fail("name", this.name, `a name no other pool of the same cluster uses (${other.node.path} has it)`);
      else if (mine.some((n) => theirs.includes(n))) {
        c.fail(
          "name",
          this.name,
          `names (name and temporaryNameForRotation ${JSON.stringify(this.temporaryNameForRotation)}) that no other pool ` +
            `of the same cluster uses (${other.node.path} uses ${theirs.map((n) => JSON.stringify(n)).join(" and ")})`,
        );
      }
    }
  }
}

/** The first pool of an app that uses a NodePoolCluster object (it alone reports a bad cluster reference). */
const POOLS_BY_CLUSTER_OBJECT = new Registry<NodePoolCluster, GuardedNodePool>();

function firstPoolOf(pool: GuardedNodePool, cluster: NodePoolCluster): GuardedNodePool {
  return POOLS_BY_CLUSTER_OBJECT.add(appOf(pool), cluster, pool)[0];
}

/** Pools per app and cluster, registered at construction: a lookup per pool instead of a walk of the whole tree. */
const POOLS = new Registry<string, GuardedNodePool>();

function poolKey(pool: GuardedNodePool): string {
  return pool.cluster.key ?? `unkeyed:${pool.node.path}`;
}

interface Resolved {
  readonly mode: NodePoolMode;
  readonly osType: NodePoolOsType;
  readonly temporaryName: string;
  readonly guardrails: GuardedNodePool["guardrails"];
  /** False when an earlier pool uses the same NodePoolCluster object: a bad cluster is one mistake, one message. */
  readonly checksCluster: boolean;
}

function validateProps(c: PropChecks, p: GuardedNodePoolProps, r: Resolved): void {
  if (p.cluster instanceof NodePoolCluster) {
    if (r.checksCluster) p.cluster._validate(c);
  } else c.fail("cluster", p.cluster, "a NodePoolCluster: NodePoolCluster.fromClusterId(…), .fromClusterName(…) or .fromCluster(…)");
  const nameMax = r.osType === NodePoolOsType.WINDOWS ? 6 : 12;
  const nameRule =
    `a lower-case letter, then lower-case letters and digits, 1 to ${nameMax} ` +
    `characters${r.osType === NodePoolOsType.WINDOWS ? " (Windows)" : ""}`;
  if (p.name === undefined) c.fail("name", p.name, nameRule); // required; only a JavaScript caller can leave it out
  const nameOk = p.name !== undefined && c.pattern("name", p.name, POOL_NAME, nameRule);
  if (nameOk) c.check(p.name.length <= nameMax, "name", p.name, nameRule);
  // A derived rotation name is valid whenever the name is; only a given one needs its own message.
  if ((nameOk || p.temporaryNameForRotation !== undefined) && c.pattern("temporaryNameForRotation", r.temporaryName, POOL_NAME, nameRule)) {
    c.check(
      r.temporaryName.length <= nameMax && r.temporaryName !== p.name,
      "temporaryNameForRotation",
      r.temporaryName,
      `${nameRule}, different from name`,
    );
  }

  const g = r.guardrails;
  c.record("guardrails", p.guardrails, "an object { minCountFloor?, maxCountCeiling?, allowedVmSizes? }");
  const floorOk = c.integer("guardrails.minCountFloor", g.minCountFloor, 0, AKS_MAX_NODES);
  const ceilingOk = c.integer("guardrails.maxCountCeiling", g.maxCountCeiling, 0, AKS_MAX_NODES);
  if (floorOk && ceilingOk)
    c.check(
      g.minCountFloor <= g.maxCountCeiling,
      "guardrails.maxCountCeiling",
      g.maxCountCeiling,
      `at least guardrails.minCountFloor (${g.minCountFloor})`,
    );
  // Guardrails that contradict each other are one mistake: no count could satisfy them, so counts are not held to them.
  const guardsOk = floorOk && ceilingOk && g.minCountFloor <= g.maxCountCeiling;
  const minOk = c.integer("minCount", p.minCount, 0, AKS_MAX_NODES);
  const maxOk = c.integer("maxCount", p.maxCount, 0, AKS_MAX_NODES);
  if (minOk && guardsOk)
    c.check(
      p.minCount >= g.minCountFloor,
      "minCount",
      p.minCount,
      `at least the floor guardrails.minCountFloor = ${g.minCountFloor} (range ${g.minCountFloor}..${AKS_MAX_NODES})`,
    );
  if (maxOk && guardsOk)
    c.check(
      p.maxCount <= g.maxCountCeiling,
      "maxCount",
      p.maxCount,
      `at most the ceiling guardrails.maxCountCeiling = ${g.maxCountCeiling}`,
    );
  const rangeOk = minOk && maxOk && p.minCount <= p.maxCount;
  if (minOk && maxOk) c.check(rangeOk, "maxCount", p.maxCount, `at least minCount (${p.minCount})`);
  if (rangeOk) c.check(p.maxCount >= 1, "maxCount", p.maxCount, "at least 1 (a pool that can never have a node)");
  if (p.nodeCount !== undefined && c.integer("nodeCount", p.nodeCount, 0, AKS_MAX_NODES) && rangeOk) {
    c.check(
      p.nodeCount >= p.minCount && p.nodeCount <= p.maxCount,
      "nodeCount",
      p.nodeCount,
      `a count within [minCount, maxCount] = [${p.minCount}, ${p.maxCount}]`,
    );
  }

  if (c.literal("vmSize", p.vmSize)) {
    c.check(
      typeof p.vmSize === "string" && /^Standard_[A-Za-z0-9_]+$/.test(p.vmSize),
      "vmSize",
      p.vmSize,
      "an Azure VM size such as Standard_D2s_v3",
    );
    if (typeof p.vmSize === "string" && /^Standard_[A-Za-z0-9_]+$/.test(p.vmSize)) validateVmSizeSpelling(c, p.vmSize);
    if (g.allowedVmSizes !== undefined && c.literal("guardrails.allowedVmSizes", g.allowedVmSizes)) {
      c.check(
        Array.isArray(g.allowedVmSizes) && g.allowedVmSizes.length > 0,
        "guardrails.allowedVmSizes",
        g.allowedVmSizes,
        "at least one VM size (leave it unset to allow any size)",
      );
    }
    if (Array.isArray(g.allowedVmSizes) && g.allowedVmSizes.length > 0) {
      const allowed = g.allowedVmSizes.map((s) => s.toLowerCase());
      c.check(
        allowed.includes(String(p.vmSize).toLowerCase()),
        "vmSize",
        p.vmSize,
        `one of guardrails.allowedVmSizes: ${g.allowedVmSizes.join(", ")}`,
      );
    }
  }

  c.oneOf("mode", r.mode, Object.values(NodePoolMode));
  c.oneOf("osType", r.osType, Object.values(NodePoolOsType));
  if (r.mode === NodePoolMode.SYSTEM) {
    c.check(r.osType === NodePoolOsType.LINUX, "osType", r.osType, "Linux for a System pool");
    c.check(
      !p.spot,
      "spot",
      p.spot,
      "unset for a System pool (System pools run on Regular priority; a Spot pool needs mode: NodePoolMode.USER)",
    );
    if (minOk) c.check(p.minCount >= 1, "minCount", p.minCount, "at least 1 for a System pool");
  }
  if (p.osSku !== undefined && c.oneOf("osSku", p.osSku, Object.values(NodePoolOsSku))) {
    const skus = r.osType === NodePoolOsType.WINDOWS ? WINDOWS_SKUS : LINUX_SKUS;
    c.check(skus.includes(p.osSku), "osSku", p.osSku, `an ${r.osType} SKU: ${skus.join(", ")}`);
  }
  if (p.maxPods !== undefined) {
    const min = r.mode === NodePoolMode.SYSTEM ? 30 : 10;
    c.integer("maxPods", p.maxPods, min, 250);
  }
  c.integer("osDiskSizeGb", p.osDiskSizeGb, 1, 2048);
  c.oneOf("osDiskType", p.osDiskType, Object.values(NodePoolOsDiskType));
  c.pattern("orchestratorVersion", p.orchestratorVersion, VERSION, "a Kubernetes version 1.xx or 1.xx.y");

  if (p.zones !== undefined && c.literal("zones", p.zones)) {
    const zonesOk = Array.isArray(p.zones) && p.zones.every((z) => ["1", "2", "3"].includes(z));
    c.check(zonesOk, "zones", p.zones, `zones from "1", "2", "3"`);
    if (zonesOk) c.check(new Set(p.zones).size === p.zones.length, "zones", p.zones, "each zone once");
  }
  if (
    p.nodeLabels !== undefined &&
    c.literal("nodeLabels", p.nodeLabels) &&
    c.record("nodeLabels", p.nodeLabels, 'an object of label keys to values, e.g. { workload: "batch" }')
  ) {
    for (const [k, v] of Object.entries(p.nodeLabels)) {
      c.check(
        !RESERVED_LABEL_PREFIXES.some((pre) => k.startsWith(pre)) || isSpotLabel(k, v, !!p.spot),
        `nodeLabels[${JSON.stringify(k)}]`,
        k,
        `a key outside the reserved prefixes ${RESERVED_LABEL_PREFIXES.join(", ")}`,
      );
      const keyOk = LABEL_KEY.test(k);
      c.check(keyOk, `nodeLabels[${JSON.stringify(k)}]`, k, "a Kubernetes label key ([prefix/]name, name 1 to 63 characters)");
      if (keyOk) checkKeyPrefixLength(c, `nodeLabels[${JSON.stringify(k)}]`, k);
      c.check(
        typeof v === "string" && LABEL_VALUE.test(v),
        `nodeLabels[${JSON.stringify(k)}]`,
        v,
        "a Kubernetes label value (0 to 63 letters, digits, '-', '_', '.', alphanumeric at both ends)",
      );
    }
  }
  if (
    p.nodeTaints !== undefined &&
    c.literal("nodeTaints", p.nodeTaints) &&
    c.arrayOfObjects("nodeTaints", p.nodeTaints, "an array of { key, value?, effect } taints")
  ) {
    p.nodeTaints.forEach((t, i) => {
      const taintKeyOk = LABEL_KEY.test(t.key);
      c.check(taintKeyOk, `nodeTaints[${i}].key`, t.key, "a Kubernetes taint key ([prefix/]name)");
      if (taintKeyOk) checkKeyPrefixLength(c, `nodeTaints[${i}].key`, t.key);
      if (t.value !== undefined)
        c.check(LABEL_VALUE.test(t.value), `nodeTaints[${i}].value`, t.value, "a taint value (0 to 63 letters, digits, '-', '_', '.')");
      c.oneOf(`nodeTaints[${i}].effect`, t.effect, Object.values(TaintEffect));
    });
  }
  const u = p.upgradeSettings;
  validateSpotUpgradeSettings(c, u, !!p.spot);
  if (c.record("upgradeSettings", u, "an object { maxSurge?, maxUnavailable?, drainTimeoutInMinutes?, nodeSoakDurationInMinutes? }") && u) {
    c.check(
      !(u.maxSurge !== undefined && u.maxUnavailable !== undefined),
      "upgradeSettings",
      u,
      "exactly one of maxSurge and maxUnavailable",
    );
    c.pattern("upgradeSettings.maxSurge", u.maxSurge, SURGE, `a node count ("1") or a percentage from 1% to 100% ("33%")`);
    c.pattern("upgradeSettings.maxUnavailable", u.maxUnavailable, SURGE, `a node count ("1") or a percentage from 1% to 100% ("33%")`);
    c.integer("upgradeSettings.drainTimeoutInMinutes", u.drainTimeoutInMinutes, 0, 1440);
    c.integer("upgradeSettings.nodeSoakDurationInMinutes", u.nodeSoakDurationInMinutes, 0, 30);
  }
  if (c.record("spot", p.spot, "an object { evictionPolicy?, maxPrice? }") && p.spot) {
    c.oneOf("spot.evictionPolicy", p.spot.evictionPolicy, Object.values(SpotEvictionPolicy));
    const price = p.spot.maxPrice;
    if (price !== undefined && c.literal("spot.maxPrice", price)) {
      // Decimals counted on the number itself (0.07 * 1e5 is 7000.000000000001): at most 5 if rounding to 5 keeps it.
      const ok = price === -1 || (typeof price === "number" && price > 0 && Number.isFinite(price) && Number(price.toFixed(5)) === price);
      c.check(ok, "spot.maxPrice", price, "-1 (up to the on-demand price) or a positive price with at most 5 decimals");
    }
  }
  if (
    p.tags !== undefined &&
    c.literal("tags", p.tags) &&
    c.record("tags", p.tags, 'an object of tag names to values, e.g. { team: "platform" }')
  ) {
    for (const [k, v] of Object.entries(p.tags)) {
      c.check(TAG_NAME.test(k), `tags[${JSON.stringify(k)}]`, k, "an Azure tag name: 1 to 512 characters, none of < > % & \\ ? /");
      c.check(
        typeof v === "string" && v.length <= 256,
        `tags[${JSON.stringify(k)}]`,
        v,
        "an Azure tag value: a string of at most 256 characters",
      );
    }
  }
  c.check(typeof (p.preventDestroy ?? true) === "boolean", "preventDestroy", p.preventDestroy, "true or false");
}

/** A rotation name that is valid and differs from the pool name: `corepool` → `corepooltmp`, Windows `win1` → `wintmp`. */
export function temporaryNameFor(name: string, osType: NodePoolOsType): string {
  const max = osType === NodePoolOsType.WINDOWS ? 6 : 12;
  for (const suffix of ["tmp", "rot", "t", "r"]) {
    const candidate = (name.slice(0, Math.max(1, max - suffix.length)) + suffix).slice(0, max);
    if (candidate !== name) return candidate;
  }
  return "tmp";
}
