/** Metadata of a namespaced object, with the fields the library writes. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A reference to a Flux source object (`sourceRef`); namespace left out means the referring object's namespace. */
export interface SourceReference {
  readonly kind: "GitRepository" | "OCIRepository" | "Bucket" | "HelmRepository";
  readonly name: string;
  readonly namespace?: string;
}

/** A `{name, namespace?}` reference to an object of the same kind (`dependsOn`). */
export interface NamespacedObjectReference {
  readonly name: string;
  readonly namespace?: string;
}

/** `{name}` of a Secret or ConfigMap in the object's namespace. */
export interface LocalObjectReference {
  readonly name: string;
}

/** Metadata without empty maps: an empty `labels: {}` is noise in Git. */
export function metadata(meta: ObjectMeta): Record<string, unknown> {
  return {
    name: meta.name,
    namespace: meta.namespace,
    labels: nonEmpty(meta.labels),
    annotations: nonEmpty(meta.annotations),
  };
}

export function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length ? value : undefined;
  return Object.keys(value).length ? value : undefined;
}
