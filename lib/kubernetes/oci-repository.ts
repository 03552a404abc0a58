import { LocalObjectReference, metadata, ObjectMeta } from "./meta";

export const OCI_REPOSITORY_API_VERSION = "source.toolkit.fluxcd.io/v1";

/** `spec.ref` of an OCIRepository: exactly one field is set by the library. */
export interface OciRepositoryRef {
  readonly tag?: string;
  readonly semver?: string;
  readonly digest?: string;
}

/** `spec.verify` of an OCIRepository: cosign (keys or keyless identities) or notation. */
export interface OciRepositoryVerification {
  readonly provider: "cosign" | "notation";
  readonly secretRef?: LocalObjectReference;
  readonly matchOIDCIdentity?: readonly { readonly issuer: string; readonly subject: string }[];
}

/** The fields of a Flux OCIRepository (source.toolkit.fluxcd.io/v1, served since Flux 2.6) the library writes. */
export interface OciRepositorySpec {
  readonly url: string;
  readonly ref: OciRepositoryRef;
  readonly interval: string;
  readonly timeout?: string;
  readonly provider?: "generic" | "azure";
  readonly secretRef?: LocalObjectReference;
  readonly certSecretRef?: LocalObjectReference;
  /** Which layer to keep and how (a Helm chart: its content layer, copied as it is). */
  readonly layerSelector?: { readonly mediaType: string; readonly operation: "extract" | "copy" };
  readonly verify?: OciRepositoryVerification;
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
      certSecretRef: spec.certSecretRef ? { ...spec.certSecretRef } : undefined,
      layerSelector: spec.layerSelector ? { ...spec.layerSelector } : undefined,
      verify: spec.verify
        ? {
            provider: spec.verify.provider,
            secretRef: spec.verify.secretRef ? { ...spec.verify.secretRef } : undefined,
            matchOIDCIdentity: spec.verify.matchOIDCIdentity?.map((m) => ({ issuer: m.issuer, subject: m.subject })),
          }
        : undefined,
    },
  };
}
