/** apiVersion/kind of kustomize's own config file; not a Kubernetes object (no CRD, never applied). */
export const KUSTOMIZE_CONFIG_API_VERSION = "kustomize.config.k8s.io/v1beta1";

/**
 * A `kustomization.yaml` that lists exactly the given resources (files or sub-folders, relative to the folder).
 * With it, kustomize-controller builds only what is listed: a stray YAML file in the folder is ignored instead of
 * failing the whole Kustomization (Flux generates a kustomization.yaml from every *.yaml otherwise).
 */
export function kustomizeConfig(resources: readonly string[], patches?: readonly KustomizePatch[]): Record<string, unknown> {
  return {
    apiVersion: KUSTOMIZE_CONFIG_API_VERSION,
    kind: "Kustomization",
    resources: [...resources],
    patches: patches?.length ? patches.map((p) => ({ target: { ...p.target }, patch: p.patch })) : undefined,
  };
}

/** A kustomize `patches[]` entry: a JSON 6902 (or strategic merge) patch, as text, and the objects it applies to. */
export interface KustomizePatch {
  readonly target: { readonly kind: string; readonly name: string; readonly group?: string; readonly version?: string };
  readonly patch: string;
}
