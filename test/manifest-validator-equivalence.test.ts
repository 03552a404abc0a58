import * as fs from "fs";
import * as path from "path";
import * as fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { crdSchemaPatchesOf } from "../lib/checks/crd-schemas";
import { BUILTIN_SCHEMAS, ResourceScope, StructuralSchema } from "../lib/schema/builtin-schemas";
import { SchemaPatch, validateManifest } from "../lib/schema/manifest-validator";
import * as oracle from "./manifest-validator-oracle";

/**
 * The schema walker of lib/schema/manifest-validator.ts against its former implementation (ajv compiling a JSON
 * Schema translation of the structural schema, kept in manifest-validator-oracle.ts): the same issues in the same
 * order, on every document of the committed trees, random objects of every kind, random mutations of both, and
 * random additions to the schemas (the way CRD patches change them) that reach keywords the bundled schemas do not
 * use (nullable, minimum/maximum, embedded resources, object enums, ...).
 *
 * One known difference, not generated here: a hole in a sparse array is checked as null by the walker (as JSON and
 * YAML write it); the former implementation kept the hole (Array.prototype.map skips it), so where null is allowed
 * (nullable items; none in the bundled schemas) it reported "must be <type> or null" and the walker reports nothing.
 */

const REPO = path.resolve(__dirname, "..");
/** The same cases on every run. Failures end the run unshrunk (endOnFailure): shrinking recompiles ajv schemas for
 *  minutes, and the failure message shows the whole document and patches anyway. */
const SEED = 20261122;

interface Kind {
  readonly key: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly scope: ResourceScope;
  readonly schema: StructuralSchema;
}

const CRDS = require("../lib/schema/crd-schemas.json") as Record<string, { scope: ResourceScope; schema: StructuralSchema }>;
const KINDS: readonly Kind[] = [
  ...Object.entries(CRDS)
    .filter(([key]) => !key.startsWith("$"))
    .map(([key, e]) => ({ key, scope: e.scope, schema: e.schema })),
  ...Object.entries(BUILTIN_SCHEMAS).map(([key, b]) => ({ key, scope: b.scope, schema: b.schema })),
].map((k) => ({ ...k, apiVersion: k.key.slice(0, k.key.lastIndexOf("/")), kind: k.key.slice(k.key.lastIndexOf("/") + 1) }));
/** Compiling these with ajv takes 0.1-0.2 s each: only a few patched variants of them. */
const HEAVY = new Set([
  "infra.contrib.fluxcd.io/v1alpha1/Terraform",
  "infra.contrib.fluxcd.io/v1alpha2/Terraform",
  "helm.toolkit.fluxcd.io/v2/HelmRelease",
]);

let comparisons = 0;

/** The issues, or the error thrown (a patch whose path does not exist). */
function outcome(validate: typeof validateManifest, doc: unknown, patches: readonly SchemaPatch[]): unknown {
  try {
    return validate(doc, patches);
  } catch (e) {
    return { threw: (e as Error).message };
  }
}

function expectSame(doc: unknown, patches: readonly SchemaPatch[] = []): void {
  comparisons++;
  const expected = outcome(oracle.validateManifest, doc, patches);
  const actual = outcome(validateManifest, doc, patches);
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    const show = (v: unknown): string => JSON.stringify(printable(v), null, 1);
    throw new Error(`different issues\ndoc: ${show(doc)}\npatches: ${show(patches)}\nwalker: ${show(actual)}\najv: ${show(expected)}`);
  }
}

/** JSON.stringify drops undefined and turns NaN into null: show them. */
function printable(v: unknown): unknown {
  return JSON.parse(
    JSON.stringify(v, (_k, x: unknown) => (x === undefined ? "<undefined>" : typeof x === "number" && !isFinite(x) ? `<${x}>` : x)) ??
      "null",
  );
}

// ---------------------------------------------------------------------------------------------------------------
// the committed trees

interface TreeDoc {
  readonly file: string;
  readonly doc: unknown;
  /** The CRD schema patches of the document's cluster, as checkCrdSchemas applies them. */
  readonly patches: readonly SchemaPatch[];
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

function treeDocs(): TreeDoc[] {
  const roots = ["clusters", "bootstrap", "examples/fleet-repo/clusters", "examples/fleet-repo/bootstrap"].map((r) => path.join(REPO, r));
  const files = roots.flatMap(yamlFiles).map((file) => ({
    file: path.relative(REPO, file),
    docs: parseAllDocuments(fs.readFileSync(file, "utf8"))
      .map((d) => d.toJS() as unknown)
      .filter((d) => d !== null && d !== undefined),
  }));
  const clusterOf = (file: string): string => /^(.*clusters\/[^/]+)\//.exec(file)?.[1] ?? file;
  const patches = new Map<string, SchemaPatch[]>();
  for (const f of files) {
    for (const doc of f.docs) {
      const found = crdSchemaPatchesOf(doc);
      if (found.problems.length) throw new Error(`${f.file}: ${found.problems.join("; ")}`);
      patches.set(clusterOf(f.file), [...(patches.get(clusterOf(f.file)) ?? []), ...found.patches]);
    }
  }
  return files.flatMap((f) => f.docs.map((doc) => ({ file: f.file, doc, patches: patches.get(clusterOf(f.file)) ?? [] })));
}

const TREE = treeDocs();

// ---------------------------------------------------------------------------------------------------------------
// values, names and mutations

const STRINGS = [
  "",
  "x",
  "flux-system",
  "aks-prod",
  "a.b-c",
  "not valid!",
  "10m",
  "1h30m",
  "10 minutes",
  "1Gi",
  "500m",
  "UPPER",
  "NotAnEnumValue",
  "GitRepository",
  "https://github.com/contoso/fleet",
  "git@github.com:x/y.git",
  "a".repeat(63),
  "a".repeat(64),
  "a".repeat(254),
  "😀".repeat(40),
  "😀".repeat(64),
  "ünïcödé",
  "-x-",
  "a/b",
];
const NUMBERS = [0, 1, -1, 3, 1.5, 65536, 2 ** 40, NaN, Infinity, -0];
const VALUES: readonly unknown[] = [
  ...STRINGS,
  ...NUMBERS,
  true,
  false,
  null,
  undefined,
  [],
  [undefined],
  ["x", 1],
  [{}],
  [null, "y"],
  {},
  { unknownField: 1 },
  { a: { b: { c: [1, { d: undefined, e: "f" }] } } },
  { name: "x" },
  { kind: "GitRepository", name: "x" },
  { name: undefined },
  { x: 1 },
  ["y"],
  { x: 1, y: undefined },
  { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", uid: "1" } },
  { apiVersion: "v1", kind: "ConfigMap", metadata: {} },
  { apiVersion: "", kind: 1, metadata: { name: "Bad Name", namespace: "" } },
];
/** One or two values of each kind, for the exhaustive keyword matrix (every value there costs ~300 comparisons). */
const MATRIX_VALUES: readonly unknown[] = [
  "",
  "x",
  "not valid!",
  "NotAnEnumValue",
  "a".repeat(64),
  "😀".repeat(40),
  0,
  1,
  -1,
  1.5,
  65536,
  NaN,
  Infinity,
  true,
  null,
  undefined,
  [],
  [undefined],
  ["x", 1],
  ["y"],
  [{}],
  {},
  { unknownField: 1 },
  { name: undefined },
  { x: 1 },
  { x: 1, y: undefined },
  { apiVersion: "v1", kind: "ConfigMap", metadata: {} },
  { apiVersion: "", kind: 1, metadata: { name: "Bad Name", namespace: "" } },
];
/** Field names for unknown fields and map keys: plain, dotted, slashed, quoted in paths, numeric-like, JSON-pointer specials. */
const NAMES = [
  "foo",
  "name",
  "namespace",
  "status",
  "spec",
  "metadata",
  "kind",
  "apiVersion",
  "values",
  "app.kubernetes.io/name",
  "0",
  "10",
  "a~b/c",
  "~1",
  "with space",
  "Not A Key",
  "-x",
  "x/y/z",
  "/x",
  "x/",
  "UPPER",
  "a".repeat(64),
  "toolkit.fluxcd.io/tenant",
  "$var",
  "_x",
];
const LABEL_KEYS = [
  "app",
  "app.kubernetes.io/name",
  "Not A Key",
  "-bad",
  "bad-",
  "a/b/c",
  "/x",
  "x/",
  "UPPER.example.com/x",
  `${"a".repeat(254)}/x`,
  `x/${"a".repeat(64)}`,
  "ok_key.1",
  "😀",
];
const FINALIZERS: readonly unknown[] = [["a/b"], ["x", ""], ["Bad Key"], [1], [undefined], ["finalizers.fluxcd.io"], "x"];

function pick<T>(g: fc.GeneratorValue, items: readonly T[]): T {
  return items[g(fc.nat, { max: items.length - 1 })];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Deep copy that keeps undefined and NaN (unlike JSON) in this realm (structuredClone's arrays fail ajv's enum equality). */
function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

interface Slot {
  readonly parent: Record<string, unknown> | unknown[];
  readonly key: string | number;
}

/** Every place a value sits in the document (not the root's apiVersion and kind: changing them only says "no schema"). */
function slots(doc: unknown): Slot[] {
  const out: Slot[] = [];
  const walk = (node: unknown, root: boolean): void => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => {
        out.push({ parent: node, key: i });
        walk(v, false);
      });
    } else if (isObject(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (root && (k === "apiVersion" || k === "kind")) continue;
        out.push({ parent: node, key: k });
        walk(v, false);
      }
    }
  };
  walk(doc, true);
  return out;
}

function objects(doc: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (isObject(node)) out.push(node);
    if (Array.isArray(node) || isObject(node)) for (const v of Object.values(node)) walk(v);
  };
  walk(doc);
  return out;
}

/** Applies one random mutation in place. */
function mutate(g: fc.GeneratorValue, doc: Record<string, unknown>): void {
  const all = slots(doc);
  const op = g(fc.nat, { max: 7 });
  const slot = all.length ? pick(g, all) : undefined;
  const set = (value: unknown): void => {
    if (slot) (slot.parent as Record<string | number, unknown>)[slot.key] = value;
  };
  const current = slot ? (slot.parent as Record<string | number, unknown>)[slot.key] : undefined;
  switch (op) {
    case 0:
      set(clone(pick(g, VALUES)));
      break;
    case 1:
      if (slot && !Array.isArray(slot.parent)) delete slot.parent[slot.key as string];
      break;
    case 2:
      set(undefined);
      break;
    case 3: {
      const target = pick(g, objects(doc));
      target[pick(g, NAMES)] = clone(pick(g, VALUES));
      break;
    }
    case 4:
      set(g(fc.boolean) ? [current] : { x: current });
      break;
    case 5: {
      const metas = objects(doc)
        .filter((o) => isObject(o.metadata))
        .map((o) => o.metadata as Record<string, unknown>);
      const meta = metas.length ? pick(g, metas) : doc;
      const field = pick(g, ["labels", "annotations"]);
      if (!isObject(meta[field])) meta[field] = {};
      (meta[field] as Record<string, unknown>)[pick(g, LABEL_KEYS)] = pick(g, [...STRINGS, 1, undefined]);
      break;
    }
    case 6: {
      const meta = isObject(doc.metadata) ? doc.metadata : (doc.metadata = {});
      if (g(fc.boolean)) meta.finalizers = clone(pick(g, FINALIZERS));
      else meta.namespace = pick(g, ["flux-system", "Flux.System", "", undefined]);
      break;
    }
    default:
      set(typeof current === "string" ? pick(g, STRINGS) : typeof current === "number" ? pick(g, NUMBERS) : clone(pick(g, VALUES)));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// objects from the schemas

const MAX_DEPTH = 7;

/**
 * A random object for a schema: mostly valid, every required field most of the time, optional fields now and then.
 * `focus` (schema pointer segments) is a node that must be reached: the fields, items and map entries on the way are
 * always there, and the node's own value is sometimes any value at all.
 */
function sample(g: fc.GeneratorValue, s: StructuralSchema, depth: number, focus?: readonly string[]): unknown {
  if (focus?.length === 0 && g(fc.nat, { max: 2 }) === 0) return clone(pick(g, VALUES));
  if (s.enum && s.enum.length > 0 && g(fc.nat, { max: 3 }) > 0) return clone(pick(g, s.enum));
  if (s["x-kubernetes-int-or-string"] === true) return g(fc.boolean) ? pick(g, NUMBERS) : pick(g, STRINGS);
  const next = focus?.[0];
  switch (s.type) {
    case "string":
      return pick(g, STRINGS);
    case "integer":
    case "number":
      return pick(g, NUMBERS);
    case "boolean":
      return g(fc.boolean);
    case "array": {
      const n = next === "items" ? 1 + g(fc.nat, { max: 1 }) : depth >= MAX_DEPTH ? 0 : g(fc.nat, { max: 2 });
      return Array.from({ length: n }, (_, i) =>
        s.items ? sample(g, s.items, depth + 1, i === 0 && next === "items" ? focus?.slice(1) : undefined) : clone(pick(g, VALUES)),
      );
    }
    default: {
      if (s.type !== "object" && !s.properties && s.additionalProperties === undefined) return clone(pick(g, VALUES));
      const out: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(s.properties ?? {})) {
        const focused = next === "properties" && focus?.[1] === name;
        const wanted = s.required?.includes(name) ? g(fc.nat, { max: 9 }) > 0 : depth < MAX_DEPTH && g(fc.nat, { max: 3 }) === 0;
        if (focused || wanted) out[name] = sample(g, sub, depth + 1, focused ? focus?.slice(2) : undefined);
      }
      if (typeof s.additionalProperties === "object") {
        const n = next === "additionalProperties" ? 1 : depth >= MAX_DEPTH ? 0 : g(fc.nat, { max: 2 });
        for (let i = 0; i < n; i++)
          out[pick(g, NAMES)] = sample(
            g,
            s.additionalProperties,
            depth + 1,
            i === 0 && next === "additionalProperties" ? focus?.slice(1) : undefined,
          );
      }
      if (s["x-kubernetes-preserve-unknown-fields"] === true && g(fc.nat, { max: 3 }) === 0) out[pick(g, NAMES)] = clone(pick(g, VALUES));
      if (s["x-kubernetes-embedded-resource"] === true && g(fc.boolean)) {
        Object.assign(out, {
          apiVersion: pick(g, ["v1", ""]),
          kind: pick(g, ["ConfigMap", "", 1]),
          metadata: sampleMetadata(g, "Namespaced"),
        });
      }
      return out;
    }
  }
}

function sampleMetadata(g: fc.GeneratorValue, scope: ResourceScope): Record<string, unknown> {
  const meta: Record<string, unknown> = { name: pick(g, ["x", "aks-prod", "a.b-c", "tf-runner"]) };
  if (scope === "Namespaced" && g(fc.nat, { max: 3 }) > 0) meta.namespace = "flux-system";
  if (g(fc.boolean)) meta.labels = { "app.kubernetes.io/managed-by": "cdktf-aks-gitops", tier: "platform" };
  if (g(fc.nat, { max: 3 }) === 0) meta.annotations = { "kustomize.toolkit.fluxcd.io/reconcile": "disabled" };
  return meta;
}

function sampleManifest(g: fc.GeneratorValue, kind: Kind, schema: StructuralSchema, focus?: readonly string[]): Record<string, unknown> {
  const body = sample(g, { ...schema, type: "object" }, 0, focus);
  const out = isObject(body) ? body : {};
  if (!(focus?.[0] === "properties" && focus[1] === "status") && g(fc.nat, { max: 9 }) > 0) delete out.status;
  return { ...out, apiVersion: kind.apiVersion, kind: kind.kind, metadata: sampleMetadata(g, kind.scope) };
}

// ---------------------------------------------------------------------------------------------------------------
// schema patches

/** Keywords a patch may add to a schema node, including ones no bundled schema uses. */
const KEYWORD_PATCHES: readonly (readonly [string, unknown])[] = [
  ["nullable", true],
  ["minimum", 1],
  ["maximum", 10],
  ["minimum", 0.5],
  ["minLength", 1],
  ["minLength", 3],
  ["maxLength", 5],
  ["pattern", "^[a-z]+$"],
  ["pattern", "^\\p{L}+$"],
  ["enum", ["a", "b"]],
  ["enum", [1, { x: 1 }, ["y"], null]],
  ["enum", ["10m", "x"]],
  ["x-kubernetes-embedded-resource", true],
  ["x-kubernetes-preserve-unknown-fields", true],
  ["x-kubernetes-int-or-string", true],
  ["additionalProperties", true],
  ["additionalProperties", false],
  ["additionalProperties", { type: "integer", minimum: 0 }],
  ["minItems", 1],
  ["minItems", 2],
  ["maxItems", 1],
  ["type", "number"],
  ["type", "boolean"],
  ["type", "object"],
  ["type", "array"],
  ["type", "string"],
  ["type", "integer"],
  ["required", ["name", "x"]],
  ["items", { type: "string", minLength: 1 }],
  ["properties", { x: { type: "string" }, name: { type: "string", pattern: "^x" } }],
];

/** The pointer segments of every node of a schema ([] is the root). */
function schemaNodes(s: StructuralSchema, at: readonly string[] = []): (readonly string[])[] {
  const out: (readonly string[])[] = [at];
  for (const [name, sub] of Object.entries(s.properties ?? {})) out.push(...schemaNodes(sub, [...at, "properties", name]));
  if (s.items) out.push(...schemaNodes(s.items, [...at, "items"]));
  if (typeof s.additionalProperties === "object") out.push(...schemaNodes(s.additionalProperties, [...at, "additionalProperties"]));
  return out;
}

/** Pairs that make a node of a type the bundled schemas lack, or mix keywords of different types (order of issues). */
const COMBINED_PATCHES: readonly (readonly (readonly [string, unknown])[])[] = [
  [
    ["type", "number"],
    ["maximum", 10],
  ],
  [
    ["type", "integer"],
    ["minimum", 1],
  ],
  [
    ["type", "number"],
    ["minimum", 1],
    ["maximum", 0],
  ],
  [
    ["nullable", true],
    ["enum", ["a", "b"]],
  ],
  [
    ["x-kubernetes-int-or-string", true],
    ["pattern", "^[0-9]+$"],
  ],
  [
    ["type", "object"],
    ["pattern", "^x"],
  ],
  [
    ["type", "array"],
    ["minLength", 2],
  ],
  [
    ["type", "string"],
    ["minItems", 1],
  ],
  [
    ["nullable", true],
    ["type", "object"],
  ],
  [
    ["x-kubernetes-embedded-resource", true],
    ["x-kubernetes-preserve-unknown-fields", true],
  ],
  [
    ["type", "boolean"],
    ["maximum", 1],
  ],
  [
    ["minLength", 2],
    ["maxLength", 1],
  ],
  [
    ["x-kubernetes-preserve-unknown-fields", true],
    ["properties", { x: { type: "string" } }],
  ],
];

const NODES = new Map(KINDS.map((k) => [k.key, schemaNodes(k.schema)]));

function pointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** The schema with `add` patches applied (what the validators do with them), for sampling objects that fit it. */
function patched(schema: StructuralSchema, patches: readonly SchemaPatch[]): StructuralSchema {
  const out = clone(schema) as Record<string, unknown>;
  for (const p of patches) {
    const segments = p.path
      .slice(1)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = segments.pop() as string;
    let node: unknown = out;
    for (const seg of segments) node = isObject(node) ? node[seg] : undefined;
    if (node === undefined) continue; // an earlier patch replaced its parent: the validators throw, as kustomize would
    if (Array.isArray(node)) node.push(p.value);
    else (node as Record<string, unknown>)[last] = clone(p.value);
  }
  return out as StructuralSchema;
}

function randomPatches(g: fc.GeneratorValue, kind: Kind): { patches: SchemaPatch[]; focus: (readonly string[])[] } {
  const nodes = NODES.get(kind.key) ?? [[]];
  const patches: SchemaPatch[] = [];
  const focus: (readonly string[])[] = [];
  const n = 1 + g(fc.nat, { max: 2 });
  for (let i = 0; i < n; i++) {
    const node = pick(g, nodes);
    const [keyword, value] = pick(g, KEYWORD_PATCHES);
    patches.push({ key: kind.key, path: pointer([...node, keyword]), value });
    focus.push(node);
  }
  return { patches, focus };
}

/**
 * `doc` with `value` where the schema node `segments` applies (created on the way: properties by name, the first
 * item, map entry "k"); at the root, `value` becomes an extra field.
 */
function placed(doc: Record<string, unknown>, segments: readonly string[], value: unknown): Record<string, unknown> {
  const out = clone(doc);
  if (segments.length === 0) return { ...out, extra: clone(value) };
  const keys: (string | number)[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (segments[i] === "properties") keys.push(segments[++i]);
    else keys.push(segments[i] === "items" ? 0 : "k");
  }
  let node: Record<string | number, unknown> = out;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) node[key] = clone(value);
    else {
      const nextIsIndex = typeof keys[i + 1] === "number";
      const existing = node[key];
      if (nextIsIndex ? !Array.isArray(existing) : !isObject(existing)) node[key] = nextIsIndex ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

describe("the schema walker reports what the ajv implementation reported", () => {
  afterAll(() => {
    console.log(`manifest-validator equivalence: ${comparisons} comparisons`);
  });

  test("the committed trees are there to compare on", () => {
    expect(TREE.length).toBeGreaterThan(20);
    expect(new Set(TREE.map((t) => (t.doc as { kind?: unknown }).kind)).size).toBeGreaterThan(6);
    // the Alert CRD patch of flux CLI mode is among them
    expect(TREE.some((t) => t.patches.some((p) => p.key === "notification.toolkit.fluxcd.io/v1beta3/Alert"))).toBe(true);
  });

  test("every document of the committed trees, with and without its cluster's CRD patches", () => {
    for (const t of TREE) {
      expectSame(t.doc, t.patches);
      expectSame(t.doc);
      expect(validateManifest(t.doc, t.patches).filter((i) => !i.message.startsWith("no schema"))).toEqual([]);
    }
  });

  test("every document of the trees with each field dropped, undefined, or one of a few wrong values", () => {
    for (const t of TREE) {
      const count = slots(t.doc).length;
      for (let i = 0; i < count; i++) {
        for (const change of ["delete", undefined, "", null, 0, -1, [], {}, "NotAnEnumValue"] as const) {
          const doc = clone(t.doc);
          const slot = slots(doc)[i];
          if (change === "delete") {
            if (Array.isArray(slot.parent)) continue;
            delete slot.parent[slot.key as string];
          } else {
            (slot.parent as Record<string | number, unknown>)[slot.key] = clone(change);
          }
          expectSame(doc, t.patches);
        }
      }
    }
  });

  test("a minimal object of every kind, the not-objects and the lookups", () => {
    for (const k of KINDS) {
      expectSame({ apiVersion: k.apiVersion, kind: k.kind, metadata: { name: "x" } });
      expectSame({ apiVersion: k.apiVersion, kind: k.kind });
      expectSame({ apiVersion: k.apiVersion, kind: k.kind, metadata: { name: "x", namespace: "flux-system" }, spec: {}, status: {} });
      expectSame({ apiVersion: k.apiVersion, kind: k.kind, metadata: [], spec: "x" });
    }
    for (const v of [
      undefined,
      null,
      "x",
      1,
      [],
      [{}],
      {},
      { kind: "Pod" },
      { apiVersion: 1, kind: true },
      { apiVersion: "v1", kind: "Pod" },
    ])
      expectSame(v);
  });

  test("random mutations of the trees' documents", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const t = pick(g, TREE);
        const doc = clone(t.doc) as Record<string, unknown>;
        const n = 1 + g(fc.nat, { max: 3 });
        for (let i = 0; i < n; i++) mutate(g, doc);
        expectSame(doc, t.patches);
      }),
      { numRuns: 1500, seed: SEED, endOnFailure: true },
    );
  });

  test("random objects of every kind, and mutations of them", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const kind = pick(g, KINDS);
        const doc = sampleManifest(g, kind, kind.schema);
        expectSame(doc);
        const n = g(fc.nat, { max: 3 });
        for (let i = 0; i < n; i++) mutate(g, doc);
        expectSame(doc);
      }),
      { numRuns: 1200, seed: SEED, endOnFailure: true },
    );
  });

  test("every keyword patch at Alert nodes of every type, with every value there", () => {
    const alert = KINDS.find((k) => k.kind === "Alert") as Kind;
    const base = {
      apiVersion: alert.apiVersion,
      kind: alert.kind,
      metadata: { name: "x", namespace: "flux-system" },
      spec: { providerRef: { name: "p" }, eventSources: [{ kind: "Kustomization", name: "x", matchLabels: { a: "b" } }] },
    };
    const spec = ["properties", "spec"];
    const sources = [...spec, "properties", "eventSources"];
    // the root, an array, objects in an array and in an object, a string with an enum, a map, a boolean
    const targets = [
      [],
      sources,
      [...sources, "items"],
      [...sources, "items", "properties", "kind"],
      [...spec, "properties", "providerRef"],
      [...spec, "properties", "eventMetadata"],
      [...spec, "properties", "suspend"],
    ];
    const patchSets = [[], ...KEYWORD_PATCHES.map((p) => [p]), ...COMBINED_PATCHES];
    for (const target of targets) {
      for (const set of patchSets) {
        const patches = set.map(([keyword, value]) => ({ key: alert.key, path: pointer([...target, keyword]), value }));
        expectSame(base, patches);
        for (const value of MATRIX_VALUES) expectSame(placed(base, target, value), patches);
      }
    }
  });

  const patchedRuns = (kinds: readonly Kind[], numRuns: number, docsPerRun: number): void => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const kind = pick(g, kinds);
        const { patches, focus } = randomPatches(g, kind);
        const schema = patched(kind.schema, patches);
        for (let i = 0; i < docsPerRun; i++) {
          const doc = sampleManifest(g, kind, schema, pick(g, focus));
          if (i % 2 === 1) mutate(g, doc);
          expectSame(doc, patches);
        }
      }),
      { numRuns, seed: SEED, endOnFailure: true },
    );
  };

  test("random schema patches of the smaller kinds, with objects that reach the patched nodes", () => {
    patchedRuns(
      KINDS.filter((k) => !HEAVY.has(k.key)),
      120,
      8,
    );
  });

  test("a few random schema patches of Terraform and HelmRelease", () => {
    patchedRuns(
      KINDS.filter((k) => HEAVY.has(k.key)),
      4,
      40,
    );
  });
});
