import * as fs from "fs";
import * as path from "path";
import { OWNERSHIP_RECORD_PATH, OwnershipRecord, parseRecord } from "./ownership";
import { WritePlan } from "./plan";
import { checkRelativePath, RepoPathResolver } from "./repo-paths";
import { RepoView } from "./repo-view";

export const LOCK_FILE = ".gitops-synth.lock";
/** Written while a synth changes the tree; if a synth dies, the next one rolls its changes back (see applyPlan). */
export const JOURNAL_FILE = ".gitops-synth.journal";
const TMP_SUFFIX = "gitops-tmp";
const BACKUP_SUFFIX = "gitops-bak";

/**
 * Reads the repo lazily: only the paths the planner and the checks ask for, each once. A file is looked up in its
 * folder's listing first, so a path that is not there (every path of a first synth) costs no failed read: a folder
 * is listed once, and a missing folder not at all. Use it while holding the repo lock (the tree must not change).
 */
export function diskRepoView(root: string): RepoView {
  const recordPath = path.join(root, OWNERSHIP_RECORD_PATH);
  const record: OwnershipRecord | undefined = fs.existsSync(recordPath) ? parseRecord(fs.readFileSync(recordPath, "utf8")) : undefined;
  const listings = new Map<string, ReadonlySet<string> | undefined>();
  const files = new Map<string, Buffer | undefined>();
  /** Names in a repo folder ("" is the root), or undefined if it is not a folder. */
  const list = (dir: string): ReadonlySet<string> | undefined => {
    if (listings.has(dir)) return listings.get(dir);
    const slash = dir.lastIndexOf("/");
    const parent = dir === "" ? undefined : list(slash < 0 ? "" : dir.slice(0, slash));
    let names: ReadonlySet<string> | undefined;
    if (dir === "" || parent?.has(dir.slice(slash + 1))) {
      try {
        names = new Set(fs.readdirSync(path.join(root, ...dir.split("/"))));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== "ENOENT" && code !== "ENOTDIR") throw e;
      }
    }
    listings.set(dir, names);
    return names;
  };
  return {
    record,
    read(rel: string): Buffer | undefined {
      if (checkRelativePath(rel)) return undefined;
      if (files.has(rel)) return files.get(rel);
      const slash = rel.lastIndexOf("/");
      let bytes: Buffer | undefined;
      if (list(slash < 0 ? "" : rel.slice(0, slash))?.has(rel.slice(slash + 1))) {
        try {
          bytes = fs.readFileSync(path.join(root, ...rel.split("/")));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code !== "ENOENT" && code !== "ENOTDIR") throw e;
        }
      }
      files.set(rel, bytes);
      return bytes;
    },
  };
}

/** One changed path of a synth, as the journal records it (paths repo-relative, temp and backup names derived). */
interface JournalEntry {
  /** The file written or removed. */
  readonly path: string;
  /** New bytes were staged in `<path>.<pid>.gitops-tmp` (a write); unset for a removal. */
  readonly write: boolean;
  /** The previous bytes are kept in `<path>.<pid>.gitops-bak` (a replaced or removed file). */
  readonly backup: boolean;
}

interface Journal {
  /** "applying": roll back; "committed": the new tree is complete, only backups are left to delete. */
  readonly phase: "applying" | "committed";
  readonly pid: number;
  readonly entries: readonly JournalEntry[];
  /** Folders this synth created (parents first), removed again on rollback when empty. */
  readonly createdDirs: readonly string[];
}

/**
 * Applies a plan so that the tree is, at every moment a reader or a crash can observe, either the previous tree or
 * the new one, per file, and as a whole after recovery:
 *
 * 1. the journal `.gitops-synth.journal` ("applying") lists every file the synth will write or remove and every folder
 *    it will create;
 * 2. every new file is written as a temp file beside its target (missing folders created), and the previous bytes of
 *    every file that is replaced or removed are kept as a backup beside it (a hard link, or a copy where the file
 *    system has none): nothing visible has changed yet;
 * 3. every temp file is renamed over its target (atomic per file), removed files are deleted, and the ownership
 *    record is replaced last;
 * 4. the journal is switched to "committed" (one atomic rename: the commit point), backups are deleted, folders
 *    emptied by removals are pruned, and the journal is deleted.
 *
 * A failure before the commit point rolls back in process: every backup of a file that was already replaced or
 * removed is renamed back (a rename needs no free space), every new file and temp file is deleted, every folder the
 * synth created is removed when empty: the tree is byte-identical to the previous one. If the process dies, or the
 * rollback itself fails, the journal stays, and the next synth (under the lock) finishes the rollback, or the cleanup
 * of a committed synth, before it plans anything (`recoverInterruptedSynth`).
 */
export function applyPlan(root: string, plan: WritePlan): void {
  // Every path is checked before anything changes: a refused path leaves the tree as it was.
  const writes = plan.writes.map((w) => ({ rel: w.path, bytes: w.bytes }));
  if (plan.recordChanged) writes.push({ rel: OWNERSHIP_RECORD_PATH, bytes: plan.recordBytes });
  const paths = new RepoPathResolver(root);
  const targets = new Map(writes.map((w) => [w.rel, paths.resolve(w.rel)]));
  const removals = plan.removals.map((rel) => ({ rel, abs: paths.resolve(rel).abs }));
  if (writes.length === 0 && removals.length === 0) return;
  const realRoot = paths.realRoot;
  const pid = process.pid;

  const dirs = new Set<string>();
  for (const target of targets.values()) for (const d of paths.missingFolders(path.dirname(target.abs))) dirs.add(d);
  const createdDirs = [...dirs].sort().map((d) => path.relative(realRoot, d).split(path.sep).join("/"));
  const entries: JournalEntry[] = [
    // The record goes last: until it is replaced, it still describes what is ours (also for a reader without journal).
    ...writes.filter((w) => w.rel !== OWNERSHIP_RECORD_PATH).map((w) => ({ path: w.rel, write: true, backup: targets.get(w.rel)!.exists })),
    ...removals.map((r) => ({ path: r.rel, write: false, backup: true })),
    ...writes.filter((w) => w.rel === OWNERSHIP_RECORD_PATH).map((w) => ({ path: w.rel, write: true, backup: targets.get(w.rel)!.exists })),
  ];
  const journal: Journal = { phase: "applying", pid, entries, createdDirs };
  const bytesOf = new Map(writes.map((w) => [w.rel, w.bytes]));

  try {
    writeJournal(realRoot, journal);
    for (const d of createdDirs) fs.mkdirSync(absolute(realRoot, d), { recursive: true });
    for (const e of entries) {
      const abs = absolute(realRoot, e.path);
      // Per file: the temp file first, then the backup (the rollback relies on this order).
      if (e.write) fs.writeFileSync(`${abs}.${pid}.${TMP_SUFFIX}`, bytesOf.get(e.path)!);
      if (e.backup) backup(abs, `${abs}.${pid}.${BACKUP_SUFFIX}`);
    }
    for (const e of entries) {
      const abs = absolute(realRoot, e.path);
      if (e.write) fs.renameSync(`${abs}.${pid}.${TMP_SUFFIX}`, abs);
      else fs.rmSync(abs, { force: true });
    }
    writeJournal(realRoot, { ...journal, phase: "committed" });
  } catch (e) {
    try {
      rollBack(realRoot, journal);
    } catch (rollbackError) {
      throw new Error(
        `the synth failed while writing the GitOps repo (${(e as Error).message}) and could not roll back (${(rollbackError as Error).message}); ` +
          `${JOURNAL_FILE} is left in the repo: the next synth restores the previous tree from it before it writes anything`,
        { cause: rollbackError },
      );
    }
    throw e;
  }
  // Every temp file was renamed into place above: only backups are left to delete.
  finishCommitted(realRoot, { ...journal, phase: "committed" }, false);
}

/**
 * Completes a synth that was interrupted (the process died, or its rollback failed): an "applying" journal is rolled
 * back to the previous tree, a "committed" one has its backups deleted. Call only while holding the repo lock.
 * Returns what it did, or undefined if there was nothing to do.
 */
export function recoverInterruptedSynth(root: string): string | undefined {
  const realRoot = fs.realpathSync(root);
  const file = path.join(realRoot, JOURNAL_FILE);
  fs.rmSync(`${file}.${TMP_SUFFIX}`, { force: true });
  if (!fs.existsSync(file)) return undefined;
  const journal = parseJournal(fs.readFileSync(file, "utf8"));
  if (journal.phase === "committed") {
    finishCommitted(realRoot, journal);
    return `completed the cleanup of an interrupted synth (pid ${journal.pid}); the tree it wrote was complete`;
  }
  rollBack(realRoot, journal);
  return `rolled back an interrupted synth (pid ${journal.pid}): the tree is as before it`;
}

/**
 * Puts the previous tree back. It works from what is on disk, whatever step the synth reached, and may run again
 * after a failure of its own: a temp file still there was never moved in (its target is untouched, and its backup,
 * made after it, is dropped); a write without its temp file was moved in (its backup, if any, goes back); a removed
 * file comes back from its backup.
 */
function rollBack(realRoot: string, j: Journal): void {
  for (const e of [...j.entries].reverse()) {
    const abs = absolute(realRoot, e.path);
    const tmp = `${abs}.${j.pid}.${TMP_SUFFIX}`;
    const bak = `${abs}.${j.pid}.${BACKUP_SUFFIX}`;
    if (e.write && fs.existsSync(tmp)) {
      removeFile(tmp);
      removeFile(bak);
    } else if (e.write && !e.backup) {
      removeFile(abs); // a new file (or one never staged: then there is nothing)
    } else if (fs.existsSync(bak)) {
      if (e.write || !fs.existsSync(abs)) fs.renameSync(bak, abs);
      else removeFile(bak); // a removal that did not happen
    }
  }
  removeCreatedDirs(realRoot, j.createdDirs);
  removeFile(path.join(realRoot, JOURNAL_FILE));
  removeFile(path.join(realRoot, `${JOURNAL_FILE}.${TMP_SUFFIX}`));
}

/** Deletes what a committed synth left: backups, and (after a crash, `tempFilesMayRemain`) temp files never cleaned up. */
function finishCommitted(realRoot: string, j: Journal, tempFilesMayRemain = true): void {
  for (const e of j.entries) {
    const abs = absolute(realRoot, e.path);
    if (e.backup) removeFile(`${abs}.${j.pid}.${BACKUP_SUFFIX}`);
    if (e.write && tempFilesMayRemain) removeFile(`${abs}.${j.pid}.${TMP_SUFFIX}`);
  }
  for (const e of j.entries) if (!e.write) removeEmptyParents(realRoot, path.dirname(absolute(realRoot, e.path)));
  removeFile(path.join(realRoot, JOURNAL_FILE));
}

/** The previous bytes of a file, kept beside it: a hard link (no copy, no space), else a copy. */
function backup(target: string, to: string): void {
  fs.rmSync(to, { force: true });
  try {
    fs.linkSync(target, to);
  } catch {
    fs.copyFileSync(target, to);
  }
}

/** Deletes a file if it is there (a missing file, or a path through a non-folder, is nothing to delete). */
function removeFile(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw e;
  }
}

function writeJournal(realRoot: string, j: Journal): void {
  const file = path.join(realRoot, JOURNAL_FILE);
  fs.writeFileSync(`${file}.${TMP_SUFFIX}`, JSON.stringify(j, null, 2) + "\n");
  fs.renameSync(`${file}.${TMP_SUFFIX}`, file);
}

/** The journal is read back from the repo: every path in it is checked before it is used. */
function parseJournal(text: string): Journal {
  const bad = (why: string): Error =>
    new Error(`${JOURNAL_FILE} (left by an interrupted synth) ${why}; restore the tree from Git and delete ${JOURNAL_FILE}`);
  let j: Journal;
  try {
    j = JSON.parse(text) as Journal;
  } catch {
    throw bad("is not valid JSON");
  }
  const relOk = (p: unknown): boolean => typeof p === "string" && checkRelativePath(p) === undefined;
  if (
    !j ||
    (j.phase !== "applying" && j.phase !== "committed") ||
    !Number.isInteger(j.pid) ||
    !Array.isArray(j.entries) ||
    !Array.isArray(j.createdDirs) ||
    !j.entries.every((e) => e && relOk(e.path) && typeof e.write === "boolean" && typeof e.backup === "boolean") ||
    !j.createdDirs.every(relOk)
  ) {
    throw bad("is not a journal of this library");
  }
  return j;
}

function absolute(realRoot: string, rel: string): string {
  return path.join(realRoot, ...rel.split("/"));
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

/**
 * Runs fn while holding an exclusive lock file in the repo, so two synths cannot interleave their writes (fn should
 * start with `recoverInterruptedSynth`).
 */
export function withRepoLock<T>(root: string, fn: () => T): T {
  fs.mkdirSync(root, { recursive: true });
  const lock = path.join(root, LOCK_FILE);
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    try {
      fd = fs.openSync(lock, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = readHolder(lock);
      if (attempt < 5 && (holder === undefined || (holderIsGone(holder) && takeOverStaleLock(lock, holder)))) continue;
      throw new Error(
        `another synth is writing this GitOps repo (lock ${LOCK_FILE} held by pid ${holder || "?"}); ` +
          `wait for it to finish and run synth again (if no synth is running, delete ${LOCK_FILE})`,
        { cause: e },
      );
    }
  }
  try {
    fs.writeSync(fd, String(process.pid));
    fs.closeSync(fd);
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** The pid in a lock file; undefined if the file is gone (released meanwhile). */
function readHolder(lock: string): string | undefined {
  try {
    return fs.readFileSync(lock, "utf8").trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * Removes a stale lock without ever removing a live one: the lock is renamed away (atomic, so of two synths taking
 * over the same stale lock only one gets it), and put back if, meanwhile, it had become another synth's live lock.
 */
function takeOverStaleLock(lock: string, staleHolder: string): boolean {
  const aside = `${lock}.${process.pid}.stale`;
  try {
    fs.renameSync(lock, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true; // someone else removed it: try again
    throw e;
  }
  const moved = fs.readFileSync(aside, "utf8").trim();
  if (moved !== staleHolder) {
    try {
      fs.linkSync(aside, lock); // a fresh lock of a live synth: put it back (fails if yet another synth took the path)
    } catch {
      // the path is taken again: that synth holds the lock; ours is refused below
    }
    fs.rmSync(aside, { force: true });
    return false;
  }
  fs.rmSync(aside, { force: true });
  return true;
}

function holderIsGone(holder: string): boolean {
  const pid = Number(holder);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}
