import { StructuralSchema } from "./builtin-schemas";
import { requiredFields, withEmbeddedFields } from "./root-schema";

export type JsonType = "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";

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
export interface PreparedNode {
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

export function prepared(s: StructuralSchema): PreparedNode {
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
