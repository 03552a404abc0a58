/**
 * Derives compact structural schemas from the CRDs in ../shared/crds (or argv[2]) and writes
 * lib/schema/crd-schemas.json, which lib/schema/manifest-validator.ts checks generated manifests against, and the
 * derived CRD fixtures of test/fixtures/derived-crds/ (see deriveTestCrd).
 *
 *   npx ts-node scripts/derive-crd-schemas.ts [crdDir]      (npm run crd-schemas)
 *
 * For every CRD and every served version it keeps only the structural/validation keywords the validator
 * understands (see KEPT), drops descriptions, defaults, CEL rules (x-kubernetes-validations), list/map-type
 * markers and the whole `.status` subtree (generated manifests must not carry status). The output is
 * deterministic: keys sorted at every level, one top-level entry per line, trailing newline. Every CEL rule
 * and every other validation keyword that had to be dropped is listed in the top-level "$comment", so it is
 * visible what is NOT checked.
 *
 * Importable: `deriveSchemas(crdDir)` and `deriveTestCrds(crdDir)` return the exact file contents;
 * scripts/check-upstream.ts (CI, `npm run check:upstream`) compares them with the committed files.
 */
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments, stringify } from "yaml";

/** Keywords copied (values are plain JSON; schema-valued ones are recursed into). */
const KEPT_SCALARS = [
  "type",
  "required",
  "enum",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "nullable",
  "x-kubernetes-int-or-string",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
] as const;

/** Keywords dropped on purpose because they do not restrict what the API server accepts. */
const DROPPED_HARMLESS = new Set([
  "description",
  "default",
  "example",
  "externalDocs",
  "title",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
]);

export interface CompactSchema {
  type?: string;
  properties?: Record<string, CompactSchema>;
  items?: CompactSchema;
  additionalProperties?: CompactSchema | boolean;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
}

export interface CrdSchemaEntry {
  group: string;
  version: string;
  kind: string;
  scope: "Namespaced" | "Cluster";
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  deprecationWarning?: string;
  /** CRD file name in the CRD directory. */
  source: string;
  /** Compact structural schema of the whole object (openAPIV3Schema minus status). */
  schema: CompactSchema;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Readable path of a schema node: spec.install.strategy, spec.valuesFrom[*], spec.values{*}. */
function child(p: string, key: string): string {
  return p === "" ? key : `${p}.${key}`;
}

interface Notes {
  /** "<key> <path>: <message> [rule: <rule>]" */
  cel: string[];
  /** "<key> <path>: <keyword>" for validation keywords the compact schema cannot express. */
  other: string[];
}

/**
 * An anyOf that only restates x-kubernetes-int-or-string ([{type: integer}, {type: string}]) is redundant;
 * controller-gen emits it next to the extension.
 */
function isIntOrStringAnyOf(node: JsonObject): boolean {
  const anyOf = node.anyOf;
  if (node["x-kubernetes-int-or-string"] !== true || !Array.isArray(anyOf)) return false;
  const types = anyOf.map((s) => (isObject(s) && Object.keys(s).length === 1 ? s.type : undefined)).sort();
  return types.length === 2 && types[0] === "integer" && types[1] === "string";
}

function compact(node: Json, p: string, key: string, notes: Notes): CompactSchema {
  if (!isObject(node)) throw new Error(`${key} ${p}: schema node is not an object`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if ((KEPT_SCALARS as readonly string[]).includes(k)) {
      out[k] = v;
    } else if (k === "properties") {
      if (!isObject(v)) throw new Error(`${key} ${p}: properties is not an object`);
      const props: Record<string, CompactSchema> = {};
      for (const [name, sub] of Object.entries(v)) props[name] = compact(sub, child(p, name), key, notes);
      out.properties = props;
    } else if (k === "items") {
      out.items = compact(v, `${p}[*]`, key, notes);
    } else if (k === "additionalProperties") {
      out.additionalProperties = typeof v === "boolean" ? v : compact(v, `${p}{*}`, key, notes);
    } else if (k === "x-kubernetes-validations") {
      for (const rule of Array.isArray(v) ? v : []) {
        if (!isObject(rule)) continue;
        const msg =
          typeof rule.message === "string" ? rule.message : typeof rule.messageExpression === "string" ? `(${rule.messageExpression})` : "";
        notes.cel.push(`${key} ${p || "(root)"}: ${msg} [rule: ${String(rule.rule)}]`);
      }
    } else if (k === "anyOf" && isIntOrStringAnyOf(node)) {
      // redundant with x-kubernetes-int-or-string
    } else if (!DROPPED_HARMLESS.has(k)) {
      notes.other.push(`${key} ${p || "(root)"}: ${k}`);
    }
  }
  return out as CompactSchema;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
    return out;
  }
  return value;
}

export interface DerivedSchemas {
  entries: Record<string, CrdSchemaEntry>;
  notes: Notes;
}

/**
 * The Flux versions the library targets and where their CRDs are, relative to the CRD folder: 2.9 (the default of flux
 * CLI mode) is the flat files, 2.7 (the AKS extension's Flux, 1.24.x) and 2.8 their own folders. tofu-controller's
 * CRD is the flat one for every target (its version does not follow Flux's).
 */
export const FLUX_TARGET_DIRS: Readonly<Record<string, string>> = { "2.7": "flux-2.7", "2.8": "flux-2.8", "2.9": "." };
/** The target of lib/schema/crd-schemas.json; each other target has lib/schema/crd-schemas.flux-<target>.json. */
export const DEFAULT_SCHEMA_TARGET = "2.9";
/** CRD files of the flat folder that every target shares (not Flux's). */
const SHARED_CRD_FILES: readonly string[] = ["infra.contrib.fluxcd.io_terraforms.yaml"];

/** Repo-relative path of a target's derived schemas. */
export function schemaFileOf(target: string): string {
  return target === DEFAULT_SCHEMA_TARGET ? "lib/schema/crd-schemas.json" : `lib/schema/crd-schemas.flux-${target}.json`;
}

/** The CRD files of one target: [absolute path, file name], sorted by file name. */
export function targetCrdFiles(crdDir: string, target: string): [string, string][] {
  const dir = path.join(crdDir, FLUX_TARGET_DIRS[target]);
  const own = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")) : [];
  const shared =
    dir === path.resolve(crdDir) ? [] : SHARED_CRD_FILES.filter((f) => !own.includes(f) && fs.existsSync(path.join(crdDir, f)));
  return [
    ...own.map((f): [string, string] => [path.join(dir, f), f]),
    ...shared.map((f): [string, string] => [path.join(crdDir, f), f]),
  ].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

/** Parses every *.yaml in crdDir and returns the compact entries keyed by "<group>/<version>/<Kind>". */
export function deriveEntries(crdDir: string): DerivedSchemas {
  const files = fs
    .readdirSync(crdDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f): [string, string] => [path.join(crdDir, f), f]);
  if (files.length === 0) throw new Error(`no *.yaml files in ${crdDir}`);
  return deriveEntriesOf(files);
}

/** The compact entries of the CRD files given as [absolute path, file name]. */
export function deriveEntriesOf(files: readonly [string, string][]): DerivedSchemas {
  const notes: Notes = { cel: [], other: [] };
  const entries: Record<string, CrdSchemaEntry> = {};
  for (const [abs, file] of files) {
    const docs = parseAllDocuments(fs.readFileSync(abs, "utf8"));
    for (const doc of docs) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      const crd = doc.toJS() as JsonObject | null;
      if (!isObject(crd) || crd.kind !== "CustomResourceDefinition") continue;
      const spec = crd.spec as JsonObject;
      const group = spec.group as string;
      const names = spec.names as JsonObject;
      const kind = names.kind as string;
      const scope = spec.scope as "Namespaced" | "Cluster";
      for (const v of spec.versions as JsonObject[]) {
        if (v.served !== true) continue;
        const version = v.name as string;
        const key = `${group}/${version}/${kind}`;
        if (entries[key]) throw new Error(`${file}: duplicate schema ${key}`);
        const open = ((v.schema as JsonObject | undefined)?.openAPIV3Schema ?? null) as Json;
        if (!isObject(open)) throw new Error(`${file}: ${key} has no openAPIV3Schema`);
        const root = compact(open, "", key, notes);
        if (root.properties) delete root.properties.status;
        const entry: CrdSchemaEntry = {
          group,
          version,
          kind,
          scope,
          served: true,
          storage: v.storage === true,
          deprecated: v.deprecated === true,
          source: file,
          schema: root,
        };
        if (typeof v.deprecationWarning === "string") entry.deprecationWarning = v.deprecationWarning;
        entries[key] = entry;
      }
    }
  }
  notes.cel.sort();
  notes.other.sort();
  return { entries, notes };
}

/** The exact content of lib/schema/crd-schemas.json for the CRDs in crdDir. */
export function deriveSchemas(crdDir: string): string {
  return schemasText(deriveEntries(crdDir), "shared/crds");
}

/** The exact content of a target's schema file (schemaFileOf) for the CRDs under crdDir. */
export function deriveTargetSchemas(crdDir: string, target: string): string {
  if (target === DEFAULT_SCHEMA_TARGET) return deriveSchemas(crdDir);
  const files = targetCrdFiles(crdDir, target);
  if (!files.some(([, f]) => f.includes("toolkit.fluxcd.io")))
    throw new Error(`no Flux CRDs in ${path.join(crdDir, FLUX_TARGET_DIRS[target])}`);
  return schemasText(deriveEntriesOf(files), `shared/crds/${FLUX_TARGET_DIRS[target]} (Flux ${target}) and ${SHARED_CRD_FILES.join(", ")}`);
}

/** Every target's derived schema file: repo-relative path → content. */
export function deriveAllTargetSchemas(crdDir: string): Map<string, string> {
  return new Map(Object.keys(FLUX_TARGET_DIRS).map((t) => [schemaFileOf(t), deriveTargetSchemas(crdDir, t)]));
}

/** Repo-relative path of the CRD version order of every target (a JSON 6902 patch addresses versions by index). */
export const CRD_VERSIONS_FILE = "lib/schema/crd-versions.json";

/** Per target, per CRD name (`<plural>.<group>`), every version name in the CRD's order, served or not. */
export function deriveCrdVersions(crdDir: string): string {
  const out: Record<string, Record<string, string[]>> = {};
  for (const target of Object.keys(FLUX_TARGET_DIRS)) {
    const byCrd: Record<string, string[]> = {};
    for (const [abs] of targetCrdFiles(crdDir, target)) {
      for (const doc of parseAllDocuments(fs.readFileSync(abs, "utf8"))) {
        const crd = doc.toJS() as JsonObject | null;
        if (!isObject(crd) || crd.kind !== "CustomResourceDefinition") continue;
        byCrd[(crd.metadata as JsonObject).name as string] = ((crd.spec as JsonObject).versions as JsonObject[]).map(
          (v) => v.name as string,
        );
      }
    }
    out[target] = sortKeys(byCrd) as Record<string, string[]>;
  }
  const lines = Object.keys(out).map((t) => `${JSON.stringify(t)}:${JSON.stringify(out[t])}`);
  const comment = JSON.stringify("Generated by scripts/derive-crd-schemas.ts from shared/crds (see SOURCES.md). Do not edit.");
  return `{\n"$comment":${comment},\n${lines.join(",\n")}\n}\n`;
}

function schemasText({ entries, notes }: DerivedSchemas, from: string): string {
  const comment = [
    `Generated by scripts/derive-crd-schemas.ts from the CRDs in ${from} (see SOURCES.md). Do not edit.`,
    "Compact structural schemas per served CRD version; descriptions, defaults, list/map-type markers and .status dropped.",
    "format is kept for reference but not enforced by lib/schema/manifest-validator.ts.",
    `NOT checked: CEL rules (x-kubernetes-validations), ${notes.cel.length}:`,
    ...notes.cel.map((c) => `  ${c}`),
    `NOT checked: other dropped validation keywords, ${notes.other.length}${notes.other.length ? ":" : ""}`,
    ...notes.other.map((c) => `  ${c}`),
  ];
  // One top-level entry per line: compact, deterministic, and a diff shows which kind changed.
  const lines = [`"$comment":${JSON.stringify(comment)}`];
  for (const key of Object.keys(entries).sort()) lines.push(`${JSON.stringify(key)}:${JSON.stringify(sortKeys(entries[key]))}`);
  return `{\n${lines.join(",\n")}\n}\n`;
}

/** Upstream CRD files the tests need as CRD objects (the Alert CRD: the one the library patches). */
export const TEST_CRD_FILES: readonly string[] = ["notification.toolkit.fluxcd.io_alerts.yaml"];
/** Repo-relative folder of the derived CRD fixtures. */
export const TEST_CRD_DIR = "test/fixtures/derived-crds";

function fixtureVersion(v: JsonObject, key: string): JsonObject {
  const out: JsonObject = { name: v.name, served: v.served === true, storage: v.storage === true };
  if (v.deprecated === true) out.deprecated = true;
  if (typeof v.deprecationWarning === "string") out.deprecationWarning = v.deprecationWarning;
  const open = (v.schema as JsonObject | undefined)?.openAPIV3Schema;
  if (isObject(open)) {
    const root = compact(open, "", key, { cel: [], other: [] }); // the dropped rules are listed in crd-schemas.json
    if (root.properties) delete root.properties.status;
    out.schema = { openAPIV3Schema: sortKeys(root) as Json };
  }
  return out;
}

/**
 * A CRD fixture for the tests (a user's clone has no ../shared, so `npm test` builds patches onto these). Not a copy:
 * it keeps what a kustomize patch and the schema check can see (name, group, names, scope, every version in upstream
 * order with name/served/storage/deprecated/deprecationWarning) and each version's schema compacted exactly as crd-schemas.json is. Same
 * file name as upstream, so deriveEntries() over the fixture folder reports the same `source` as the committed schemas.
 */
export function deriveTestCrd(upstreamText: string, file: string): string {
  const crds = parseAllDocuments(upstreamText)
    .map((d) => d.toJS() as JsonObject | null)
    .filter((d): d is JsonObject => isObject(d) && d.kind === "CustomResourceDefinition");
  if (crds.length !== 1) throw new Error(`${file}: expected one CustomResourceDefinition, found ${crds.length}`);
  const [crd] = crds;
  const spec = crd.spec as JsonObject;
  const names = spec.names as JsonObject;
  const fixture = {
    apiVersion: crd.apiVersion,
    kind: crd.kind,
    metadata: { name: (crd.metadata as JsonObject).name },
    spec: {
      group: spec.group,
      names: { kind: names.kind, listKind: names.listKind, plural: names.plural, singular: names.singular },
      scope: spec.scope,
      versions: (spec.versions as JsonObject[]).map((v) => fixtureVersion(v, `${spec.group}/${v.name}/${names.kind}`)),
    },
  };
  const header = [
    `# Derived by scripts/derive-crd-schemas.ts from the upstream ${file} (see SOURCES.md there). Do not edit:`,
    "# regenerate with `npm run crd-schemas`; `npm run check:upstream` fails when this file is stale.",
  ];
  return `${header.join("\n")}\n${stringify(fixture, { lineWidth: 0 })}`;
}

/** Repo-relative folder of a target's derived CRD fixtures (2.9's are the folder itself, as before targets). */
export function testCrdDirOf(target: string): string {
  return target === DEFAULT_SCHEMA_TARGET ? TEST_CRD_DIR : `${TEST_CRD_DIR}/${FLUX_TARGET_DIRS[target]}`;
}

/** Every CRD fixture of the default target: repo-relative path → content, for the upstream CRDs in crdDir. */
export function deriveTestCrds(crdDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of TEST_CRD_FILES)
    out.set(`${TEST_CRD_DIR}/${file}`, deriveTestCrd(fs.readFileSync(path.join(crdDir, file), "utf8"), file));
  return out;
}

/** The CRD fixtures of every other target (test/fixtures/derived-crds/flux-<target>/). */
export function deriveTargetTestCrds(crdDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const target of Object.keys(FLUX_TARGET_DIRS).filter((t) => t !== DEFAULT_SCHEMA_TARGET)) {
    for (const file of TEST_CRD_FILES) {
      const abs = path.join(crdDir, FLUX_TARGET_DIRS[target], file);
      out.set(`${testCrdDirOf(target)}/${file}`, deriveTestCrd(fs.readFileSync(abs, "utf8"), file));
    }
  }
  return out;
}

/** Every derived file: repo-relative path → content. */
export function deriveAll(crdDir: string): Map<string, string> {
  return new Map([
    ...deriveAllTargetSchemas(crdDir),
    [CRD_VERSIONS_FILE, deriveCrdVersions(crdDir)],
    ...deriveTestCrds(crdDir),
    ...deriveTargetTestCrds(crdDir),
  ]);
}

function main(): void {
  const repoRoot = path.resolve(__dirname, "..");
  const crdDir = path.resolve(process.argv[2] ?? path.join(repoRoot, "..", "shared", "crds"));
  for (const [rel, content] of deriveAll(crdDir)) {
    const abs = path.join(repoRoot, ...rel.split("/"));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
    process.stdout.write(`wrote ${rel} (${content.length} bytes)\n`);
  }
}

if (require.main === module) main();
