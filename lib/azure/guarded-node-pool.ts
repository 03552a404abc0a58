import { Construct } from "constructs";
import { appOf, Registry } from "../core/registry";
import { terraformLiteral, terraformLiteralMap } from "../core/terraform-literal";
import { addPropValidation, PropChecks } from "../core/validation";
import { GuardedNodePoolProps, NodePoolGuardrails, NodePoolMode, NodePoolOsType, SpotEvictionPolicy } from "./guarded-node-pool-props";
import { InfrastructureStack } from "./infrastructure-stack";
import { NodePoolAdoption, validateAdoption } from "./node-pool-adoption";
import { BoundCluster, NodePoolCluster } from "./node-pool-cluster";
import { poolHostSettingsToWrite } from "./node-pool-host-settings";
import { kubeletConfigToWrite, validateKubeletConfig } from "./node-pool-kubelet-config";
import { linuxOsConfigToWrite, validateLinuxOsConfig } from "./node-pool-linux-os-config";
import { poolNetworkToWrite, subnetIdsOf } from "./node-pool-network";
import { nodeLabelsToWrite, upgradeSettingsToWrite } from "./node-pool-steady-state";
import { resolveGuardrails, validateNodePoolProps } from "./node-pool-validation";
import { KubernetesClusterNodePool } from "./provider/kubernetes-cluster-node-pool";

export * from "./guarded-node-pool-props";
export * from "./node-pool-kubelet-config";
export * from "./node-pool-linux-os-config";
export { NodePoolAdoption, NodePoolAdoptionKind } from "./node-pool-adoption";

/** The Terraform address the pool's resource gets inside its stack. */
const RESOURCE_ID = "pool";
const SPOT_TAINT = "kubernetes.azure.com/scalesetpriority=spot:NoSchedule";

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
  /**
   * Whether the pool is written with `prevent_destroy` (guarded). A guarded pool's acknowledged replacement is
   * written at a new address (lib/azure/guarded-node-pool-generations.ts), since Terraform refuses to replace it in place.
   */
  readonly preventDestroy: boolean;
  /**
   * The distinct subnets the pool joins (vnetSubnetId, then podSubnetId; ids or references): the scopes a runner
   * needs `Microsoft.Network/virtualNetworks/subnets/join/action` on. Empty on the cluster's managed VNet.
   */
  readonly subnetIds: readonly string[];
  /** How the pool takes over an existing one, if it does (written once its address is fixed, before cdktf's synth). */
  readonly adopt?: NodePoolAdoption;

  constructor(scope: Construct, id: string, givenProps: GuardedNodePoolProps) {
    super(scope, id);
    // A JavaScript caller without props gets the validation messages (cluster, name, counts unset), not a TypeError.
    const props: GuardedNodePoolProps = givenProps ?? ({} as GuardedNodePoolProps);
    InfrastructureStack.of(this); // fails early with the path if used outside an infrastructure stack
    const mode = props.mode ?? NodePoolMode.USER;
    const osType = props.osType ?? NodePoolOsType.LINUX;
    const nodeCount = props.nodeCount;
    const preventDestroy = props.preventDestroy ?? true;
    this.preventDestroy = preventDestroy === true;
    const temporaryName = props.temporaryNameForRotation ?? (typeof props.name === "string" ? temporaryNameFor(props.name, osType) : "");
    this.name = props.name;
    this.minCount = props.minCount;
    this.maxCount = props.maxCount;
    this.guardrails = resolveGuardrails(props.guardrails);
    // A JavaScript caller without a cluster gets the validation message, not a TypeError here.
    this.cluster = props.cluster instanceof NodePoolCluster ? props.cluster._bind(this) : { id: "" };
    const checksCluster = props.cluster instanceof NodePoolCluster ? firstPoolOf(this, props.cluster) === this : true;
    const taints = taintsToWrite(props);

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
      kubeletConfig: kubeletConfigToWrite(props.kubeletConfig),
      linuxOsConfig: linuxOsConfigToWrite(props.linuxOsConfig),
      upgradeSettings: upgradeSettingsToWrite(props.upgradeSettings, !!props.spot),
      priority: props.spot ? "Spot" : "Regular",
      evictionPolicy: props.spot ? (props.spot.evictionPolicy ?? SpotEvictionPolicy.DELETE) : undefined,
      spotMaxPrice: props.spot ? (props.spot.maxPrice ?? -1) : undefined,
      temporaryNameForRotation: temporaryName,
      tags: terraformLiteralMap(props.tags),
      ...poolNetworkToWrite(props),
      ...poolHostSettingsToWrite(props),
      lifecycle: {
        // The autoscaler owns the live count; without this every reconcile would scale the pool back.
        ignoreChanges: ["node_count"],
        preventDestroy,
      },
    });

    this.temporaryNameForRotation = temporaryName;
    this.subnetIds = subnetIdsOf(props);
    this.adopt = props.adopt instanceof NodePoolAdoption ? props.adopt : undefined;
    POOLS.add(appOf(this), poolKey(this), this);

    addPropValidation(this, (c) =>
      validateNodePoolProps(c, props, { mode, osType, temporaryName, guardrails: this.guardrails, checksCluster }),
    );
    addPropValidation(this, (c) => this.checkUniqueNames(c));
    addPropValidation(this, (c) => {
      validateKubeletConfig(c, props.kubeletConfig);
      validateLinuxOsConfig(c, props.linuxOsConfig, { osType, hasKubeletConfig: props.kubeletConfig !== undefined });
    });
    addPropValidation(this, (c) =>
      validateAdoption(c, props.adopt, {
        ...{ name: props.name, preventDestroy, stackSubscriptionId: InfrastructureStack.of(this).subscriptionId },
        cluster: props.cluster instanceof NodePoolCluster ? props.cluster._locate() : undefined,
      }),
    );
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

/** The taints as `key[=value]:Effect`, with the Spot taint on Spot pools. */
function taintsToWrite(props: GuardedNodePoolProps): string[] {
  // A JavaScript caller's `nodeTaints: {}` or `[null]` gets the validation message, not a TypeError here.
  const taintList = Array.isArray(props.nodeTaints) ? props.nodeTaints.filter((t) => t !== null && typeof t === "object") : [];
  const taints = taintList.map((t) => `${t.key}${t.value !== undefined ? `=${t.value}` : ""}:${t.effect}`);
  if (props.spot && !taints.includes(SPOT_TAINT)) taints.push(SPOT_TAINT); // AKS adds it; declaring it avoids a diff on every plan
  return taints;
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
