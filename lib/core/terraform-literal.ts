import { Token } from "./framework";

/**
 * cdktf's marker of a string token inside a string (`${TfToken[TOKEN.12]}`, from cdktf's tokens/private/encoding).
 * Whatever is between markers is the user's literal text; a test pins that tokens still resolve.
 */
const STRING_TOKEN = /\$\{TfToken\[[0-9A-Za-z_.-]+\]\}/g;

/**
 * A string as Terraform JSON must hold it to mean the literal text: Terraform evaluates `${…}` and `%{…}` in every
 * JSON string (keys of maps included), so the literal parts get `$${` and `%%{`. Tokens (references, cdktf
 * functions, variables) in the string are kept as they are and resolve as usual; cdktf escapes the literal arguments
 * of its functions itself.
 */
export function terraformLiteral(value: string): string;
export function terraformLiteral(value: string | undefined): string | undefined;
export function terraformLiteral(value: string | undefined): string | undefined {
  if (typeof value !== "string" || !/[$%]\{/.test(value)) return value;
  if (!Token.isUnresolved(value)) return escapeTemplate(value);
  let out = "";
  let last = 0;
  for (const m of value.matchAll(STRING_TOKEN)) {
    out += escapeTemplate(value.slice(last, m.index)) + m[0];
    last = m.index! + m[0].length;
  }
  return out + escapeTemplate(value.slice(last));
}

/** terraformLiteral for the keys and values of a map (tags, labels); other values are left as they are. */
export function terraformLiteralMap<T>(map: Record<string, T> | undefined): Record<string, T> | undefined {
  if (map === null || typeof map !== "object" || Token.isUnresolved(map)) return map;
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(map)) out[terraformLiteral(k)] = (typeof v === "string" ? terraformLiteral(v) : v) as T;
  return out;
}

function escapeTemplate(text: string): string {
  // Replacement functions, not strings: in a replacement string "$$" itself means "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}
