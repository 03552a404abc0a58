import * as fs from "fs";
import * as path from "path";

const SEGMENT = /^[A-Za-z0-9._-]+$/;

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

/** A repo-relative path resolved under the real repo root. */
export interface ResolvedRepoPath {
  readonly abs: string;
  /** Something (a regular file, or a folder) is at the path now. */
  readonly exists: boolean;
}

/** What one folder on the way to a file is: whether it exists, and whether it (or its nearest existing ancestor) is inside the repo. */
interface FolderState {
  readonly exists: boolean;
  readonly inside: boolean;
  /** The nearest existing folder at or above this one (named in the refusal). */
  readonly probe: string;
}

/**
 * Resolves checked repo-relative paths under the real root and refuses one if, through a symlink anywhere on the
 * way, it would land outside the repo, or if the file itself is a symlink. Each folder is looked at once: a synth
 * writes hundreds of files into a few folders, and a realpath/exists walk per file was a third of its write time.
 * Use one resolver per synth, while holding the repo lock (folders must not change meanwhile).
 */
export class RepoPathResolver {
  readonly realRoot: string;
  private readonly folders = new Map<string, FolderState>();

  constructor(root: string) {
    this.realRoot = fs.realpathSync(root);
    this.folders.set(this.realRoot, { exists: true, inside: true, probe: this.realRoot });
  }

  /** Throws if the path is unsafe, leaves the repo through a symlink, or is itself a symlink. */
  resolve(rel: string): ResolvedRepoPath {
    const reason = checkRelativePath(rel);
    if (reason) throw new Error(`output path ${JSON.stringify(rel)} is ${reason}`);
    const abs = path.join(this.realRoot, ...rel.split("/"));
    const folder = this.folder(path.dirname(abs));
    if (!folder.inside) {
      throw new Error(
        `output path ${JSON.stringify(rel)} leaves the GitOps repo through a symlink (${path.relative(this.realRoot, folder.probe)} → outside)`,
      );
    }
    if (!folder.exists) return { abs, exists: false };
    // lstat without throwing: most targets of a first synth do not exist, and an exception per file is costly.
    const stat = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) {
      const real = realpathOrUndefined(abs);
      if (real !== undefined && !this.isInside(real)) {
        throw new Error(`output path ${JSON.stringify(rel)} leaves the GitOps repo through a symlink (${rel} → outside)`);
      }
      throw new Error(`output path ${JSON.stringify(rel)} is a symlink; the library writes only regular files`);
    }
    return { abs, exists: stat !== undefined };
  }

  /** The folders from the nearest existing ancestor of dir (an absolute path under the real root) down to dir, parents first. */
  missingFolders(dir: string): string[] {
    const out: string[] = [];
    for (let d = dir; d !== this.realRoot && d.startsWith(this.realRoot + path.sep) && !this.folder(d).exists; d = path.dirname(d))
      out.unshift(d);
    return out;
  }

  private folder(dir: string): FolderState {
    const known = this.folders.get(dir);
    if (known) return known;
    const parentDir = path.dirname(dir);
    const parent = parentDir === dir || !dir.startsWith(this.realRoot + path.sep) ? undefined : this.folder(parentDir);
    let state: FolderState;
    if (parent && !parent.exists) state = { exists: false, inside: parent.inside, probe: parent.probe };
    else if (!fs.existsSync(dir)) state = { exists: false, inside: parent?.inside ?? false, probe: parent?.probe ?? dir };
    else state = { exists: true, inside: this.isInside(fs.realpathSync(dir)), probe: dir };
    this.folders.set(dir, state);
    return state;
  }

  private isInside(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.realRoot + path.sep);
  }
}

function realpathOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined; // a dangling symlink
  }
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
