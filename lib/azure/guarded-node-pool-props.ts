import { NodePoolAdoption } from "./node-pool-adoption";
import { NodePoolCluster } from "./node-pool-cluster";

// The enums, option interfaces and props of a GuardedNodePool (re-exported by guarded-node-pool.ts).

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
  /**
   * Take over a pool that already exists instead of creating it: `NodePoolAdoption.importFrom(id)` or
   * `NodePoolAdoption.fromPreviousAddress(address)` (docs/migrating-from-hand-written.md). Remove it once applied.
   * @default - the pool is created
   */
  readonly adopt?: NodePoolAdoption;
}
