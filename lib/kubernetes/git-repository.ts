import { LocalObjectReference, metadata, ObjectMeta } from "./meta";

export const GIT_REPOSITORY_API_VERSION = "source.toolkit.fluxcd.io/v1";

/** `spec.ref` of a GitRepository: exactly one field is set by the library. */
export interface GitRepositoryRef {
  readonly branch?: string;
  readonly tag?: string;
  readonly semver?: string;
  readonly commit?: string;
}

/** The fields of a Flux GitRepository (source.toolkit.fluxcd.io/v1) the library writes. */
export interface GitRepositorySpec {
  readonly url: string;
  readonly ref: GitRepositoryRef;
  readonly interval: string;
  readonly timeout?: string;
  readonly secretRef?: LocalObjectReference;
  /** .gitignore-style patterns excluded from the artifact (replaces the default exclusions). */
  readonly ignore?: string;
}

export function gitRepositoryObject(meta: ObjectMeta, spec: GitRepositorySpec): Record<string, unknown> {
  return {
    apiVersion: GIT_REPOSITORY_API_VERSION,
    kind: "GitRepository",
    metadata: metadata(meta),
    spec: {
      interval: spec.interval,
      timeout: spec.timeout,
      url: spec.url,
      ref: { ...spec.ref },
      secretRef: spec.secretRef ? { ...spec.secretRef } : undefined,
      ignore: spec.ignore,
    },
  };
}
