/** apiVersion/kind of kustomize's own config file; not a Kubernetes object (no CRD, never applied). */
export const KUSTOMIZE_CONFIG_API_VERSION = "kustomize.config.k8s.io/v1beta1";

/**
 * A `kustomization.yaml` that lists exactly the given resources (files or sub-folders, relative to the folder).
 * With it, kustomize-controller builds only what is listed: a stray YAML file in the folder is ignored instead of
 * failing the whole Kustomization (Flux generates a kustomization.yaml from every *.yaml otherwise).
 */
export function kustomizeConfig(
  resources: readonly string[],
  patches?: readonly KustomizePatch[],
  components?: readonly string[],
): Record<string, unknown> {
  return {
    apiVersion: KUSTOMIZE_CONFIG_API_VERSION,
    kind: "Kustomization",
    resources: [...resources],
    components: components?.length ? [...components] : undefined,
    patches: patches?.length ? patches.map((p) => ({ target: p.target ? { ...p.target } : undefined, patch: p.patch })) : undefined,
  };
}

/** apiVersion of a kustomize Component (a kustomization.yaml that adds resources and patches to the one listing it). */
export const KUSTOMIZE_COMPONENT_API_VERSION = "kustomize.config.k8s.io/v1alpha1";

/** A kustomize `Component` with the given resources (none: an empty one, which kustomize accepts). */
export function kustomizeComponent(resources: readonly string[] = []): Record<string, unknown> {
  return { apiVersion: KUSTOMIZE_COMPONENT_API_VERSION, kind: "Component", resources: [...resources] };
}

/** What a kustomize patch selects (every field optional but kind; a strategic merge patch may name its object itself). */
export interface KustomizePatchTarget {
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly group?: string;
  readonly version?: string;
  readonly labelSelector?: string;
}

/** A kustomize `patches[]` entry: a JSON 6902 (or strategic merge) patch, as text, and the objects it applies to. */
export interface KustomizePatch {
  /** Unset only for a strategic merge patch that names its object (apiVersion, kind, metadata.name). */
  readonly target?: KustomizePatchTarget;
  readonly patch: string;
}
