/**
 * The schema a generated object is checked against at its root: the kind's schema, closed, with a fixed ObjectMeta
 * (names, namespace, label values) and the keys of labels, annotations and finalizers checked as qualified names.
 */
import { ResourceScope, StructuralSchema } from "./builtin-schemas";
import { isPlainObject } from "./json-values";
import { ManifestIssue } from "./manifest-issue";
import { patchedSchema, SchemaPatch } from "./schema-patches";
import { CrdEntry } from "./schema-registry";

export const DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
export const DNS1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
export const LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE = new RegExp(DNS1123_SUBDOMAIN);

const STRING: StructuralSchema = { type: "string" };
const NON_EMPTY_STRING: StructuralSchema = { type: "string", minLength: 1 };

/** Fixed ObjectMeta schema for generated manifests (CRD schemas only say `metadata: {type: object}`). */
function metadataSchema(scope: ResourceScope, nameRequired: boolean): StructuralSchema {
  return {
    type: "object",
    ...(nameRequired ? { required: ["name"] } : {}),
    properties: {
      name: { type: "string", minLength: 1, maxLength: 253, pattern: DNS1123_SUBDOMAIN },
      ...(scope === "Namespaced" ? { namespace: { type: "string", minLength: 1, maxLength: 63, pattern: DNS1123_LABEL } } : {}),
      labels: { type: "object", additionalProperties: { type: "string", maxLength: 63, pattern: LABEL_VALUE } },
      annotations: { type: "object", additionalProperties: STRING },
      finalizers: { type: "array", items: NON_EMPTY_STRING },
    },
  };
}

const ROOT_METADATA: Readonly<Record<ResourceScope, StructuralSchema>> = {
  Namespaced: metadataSchema("Namespaced", true),
  Cluster: metadataSchema("Cluster", true),
};
/** metadata of an x-kubernetes-embedded-resource: the name may be generated, so it is not required. */
const EMBEDDED_METADATA = metadataSchema("Namespaced", false);

/** Root: only apiVersion, kind, metadata and the fields the kind's schema lists (never status). */
function rootSchema(schema: StructuralSchema, scope: ResourceScope): StructuralSchema {
  const properties: Record<string, StructuralSchema> = { ...withEmbeddedFields(schema).properties };
  delete properties.status;
  properties.apiVersion = STRING;
  properties.kind = STRING;
  properties.metadata = ROOT_METADATA[scope];
  const required = new Set([...requiredFields(schema), "apiVersion", "kind", "metadata"]);
  // Stricter than the API server: a CRD object whose spec has required fields must have a spec at all.
  if (properties.spec && requiredFields(properties.spec).length > 0) required.add("spec");
  // The root is always a closed object, whatever the kind's schema says about unknown fields.
  return {
    ...schema,
    type: "object",
    properties,
    required: [...required],
    additionalProperties: undefined,
    "x-kubernetes-preserve-unknown-fields": false,
    "x-kubernetes-embedded-resource": false,
    "x-kubernetes-int-or-string": false,
  };
}

/** An embedded resource's schema also has apiVersion, kind (both required) and metadata, unless it lists them. */
export function withEmbeddedFields(s: StructuralSchema): StructuralSchema {
  if (s["x-kubernetes-embedded-resource"] !== true) return s;
  const properties: Record<string, StructuralSchema> = { ...s.properties };
  properties.apiVersion ??= NON_EMPTY_STRING;
  properties.kind ??= NON_EMPTY_STRING;
  properties.metadata ??= EMBEDDED_METADATA;
  return { ...s, properties };
}

export function requiredFields(s: StructuralSchema): readonly string[] {
  const embedded = s["x-kubernetes-embedded-resource"] === true ? ["apiVersion", "kind"] : [];
  return [...new Set([...(s.required ?? []), ...embedded])];
}

const rootSchemas = new Map<string, StructuralSchema>();

/** The root schema of a kind with its patches applied, built on the kind's first check (patched copies included). */
export function rootSchemaFor(key: string, entry: CrdEntry, patches: readonly SchemaPatch[]): StructuralSchema {
  const cacheKey = patches.length ? `${key}\u0000${JSON.stringify(patches)}` : key;
  let root = rootSchemas.get(cacheKey);
  if (!root) {
    root = rootSchema(patches.length ? patchedSchema(entry.schema, patches) : entry.schema, entry.scope);
    rootSchemas.set(cacheKey, root);
  }
  return root;
}

/** @internal How many kinds (with their schema patches) have been prepared so far (the test checks that this is lazy). */
export function preparedSchemaCount(): number {
  return rootSchemas.size;
}

/** Label/annotation keys and finalizers must be qualified names ([DNS-1123 subdomain prefix "/"] name). */
export function metadataKeyIssues(metadata: unknown): ManifestIssue[] {
  if (!isPlainObject(metadata)) return [];
  const out: ManifestIssue[] = [];
  for (const field of ["labels", "annotations"] as const) {
    const map = metadata[field];
    if (!isPlainObject(map)) continue;
    for (const key of Object.keys(map)) {
      if (map[key] === undefined) continue; // absent once serialized
      const problem = qualifiedNameProblem(key);
      if (problem) out.push({ path: `metadata.${field}`, message: `invalid key ${JSON.stringify(key)}: ${problem}` });
    }
  }
  const finalizers = metadata.finalizers;
  if (Array.isArray(finalizers)) {
    finalizers.forEach((f, i) => {
      const problem = typeof f === "string" && f !== "" ? qualifiedNameProblem(f) : undefined;
      if (problem) out.push({ path: `metadata.finalizers[${i}]`, message: problem });
    });
  }
  return out;
}

function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "must be a qualified name ([prefix/]name) with at most one '/'";
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0) return "prefix before '/' must not be empty";
    if (prefix.length > 253) return "prefix must be at most 253 characters long";
    if (!DNS1123_SUBDOMAIN_RE.test(prefix)) return `prefix must be a DNS-1123 subdomain (match ${DNS1123_SUBDOMAIN})`;
  }
  if (name.length === 0) return "name part must not be empty";
  if (name.length > 63) return "name part must be at most 63 characters long";
  if (!QUALIFIED_NAME_PART.test(name)) return `name part must match ${QUALIFIED_NAME_PART.source}`;
  return undefined;
}
