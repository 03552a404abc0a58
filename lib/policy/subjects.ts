import { DefaultTokenResolver, StringConcat, TerraformResource, Tokenization } from "cdktf";
import { IConstruct } from "constructs";
import type { PolicyRuleContext } from "./nag-pack";

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

/** `lifecycle` of resolved resource attributes. */
export function lifecycleOf(attributes: Record<string, unknown>): { ignoreChanges: unknown; preventDestroy: unknown } {
  const lifecycle = (attributes.lifecycle ?? {}) as Record<string, unknown>;
  return { ignoreChanges: lifecycle.ignore_changes, preventDestroy: lifecycle.prevent_destroy };
}

/** True if the resolved value is `true` (or the string `"true"` a Terraform variable default may carry). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** What cdktf's (unexported) stack resolve does: tokens to Terraform expressions and literals, from the construct's scope. */
export function resolveTokens(scope: IConstruct, value: unknown): unknown {
  return Tokenization.resolve(value, { scope, preparing: false, resolver: RESOLVER });
}
