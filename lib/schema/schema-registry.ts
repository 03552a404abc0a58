/** The bundled schemas: Flux/tofu-controller CRD versions (crd-schemas.json, loaded on first use) and the built-ins. */
import { BUILTIN_SCHEMAS, ResourceScope, StructuralSchema } from "./builtin-schemas";

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
  readonly scope: ResourceScope;
  readonly served: boolean;
  readonly deprecated: boolean;
  readonly deprecationWarning?: string;
  readonly source: string;
  readonly schema: StructuralSchema;
}

let crdEntries: Readonly<Record<string, CrdEntry>> | undefined;
export function crds(): Readonly<Record<string, CrdEntry>> {
  if (!crdEntries) {
    const raw = require("./crd-schemas.json") as Record<string, unknown>;
    const out: Record<string, CrdEntry> = {};
    for (const [key, value] of Object.entries(raw)) if (!key.startsWith("$")) out[key] = value as CrdEntry;
    crdEntries = out;
  }
  return crdEntries;
}

export function lookup(key: string): CrdEntry | undefined {
  const builtin = Object.prototype.hasOwnProperty.call(BUILTIN_SCHEMAS, key) ? BUILTIN_SCHEMAS[key] : undefined;
  if (builtin) return { scope: builtin.scope, served: true, deprecated: false, source: "builtin", schema: builtin.schema };
  const all = crds();
  return Object.prototype.hasOwnProperty.call(all, key) ? all[key] : undefined;
}

export function schemaKey(apiVersion: string, kind: string): string {
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
