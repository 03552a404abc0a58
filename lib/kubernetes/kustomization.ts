import { metadata, NamespacedObjectReference, nonEmpty, ObjectMeta, SourceReference } from "./meta";

export const KUSTOMIZATION_API_VERSION = "kustomize.toolkit.fluxcd.io/v1";

/** A health check of a Flux Kustomization (`spec.healthChecks[]`). */
export interface HealthCheckReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/**
 * The fields of a Flux Kustomization (kustomize.toolkit.fluxcd.io/v1) the library writes. Only fields Flux 2.7
 * (the AKS extension) already serves: no `ignore`, `buildMetadata`, `postBuild.substituteStrategy` (2.9),
 * no `dependsOn[].readyExpr`.
 */
export interface KustomizationSpec {
  readonly interval: string;
  readonly retryInterval?: string;
  readonly timeout?: string;
  /** A repo-relative path starting with `./`; never the repo root. */
  readonly path: string;
  readonly prune: boolean;
  readonly wait?: boolean;
  readonly sourceRef: SourceReference;
  readonly dependsOn?: readonly NamespacedObjectReference[];
  readonly healthChecks?: readonly HealthCheckReference[];
  /** SOPS decryption of the applied manifests with the keys of a Secret in the Kustomization's namespace. */
  readonly decryption?: { readonly provider: "sops"; readonly secretRef: { readonly name: string } };
}

export function kustomizationObject(meta: ObjectMeta, spec: KustomizationSpec): Record<string, unknown> {
  return {
    apiVersion: KUSTOMIZATION_API_VERSION,
    kind: "Kustomization",
    metadata: metadata(meta),
    spec: {
      interval: spec.interval,
      retryInterval: spec.retryInterval,
      timeout: spec.timeout,
      path: spec.path,
      prune: spec.prune,
      wait: spec.wait,
      sourceRef: { ...spec.sourceRef },
      dependsOn: nonEmpty(spec.dependsOn?.map((d) => ({ ...d }))),
      healthChecks: nonEmpty(spec.healthChecks?.map((h) => ({ ...h }))),
      decryption: spec.decryption ? { provider: spec.decryption.provider, secretRef: { ...spec.decryption.secretRef } } : undefined,
    },
  };
}
