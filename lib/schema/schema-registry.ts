/** The bundled schemas: Flux/tofu-controller CRD versions (crd-schemas.json, loaded on first use) and the built-ins. */
import { BUILTIN_SCHEMAS, ResourceScope, StructuralSchema } from "./builtin-schemas";
import { DEFAULT_FLUX_CLI_TARGET, FluxTarget } from "./flux-target";

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

export interface CrdEntry {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The version the API server stores (one per CRD). */
  readonly storage: boolean;
  readonly scope: ResourceScope;
  readonly served: boolean;
  readonly deprecated: boolean;
  readonly deprecationWarning?: string;
  readonly source: string;
  readonly schema: StructuralSchema;
}

const crdEntries = new Map<FluxTarget, Readonly<Record<string, CrdEntry>>>();
/** The derived CRD schemas of one Flux target (scripts/derive-crd-schemas.ts), loaded on first use. */
export function crds(target: FluxTarget = DEFAULT_FLUX_CLI_TARGET): Readonly<Record<string, CrdEntry>> {
  let entries = crdEntries.get(target);
  if (!entries) {
    const raw = loadTargetSchemas(target);
    const out: Record<string, CrdEntry> = {};
    for (const [key, value] of Object.entries(raw)) if (!key.startsWith("$")) out[key] = value as CrdEntry;
    crdEntries.set(target, (entries = out));
  }
  return entries;
}

function loadTargetSchemas(target: FluxTarget): Record<string, unknown> {
  // Literal requires, so a bundler or the build copies each file.
  if (target === "2.7") return require("./crd-schemas.flux-2.7.json") as Record<string, unknown>;
  if (target === "2.8") return require("./crd-schemas.flux-2.8.json") as Record<string, unknown>;
  return require("./crd-schemas.json") as Record<string, unknown>;
}

/** Per CRD name (`<plural>.<group>`), every version name in the CRD's order, for one target. */
export function crdVersionOrder(target: FluxTarget = DEFAULT_FLUX_CLI_TARGET): Readonly<Record<string, readonly string[]>> {
  const all = require("./crd-versions.json") as Record<string, Record<string, string[]>>;
  return all[target] ?? {};
}

export function lookup(key: string, target: FluxTarget = DEFAULT_FLUX_CLI_TARGET): CrdEntry | undefined {
  const builtin = Object.prototype.hasOwnProperty.call(BUILTIN_SCHEMAS, key) ? BUILTIN_SCHEMAS[key] : undefined;
  if (builtin) {
    const slash = key.lastIndexOf("/");
    const apiVersion = key.slice(0, slash);
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    return {
      group,
      version,
      kind: key.slice(slash + 1),
      storage: true,
      scope: builtin.scope,
      served: true,
      deprecated: false,
      source: "builtin",
      schema: builtin.schema,
    };
  }
  const all = crds(target);
  return Object.prototype.hasOwnProperty.call(all, key) ? all[key] : undefined;
}

export function schemaKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** True if validateManifest knows the schema of this apiVersion + kind (a CRD version that is served, or a built-in). */
export function hasSchemaFor(apiVersion: string, kind: string, target: FluxTarget = DEFAULT_FLUX_CLI_TARGET): boolean {
  return lookup(schemaKey(apiVersion, kind), target) !== undefined;
}

/** Scope, served/deprecated flags and source of the schema for apiVersion + kind; undefined if there is none. */
export function schemaInfo(apiVersion: string, kind: string, target: FluxTarget = DEFAULT_FLUX_CLI_TARGET): SchemaInfo | undefined {
  const key = schemaKey(apiVersion, kind);
  const e = lookup(key, target);
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
