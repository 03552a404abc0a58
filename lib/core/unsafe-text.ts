/**
 * Characters that change meaning or break a line wherever user text is written: YAML, comments, messages.
 * C0 controls other than tab and newline, DEL, C1 controls (U+0085 is a line break in YAML 1.1), U+2028/U+2029 (line
 * breaks in YAML 1.1 and JavaScript, refused by go-yaml) and the byte-order mark.
 */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
export const NEEDS_ESCAPE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const NEEDS_ESCAPE_ALL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/g;
/** A UTF-16 surrogate without its partner: UTF-8 cannot encode it, so the bytes written would differ from the value. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `\uXXXX` for each character of NEEDS_ESCAPE (valid inside YAML double quotes and JSON strings alike). */
export function escapeUnsafeCharacters(text: string): string {
  return text.replace(NEEDS_ESCAPE_ALL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Text for a one-line comment or message: newlines, tabs and carriage returns become escapes too. */
export function escapeForOneLine(text: string): string {
  return escapeUnsafeCharacters(text).replace(/[\n\t\r]/g, (ch) => (ch === "\n" ? "\\n" : ch === "\t" ? "\\t" : "\\r"));
}

/** True if an identifier holds a character that has no place in one: any control character, separator or BOM. */
export function hasUnsafeIdCharacter(id: string): boolean {
  return NEEDS_ESCAPE.test(id) || /[\n\t\r]/.test(id) || LONE_SURROGATE.test(id);
}
