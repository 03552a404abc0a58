import { IConstruct } from "constructs";
import { parseAllDocuments } from "yaml";
import { crdSchemaPatchesOf } from "../checks/crd-schemas";
import { TerraformResource } from "../core/framework";
import { clusterNameOf } from "../core/repo-layout";
import { PolicyRuleContext } from "../policy/nag-pack";
import { resolveTokens } from "../policy/resolve";
import { NODE_POOL_TYPE, nodePoolAttributes } from "../policy/subjects";
import { DEFAULT_FLUX_CLI_TARGET, FluxTarget, FluxVersion, SchemaPatch, validateManifest } from "../schema/manifest-validator";

/** What `toBeGuardedNodePool` and `toHaveOnlyGuardedNodePools` require besides autoscaling and `ignore_changes`. */
export interface GuardedNodePoolExpectation {
  /**
   * The lowest allowed `min_count`.
   * @default 3
   */
  readonly minCountFloor?: number;
  /**
   * Also require `lifecycle.prevent_destroy = true`.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/** What `toMatchCrdSchema` / `crdSchemaProblems` validate against besides the file map's own clusters. */
export interface CrdSchemaOptions {
  /**
   * The Flux version of a single manifest or YAML text, and of the clusters of a file map that does not say (a map
   * from `synthGitOpsFiles` knows each cluster's `fluxVersion`, as the synth does).
   * @default FluxVersion.V2_9
   */
  readonly fluxVersion?: FluxVersion;
}

/** Where a file map from synthGitOpsFiles keeps the Flux target of each cluster (not enumerable: not part of the map's content). */
const FLUX_TARGETS_OF_MAP = Symbol.for("cdktf-aks-gitops/testing/flux-targets");

/** @internal Records on a synthesized file map which Flux target each cluster's files were checked against. */
export function _recordFluxTargets(files: object, targets: ReadonlyMap<string, FluxTarget>): void {
  Object.defineProperty(files, FLUX_TARGETS_OF_MAP, { value: new Map(targets), enumerable: false });
}

function recordedFluxTargets(files: object): ReadonlyMap<string, FluxTarget> | undefined {
  return (files as Record<symbol, ReadonlyMap<string, FluxTarget> | undefined>)[FLUX_TARGETS_OF_MAP];
}

/** Kustomize's own config file (`kustomization.yaml`) is not a Kubernetes object and has no CRD. */
const KUSTOMIZE_CONFIG = "kustomize.config.k8s.io/";

/**
 * Checks Kubernetes manifests against the CRD schemas bundled with the library (Flux 2.7 to 2.9, tofu-controller 0.16.5)
 * and its built-in schemas (Namespace, ServiceAccount, RBAC), as strictly as a synth does: a field the API server
 * would silently drop is a problem. Returns one line per problem; empty when every manifest is valid.
 *
 * A file map is checked exactly as the synth checks the tree: each file under `clusters/<cluster>/` against the CRDs
 * of that cluster's Flux version (recorded on a map from `synthGitOpsFiles`; else `options.fluxVersion`) as that
 * cluster's kustomization.yaml files patch them (e.g. `Terraform` added to the Alert's event source kinds), and a CRD
 * patch the check cannot apply is a problem. A single object or YAML text has no cluster, so it is checked against
 * the unpatched CRDs of `options.fluxVersion`.
 *
 * @param received a manifest object, YAML text with one or more documents, or a GitOps file map (every `.yaml` /
 *   `.yml` file in it is checked)
 */
export function crdSchemaProblems(received: unknown, options: CrdSchemaOptions = {}): string[] {
  const given = options?.fluxVersion;
  if (given !== undefined && !(FluxVersion.isFluxVersion(given) && given._target))
    return [`fluxVersion ${String(given)}: allowed is a FluxVersion the library has CRDs for (FluxVersion.V2_7, V2_8 or V2_9)`];
  const fallback = given?._target ?? DEFAULT_FLUX_CLI_TARGET;
  const recorded = received !== null && typeof received === "object" ? recordedFluxTargets(received) : undefined;
  const targetOf = (path: string | undefined): FluxTarget => recorded?.get(clusterNameOf(path ?? "") ?? "") ?? fallback;
  const docs: { where: string; doc: unknown; path?: string }[] = [];
  if (typeof received === "string") {
    docs.push(...yamlDocs(received, "YAML"));
  } else if (isFileMap(received)) {
    for (const [p, text] of Object.entries(received)) {
      if (/\.ya?ml$/.test(p)) docs.push(...yamlDocs(text, p).map((d) => ({ ...d, path: p })));
    }
    if (docs.length === 0) return ["the file map holds no .yaml file"];
  } else {
    docs.push({ where: "object", doc: received });
  }
  const { patchesByCluster, problems } = clusterCrdPatches(docs, targetOf);
  for (const { where, doc, path } of docs) {
    if (isKustomizeConfig(doc)) continue;
    const o = doc as { kind?: unknown; metadata?: { name?: unknown } } | null;
    const patches = (path && patchesByCluster.get(clusterNameOf(path) ?? "")) || [];
    for (const issue of validateManifest(doc, patches, targetOf(path))) {
      problems.push(`${String(o?.kind)} ${String(o?.metadata?.name)} (${where}) field ${issue.path || "(object)"}: ${issue.message}`);
    }
  }
  return problems;
}

/** The CRD schema patches of each cluster's kustomization.yaml files, collected as the synth's CRD check does. */
function clusterCrdPatches(
  docs: readonly { where: string; doc: unknown; path?: string }[],
  targetOf: (path: string | undefined) => FluxTarget,
): {
  patchesByCluster: Map<string, SchemaPatch[]>;
  problems: string[];
} {
  const patchesByCluster = new Map<string, SchemaPatch[]>();
  const problems: string[] = [];
  for (const { where, doc, path } of docs) {
    const cluster = path ? clusterNameOf(path) : undefined;
    if (!cluster || !isKustomizeConfig(doc)) continue;
    const { patches, problems: bad } = crdSchemaPatchesOf(doc, targetOf(path));
    problems.push(...bad.map((p) => `${where}: ${p}`));
    if (patches.length) patchesByCluster.set(cluster, [...(patchesByCluster.get(cluster) ?? []), ...patches]);
  }
  return { patchesByCluster, problems };
}

function isKustomizeConfig(doc: unknown): boolean {
  const apiVersion = (doc as { apiVersion?: unknown } | null)?.apiVersion;
  return typeof apiVersion === "string" && apiVersion.startsWith(KUSTOMIZE_CONFIG);
}

/**
 * Checks that a node pool holds the guardrails: autoscaling on, `min_count` at or above the floor, `max_count` at or
 * above `min_count`, `node_count` in `lifecycle.ignore_changes` (and, if asked, `prevent_destroy`). Returns one line
 * per problem; empty when the pool is guarded.
 *
 * @param received a `GuardedNodePool`, a `KubernetesClusterNodePool`, or the resource's block from `main.tf.json`
 *   (snake_case, as synthesized)
 */
export function guardedNodePoolProblems(received: unknown, expectation: GuardedNodePoolExpectation = {}): string[] {
  const attributes = nodePoolBlock(received);
  if (!attributes)
    return [`expected a node pool (GuardedNodePool, KubernetesClusterNodePool or its ${NODE_POOL_TYPE} block), got ${describe(received)}`];
  return poolProblems(attributes, expectation).map((p) => p.text);
}

/** The policy rule (GitOpsChecks) that reports the same thing as a check of the matcher, so its suppression waives it. */
const NODE_POOL_RULES = { autoscaling: "GitOps-NP1", minCount: "GitOps-NP2", nodeCount: "GitOps-NP3", preventDestroy: "GitOps-NP4" };

interface PoolProblem {
  /** The rule id whose suppression waives this problem; none for `max_count` (no rule checks it). */
  readonly rule?: string;
  readonly text: string;
}

function poolProblems(attributes: Record<string, unknown>, expectation: GuardedNodePoolExpectation): PoolProblem[] {
  const floor = expectation.minCountFloor ?? 3;
  const problems: PoolProblem[] = [];
  const lifecycle = (attributes.lifecycle ?? {}) as Record<string, unknown>;
  if (attributes.auto_scaling_enabled !== true)
    problems.push({
      rule: NODE_POOL_RULES.autoscaling,
      text: `auto_scaling_enabled = ${describe(attributes.auto_scaling_enabled)}, expected true`,
    });
  const min = attributes.min_count;
  const max = attributes.max_count;
  if (typeof min !== "number" || min < floor)
    problems.push({ rule: NODE_POOL_RULES.minCount, text: `min_count = ${describe(min)}, expected a number ≥ the floor ${floor}` });
  if (typeof max !== "number" || (typeof min === "number" && max < min))
    problems.push({ text: `max_count = ${describe(max)}, expected a number ≥ min_count (${describe(min)})` });
  const ignore = lifecycle.ignore_changes;
  const ignored = ignore === "all" || (Array.isArray(ignore) && ignore.some((a) => a === "node_count" || a === "all"));
  if (!ignored)
    problems.push({
      rule: NODE_POOL_RULES.nodeCount,
      text: `lifecycle.ignore_changes = ${describe(ignore)}, expected it to contain "node_count"`,
    });
  if (expectation.preventDestroy && lifecycle.prevent_destroy !== true) {
    problems.push({
      rule: NODE_POOL_RULES.preventDestroy,
      text: `lifecycle.prevent_destroy = ${describe(lifecycle.prevent_destroy)}, expected true`,
    });
  }
  return problems;
}

/** Rule ids of the node pool checks, for collecting the suppressions a synth result carries. */
export const NODE_POOL_RULE_IDS: readonly string[] = Object.values(NODE_POOL_RULES);

/** A policy suppression in effect on a construct (on it, or on an ancestor with `applyToChildren`). */
export interface GitOpsSuppression {
  /** Construct path of the suppressed construct, e.g. `prod/corepool/pool`. */
  readonly constructPath: string;
  readonly id: string;
  readonly reason: string;
}

/**
 * Checks every node pool in Terraform JSON: a GitOps file map (every `.tf.json` file), one `main.tf.json` as text or
 * parsed, or what `synthGitOps` returns: then a problem that a policy suppression waives on that pool (the rule that
 * reports the same thing: GitOps-NP1 autoscaling, NP2 min_count floor, NP3 node_count ignored, NP4 prevent_destroy)
 * is not one. Returns one line per problem, each naming the file and the resource; a tree without node pools is a
 * problem too (the assertion would otherwise pass on the wrong input).
 */
export function allNodePoolProblems(received: unknown, expectation: GuardedNodePoolExpectation = {}): string[] {
  const suppressions = isSynthResult(received) ? received.suppressions : [];
  const input = isSynthResult(received) ? received.files : received;
  const configs: { where: string; tf: unknown }[] = [];
  if (isFileMap(input)) {
    for (const [p, text] of Object.entries(input)) if (p.endsWith(".tf.json")) configs.push({ where: p, tf: parseJson(text) });
  } else if (typeof input === "string") {
    configs.push({ where: "Terraform JSON", tf: parseJson(input) });
  } else {
    configs.push({ where: "Terraform JSON", tf: input });
  }
  const problems: string[] = [];
  let pools = 0;
  for (const { where, tf } of configs) {
    const byId = ((tf as { resource?: Record<string, unknown> } | null)?.resource?.[NODE_POOL_TYPE] ?? {}) as Record<string, unknown>;
    for (const [id, block] of Object.entries(byId)) {
      pools++;
      const attributes = nodePoolBlock(block);
      const constructPath = (block as { "//"?: { metadata?: { path?: unknown } } } | null)?.["//"]?.metadata?.path;
      const waived = new Set(suppressions.filter((s) => s.constructPath === constructPath).map((s) => s.id));
      const found: PoolProblem[] = attributes
        ? poolProblems(attributes, expectation)
        : guardedNodePoolProblems(block).map((text) => ({ text }));
      for (const p of found) if (!p.rule || !waived.has(p.rule)) problems.push(`${where} ${NODE_POOL_TYPE}.${id}: ${p.text}`);
    }
  }
  if (pools === 0) problems.push(`no ${NODE_POOL_TYPE} found in ${configs.map((c) => c.where).join(", ") || "the input"}`);
  return problems;
}

function isSynthResult(x: unknown): x is { files: Record<string, string>; suppressions: readonly GitOpsSuppression[] } {
  const r = x as { files?: unknown; suppressions?: unknown } | null;
  return r !== null && typeof r === "object" && isFileMap(r.files) && Array.isArray(r.suppressions);
}

function nodePoolBlock(received: unknown): Record<string, unknown> | undefined {
  if (received === null || typeof received !== "object") return undefined;
  const c = received as Partial<IConstruct> & { resource?: unknown };
  if (c.node !== undefined) {
    // A GuardedNodePool exposes its provider resource as `resource`.
    const resource = TerraformResource.isTerraformResource(c)
      ? c
      : TerraformResource.isTerraformResource(c.resource)
        ? c.resource
        : undefined;
    if (!resource) return undefined;
    const context: PolicyRuleContext = {
      options: { minCountFloor: 0, logSuppressions: false },
      resolve: (v) => resolveTokens(resource, v),
    };
    return nodePoolAttributes(resource, context);
  }
  const block = received as Record<string, unknown>;
  return "auto_scaling_enabled" in block || "vm_size" in block || "min_count" in block || "kubernetes_cluster_id" in block
    ? block
    : undefined;
}

function yamlDocs(text: string, where: string): { where: string; doc: unknown }[] {
  const list = parseAllDocuments(text);
  const docs = Array.isArray(list) ? list : [list];
  const out: { where: string; doc: unknown }[] = [];
  docs.forEach((d, i) => {
    const at = docs.length > 1 ? `${where} document ${i + 1}` : where;
    if (d.errors.length) throw new Error(`${at} is not valid YAML: ${d.errors[0].message}`);
    const doc = d.toJS() as unknown;
    if (doc !== null && doc !== undefined) out.push({ where: at, doc });
  });
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const REPO_PATH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\.[A-Za-z]+$/;

/** A plain object of path → text, as `synthGitOpsFiles` returns. */
function isFileMap(x: unknown): x is Record<string, string> {
  if (x === null || typeof x !== "object" || Array.isArray(x) || Object.getPrototypeOf(x) !== Object.prototype) return false;
  const entries = Object.entries(x);
  return entries.length > 0 && entries.every(([k, v]) => typeof v === "string" && REPO_PATH.test(k)) && !("apiVersion" in x);
}

function describe(v: unknown): string {
  if (v === undefined) return "(unset)";
  if (typeof v === "object" && v !== null && (v as Partial<IConstruct>).node !== undefined)
    return `construct ${(v as IConstruct).node.path}`;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
