import * as fs from "fs";
import * as path from "path";
import { OUTPUT_ROOTS } from "../core/repo-layout";

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Repo-relative path of the record of generated files (ownership.ts re-exports it). */
export const RECORD_FILE = ".gitops-generated.json";

/**
 * Checks a repo-relative output path: forward slashes, no absolute path, no `.`/`..` segments, plain characters.
 * Returns a reason when refused.
 */
export function checkRelativePath(rel: string): string | undefined {
  if (rel.length === 0) return "an empty path";
  if (rel.includes("\\")) return "a path with a backslash (use forward slashes)";
  if (rel.startsWith("/") || /^[A-Za-z]:/.test(rel)) return "an absolute path";
  for (const seg of rel.split("/")) {
    if (seg === "" || seg === "." || seg === "..") return `a path with an empty, "." or ".." segment`;
    if (!SEGMENT.test(seg)) return `a path segment ${JSON.stringify(seg)} with characters outside [A-Za-z0-9._-]`;
  }
  return undefined;
}

/**
 * Checks a path the library may write or delete, as read back from the record or the journal (anyone can commit
 * those): a plain relative path inside the output roots (`infrastructure/`, `bootstrap/`, `clusters/`), or the record
 * itself; never `.git`. A folder (`folder: true`) may be an output root itself. Returns a reason when refused.
 */
export function checkOwnedPath(rel: string, { folder = false } = {}): string | undefined {
  const reason = checkRelativePath(rel);
  if (reason) return reason;
  if (!folder && rel === RECORD_FILE) return undefined;
  const segments = rel.split("/");
  if (segments.some((s) => s.toLowerCase() === ".git")) return "a path in a .git folder";
  if (!(OUTPUT_ROOTS as readonly string[]).includes(segments[0]) || (!folder && segments.length < 2)) {
    return `outside the folders the library writes (${OUTPUT_ROOTS.map((r) => `${r}/`).join(", ")} and ${RECORD_FILE})`;
  }
  return undefined;
}

/** What a repo path is, from its folder's listing. */
export type EntryKind = "file" | "folder" | "symlink" | "other";

/** A repo-relative path resolved under the real repo root. */
export interface ResolvedRepoPath {
  readonly abs: string;
  /** A regular file is at the path now. */
  readonly exists: boolean;
}

/**
 * The folders of the GitOps repo as the write path sees them, each listed at most once per synth (with the kind of
 * every entry, which `readdir` returns at no extra cost): whether a path exists, and whether a symlink, or a file
 * where a folder should be, is on its way. The library reads and writes only real folders and regular files inside
 * the repo: a symlink anywhere below the root is refused (it could lead outside the repo, or into a file the library
 * does not own), whatever it points to. Use one per synth, while holding the repo lock (folders must not change).
 */
export class RepoTree {
  readonly realRoot: string;
  private readonly listings = new Map<string, ReadonlyMap<string, EntryKind> | undefined>();

  constructor(root: string) {
    this.realRoot = fs.realpathSync(root);
  }

  /** The absolute path of a repo-relative one (no check). */
  abs(rel: string): string {
    return rel === "" ? this.realRoot : path.join(this.realRoot, ...rel.split("/"));
  }

  /**
   * What is at a repo path, or undefined when nothing is. Throws a message with the path and what to do when a
   * folder on the way is a symlink or not a folder.
   */
  kindOf(rel: string): EntryKind | undefined {
    const slash = rel.lastIndexOf("/");
    return this.folder(slash < 0 ? "" : rel.slice(0, slash), rel)?.get(rel.slice(slash + 1));
  }

  /** The entries of a repo folder with their kinds (empty when it does not exist). */
  entriesOf(dir: string): ReadonlyMap<string, EntryKind> {
    return this.folder(dir, dir) ?? new Map();
  }

  /** The path of a file to read: undefined when nothing is there; throws unless it is a regular file. */
  fileToRead(rel: string): string | undefined {
    const kind = this.kindOf(rel);
    if (kind === undefined) return undefined;
    if (kind !== "file") throw new Error(notAFile(rel, kind));
    return this.abs(rel);
  }

  /** Throws if the path is unsafe, goes through a symlink or a file, or is itself not a regular file. */
  resolve(rel: string): ResolvedRepoPath {
    const reason = checkRelativePath(rel);
    if (reason) throw new Error(`output path ${JSON.stringify(rel)} is ${reason}`);
    const kind = this.kindOf(rel);
    if (kind !== undefined && kind !== "file") throw new Error(notAFile(rel, kind));
    return { abs: this.abs(rel), exists: kind === "file" };
  }

  /** The repo-relative folders on the way to a file that do not exist yet, parents first. */
  missingFolders(rel: string): string[] {
    const segments = rel.split("/").slice(0, -1);
    for (let i = 0; i < segments.length; i++) {
      const dir = segments.slice(0, i + 1).join("/");
      if (this.kindOf(dir) === undefined) return segments.slice(i).map((_, j) => segments.slice(0, i + 1 + j).join("/"));
    }
    return [];
  }

  /** The entries of a repo folder ("" is the root), or undefined if it does not exist. */
  private folder(dir: string, forPath: string): ReadonlyMap<string, EntryKind> | undefined {
    if (this.listings.has(dir)) return this.listings.get(dir);
    let entries: Map<string, EntryKind> | undefined;
    if (dir !== "") {
      const slash = dir.lastIndexOf("/");
      const kind = this.folder(slash < 0 ? "" : dir.slice(0, slash), forPath)?.get(dir.slice(slash + 1));
      if (kind === "symlink") throw new Error(symlinkOnTheWay(forPath, dir));
      if (kind === "file" || kind === "other") throw new Error(fileOnTheWay(forPath, dir));
      if (kind === undefined) {
        this.listings.set(dir, undefined);
        return undefined;
      }
    }
    try {
      entries = new Map(fs.readdirSync(this.abs(dir), { withFileTypes: true }).map((e) => [e.name, kindOfEntry(e)]));
    } catch (e) {
      throw explainFsError(e, this.realRoot, `listing ${dir || "the repo root"}`);
    }
    this.listings.set(dir, entries);
    return entries;
  }
}

function kindOfEntry(e: fs.Dirent): EntryKind {
  if (e.isFile()) return "file";
  if (e.isDirectory()) return "folder";
  if (e.isSymbolicLink()) return "symlink";
  return "other";
}

function notAFile(rel: string, kind: EntryKind): string {
  if (kind === "symlink") return symlinkOnTheWay(rel, rel);
  if (kind === "folder") return `${rel} is a folder where the library writes a file: move the folder away (or delete it), then synth again`;
  return `${rel} is not a regular file (a socket, device or pipe) where the library writes a file: remove it, then synth again`;
}

function symlinkOnTheWay(rel: string, link: string): string {
  return (
    `${rel === link ? rel : `${rel}: ${link}`} is a symlink; the library reads and writes only real folders and regular files ` +
    `inside the GitOps repo (a symlink can lead outside it): replace the symlink with what it points to, or remove it, then synth again`
  );
}

function fileOnTheWay(rel: string, file: string): string {
  return `${rel}: ${file} is a file where the library needs a folder: move the file away, then synth again`;
}

const ERRNO_ADVICE: Readonly<Record<string, string>> = {
  EACCES: "permission denied: give the user running the synth read and write access to the GitOps repo",
  EPERM: "operation not permitted: give the user running the synth read and write access to the GitOps repo",
  EISDIR: "a folder is where the library writes a file: move the folder away (or delete it)",
  ENOTDIR: "a file is where the library needs a folder: move the file away",
  ELOOP: "a symlink loop: remove the symlink",
  EROFS: "the file system is read-only: synth into a writable checkout",
  ENOSPC: "the disk is full: free some space",
};

/**
 * A file-system error as a message with the repo path and what to do (a raw `EISDIR: illegal operation on a
 * directory` names neither). The errno text stays in the message. Errors without a known code pass through.
 */
export function explainFsError(e: unknown, realRoot: string, doing: string): Error {
  const err = e as NodeJS.ErrnoException;
  const advice = err && typeof err.code === "string" ? ERRNO_ADVICE[err.code] : undefined;
  if (!advice) return e as Error;
  const at = typeof err.path === "string" ? path.relative(realRoot, err.path).split(path.sep).join("/") || "the repo root" : undefined;
  const out = new Error(`${doing} failed${at ? ` at ${at}` : ""} (${err.code}): ${advice}, then synth again`);
  (out as NodeJS.ErrnoException).code = err.code;
  return out;
}

/** Default GitOps root: the nearest directory, from cwd upwards, that holds cdktf.json; else cwd. */
export function findProjectRoot(start: string = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, "cdktf.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}
