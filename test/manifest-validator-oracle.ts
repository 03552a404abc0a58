/**
 * The former, ajv-based implementation of lib/schema/manifest-validator.ts (commit cacd42b), kept verbatim as the
 * oracle of test/manifest-validator-equivalence.test.ts: the structural schema is translated to JSON Schema
 * (draft-07) and compiled by ajv (allErrors), and ajv's errors are mapped to issues. Only the two import paths
 * changed. ajv is a devDependency for this file only.
 */
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import { BUILTIN_SCHEMAS, ResourceScope, StructuralSchema } from "../lib/schema/builtin-schemas";

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

type JsonSchema = { [keyword: string]: unknown };

export const DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
export const DNS1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
export const LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN_RE = new RegExp(DNS1123_SUBDOMAIN);

let crdEntries: Readonly<Record<string, CrdEntry>> | undefined;
function crds(): Readonly<Record<string, CrdEntry>> {
  if (!crdEntries) {
    const raw = require("../lib/schema/crd-schemas.json") as Record<string, unknown>;
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
// structural schema -> JSON Schema (draft-07) for ajv

const COPIED = ["pattern", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"] as const;

/**
 * Kubernetes structural-schema semantics in JSON Schema terms:
 * - object with `properties` (or bare `type: object`) and no x-kubernetes-preserve-unknown-fields: no other keys
 *   (the API server would prune them); `additionalProperties: {schema}` is a map;
 * - x-kubernetes-preserve-unknown-fields: extra keys allowed (listed properties still checked); no type = any value;
 * - x-kubernetes-int-or-string: integer or string; nullable: null allowed too;
 * - format is not enforced.
 */
export function toJsonSchema(s: StructuralSchema): JsonSchema {
  const out: JsonSchema = {};
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  const types: string[] = s["x-kubernetes-int-or-string"] === true ? ["integer", "string"] : s.type ? [s.type] : [];
  if (types.length > 0 && s.nullable === true) types.push("null");
  if (types.length > 0) out.type = types.length === 1 ? types[0] : types;
  if (s.enum) out.enum = s.nullable === true && !s.enum.includes(null) ? [...s.enum, null] : [...s.enum];
  for (const k of COPIED) if (s[k] !== undefined) out[k] = s[k];
  const required = new Set(s.required ?? []);
  const properties: Record<string, JsonSchema> = {};
  for (const [name, sub] of Object.entries(s.properties ?? {})) properties[name] = toJsonSchema(sub);
  if (s["x-kubernetes-embedded-resource"] === true) {
    properties.apiVersion ??= { type: "string", minLength: 1 };
    properties.kind ??= { type: "string", minLength: 1 };
    properties.metadata ??= metadataSchema("Namespaced", false);
    required.add("apiVersion");
    required.add("kind");
  }
  if (s.properties || s["x-kubernetes-embedded-resource"] === true) out.properties = properties;
  if (required.size > 0) out.required = [...required];
  if (s.items) out.items = toJsonSchema(s.items);
  if (s.additionalProperties !== undefined) {
    out.additionalProperties = typeof s.additionalProperties === "boolean" ? s.additionalProperties : toJsonSchema(s.additionalProperties);
  } else if (!preserve && (s.type === "object" || s.properties)) {
    out.additionalProperties = false;
  }
  return out;
}

/** Fixed ObjectMeta schema for generated manifests (CRD schemas only say `metadata: {type: object}`). */
function metadataSchema(scope: ResourceScope, nameRequired = true): JsonSchema {
  return {
    type: "object",
    ...(nameRequired ? { required: ["name"] } : {}),
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 1, maxLength: 253, pattern: DNS1123_SUBDOMAIN },
      ...(scope === "Namespaced" ? { namespace: { type: "string", minLength: 1, maxLength: 63, pattern: DNS1123_LABEL } } : {}),
      labels: { type: "object", additionalProperties: { type: "string", maxLength: 63, pattern: LABEL_VALUE } },
      annotations: { type: "object", additionalProperties: { type: "string" } },
      finalizers: { type: "array", items: { type: "string", minLength: 1 } },
    },
  };
}

/** Root: only apiVersion, kind, metadata and the fields the kind's schema lists (never status). */
function rootSchema(entry: CrdEntry): JsonSchema {
  const base = toJsonSchema(entry.schema);
  const properties: Record<string, JsonSchema> = { ...((base.properties as Record<string, JsonSchema> | undefined) ?? {}) };
  delete properties.status;
  properties.apiVersion = { type: "string" };
  properties.kind = { type: "string" };
  properties.metadata = metadataSchema(entry.scope);
  const required = new Set([...((base.required as string[] | undefined) ?? []), "apiVersion", "kind", "metadata"]);
  // Stricter than the API server: a CRD object whose spec has required fields must have a spec at all.
  const spec = properties.spec;
  if (spec && Array.isArray(spec.required) && spec.required.length > 0) required.add("spec");
  return { ...base, type: "object", properties, required: [...required], additionalProperties: false };
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(key: string, entry: CrdEntry): ValidateFunction {
  let fn = compiled.get(key);
  if (!fn) {
    // optimize: false skips ajv's code-optimization passes, which were ~40% of compiling these large schemas (the
    // Terraform CRD alone is ~0.5 MB of generated code) and gain nothing for the few hundred objects one synth checks;
    // what is accepted and the errors reported are the same.
    ajv ??= new Ajv({ allErrors: true, strict: false, code: { optimize: false } });
    fn = ajv.compile(rootSchema(entry));
    compiled.set(key, fn);
  }
  return fn;
}

/** @internal How many kinds have been compiled so far (the test checks that compilation is lazy). */
export function compiledSchemaCount(): number {
  return compiled.size;
}

// ---------------------------------------------------------------------------------------------------------------
// validation

/**
 * Validates one manifest object. Returns [] if it is valid. Keys whose value is `undefined` count as absent
 * (they disappear when the object is serialized).
 */
export function validateManifest(manifest: unknown, schemaPatches: readonly SchemaPatch[] = []): ManifestIssue[] {
  const obj = normalize(manifest);
  if (!isPlainObject(obj)) return [{ path: "", message: `manifest must be an object, got ${describeType(obj)}` }];
  const issues: ManifestIssue[] = [];
  for (const field of ["apiVersion", "kind"] as const) {
    if (obj[field] === undefined) issues.push({ path: "", message: `missing required field "${field}"` });
    else if (typeof obj[field] !== "string") issues.push({ path: field, message: "must be string" });
  }
  if (issues.length > 0) return issues;
  const apiVersion = obj.apiVersion as string;
  const kind = obj.kind as string;
  const key = schemaKey(apiVersion, kind);
  const base = lookup(key);
  if (!base) return [{ path: "", message: `no schema for ${apiVersion} ${kind}` }];
  const patches = schemaPatches.filter((p) => p.key === key);
  const entry = patches.length ? { ...base, schema: patchedSchema(base.schema, patches) } : base;

  const validate = validatorFor(patches.length ? `${key}\u0000${JSON.stringify(patches)}` : key, entry);
  if (!validate(obj)) issues.push(...toIssues(validate.errors ?? [], obj, kind, entry.scope));
  issues.push(...metadataKeyIssues(obj.metadata));
  return dedupe(issues);
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

function toIssues(errors: readonly ErrorObject[], data: unknown, kind: string, scope: ResourceScope): ManifestIssue[] {
  const typeErrorPaths = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  const out: ManifestIssue[] = [];
  for (const e of errors) {
    const segments = pointerSegments(e.instancePath);
    const path = formatPath(segments, data);
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case "additionalProperties": {
        const field = String(p.additionalProperty);
        const note = scope === "Cluster" && field === "namespace" && path === "metadata" ? ` (${kind} is cluster-scoped)` : "";
        out.push({ path, message: `unknown field ${JSON.stringify(field)}${note}` });
        break;
      }
      case "required":
        out.push({ path, message: `missing required field ${JSON.stringify(String(p.missingProperty))}` });
        break;
      case "type": {
        const t = Array.isArray(p.type) ? (p.type as string[]) : String(p.type).split(",");
        out.push({ path, message: `must be ${t.join(" or ")}` });
        break;
      }
      case "enum":
        if (typeErrorPaths.has(e.instancePath)) break; // "must be string" already says it
        out.push({
          path,
          message: `must be one of: ${(p.allowedValues as unknown[]).map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ")}`,
        });
        break;
      case "pattern":
        out.push({ path, message: `must match pattern ${String(p.pattern)}` });
        break;
      case "minLength":
        out.push({ path, message: p.limit === 1 ? "must not be empty" : `must be at least ${String(p.limit)} characters long` });
        break;
      case "maxLength":
        out.push({ path, message: `must be at most ${String(p.limit)} characters long` });
        break;
      case "minItems":
        out.push({ path, message: `must have at least ${String(p.limit)} item${p.limit === 1 ? "" : "s"}` });
        break;
      case "maxItems":
        out.push({ path, message: `must have at most ${String(p.limit)} item${p.limit === 1 ? "" : "s"}` });
        break;
      case "minimum":
      case "maximum":
        out.push({ path, message: `must be ${String(p.comparison)} ${String(p.limit)}` });
        break;
      default:
        out.push({ path, message: e.message ?? `fails ${e.keyword}` });
    }
  }
  return out;
}

/** Label/annotation keys and finalizers must be qualified names ([DNS-1123 subdomain prefix "/"] name). */
function metadataKeyIssues(metadata: unknown): ManifestIssue[] {
  if (!isPlainObject(metadata)) return [];
  const out: ManifestIssue[] = [];
  for (const field of ["labels", "annotations"] as const) {
    const map = metadata[field];
    if (!isPlainObject(map)) continue;
    for (const key of Object.keys(map)) {
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

/** JSON view of the value: object keys with undefined values dropped, undefined array items become null. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : normalize(x)));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = normalize(x);
    return out;
  }
  return v;
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
function formatPath(segments: readonly string[], data: unknown): string {
  let out = "";
  let node: unknown = data;
  for (const seg of segments) {
    if (Array.isArray(node)) {
      out += `[${seg}]`;
      node = node[Number(seg)];
    } else {
      out += SIMPLE_KEY.test(seg) ? (out === "" ? seg : `.${seg}`) : `[${JSON.stringify(seg)}]`;
      node = isPlainObject(node) ? node[seg] : undefined;
    }
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
