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

/**
 * Resolves a checked relative path under root and refuses it if, through a symlink anywhere on the way,
 * it would land outside the repo, or if the file itself is a symlink.
 */
export function resolveInsideRepo(root: string, rel: string): string {
  const reason = checkRelativePath(rel);
  if (reason) throw new Error(`output path ${JSON.stringify(rel)} is ${reason}`);
  const realRoot = fs.realpathSync(root);
  const target = path.join(realRoot, ...rel.split("/"));
  let probe = target;
  while (!fs.existsSync(probe)) probe = path.dirname(probe);
  const realProbe = fs.realpathSync(probe);
  if (realProbe !== realRoot && !realProbe.startsWith(realRoot + path.sep)) {
    throw new Error(`output path ${JSON.stringify(rel)} leaves the GitOps repo through a symlink (${path.relative(realRoot, probe)} → outside)`);
  }
  if (fs.existsSync(target) && fs.lstatSync(target).isSymbolicLink()) {
    throw new Error(`output path ${JSON.stringify(rel)} is a symlink; the library writes only regular files`);
  }
  return target;
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
