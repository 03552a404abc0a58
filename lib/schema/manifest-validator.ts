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
import { StructuralSchema } from "./builtin-schemas";
import { DEFAULT_FLUX_CLI_TARGET, FluxTarget } from "./flux-target";
import { describeType, isPlainObject } from "./json-values";
import { ManifestIssue } from "./manifest-issue";
import { JsonType, prepared } from "./prepared-schema";
import { metadataKeyIssues, rootSchemaFor } from "./root-schema";
import { SchemaPatch } from "./schema-patches";
import { lookup, schemaKey } from "./schema-registry";

export type { ManifestIssue } from "./manifest-issue";
export type { SchemaInfo } from "./schema-registry";
export type { SchemaPatch } from "./schema-patches";
export { hasSchemaFor, schemaInfo } from "./schema-registry";
export { crdSchemaKey, schemaPatchProblem } from "./schema-patches";
export * from "./flux-target";
export * from "./flux-api-versions";
export { crdVersionOrder } from "./schema-registry";
export { DNS1123_LABEL, DNS1123_SUBDOMAIN, LABEL_VALUE, preparedSchemaCount } from "./root-schema";

/**
 * Validates one manifest object. Returns [] if it is valid. Keys whose value is `undefined` count as absent
 * (they disappear when the object is serialized).
 */
export function validateManifest(
  manifest: unknown,
  schemaPatches: readonly SchemaPatch[] = [],
  target: FluxTarget = DEFAULT_FLUX_CLI_TARGET,
): ManifestIssue[] {
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
  const entry = lookup(key, target);
  if (!entry)
    return [{ path: "", message: `no schema for ${apiVersion} ${kind}${target === DEFAULT_FLUX_CLI_TARGET ? "" : ` on Flux ${target}`}` }];
  const root = rootSchemaFor(
    target === DEFAULT_FLUX_CLI_TARGET ? key : `${target}\u0000${key}`,
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
