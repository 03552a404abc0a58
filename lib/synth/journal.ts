import * as fs from "fs";
import * as path from "path";
import { hasGeneratedMarker } from "./ownership";
import { sha256 } from "./render";
import { checkOwnedPath, RepoTree } from "./repo-paths";

/** Written while a synth changes the tree; if a synth dies, the next one rolls its changes back (see applyPlan). */
export const JOURNAL_FILE = ".gitops-synth.journal";
export const TMP_SUFFIX = "gitops-tmp";
export const BACKUP_SUFFIX = "gitops-bak";

/** One changed path of a synth, as the journal records it (paths repo-relative, temp and backup names derived). */
export interface JournalEntry {
  /** The file written or removed. */
  readonly path: string;
  /** New bytes were staged in `<path>.<tag>.gitops-tmp` (a write); unset for a removal. */
  readonly write: boolean;
  /** The previous bytes are kept in `<path>.<tag>.gitops-bak` (a replaced or removed file). */
  readonly backup: boolean;
  /** sha256 of the new bytes (a write): the rollback deletes or replaces only a file that has exactly them. */
  readonly sha256?: string;
}

export interface Journal {
  /** "applying": roll back; "committed": the new tree is complete, only backups are left to delete. */
  readonly phase: "applying" | "committed";
  readonly pid: number;
  /** Random per synth (hex): part of every temp and backup name, so no name can be planted in advance. */
  readonly token?: string;
  readonly entries: readonly JournalEntry[];
  /** Folders this synth created (parents first), removed again on rollback when empty. */
  readonly createdDirs: readonly string[];
}

/** The part of temp and backup names that belongs to one synth (journals before the token used the pid). */
export function tagOf(j: Journal): string {
  return j.token ?? String(j.pid);
}

export function absolute(realRoot: string, rel: string): string {
  return path.join(realRoot, ...rel.split("/"));
}

/** Writes the journal atomically: an exclusively created temp file (a planted name cannot be followed), renamed over it. */
export function writeJournal(realRoot: string, j: Journal): void {
  const file = path.join(realRoot, JOURNAL_FILE);
  const tmp = `${file}.${tagOf(j)}.${TMP_SUFFIX}`;
  fs.writeFileSync(tmp, JSON.stringify(j, null, 2) + "\n", { flag: "wx" });
  fs.renameSync(tmp, file);
}

const TOKEN = /^[0-9a-f]{32}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The journal is read back from the repo, where anyone may have put one: every entry is checked before anything is
 * done (a path the library may own, no symlink or file on the folders' way, the target and its backup regular
 * files), and a journal that fails is refused as a whole, naming the entry, with nothing rolled back or deleted.
 */
export function readJournal(tree: RepoTree, text: string): Journal {
  const bad = (why: string): Error =>
    new Error(
      `${JOURNAL_FILE} (left by an interrupted synth) ${why}; nothing was rolled back or deleted: ` +
        `restore the tree from Git and delete ${JOURNAL_FILE}`,
    );
  let j: Journal;
  try {
    j = JSON.parse(text) as Journal;
  } catch {
    throw bad("is not valid JSON");
  }
  if (
    !j ||
    (j.phase !== "applying" && j.phase !== "committed") ||
    !Number.isInteger(j.pid) ||
    (j.token !== undefined && !(typeof j.token === "string" && TOKEN.test(j.token))) ||
    !Array.isArray(j.entries) ||
    !Array.isArray(j.createdDirs) ||
    !j.entries.every((e) => e && typeof e.path === "string" && typeof e.write === "boolean" && typeof e.backup === "boolean") ||
    !j.entries.every((e) => e.sha256 === undefined || (typeof e.sha256 === "string" && SHA256.test(e.sha256))) ||
    !j.createdDirs.every((d) => typeof d === "string")
  ) {
    throw bad("is not a journal of this library");
  }
  const tag = tagOf(j);
  const problems: string[] = [];
  for (const e of j.entries) {
    const reason = checkOwnedPath(e.path);
    if (reason) {
      problems.push(`entry ${JSON.stringify(e.path)} is ${reason}`);
      continue;
    }
    try {
      for (const rel of [e.path, `${e.path}.${tag}.${TMP_SUFFIX}`, `${e.path}.${tag}.${BACKUP_SUFFIX}`]) {
        const kind = tree.kindOf(rel);
        if (kind !== undefined && kind !== "file")
          problems.push(`entry ${JSON.stringify(e.path)}: ${rel} is a ${kind}, not a regular file`);
      }
    } catch (err) {
      problems.push(`entry ${JSON.stringify(e.path)}: ${(err as Error).message}`);
    }
  }
  for (const d of j.createdDirs) {
    const reason = checkOwnedPath(d, { folder: true });
    if (reason) problems.push(`folder ${JSON.stringify(d)} is ${reason}`);
    else {
      try {
        const kind = tree.kindOf(d);
        if (kind !== undefined && kind !== "folder") problems.push(`folder ${JSON.stringify(d)} is a ${kind}`);
      } catch (err) {
        problems.push(`folder ${JSON.stringify(d)}: ${(err as Error).message}`);
      }
    }
  }
  if (problems.length) throw bad(`names what the library never writes (${problems.join("; ")})`);
  return j;
}

/**
 * Puts the previous tree back. It works from what is on disk, whatever step the synth reached, and may run again
 * after a failure of its own: a temp file still there was never moved in (its target is untouched, and its backup,
 * made after it, is dropped); a write without its temp file was moved in (its backup, if any, goes back); a removed
 * file comes back from its backup. A file is deleted or replaced only if it holds exactly the bytes the synth wrote
 * (and the generated marker): never a file the journal merely names.
 */
export function rollBack(realRoot: string, j: Journal): void {
  const tag = tagOf(j);
  for (const e of [...j.entries].reverse()) {
    const abs = absolute(realRoot, e.path);
    const tmp = `${abs}.${tag}.${TMP_SUFFIX}`;
    const bak = `${abs}.${tag}.${BACKUP_SUFFIX}`;
    if (e.write && fs.existsSync(tmp)) {
      removeFile(tmp);
      removeFile(bak);
    } else if (e.write && !e.backup) {
      if (writtenBySynth(abs, e)) removeFile(abs); // a new file (or one never staged: then there is nothing)
    } else if (fs.existsSync(bak)) {
      if (e.write ? writtenBySynth(abs, e) : !fs.existsSync(abs)) fs.renameSync(bak, abs);
      else removeFile(bak); // a removal that did not happen
    }
  }
  removeCreatedDirs(realRoot, j.createdDirs);
  removeFile(path.join(realRoot, JOURNAL_FILE));
  removeFile(path.join(realRoot, `${JOURNAL_FILE}.${tag}.${TMP_SUFFIX}`));
}

/** Whether the file at abs holds what the journal's synth wrote there (missing counts: nothing to protect). */
function writtenBySynth(abs: string, e: JournalEntry): boolean {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return true;
    throw err;
  }
  if (e.sha256 !== undefined) return sha256(bytes) === e.sha256;
  return hasGeneratedMarker(bytes) || e.path.endsWith(".gitops-generated.json");
}

/** Deletes what a committed synth left: backups, and (after a crash, `tempFilesMayRemain`) temp files never cleaned up. */
export function finishCommitted(realRoot: string, j: Journal, tempFilesMayRemain = true): void {
  const tag = tagOf(j);
  for (const e of j.entries) {
    const abs = absolute(realRoot, e.path);
    if (e.backup) removeFile(`${abs}.${tag}.${BACKUP_SUFFIX}`);
    if (e.write && tempFilesMayRemain) removeFile(`${abs}.${tag}.${TMP_SUFFIX}`);
  }
  for (const e of j.entries) if (!e.write) removeEmptyParents(realRoot, path.dirname(absolute(realRoot, e.path)));
  removeFile(path.join(realRoot, JOURNAL_FILE));
}

/** Deletes a file if it is there (a missing file, or a path through a non-folder, is nothing to delete). */
export function removeFile(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw e;
  }
}

function removeCreatedDirs(realRoot: string, dirs: readonly string[]): void {
  for (const rel of [...dirs].reverse()) {
    const abs = absolute(realRoot, rel);
    try {
      if (fs.readdirSync(abs).length === 0) fs.rmdirSync(abs);
    } catch {
      // gone already, or not empty: a folder with files the synth did not write is never removed
    }
  }
}

function removeEmptyParents(realRoot: string, dir: string): void {
  let d = path.resolve(dir);
  while (d !== realRoot && d.startsWith(realRoot + path.sep)) {
    if (!fs.existsSync(d) || fs.readdirSync(d).length > 0) return;
    fs.rmdirSync(d);
    d = path.dirname(d);
  }
}
