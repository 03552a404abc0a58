/**
 * Strict schema check of one Kubernetes manifest object against the structural schema of its kind:
 * the Flux/tofu-controller CRD schemas derived into crd-schemas.json (scripts/derive-crd-schemas.ts) and the
 * hand-written built-ins in builtin-schemas.ts.
 *
 * Stricter than the API server on purpose: a field the API server would silently prune (unknown to the schema)
 * is an error here, because a pruned field in a GitOps repo is a setting that looks applied but is not.
 * Not checked: CEL rules (x-kubernetes-validations; listed in the "$comment" of crd-schemas.json) and `format`
 * (Kubernetes formats such as int32/int64/date-time/duration differ from JSON Schema formats).
 *
 * The object and the schema are walked together, nothing is compiled: a schema node is prepared (types, limits,
 * RegExp) on its first visit, so a check costs in proportion to the object, not to the schema of its kind.
 * The issues and their order are those of the JSON Schema validator compiled here before; the differential test
 * test/manifest-validator-equivalence.test.ts keeps that implementation as its oracle.
 *
 * Pure: no I/O besides loading the bundled JSON on first use.
 */
import { BUILTIN_SCHEMAS, ResourceScope, StructuralSchema } from "./builtin-schemas";

export interface ManifestIssue {
  /** Where, dotted from the object root: `spec.runnerPodTemplate.spec`, `spec.eventSources[0].kind`,
   *  `metadata.labels["app.kubernetes.io/name"]`; "" is the object itself. */
  readonly path: string;
  readonly message: string;
}

export interface SchemaInfo {
  /** "<apiVersion>/<Kind>", the key in crd-schemas.json or builtin-schemas.ts. */
  readonly key: string;
  readonly scope: ResourceScope;
  readonly served: boolean;
  readonly deprecated: boolean;
  readonly deprecationWarning?: string;
  /** CRD file name the schema was derived from, or "builtin". */
  readonly source: string;
}

interface CrdEntry {
  readonly scope: ResourceScope;
  readonly served: boolean;
  readonly deprecated: boolean;
  readonly deprecationWarning?: string;
  readonly source: string;
  readonly schema: StructuralSchema;
}

export const DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
export const DNS1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
export const LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE = new RegExp(DNS1123_SUBDOMAIN);

let crdEntries: Readonly<Record<string, CrdEntry>> | undefined;
function crds(): Readonly<Record<string, CrdEntry>> {
  if (!crdEntries) {
    const raw = require("./crd-schemas.json") as Record<string, unknown>;
    const out: Record<string, CrdEntry> = {};
    for (const [key, value] of Object.entries(raw)) if (!key.startsWith("$")) out[key] = value as CrdEntry;
    crdEntries = out;
  }
  return crdEntries;
}

function lookup(key: string): CrdEntry | undefined {
  const builtin = Object.prototype.hasOwnProperty.call(BUILTIN_SCHEMAS, key) ? BUILTIN_SCHEMAS[key] : undefined;
  if (builtin) return { scope: builtin.scope, served: true, deprecated: false, source: "builtin", schema: builtin.schema };
  const all = crds();
  return Object.prototype.hasOwnProperty.call(all, key) ? all[key] : undefined;
}

function schemaKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** True if validateManifest knows the schema of this apiVersion + kind (a CRD version that is served, or a built-in). */
export function hasSchemaFor(apiVersion: string, kind: string): boolean {
  return lookup(schemaKey(apiVersion, kind)) !== undefined;
}

/** Scope, served/deprecated flags and source of the schema for apiVersion + kind; undefined if there is none. */
export function schemaInfo(apiVersion: string, kind: string): SchemaInfo | undefined {
  const key = schemaKey(apiVersion, kind);
  const e = lookup(key);
  if (!e) return undefined;
  return {
    key,
    scope: e.scope,
    served: e.served,
    deprecated: e.deprecated,
    source: e.source,
    ...(e.deprecationWarning !== undefined ? { deprecationWarning: e.deprecationWarning } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// root and metadata schemas

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
function withEmbeddedFields(s: StructuralSchema): StructuralSchema {
  if (s["x-kubernetes-embedded-resource"] !== true) return s;
  const properties: Record<string, StructuralSchema> = { ...s.properties };
  properties.apiVersion ??= NON_EMPTY_STRING;
  properties.kind ??= NON_EMPTY_STRING;
  properties.metadata ??= EMBEDDED_METADATA;
  return { ...s, properties };
}

function requiredFields(s: StructuralSchema): readonly string[] {
  const embedded = s["x-kubernetes-embedded-resource"] === true ? ["apiVersion", "kind"] : [];
  return [...new Set([...(s.required ?? []), ...embedded])];
}

const rootSchemas = new Map<string, StructuralSchema>();

/** The root schema of a kind with its patches applied, built on the kind's first check (patched copies included). */
function rootSchemaFor(key: string, entry: CrdEntry, patches: readonly SchemaPatch[]): StructuralSchema {
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

// ---------------------------------------------------------------------------------------------------------------
// prepared schema nodes

type JsonType = "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";

/**
 * Kubernetes structural-schema semantics of one schema node, in the shape the walker needs:
 * - object with `properties` (or bare `type: object`) and no x-kubernetes-preserve-unknown-fields: no other keys
 *   (the API server would prune them); `additionalProperties: {schema}` is a map;
 * - x-kubernetes-preserve-unknown-fields: extra keys allowed (listed properties still checked); no type = any value;
 * - x-kubernetes-int-or-string: integer or string; nullable: null allowed too;
 * - x-kubernetes-embedded-resource: apiVersion, kind and metadata besides the listed properties;
 * - format is not enforced.
 *
 * Keywords are grouped by the type of value they apply to (number, string, array, object: the order in which they
 * are checked, and so the order of the issues). A wrong type is reported before everything else, except when the
 * node has one type and keywords for it: then in place of those keywords (the former validator's order, kept).
 */
interface PreparedNode {
  readonly types: readonly JsonType[];
  readonly typeMessage: string;
  readonly typeIssueAt: "first" | "number" | "string" | "array" | "object" | undefined;
  readonly enumValues?: readonly unknown[];
  readonly enumMessage: string;
  readonly number?: { readonly maximum?: number; readonly minimum?: number };
  readonly string?: {
    readonly maxLength?: number;
    readonly minLength?: number;
    readonly pattern?: RegExp;
    readonly patternSource?: string;
  };
  readonly array?: { readonly maxItems?: number; readonly minItems?: number; readonly items?: StructuralSchema };
  readonly object?: {
    readonly required: readonly string[];
    readonly properties?: Readonly<Record<string, StructuralSchema>>;
    readonly propertyEntries: readonly (readonly [string, StructuralSchema])[];
    /** false: unknown keys are issues; a schema: every other key is a map entry; undefined: anything goes. */
    readonly additional?: false | StructuralSchema;
  };
}

const preparedNodes = new WeakMap<StructuralSchema, PreparedNode>();

function prepared(s: StructuralSchema): PreparedNode {
  let node = preparedNodes.get(s);
  if (!node) {
    node = prepare(s);
    preparedNodes.set(s, node);
  }
  return node;
}

function prepare(s: StructuralSchema): PreparedNode {
  const types: JsonType[] = s["x-kubernetes-int-or-string"] === true ? ["integer", "string"] : s.type ? [s.type] : [];
  if (types.length > 0 && s.nullable === true) types.push("null");
  const enumValues = s.enum && s.nullable === true && !s.enum.includes(null) ? [...s.enum, null] : s.enum;

  const number = s.maximum !== undefined || s.minimum !== undefined ? { maximum: s.maximum, minimum: s.minimum } : undefined;
  const string =
    s.maxLength !== undefined || s.minLength !== undefined || s.pattern !== undefined
      ? {
          maxLength: s.maxLength,
          minLength: s.minLength,
          pattern: s.pattern === undefined ? undefined : regExp(s.pattern),
          patternSource: s.pattern,
        }
      : undefined;
  const array =
    s.maxItems !== undefined || s.minItems !== undefined || s.items
      ? { maxItems: s.maxItems, minItems: s.minItems, items: s.items }
      : undefined;

  const full = withEmbeddedFields(s);
  const properties = s.properties || s["x-kubernetes-embedded-resource"] === true ? (full.properties ?? {}) : undefined;
  const required = requiredFields(s);
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  const additional =
    s.additionalProperties !== undefined ? s.additionalProperties : !preserve && (s.type === "object" || s.properties) ? false : undefined;
  const object =
    required.length > 0 || properties !== undefined || additional !== undefined
      ? {
          required,
          properties,
          propertyEntries: Object.entries(properties ?? {}),
          additional: additional === true ? undefined : additional,
        }
      : undefined;

  const groups = { number, string, array, object };
  const single = types.length === 1 ? types[0] : undefined;
  const typeIssueAt =
    types.length === 0
      ? undefined
      : (single === "number" || single === "string" || single === "array" || single === "object") && groups[single] !== undefined
        ? single
        : "first";
  return {
    types,
    typeMessage: `must be ${types.join(" or ")}`,
    typeIssueAt,
    enumValues,
    enumMessage: enumValues ? `must be one of: ${enumValues.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ")}` : "",
    number,
    string,
    array,
    object,
  };
}

const regExps = new Map<string, RegExp>();

/** Unicode mode, as JSON Schema validators compile patterns. */
function regExp(pattern: string): RegExp {
  let re = regExps.get(pattern);
  if (!re) {
    re = new RegExp(pattern, "u");
    regExps.set(pattern, re);
  }
  return re;
}

// ---------------------------------------------------------------------------------------------------------------
// validation

/**
 * Validates one manifest object. Returns [] if it is valid. Keys whose value is `undefined` count as absent
 * (they disappear when the object is serialized).
 */
export function validateManifest(manifest: unknown, schemaPatches: readonly SchemaPatch[] = []): ManifestIssue[] {
  if (!isPlainObject(manifest)) return [{ path: "", message: `manifest must be an object, got ${describeType(manifest)}` }];
  const issues: ManifestIssue[] = [];
  for (const field of ["apiVersion", "kind"] as const) {
    if (manifest[field] === undefined) issues.push({ path: "", message: `missing required field "${field}"` });
    else if (typeof manifest[field] !== "string") issues.push({ path: field, message: "must be string" });
  }
  if (issues.length > 0) return issues;
  const apiVersion = manifest.apiVersion as string;
  const kind = manifest.kind as string;
  const key = schemaKey(apiVersion, kind);
  const entry = lookup(key);
  if (!entry) return [{ path: "", message: `no schema for ${apiVersion} ${kind}` }];
  const root = rootSchemaFor(
    key,
    entry,
    schemaPatches.filter((p) => p.key === key),
  );
  const walk: Walk = { issues, segments: [], clusterScopedKind: entry.scope === "Cluster" ? kind : undefined };
  check(root, manifest, walk);
  issues.push(...metadataKeyIssues(manifest.metadata));
  return dedupe(issues);
}

/** State of one walk: the issues so far and the path of the value being checked (array indexes as numbers). */
interface Walk {
  readonly issues: ManifestIssue[];
  readonly segments: (string | number)[];
  readonly clusterScopedKind: string | undefined;
}

function report(walk: Walk, message: string): void {
  walk.issues.push({ path: formatPath(walk.segments), message });
}

function checkChild(schema: StructuralSchema, value: unknown, segment: string | number, walk: Walk): void {
  walk.segments.push(segment);
  check(schema, value, walk);
  walk.segments.pop();
}

/** Checks `value` (never undefined: absent keys are skipped, undefined array items are null) against `schema`. */
function check(schema: StructuralSchema, value: unknown, walk: Walk): void {
  const node = prepared(schema);
  const typeOk = node.types.length === 0 || node.types.some((t) => hasType(value, t));
  if (!typeOk && node.typeIssueAt === "first") report(walk, node.typeMessage);
  // after a wrong type, "must be one of" would only repeat it
  if (node.enumValues && typeOk && !node.enumValues.some((v) => enumMatches(value, v))) report(walk, node.enumMessage);

  const { number, string, array, object } = node;
  if (number) {
    if (typeof value === "number") {
      if (number.maximum !== undefined && (value > number.maximum || isNaN(value))) report(walk, `must be <= ${number.maximum}`);
      if (number.minimum !== undefined && (value < number.minimum || isNaN(value))) report(walk, `must be >= ${number.minimum}`);
    } else if (node.typeIssueAt === "number") report(walk, node.typeMessage);
  }
  if (string) {
    if (typeof value === "string") {
      const length = string.maxLength !== undefined || string.minLength !== undefined ? codePointLength(value) : 0;
      if (string.maxLength !== undefined && length > string.maxLength) report(walk, `must be at most ${string.maxLength} characters long`);
      if (string.minLength !== undefined && length < string.minLength) {
        report(walk, string.minLength === 1 ? "must not be empty" : `must be at least ${string.minLength} characters long`);
      }
      if (string.pattern && !string.pattern.test(value)) report(walk, `must match pattern ${string.patternSource}`);
    } else if (node.typeIssueAt === "string") report(walk, node.typeMessage);
  }
  if (array) {
    if (Array.isArray(value)) {
      if (array.maxItems !== undefined && value.length > array.maxItems) report(walk, `must have at most ${items(array.maxItems)}`);
      if (array.minItems !== undefined && value.length < array.minItems) report(walk, `must have at least ${items(array.minItems)}`);
      if (array.items) for (let i = 0; i < value.length; i++) checkChild(array.items, value[i] ?? null, i, walk);
    } else if (node.typeIssueAt === "array") report(walk, node.typeMessage);
  }
  if (object) {
    if (isPlainObject(value)) {
      for (const field of object.required)
        if (ownValue(value, field) === undefined) report(walk, `missing required field ${JSON.stringify(field)}`);
      if (object.additional !== undefined) {
        for (const field of Object.keys(value)) {
          const v = value[field];
          if (v === undefined || (object.properties && Object.prototype.hasOwnProperty.call(object.properties, field))) continue;
          if (object.additional) checkChild(object.additional, v, field, walk);
          else report(walk, unknownField(field, walk));
        }
      }
      for (const [field, sub] of object.propertyEntries) {
        const v = ownValue(value, field);
        if (v !== undefined) checkChild(sub, v, field, walk);
      }
    } else if (node.typeIssueAt === "object") report(walk, node.typeMessage);
  }
}

function unknownField(field: string, walk: Walk): string {
  const atRootMetadata = walk.segments.length === 1 && walk.segments[0] === "metadata";
  const note =
    walk.clusterScopedKind !== undefined && field === "namespace" && atRootMetadata ? ` (${walk.clusterScopedKind} is cluster-scoped)` : "";
  return `unknown field ${JSON.stringify(field)}${note}`;
}

function items(n: number): string {
  return `${n} item${n === 1 ? "" : "s"}`;
}

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
    case "integer":
      return typeof value === "number" && !(value % 1) && !isNaN(value);
    default:
      return typeof value === type;
  }
}

/** Primitive enum values compare with ===, objects and arrays by JSON value. */
function enumMatches(value: unknown, allowed: unknown): boolean {
  return allowed !== null && typeof allowed === "object" ? jsonEqual(value, allowed) : value === allowed;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x ?? null, b[i] ?? null));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
    const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
    return keysA.length === keysB.length && keysA.every((k) => ownValue(b, k) !== undefined && jsonEqual(a[k], b[k]));
  }
  return a !== a && b !== b; // NaN
}

/** Length in code points, as JSON Schema counts it (an emoji is one character). */
function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n;
}

function ownValue(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// CRD patches

/**
 * An `add` to the schema of one kind, as a JSON 6902 patch of the CRD does it: `path` is a JSON pointer inside the
 * version's `openAPIV3Schema` (a trailing `-` appends to an array), e.g. `Terraform` added to
 * `/properties/spec/properties/eventSources/items/properties/kind/enum/-` of the Alert.
 */
export interface SchemaPatch {
  /** "<apiVersion>/<Kind>" of the patched schema. */
  readonly key: string;
  readonly path: string;
  readonly value: unknown;
}

/**
 * The schema key ("<apiVersion>/<Kind>") of version `versionIndex` of the CRD named `<plural>.<group>`, when it can be
 * told for sure: the CRD has one served version (then index 0 is it). Undefined otherwise (unknown CRD, or several
 * versions: the bundled schemas do not record the CRD's version order).
 */
export function crdSchemaKey(crdName: string, versionIndex: number): string | undefined {
  const matches = Object.entries(crds()).filter(([, e]) => {
    const m = /^(.+?)_([a-z0-9]+)\.yaml$/.exec(e.source);
    return m !== null && `${m[2]}.${m[1]}` === crdName;
  });
  return matches.length === 1 && versionIndex === 0 ? matches[0][0] : undefined;
}

/** Why a schema patch cannot be applied (no schema for its key, or its path does not exist), or undefined if it can. */
export function schemaPatchProblem(patch: SchemaPatch): string | undefined {
  const entry = lookup(patch.key);
  if (!entry) return `no schema for ${patch.key}`;
  try {
    patchedSchema(entry.schema, [patch]);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The schema with the patches applied (a copy); throws if a path does not exist, as kubectl/kustomize would. */
function patchedSchema(schema: StructuralSchema, patches: readonly SchemaPatch[]): StructuralSchema {
  const out = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  for (const p of patches) {
    const segments = pointerSegments(p.path);
    const last = segments.pop();
    let node: unknown = out;
    for (const seg of segments) node = Array.isArray(node) ? node[Number(seg)] : isPlainObject(node) ? node[seg] : undefined;
    if (last === undefined || node === undefined || node === null || typeof node !== "object") {
      throw new Error(`schema patch of ${p.key}: path ${p.path} does not exist in the schema`);
    }
    if (Array.isArray(node)) {
      if (last === "-") node.push(p.value);
      else node.splice(Number(last), 0, p.value);
    } else {
      (node as Record<string, unknown>)[last] = p.value;
    }
  }
  return out as StructuralSchema;
}

/** Label/annotation keys and finalizers must be qualified names ([DNS-1123 subdomain prefix "/"] name). */
function metadataKeyIssues(metadata: unknown): ManifestIssue[] {
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

// ---------------------------------------------------------------------------------------------------------------
// helpers

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function describeType(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** spec.eventSources[0].kind; keys that are not simple names are quoted: metadata.labels["app.kubernetes.io/name"]. */
function formatPath(segments: readonly (string | number)[]): string {
  let out = "";
  for (const seg of segments) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += SIMPLE_KEY.test(seg) ? (out === "" ? seg : `.${seg}`) : `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function dedupe(issues: readonly ManifestIssue[]): ManifestIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
