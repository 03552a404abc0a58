import { IConstruct } from "constructs";
import { TerraformResource, TerraformStack } from "../core/framework";
import { isFileProducer } from "../core/gitops-file";
import { KUBELET_IDENTITY_OPT_IN } from "../tofu/kubelet-identity-opt-in";
import { PolicyRuleContext, RuleCompliance } from "./nag-pack";

/** Terraform type of an AKS node pool, made by `GuardedNodePool` or directly with `KubernetesClusterNodePool`. */
export const NODE_POOL_TYPE = "azurerm_kubernetes_cluster_node_pool";

/**
 * The attributes a node pool resource synthesizes to, resolved, snake_case, overrides applied: exactly what lands
 * in `main.tf.json`. Undefined when the construct is not a node pool resource.
 *
 * Read from the resource's Terraform (not from the construct's props), so `addOverride` escape hatches and raw
 * `KubernetesClusterNodePool` resources are checked the same way as `GuardedNodePool`.
 */
export function nodePoolAttributes(node: IConstruct, context: PolicyRuleContext): Record<string, unknown> | undefined {
  if (!TerraformResource.isTerraformResource(node) || node.terraformResourceType !== NODE_POOL_TYPE) return undefined;
  const tf = context.resolve(node.toTerraform()) as { resource?: Record<string, Record<string, Record<string, unknown>>> } | undefined;
  const byId = tf?.resource?.[NODE_POOL_TYPE];
  if (!byId) return undefined; // a moved-away resource has no block of its own
  const attributes = Object.values(byId)[0];
  return attributes && typeof attributes === "object" ? attributes : undefined;
}

/** Terraform type of an AKS cluster, whose `default_node_pool` is a pool too. */
export const CLUSTER_TYPE = "azurerm_kubernetes_cluster";

/** The sizing attributes of one pool: `vm_size`, `auto_scaling_enabled`, `max_count`, `node_count` (resolved). */
export interface PoolSizing {
  /** "" for a node pool resource, "default_node_pool" for a cluster's default pool. */
  readonly where: string;
  readonly attributes: Record<string, unknown>;
}

/**
 * Every pool a construct synthesizes to: a node pool resource (GuardedNodePool or raw KubernetesClusterNodePool), or
 * the default node pool of a KubernetesCluster. Empty for anything else.
 */
export function poolSizingsOf(node: IConstruct, context: PolicyRuleContext): PoolSizing[] {
  const pool = nodePoolAttributes(node, context);
  if (pool) return [{ where: "", attributes: pool }];
  if (!TerraformResource.isTerraformResource(node) || node.terraformResourceType !== CLUSTER_TYPE) return [];
  const tf = context.resolve(node.toTerraform()) as { resource?: Record<string, Record<string, Record<string, unknown>>> } | undefined;
  const cluster = Object.values(tf?.resource?.[CLUSTER_TYPE] ?? {})[0];
  const block = cluster?.default_node_pool;
  const attributes = Array.isArray(block) ? block[0] : block;
  return attributes && typeof attributes === "object"
    ? [{ where: "default_node_pool", attributes: attributes as Record<string, unknown> }]
    : [];
}

/**
 * Applies a check to every pool of a construct: NOT_APPLICABLE without any; else a compliance for a node pool
 * resource, and the finding `default_node_pool` for a cluster's failing default pool.
 */
export function eachPool(
  node: IConstruct,
  context: PolicyRuleContext,
  ok: (pool: Record<string, unknown>) => boolean,
): RuleCompliance | string[] {
  const pools = poolSizingsOf(node, context);
  if (pools.length === 0) return RuleCompliance.NOT_APPLICABLE;
  const failing = pools.filter((p) => !ok(p.attributes));
  if (pools[0].where === "") return failing.length ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
  return failing.map((p) => p.where);
}

/** `lifecycle` of resolved resource attributes. */
export function lifecycleOf(attributes: Record<string, unknown>): { ignoreChanges: unknown; preventDestroy: unknown } {
  const lifecycle = (attributes.lifecycle ?? {}) as Record<string, unknown>;
  return { ignoreChanges: lifecycle.ignore_changes, preventDestroy: lifecycle.prevent_destroy };
}

/** True if the resolved value is `true` (or the string `"true"` a Terraform variable default may carry). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** API group of tofu-controller's `Terraform` kind. */
const TERRAFORM_GROUP = "infra.contrib.fluxcd.io/";

/** A tofu-controller `Terraform` object as a construct declares it (the parsed manifest). */
export interface TerraformObjectManifest {
  readonly apiVersion: string;
  readonly kind: "Terraform";
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly spec?: Record<string, unknown>;
}

/**
 * The `Terraform` objects a construct writes into the GitOps repo (a `TerraformControllerCR`, or any other file
 * producer), as the manifests that will be rendered. Stacks are skipped: they write Terraform JSON, not manifests.
 */
export function terraformObjectsOf(node: IConstruct): TerraformObjectManifest[] {
  if (!isFileProducer(node) || TerraformStack.isStack(node)) return [];
  const out: TerraformObjectManifest[] = [];
  for (const f of node._gitOpsFiles()) {
    if (f.content.format !== "yaml") continue;
    for (const doc of f.content.documents) {
      const o = doc as Partial<TerraformObjectManifest> | null;
      if (o && o.kind === "Terraform" && typeof o.apiVersion === "string" && o.apiVersion.startsWith(TERRAFORM_GROUP)) {
        out.push(o as TerraformObjectManifest);
      }
    }
  }
  return out;
}

/**
 * Applies a check to every Terraform object of a construct: NOT_APPLICABLE without any, a compliance for one, and
 * for several the `namespace/name` of each failing object as findings.
 */
export function eachTerraformObject(node: IConstruct, check: (tf: TerraformObjectManifest) => RuleCompliance): RuleCompliance | string[] {
  const objects = terraformObjectsOf(node);
  if (objects.length === 0) return RuleCompliance.NOT_APPLICABLE;
  const results = objects.map((tf) => ({ tf, result: check(tf) }));
  if (objects.length === 1) return results[0].result;
  return results
    .filter((r) => r.result === RuleCompliance.NON_COMPLIANT)
    .map((r) => `${r.tf.metadata.namespace ?? ""}/${r.tf.metadata.name ?? ""}`);
}

/** True if the construct, an ancestor, or its `runnerIdentity` carries the kubelet-identity opt-in mark. */
export function optedIntoKubeletIdentity(node: IConstruct): boolean {
  const marked = (x: unknown): boolean =>
    x !== null && typeof x === "object" && (x as Record<symbol, unknown>)[KUBELET_IDENTITY_OPT_IN] === true;
  if (marked((node as { runnerIdentity?: unknown }).runnerIdentity)) return true;
  for (let c: IConstruct | undefined = node; c; c = c.node.scope) if (marked(c)) return true;
  return false;
}
