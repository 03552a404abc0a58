import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * The few Git questions the write path asks, each answered by one `git` process (never one per file): the blob ids
 * of the generated tree at the base commit (`git ls-tree`), the bytes of the blobs that differ from the working tree
 * (`git cat-file --batch`), which paths have uncommitted changes (`git status`), and whether a path is tracked. Git is
 * optional: without it (no `git` binary, or no work tree) the answers are "no Git" and the callers fall back, saying so.
 */

/** Where the GitOps repo sits in Git, and what the base commit holds under the paths asked for (path → blob id). */
export type GitBase =
  | { readonly kind: "commit"; readonly ref: string; readonly ids: ReadonlyMap<string, string> }
  | { readonly kind: "unborn" }
  | { readonly kind: "no-git" };

/** A ref as Git accepts it that cannot be taken for an option or a path (checked before it reaches `git`). */
export const GIT_REF = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/@{}^~-]+$/;

interface GitResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** No `git` binary. */
  readonly noGit: boolean;
}

function git(cwd: string, args: readonly string[], input?: string): GitResult {
  const r = spawnSync("git", ["-c", "core.quotePath=false", ...args], {
    cwd,
    input,
    maxBuffer: 1 << 30,
    // A synth must not write into .git (status would otherwise refresh the index).
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
  });
  const noGit = (r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
  if (r.error && !noGit) throw r.error;
  return { status: r.status, stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr?.toString("utf8") ?? "", noGit };
}

/** No .git anywhere above (and no GIT_DIR): not a work tree, known without starting a process. */
function mayBeInGit(root: string): boolean {
  if (process.env.GIT_DIR !== undefined || process.env.GIT_WORK_TREE !== undefined) return true;
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, ".git"))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

/**
 * The base commit (`ref`, else HEAD) and the blob id of every file it holds under `paths` (repo-relative folders or
 * files), in one `git ls-tree`. A `ref` that names no commit throws: the synth fails, it never falls back; HEAD of a
 * repo without commits is "unborn"; outside a Git work tree, "no-git" (a `ref` then throws too: it cannot be honoured).
 */
export function locateBase(root: string, ref: string | undefined, paths: readonly string[]): GitBase {
  const wanted = ref ?? "HEAD";
  if (!GIT_REF.test(wanted)) throw new Error(`baseRef ${JSON.stringify(wanted)} is not a Git ref`);
  const r = mayBeInGit(root)
    ? git(root, ["ls-tree", "-r", "-z", `${wanted}^{commit}`, "--", ...paths.map((p) => `:(literal)${p}`)])
    : undefined;
  if (r === undefined || r.noGit || /not a git repository/i.test(r.stderr)) {
    if (ref !== undefined) {
      throw new Error(
        `baseRef ${JSON.stringify(ref)} is set, but ${root} is not in a Git work tree${r?.noGit ? " (no git command found)" : ""}: ` +
          `run the synth in a Git checkout, or unset baseRef`,
      );
    }
    return { kind: "no-git" };
  }
  if (r.status !== 0) {
    if (ref === undefined) return { kind: "unborn" };
    throw new Error(
      `baseRef ${JSON.stringify(ref)} names no commit in the Git repo of ${root}: fetch it first (in CI: git fetch origin ${ref}), or fix the name`,
    );
  }
  const ids = new Map<string, string>();
  // Entries are "<mode> blob <id>\t<path relative to cwd>\0".
  for (const entry of r.stdout.toString("utf8").split("\0")) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/s.exec(entry);
    if (m) ids.set(m[2], m[1]);
  }
  return { kind: "commit", ref: wanted, ids };
}

/** The Git blob id of bytes (what `git hash-object` prints), in the repo's hash (SHA-1, or SHA-256 by id length). */
export function blobId(bytes: Buffer, idLength: number): string {
  return createHash(idLength === 64 ? "sha256" : "sha1")
    .update(`blob ${bytes.length}\0`)
    .update(bytes)
    .digest("hex");
}

/** The bytes of blobs by id, in one `git cat-file --batch`. */
export function readBlobs(root: string, ids: readonly string[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (ids.length === 0) return out;
  const r = git(root, ["cat-file", "--batch"], ids.map((id) => `${id}\n`).join(""));
  if (r.status !== 0) throw new Error(`git cat-file failed in ${root}: ${r.stderr.trim()}`);
  const buf = r.stdout;
  let at = 0;
  for (const id of ids) {
    const eol = buf.indexOf(10, at);
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(buf.subarray(at, eol).toString("utf8"));
    at = eol + 1;
    if (!m) continue; // "<id> missing"
    const size = Number(m[2]);
    if (m[1] === "blob") out.set(id, Buffer.from(buf.subarray(at, at + size)));
    at += size + 1;
  }
  return out;
}

/**
 * The paths (of those given) whose working-tree bytes differ from HEAD (modified, staged, untracked, ignored:
 * anything Git would not give back), by `git status` (and `rev-parse` for the repo's place in the work tree). Asked
 * only when a generated file was changed by hand; undefined without Git.
 */
export function uncommittedPaths(root: string, paths: readonly string[]): Set<string> | undefined {
  if (paths.length === 0) return new Set();
  const where = git(root, ["rev-parse", "--show-prefix"]);
  if (where.noGit || where.status !== 0) return undefined;
  const prefix = where.stdout.toString("utf8").trim();
  const r = git(root, [
    "status",
    "--porcelain=v1",
    "-z",
    "--untracked-files=all",
    "--ignored=matching",
    "--no-renames",
    "--",
    ...paths.map((p) => `:(literal)${p}`),
  ]);
  if (r.noGit || r.status !== 0) return undefined;
  const out = new Set<string>();
  // Entries are "XY <path from the top of the work tree>\0" (porcelain ignores status.relativePaths).
  for (const entry of r.stdout.toString("utf8").split("\0")) {
    if (entry.length < 4) continue;
    const p = entry.slice(3);
    out.add(prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p);
  }
  return out;
}

/** Whether Git tracks a path (it is in the index); undefined without Git. */
export function isTracked(root: string, rel: string): boolean | undefined {
  if (!mayBeInGit(root)) return undefined;
  const r = git(root, ["ls-files", "-z", "--", `:(literal)${rel}`]);
  if (r.noGit || r.status !== 0) return undefined;
  return r.stdout.length > 0;
}
