import * as fs from "fs";
import * as path from "path";
import { PropChecks } from "../core/validation";
import { GIT_REF } from "../synth/git-base";

/**
 * The form of an acknowledgement, as the state-safety refusals print it: `destroy:`, `replace:` or `unguard:` with
 * `<folder>/<resource address>`, `state:`, `path:` or `destroy:` with `<cluster>/<namespace>/<Terraform object name>`,
 * then `@` and a digest of exactly the change (so an entry left behind accepts no other change of the same address).
 * The form without the digest is still accepted here, so that the check can print the exact form for it.
 */
export const ACKNOWLEDGEMENT = /^(destroy|replace|unguard|state|path):[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)+(@[0-9a-f]{16})?$/;

const ACK_ALLOWED =
  "a change exactly as a refusal prints it: <kind>:<what>@<digest of the change>, " +
  "destroy, replace or unguard with <folder>/<address>, state, path or destroy with <cluster>/<namespace>/<name>";

const BASE_REF_ALLOWED =
  "a Git ref naming the commit to compare with (a branch, tag, remote branch such as origin/main, or commit id), not starting with -";

/** The acknowledged changes as a set; anything that is not a list of strings acknowledges nothing (validation says why). */
export function acknowledgedSet(raw: unknown): Set<string> {
  return new Set(Array.isArray(raw) ? raw.filter((a): a is string => typeof a === "string") : []);
}

/**
 * The GitOpsApp's own props. `gitopsRoot` may be any directory, absolute or relative, inside or outside the project
 * (it is the repo itself; the output paths inside it are what must not escape), but not empty and not a file.
 * `acknowledgedChanges` entries must have the printed form: a mistyped one would otherwise be ignored silently.
 */
export function validateAppProps(
  c: PropChecks,
  p: { configuredRoot: unknown; gitopsRoot: string; acknowledged: unknown; baseRef?: unknown },
): void {
  if (p.baseRef !== undefined && c.literal("baseRef", p.baseRef)) {
    c.check(typeof p.baseRef === "string" && GIT_REF.test(p.baseRef), "baseRef", p.baseRef, BASE_REF_ALLOWED);
  }
  const rootRule = "a directory, absolute or relative to the directory of cdktf.json (unset: that directory itself)";
  if (p.configuredRoot !== undefined && c.literal("gitopsRoot", p.configuredRoot)) {
    if (typeof p.configuredRoot !== "string" || p.configuredRoot.trim() === "") c.fail("gitopsRoot", p.configuredRoot, rootRule);
    else {
      const blocker = nonDirectoryOnPath(p.gitopsRoot);
      if (blocker) c.fail("gitopsRoot", p.configuredRoot, `${rootRule}, or a path where one can be created (${blocker} is a file)`);
    }
  }
  const a = p.acknowledged;
  if (a === undefined || !c.literal("acknowledgedChanges", a)) return;
  if (!Array.isArray(a)) {
    c.fail("acknowledgedChanges", a, `a list of strings, each ${ACK_ALLOWED}`);
    return;
  }
  a.forEach((entry, i) =>
    c.check(typeof entry === "string" && ACKNOWLEDGEMENT.test(entry), `acknowledgedChanges[${i}]`, entry, ACK_ALLOWED),
  );
}

/** The first existing path on the way to dir (dir itself, else its nearest existing ancestor) if it is not a directory. */
function nonDirectoryOnPath(dir: string): string | undefined {
  let probe = path.resolve(dir);
  for (;;) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(probe);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") return undefined; // e.g. no permission: the write reports it
    }
    if (stat) return stat.isDirectory() ? undefined : probe;
    const parent = path.dirname(probe);
    if (parent === probe) return undefined;
    probe = parent;
  }
}
