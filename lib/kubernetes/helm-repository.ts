import { LocalObjectReference, metadata, ObjectMeta } from "./meta";

export const HELM_REPOSITORY_API_VERSION = "source.toolkit.fluxcd.io/v1";

/** The fields of a Flux HelmRepository (source.toolkit.fluxcd.io/v1, HTTPS index) the library writes. */
export interface HelmRepositorySpec {
  readonly url: string;
  readonly interval: string;
  readonly timeout?: string;
  /** Basic auth (`username`, `password` keys). */
  readonly secretRef?: LocalObjectReference;
  /** TLS client certificate and/or CA (`tls.crt`, `tls.key`, `ca.crt`). */
  readonly certSecretRef?: LocalObjectReference;
}

export function helmRepositoryObject(meta: ObjectMeta, spec: HelmRepositorySpec): Record<string, unknown> {
  return {
    apiVersion: HELM_REPOSITORY_API_VERSION,
    kind: "HelmRepository",
    metadata: metadata(meta),
    spec: {
      url: spec.url,
      interval: spec.interval,
      timeout: spec.timeout,
      secretRef: spec.secretRef ? { ...spec.secretRef } : undefined,
      certSecretRef: spec.certSecretRef ? { ...spec.certSecretRef } : undefined,
    },
  };
}
