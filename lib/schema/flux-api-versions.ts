import { DEFAULT_FLUX_CLI_TARGET, FluxTarget } from "./flux-target";
import { crds } from "./schema-registry";

/** The Flux and tofu-controller kinds the library writes into a cluster's folder. */
export type WrittenFluxKind =
  "GitRepository" | "OCIRepository" | "HelmRepository" | "HelmRelease" | "Kustomization" | "Provider" | "Alert" | "Terraform";

/** Every kind of WrittenFluxKind, for tests and checks. */
export const WRITTEN_FLUX_KINDS: readonly WrittenFluxKind[] = [
  "GitRepository",
  "OCIRepository",
  "HelmRepository",
  "HelmRelease",
  "Kustomization",
  "Provider",
  "Alert",
  "Terraform",
];

const chosen = new Map<string, string>();

/**
 * The one place that maps a kind to the apiVersion the library writes for a Flux target, derived from the target's
 * real CRDs (lib/schema/crd-schemas*.json): the version that is served, not deprecated, and the storage version (so
 * the API server stores the object as written, without conversion). On 2.7 to 2.9 that is the same version for every
 * kind; a later target whose CRDs promote a kind gets its new version here and nowhere else.
 * @throws Error when the target's CRDs have no such version of the kind (bundled data that this release cannot write)
 */
export function fluxApiVersion(kind: WrittenFluxKind, target: FluxTarget = DEFAULT_FLUX_CLI_TARGET): string {
  const cacheKey = `${target}/${kind}`;
  let apiVersion = chosen.get(cacheKey);
  if (apiVersion === undefined) {
    const candidates = Object.values(crds(target)).filter((e) => e.kind === kind && e.served && !e.deprecated && e.storage);
    if (candidates.length !== 1)
      throw new Error(`Flux ${target}'s CRDs have ${candidates.length} served, non-deprecated storage versions of ${kind}, expected 1`);
    apiVersion = `${candidates[0].group}/${candidates[0].version}`;
    chosen.set(cacheKey, apiVersion);
  }
  return apiVersion;
}

/** `object` with the apiVersion of its kind for the target (key order kept, so the rendered bytes keep their order). */
export function forFluxTarget<T extends { readonly kind?: unknown }>(object: T, target: FluxTarget): T {
  return { ...object, apiVersion: fluxApiVersion(object.kind as WrittenFluxKind, target) };
}
