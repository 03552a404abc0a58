/**
 * Git ref names as `git check-ref-format --branch` accepts them (git-check-ref-format(1), rules 1 to 10), for the
 * branch and tag names Flux and the AKS Flux extension check out.
 */
export const GIT_REF_RULES =
  "no spaces or control characters, no '..', '~', '^', ':', '?', '*', '[', '\\' or '@{', " +
  "no component starting with '.' or ending in '.lock', not '@', not starting with '-', " +
  "no '/' at either end or twice in a row, not ending in '.', at most 250 characters";

/** True if `name` is a valid branch or tag name. */
export function isGitRefName(name: unknown): name is string {
  if (typeof name !== "string" || name === "" || name === "@" || name.length > 250) return false;
  // Rules 3, 4, 9: control characters, DEL, space, ~ ^ : ? * [ \ anywhere.
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  // Rules 2, 6, 7, 8 and --branch: no "..", no "@{", not ending in ".", not starting with "-".
  if (name.includes("..") || name.includes("@{") || name.endsWith(".") || name.startsWith("-")) return false;
  // Rule 5: no "/" at either end, none twice in a row; rules 1 and 10 per component.
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) return false;
  return name.split("/").every((part) => !part.startsWith(".") && !part.endsWith(".lock"));
}
