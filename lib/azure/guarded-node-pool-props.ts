import { NodePoolAdoption } from "./node-pool-adoption";
import { NodePoolCluster } from "./node-pool-cluster";
import { NodePoolKubeletConfig } from "./node-pool-kubelet-config";
import { NodePoolLinuxOsConfig } from "./node-pool-linux-os-config";

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

// ---- Networking, host and GPU settings (issue #18; checks in node-pool-network.ts and node-pool-host-settings.ts)

/** What the autoscaler does with the nodes it scales away. */
export enum ScaleDownMode {
  /** The nodes are deleted (the AKS default). */
  DELETE = "Delete",
  /** The nodes are stopped and kept (their disks are paid for); not with Ephemeral OS disks. */
  DEALLOCATE = "Deallocate",
}

/** Multi-instance GPU profile of the nodes (NVIDIA MIG): the GPU partition each slice gets. */
export enum GpuInstanceProfile {
  MIG_1G = "MIG1g",
  MIG_2G = "MIG2g",
  MIG_3G = "MIG3g",
  MIG_4G = "MIG4g",
  MIG_7G = "MIG7g",
}

/** Whether AKS installs the GPU driver on GPU nodes. */
export enum GpuDriver {
  /** AKS installs the driver (what AKS does when nothing is sent). */
  INSTALL = "Install",
  /** No driver (e.g. for the NVIDIA GPU Operator). */
  NONE = "None",
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
   * Kubelet settings (`kubelet_config`). Adding, changing or removing them rotates the pool through
   * `temporaryNameForRotation`.
   * @default - none written: AKS's kubelet defaults
   */
  readonly kubeletConfig?: NodePoolKubeletConfig;
  /**
   * OS settings of a Linux pool (`linux_os_config`: sysctls, transparent huge pages, swap file). Adding, changing or
   * removing them rotates the pool through `temporaryNameForRotation`. Refused on Windows pools.
   * @default - none written: AKS's OS defaults
   */
  readonly linuxOsConfig?: NodePoolLinuxOsConfig;
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

  // ---- Networking, host and GPU settings (issue #18; docs/steady-state-audit.md)
  /**
   * The subnet the nodes join (bring your own VNet, Azure CNI): `/subscriptions/<id>/resourceGroups/<rg>/providers/
   * Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>`, or a reference. Changing it rotates the pool; the
   * runner needs `Microsoft.Network/virtualNetworks/subnets/join/action` on it (see `subnetIds`; RunnerIdentity grants
   * it on the subnet's VNet, docs/runner-identity.md). Removing it later
   * does not move the pool back to a managed VNet: azurerm then sends no subnet, the pool rotates onto the same one
   * and every later plan shows the change again (docs/steady-state-audit.md), so the synth refuses it; replace the pool instead.
   * @default - the cluster's managed VNet
   */
  readonly vnetSubnetId?: string;
  /**
   * The subnet pods get their IPs from (Azure CNI with dynamic IP allocation): another subnet of the same VNet as
   * vnetSubnetId, which it requires. Changing it rotates the pool.
   * @default - pods get IPs as the cluster's network plugin assigns them
   */
  readonly podSubnetId?: string;
  /**
   * What the autoscaler does with the nodes it scales away. Changed in place.
   * @default ScaleDownMode.DELETE (the provider's default; not written)
   */
  readonly scaleDownMode?: ScaleDownMode;
  /**
   * Encryption at host of the nodes' disks and caches (the subscription needs the `EncryptionAtHost` feature and the
   * VM size must support it). Changing it rotates the pool.
   * @default false
   */
  readonly hostEncryptionEnabled?: boolean;
  /**
   * A FIPS 140-2 enabled node image. Changing it rotates the pool.
   * @default false
   */
  readonly fipsEnabled?: boolean;
  /**
   * The MIG profile of a GPU pool (NVIDIA A100/H100 sizes). Changing it replaces the pool.
   * @default - no MIG partitioning
   */
  readonly gpuInstance?: GpuInstanceProfile;
  /**
   * Whether AKS installs the GPU driver. Changing it replaces the pool. Set it on every GPU size: AKS returns
   * `Install` for a GPU pool created without it, and the provider then plans a replacement on every run.
   * @default - GpuDriver.INSTALL written when gpuInstance is set, else not written
   */
  readonly gpuDriver?: GpuDriver;
  /**
   * The capacity reservation group the nodes are placed in:
   * `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/capacityReservationGroups/<name>`, or a
   * reference. Changing it replaces the pool.
   * @default - none
   */
  readonly capacityReservationGroupId?: string;
  /**
   * A public IP per node. Changing it rotates the pool.
   * @default false
   */
  readonly nodePublicIpEnabled?: boolean;
  /**
   * The public IP prefix the node IPs come from (requires nodePublicIpEnabled):
   * `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/publicIPPrefixes/<name>`, or a reference.
   * Changing it replaces the pool.
   * @default - IPs from no prefix
   */
  readonly nodePublicIpPrefixId?: string;
  /**
   * Take over a pool that already exists instead of creating it: `NodePoolAdoption.importFrom(id)` or
   * `NodePoolAdoption.fromPreviousAddress(address)` (docs/migrating-from-hand-written.md). Remove it once applied.
   * @default - the pool is created
   */
  readonly adopt?: NodePoolAdoption;
}
