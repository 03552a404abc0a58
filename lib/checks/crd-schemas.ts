import { parse } from "yaml";
import { clusterNameOf } from "../core/repo-layout";
import {
  crdSchemaKey,
  DEFAULT_FLUX_CLI_TARGET,
  FluxTarget,
  SchemaPatch,
  schemaPatchProblem,
  validateManifest,
} from "../schema/manifest-validator";
import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";
import { CheckOptions } from "./tree-check";

/** kustomize's own config file is not a Kubernetes object and has no CRD. */
const KUSTOMIZE_CONFIG = "kustomize.config.k8s.io/";
/** A JSON 6902 path into one version's schema of a CRD. */
const CRD_SCHEMA_PATH = /^\/spec\/versions\/(\d+)\/schema\/openAPIV3Schema(\/.*)$/;

/**
 * Every Kubernetes object the library writes is checked against the structural schema of its CRD (of the cluster's
 * Flux version, `options.fluxTargets`, 2.9 for a cluster not listed; tofu-controller 0.16.5): a field the API server
 * would silently drop, or a wrong type, enum or pattern, is an error.
 *
 * A cluster's CRDs are the ones its kustomization.yaml files patch: a generated kustomization.yaml under
 * `clusters/<cluster>/` that adds to a CRD's schema (e.g. `Terraform` to the Alert's event source kinds, in
 * flux-system/kustomization.yaml) changes the schema every object of that cluster is checked against, and nothing
 * else. Only `add` into a CRD version's schema is understood; any other patch of a CRD schema is an error.
 */
export function checkCrdSchemas(files: readonly RenderedFile[], _repo: RepoView, options: CheckOptions): string[] {
  const problems: string[] = [];
  const targetOf = (cluster: string | undefined) => (cluster ? options.fluxTargets?.get(cluster) : undefined) ?? DEFAULT_FLUX_CLI_TARGET;
  const patchesByCluster = new Map<string, SchemaPatch[]>();
  for (const f of files) {
    const cluster = clusterNameOf(f.path);
    if (f.file.content.format !== "yaml" || !cluster) continue;
    for (const doc of f.file.content.documents) {
      const { patches, problems: bad } = crdSchemaPatchesOf(doc, targetOf(cluster));
      problems.push(...bad.map((p) => `[${f.source}] ${f.path}: ${p}`));
      if (patches.length) patchesByCluster.set(cluster, [...(patchesByCluster.get(cluster) ?? []), ...patches]);
    }
  }
  for (const f of files) {
    if (f.file.content.format !== "yaml") continue;
    const cluster = clusterNameOf(f.path);
    const patches = patchesByCluster.get(cluster ?? "") ?? [];
    f.file.content.documents.forEach((doc, i) => {
      const o = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
      if (typeof o?.apiVersion === "string" && o.apiVersion.startsWith(KUSTOMIZE_CONFIG)) return;
      const what =
        `${String(o?.kind)} ${String(o?.metadata?.name)} ` +
        `(${f.path}${f.file.content.format === "yaml" && f.file.content.documents.length > 1 ? ` document ${i + 1}` : ""})`;
      for (const issue of validateManifest(doc, patches, targetOf(cluster))) {
        problems.push(`[${f.source}] ${what} field ${issue.path || "(object)"}: ${issue.message}`);
      }
    });
  }
  return problems;
}

/** The schema additions of a kustomize config's CRD patches; anything else done to a CRD schema is a problem. */
export function crdSchemaPatchesOf(
  doc: unknown,
  target: FluxTarget = DEFAULT_FLUX_CLI_TARGET,
): { patches: SchemaPatch[]; problems: string[] } {
  const o = doc as { apiVersion?: unknown; patches?: unknown };
  const patches: SchemaPatch[] = [];
  const problems: string[] = [];
  if (typeof o?.apiVersion !== "string" || !o.apiVersion.startsWith(KUSTOMIZE_CONFIG) || !Array.isArray(o.patches))
    return { patches, problems };
  for (const entry of o.patches as { target?: { kind?: unknown; name?: unknown }; patch?: unknown }[]) {
    if (entry?.target?.kind !== "CustomResourceDefinition") continue;
    const crd = String(entry.target.name);
    const ops = typeof entry.patch === "string" ? (parse(entry.patch) as unknown) : undefined;
    if (!Array.isArray(ops)) {
      problems.push(`the patch of CRD ${crd} is not a JSON 6902 operation list`);
      continue;
    }
    for (const op of ops as { op?: unknown; path?: unknown; value?: unknown }[]) {
      const m = typeof op?.path === "string" ? CRD_SCHEMA_PATH.exec(op.path) : null;
      if (!m) continue; // not about the schema (e.g. metadata): does not change what objects are checked against
      const key = crdSchemaKey(crd, Number(m[1]), target);
      if (op.op !== "add" || !key) {
        problems.push(
          `the patch ${String(op.op)} ${String(op.path)} of CRD ${crd} cannot be checked ` +
            `(only "add" into the schema of a served version of a known CRD is)`,
        );
        continue;
      }
      const patch: SchemaPatch = { key, path: m[2], value: op.value };
      const bad = schemaPatchProblem(patch, target);
      if (bad) problems.push(`the patch of CRD ${crd} would fail: ${bad}`);
      else patches.push(patch);
    }
  }
  return { patches, problems };
}
