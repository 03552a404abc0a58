import { createHash } from "crypto";
import { Construct, IConstruct } from "constructs";
import { Token } from "../core/framework";
import { AKS_CLUSTER_NAME, RESOURCE_GROUP } from "../core/patterns";
import { PropChecks } from "../core/validation";
import { InfrastructureStack } from "./infrastructure-stack";
import { DataAzurermKubernetesCluster } from "./provider/data-azurerm-kubernetes-cluster";
import { KubernetesCluster } from "./provider/kubernetes-cluster";

const CLUSTER_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/i;

/** The cluster a node pool belongs to, bound into the pool's stack. */
export interface BoundCluster {
  /** `kubernetes_cluster_id` (a literal or a Terraform reference). */
  readonly id: string;
  /** Identifies the cluster for duplicate-name checks; undefined when only known at apply time. */
  readonly key?: string;
  /** The cluster resource when defined in the same app (lets other constructs check its settings). */
  readonly resource?: KubernetesCluster;
}

/** Where a cluster is, as far as the synth can tell (for resources outside the pool's stack, such as a runner identity). */
export interface ClusterLocation {
  readonly name: string;
  readonly resourceGroupName: string;
  /** Undefined when the cluster is given by name (the subscription of whoever reads it applies). */
  readonly subscriptionId?: string;
  /** The cluster resource when defined in the same app. */
  readonly resource?: KubernetesCluster;
  /**
   * The key GuardedNodePool.cluster.key has for this cluster in a stack of the given subscription (for name-based
   * clusters), so two references to one cluster can be compared.
   */
  keyIn(subscriptionId: string): string;
}

/**
 * The AKS cluster of a node pool: by resource id, by name and resource group (looked up through a data source, so
 * nobody pastes an id by hand), or a `KubernetesCluster` defined in the same stack.
 */
export abstract class NodePoolCluster {
  /** A cluster by its resource id, `/subscriptions/…/managedClusters/<name>`. */
  static fromClusterId(clusterId: string): NodePoolCluster {
    return new ClusterById(clusterId);
  }

  /** A cluster by name and resource group, resolved at plan time by an `azurerm_kubernetes_cluster` data source. */
  static fromClusterName(name: string, resourceGroupName: string): NodePoolCluster {
    return new ClusterByName(name, resourceGroupName);
  }

  /** A cluster resource defined in the same stack. */
  static fromCluster(cluster: KubernetesCluster): NodePoolCluster {
    return new ClusterByResource(cluster);
  }

  /** @internal */
  abstract _validate(checks: PropChecks): void;
  /** @internal */
  abstract _bind(scope: Construct): BoundCluster;
  /** @internal Name, resource group and subscription when they are literals; undefined for an unresolved token. */
  abstract _locate(): ClusterLocation | undefined;
}

class ClusterById extends NodePoolCluster {
  constructor(private readonly clusterId: string) {
    super();
  }
  _validate(c: PropChecks): void {
    if (Token.isUnresolved(this.clusterId)) return; // a reference to another resource is fine here
    c.check(
      CLUSTER_ID.test(this.clusterId),
      "cluster (clusterId)",
      this.clusterId,
      "an AKS resource id /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ContainerService/managedClusters/<name>",
    );
  }
  _bind(): BoundCluster {
    if (Token.isUnresolved(this.clusterId)) return { id: this.clusterId };
    const parts = this.clusterId.split("/");
    return { id: this.clusterId, key: clusterKey(parts[2], parts[4], parts[8]) };
  }
  _locate(): ClusterLocation | undefined {
    if (Token.isUnresolved(this.clusterId) || !CLUSTER_ID.test(this.clusterId)) return undefined;
    const [, , subscriptionId, , resourceGroupName, , , , name] = this.clusterId.split("/");
    return { name, resourceGroupName, subscriptionId, keyIn: () => clusterKey(subscriptionId, resourceGroupName, name) };
  }
}

class ClusterByName extends NodePoolCluster {
  constructor(
    private readonly name: string,
    private readonly resourceGroupName: string,
  ) {
    super();
  }
  _validate(c: PropChecks): void {
    c.pattern("cluster (name)", this.name, AKS_CLUSTER_NAME, "an AKS cluster name: 1 to 63 letters, digits, '-' and '_'");
    c.pattern(
      "cluster (resourceGroupName)",
      this.resourceGroupName,
      RESOURCE_GROUP,
      "a resource group name: 1 to 90 letters, digits, '-', '_', '.', '(' and ')', not ending in '.'",
    );
  }
  _bind(scope: Construct): BoundCluster {
    // One data source per cluster and stack, shared by all pools of that cluster.
    const stack = InfrastructureStack.of(scope);
    const readable = `cluster-${this.resourceGroupName}-${this.name}`.replace(/[^A-Za-z0-9-]/g, "-");
    const sameCluster = (c: unknown): c is DataAzurermKubernetesCluster =>
      c instanceof DataAzurermKubernetesCluster && c.nameInput === this.name && c.resourceGroupNameInput === this.resourceGroupName;
    // Sanitizing can make two clusters' ids collide (rg "a_b" vs "a-b"): then the id carries a hash of the real pair.
    const hashed = `${readable}-${createHash("sha256").update(`${this.resourceGroupName}/${this.name}`).digest("hex").slice(0, 8)}`;
    const existing = [readable, hashed].map((id) => stack.node.tryFindChild(id)).find(sameCluster);
    const data =
      existing ??
      new DataAzurermKubernetesCluster(stack, stack.node.tryFindChild(readable) ? hashed : readable, {
        name: this.name,
        resourceGroupName: this.resourceGroupName,
      });
    return { id: data.id, key: clusterKey(stack.subscriptionId, this.resourceGroupName, this.name) };
  }
  _locate(): ClusterLocation | undefined {
    if (Token.isUnresolved(this.name) || Token.isUnresolved(this.resourceGroupName)) return undefined;
    return {
      name: this.name,
      resourceGroupName: this.resourceGroupName,
      keyIn: (sub) => clusterKey(sub, this.resourceGroupName, this.name),
    };
  }
}

/** Identifies a cluster across the app: subscription, resource group and name, case-insensitive as in Azure. */
function clusterKey(subscriptionId: string, resourceGroupName: string, name: string): string {
  return `${subscriptionId}/${resourceGroupName}/${name}`.toLowerCase();
}

class ClusterByResource extends NodePoolCluster {
  constructor(private readonly cluster: KubernetesCluster) {
    super();
  }
  _validate(): void {}
  _bind(): BoundCluster {
    return { id: this.cluster.id, key: `resource:${this.cluster.node.path}`, resource: this.cluster };
  }
  _locate(): ClusterLocation | undefined {
    const name = this.cluster.nameInput;
    const resourceGroupName = this.cluster.resourceGroupNameInput;
    if (name === undefined || resourceGroupName === undefined || Token.isUnresolved(name) || Token.isUnresolved(resourceGroupName))
      return undefined;
    let subscriptionId: string | undefined;
    for (let c: IConstruct | undefined = this.cluster; c && subscriptionId === undefined; c = c.node.scope)
      if (c instanceof InfrastructureStack) subscriptionId = c.subscriptionId;
    return { name, resourceGroupName, subscriptionId, resource: this.cluster, keyIn: () => `resource:${this.cluster.node.path}` };
  }
}
