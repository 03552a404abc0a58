import type { IConstruct } from "constructs";
import type { InfrastructureStack } from "../azure/infrastructure-stack";
import type { RepoTerraformStack } from "../azure/repo-terraform-stack";
import type { IFluxCluster, ITerraformSource } from "../flux/flux-cluster";

/**
 * What Terraform objects and runner identities need of their cluster, beyond what the Flux constructs need: its own
 * GitRepository (the default source), its promotion stage and its bootstrap stack. `FluxBootstrap` implements it.
 */
export interface ITerraformCluster extends IFluxCluster {
  /** The GitRepository that syncs this cluster; the default source of its Terraform objects. */
  readonly source: ITerraformSource;
  /** The promotion stage of this cluster, if it is in a PromotionOrder. */
  readonly promotion: { readonly stage: string; readonly order: IConstruct } | undefined;
  /** The cluster's `bootstrap/<cluster>/main.tf.json`, once there is one. */
  readonly bootstrapStack: RepoTerraformStack | undefined;
  /** @internal Subscription of the bootstrap stack's provider, once there is one. */
  readonly _bootstrapSubscriptionId: string | undefined;
  /** @internal The bootstrap stack that receives the cluster's runner identity resources (created on first use). */
  _bootstrapStackFor(subscriptionId: string): RepoTerraformStack;
}

/** What a runner identity sees of a Terraform object that uses it. */
export interface ITerraformObject extends IConstruct {
  readonly cluster: ITerraformCluster;
  /** Object name. */
  readonly name: string;
  readonly namespace: string;
  /** The stack it reconciles. */
  readonly stack: InfrastructureStack;
  /** The source it reads the stack's code from. */
  readonly source: ITerraformSource;
}

const TERRAFORM_CLUSTER = Symbol.for("cdktf-aks-gitops/terraform-cluster");

/** Marks `cluster` as an ITerraformCluster, so `isTerraformCluster` tells it apart from any other value. */
export function markTerraformCluster(cluster: ITerraformCluster): void {
  Object.defineProperty(cluster, TERRAFORM_CLUSTER, { value: true });
}

/** True if x was marked by its constructor as an ITerraformCluster (a brand, like `Stack.isStack`; not its shape). */
export function isTerraformCluster(x: unknown): x is ITerraformCluster {
  return x !== null && typeof x === "object" && (x as Record<symbol, unknown>)[TERRAFORM_CLUSTER] === true;
}
