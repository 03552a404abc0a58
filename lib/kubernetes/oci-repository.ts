import { LocalObjectReference, metadata, ObjectMeta } from "./meta";

export const OCI_REPOSITORY_API_VERSION = "source.toolkit.fluxcd.io/v1";

/** `spec.ref` of an OCIRepository: exactly one field is set by the library. */
export interface OciRepositoryRef {
  readonly tag?: string;
  readonly semver?: string;
  readonly digest?: string;
}

/** The fields of a Flux OCIRepository (source.toolkit.fluxcd.io/v1, served since Flux 2.6) the library writes. */
export interface OciRepositorySpec {
  readonly url: string;
  readonly ref: OciRepositoryRef;
  readonly interval: string;
  readonly timeout?: string;
  readonly provider?: "generic" | "azure";
  readonly secretRef?: LocalObjectReference;
}

export function ociRepositoryObject(meta: ObjectMeta, spec: OciRepositorySpec): Record<string, unknown> {
  return {
    apiVersion: OCI_REPOSITORY_API_VERSION,
    kind: "OCIRepository",
    metadata: metadata(meta),
    spec: {
      interval: spec.interval,
      timeout: spec.timeout,
      url: spec.url,
      ref: { ...spec.ref },
      provider: spec.provider,
      secretRef: spec.secretRef ? { ...spec.secretRef } : undefined,
    },
  };
}
