/**
 * What makes a value safe to write so that every consumer reads back what was meant: kustomize and kubectl
 * (sigs.k8s.io/yaml over go-yaml, with YAML 1.1 habits), Flux, the `yaml` package in 1.2 mode, and Terraform's JSON
 * parser. The emitter's own 1.2 core checks and its `yaml-1.1` compat checks cover most plain-scalar ambiguity;
 * these rules cover the rest.
 */

import { LONE_SURROGATE } from "../core/unsafe-text";

/** YAML 1.1 / go-yaml words for booleans and null, in any case (`yEs`, `oFF`, `NULL`, `~`), plus 1.1's `=` and `<<`. */
const WORDS = /^(?:y|n|yes|no|on|off|true|false|null|~|=|<<)$/i;
/** go-yaml v2 resolves ints with Go's strconv (base prefixes in either case, a sign) after dropping every `_`. */
const GO_INT = /^[-+]?(?:0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|[0-9]+)$/;
/** go-yaml's float syntax, also after dropping `_`. */
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/**
 * The YAML 1.1 spec's float, which allows no digits at all around the point: `.`, `-.`, `1.`, `1._` (the `yaml`
 * package's 1.1 schema reads `.` as NaN).
 */
const YAML11_FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$/;
/** `.inf`, `-.Inf`, `.NaN` in any case. */
const SPECIAL_FLOAT = /^[-+]?\.(?:inf|nan)$/i;

/** True if a plain (unquoted) scalar of this text could be read as something other than this string. */
export function readsAsNonString(text: string): boolean {
  if (text.length > 40) return false; // no number, word or timestamp is this long
  if (WORDS.test(text) || SPECIAL_FLOAT.test(text) || YAML11_FLOAT.test(text)) return true;
  if (!/^[-+.0-9]/.test(text)) return false;
  const digits = text.replace(/_/g, "");
  return GO_INT.test(digits) || GO_FLOAT.test(digits);
}

/**
 * Characters kustomize cannot write back unchanged, however they are escaped: go-yaml's emitter refuses DEL, C1
 * controls and U+FFFE/U+FFFF ("control characters are not allowed"), and turns U+0085 into a space and U+2028/U+2029
 * into a line break plus indentation.
 */
const KUSTOMIZE_CANNOT_KEEP = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]/;

/**
 * Why a value cannot be written as it is, or undefined. Numbers: finite only (JSON writes NaN as null, YAML as .nan).
 * Strings: UTF-8 encodable; in YAML also nothing kustomize changes.
 */
export function unrepresentable(value: unknown, format: "yaml" | "json" = "yaml"): string | undefined {
  if (typeof value === "number" && !Number.isFinite(value)) {
    return `${String(value)}: allowed is a finite number (NaN and Infinity mean nothing to Kubernetes or Terraform)`;
  }
  if (typeof value !== "string") return undefined;
  if (LONE_SURROGATE.test(value)) {
    return `${JSON.stringify(value)}: allowed is text that UTF-8 can encode (this one has a lone surrogate)`;
  }
  if (format === "yaml" && KUSTOMIZE_CANNOT_KEEP.test(value)) {
    return (
      `${JSON.stringify(value)}: allowed is text without DEL, C1 controls (U+0080 to U+009F), U+2028, U+2029, ` +
      "U+FFFE or U+FFFF (kustomize cannot write them back unchanged)"
    );
  }
  return undefined;
}

/** Every unrepresentable value (and key) of a plain-data tree, each as `field.path = why`. */
export function findUnrepresentable(value: unknown, format: "yaml" | "json", path = ""): string[] {
  const out: string[] = [];
  const visit = (v: unknown, p: string): void => {
    const why = unrepresentable(v, format);
    if (why) out.push(`${p || "(document)"} = ${why}`);
    if (Array.isArray(v)) v.forEach((item, i) => visit(item, `${p}[${i}]`));
    else if (v !== null && typeof v === "object") {
      for (const [k, item] of Object.entries(v)) {
        const keyWhy = unrepresentable(k, format);
        if (keyWhy) out.push(`${p || "(document)"} key = ${keyWhy}`);
        visit(item, p ? `${p}.${k}` : k);
      }
    }
  };
  visit(value, path);
  return out;
}
