import { StructuralSchema } from "./builtin-schemas";
import { DEFAULT_FLUX_CLI_TARGET, FluxTarget } from "./flux-target";
import { isPlainObject } from "./json-values";
import { crdVersionOrder, crds, lookup } from "./schema-registry";

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
 * The schema key ("<apiVersion>/<Kind>") of version `versionIndex` of the CRD named `<plural>.<group>` in the target's
 * CRDs (their version order is derived into crd-versions.json), when that version is served; undefined otherwise.
 */
export function crdSchemaKey(crdName: string, versionIndex: number, target: FluxTarget = DEFAULT_FLUX_CLI_TARGET): string | undefined {
  const version = crdVersionOrder(target)[crdName]?.[versionIndex];
  if (version === undefined) return undefined;
  const matches = Object.entries(crds(target)).filter(([key, e]) => {
    const m = /^(.+?)_([a-z0-9]+)\.yaml$/.exec(e.source);
    return m !== null && `${m[2]}.${m[1]}` === crdName && key.startsWith(`${m[1]}/${version}/`);
  });
  return matches.length === 1 ? matches[0][0] : undefined;
}

/** Why a schema patch cannot be applied (no schema for its key, or its path does not exist), or undefined if it can. */
export function schemaPatchProblem(patch: SchemaPatch, target: FluxTarget = DEFAULT_FLUX_CLI_TARGET): string | undefined {
  const entry = lookup(patch.key, target);
  if (!entry) return `no schema for ${patch.key}`;
  try {
    patchedSchema(entry.schema, [patch]);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The schema with the patches applied (a copy); throws if a path does not exist, as kubectl/kustomize would. */
export function patchedSchema(schema: StructuralSchema, patches: readonly SchemaPatch[]): StructuralSchema {
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

function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}
