import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { isTracked } from "./git-base";
import {
  absolute,
  BACKUP_SUFFIX,
  finishCommitted,
  Journal,
  JOURNAL_FILE,
  JournalEntry,
  readJournal,
  removeFile,
  rollBack,
  TMP_SUFFIX,
  writeJournal,
} from "./journal";
import { OWNERSHIP_RECORD_PATH } from "./ownership";
import { WritePlan } from "./plan";
import { sha256 } from "./render";
import { explainFsError, RepoTree } from "./repo-paths";

export { diskRepoView } from "./disk-repo-view";
export type { DiskRepoView, DiskRepoViewOptions } from "./disk-repo-view";
export { JOURNAL_FILE } from "./journal";
export const LOCK_FILE = ".gitops-synth.lock";
const JOURNAL_TEMP = /^\.gitops-synth\.journal\.([0-9a-f]{32}\.)?gitops-tmp$/;

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
 * Temp and backup files are named `<target>.<random token of this synth>.gitops-tmp|bak` and created exclusively
 * (`wx`), so a name planted in the repo (a symlink to a file outside) can neither be guessed nor followed. Every
 * folder on the way was checked once (`RepoTree`: no symlink, no file where a folder should be).
 *
 * A failure before the commit point rolls back in process: every backup of a file that was already replaced or
 * removed is renamed back (a rename needs no free space), every new file and temp file is deleted, every folder the
 * synth created is removed when empty: the tree is byte-identical to the previous one. If the process dies, or the
 * rollback itself fails, the journal stays, and the next synth (under the lock) finishes the rollback, or the cleanup
 * of a committed synth, before it plans anything (`recoverInterruptedSynth`).
 */
export function applyPlan(root: string, plan: WritePlan, tree: RepoTree = new RepoTree(root)): void {
  // Every path is checked before anything changes: a refused path leaves the tree as it was.
  const writes = plan.writes.map((w) => ({ rel: w.path, bytes: w.bytes, sha256: w.sha256 ?? sha256(w.bytes) }));
  if (plan.recordChanged) writes.push({ rel: OWNERSHIP_RECORD_PATH, bytes: plan.recordBytes, sha256: sha256(plan.recordBytes) });
  const targets = new Map(writes.map((w) => [w.rel, tree.resolve(w.rel)]));
  for (const rel of plan.removals) tree.resolve(rel);
  if (writes.length === 0 && plan.removals.length === 0) return;
  const realRoot = tree.realRoot;
  const token = randomBytes(16).toString("hex");

  const dirs = new Set<string>();
  for (const w of writes) for (const d of tree.missingFolders(w.rel)) dirs.add(d);
  const createdDirs = [...dirs].sort();
  const bytesOf = new Map(writes.map((w) => [w.rel, w.bytes]));
  const hashOf = new Map(writes.map((w) => [w.rel, w.sha256]));
  const entryOf = (rel: string): JournalEntry => ({
    path: rel,
    write: true,
    backup: targets.get(rel)!.exists,
    sha256: hashOf.get(rel)!,
  });
  const entries: JournalEntry[] = [
    // The record goes last: until it is replaced, it still describes what is ours (also for a reader without journal).
    ...writes.filter((w) => w.rel !== OWNERSHIP_RECORD_PATH).map((w) => entryOf(w.rel)),
    ...plan.removals.map((rel) => ({ path: rel, write: false, backup: true })),
    ...writes.filter((w) => w.rel === OWNERSHIP_RECORD_PATH).map((w) => entryOf(w.rel)),
  ];
  const journal: Journal = { phase: "applying", pid: process.pid, token, entries, createdDirs };

  try {
    writeJournal(realRoot, journal);
    for (const d of createdDirs) fs.mkdirSync(absolute(realRoot, d));
    for (const e of entries) {
      const abs = absolute(realRoot, e.path);
      // Per file: the temp file first, then the backup (the rollback relies on this order).
      if (e.write) fs.writeFileSync(`${abs}.${token}.${TMP_SUFFIX}`, bytesOf.get(e.path)!, { flag: "wx" });
      if (e.backup) backup(abs, `${abs}.${token}.${BACKUP_SUFFIX}`);
    }
    for (const e of entries) {
      const abs = absolute(realRoot, e.path);
      if (e.write) fs.renameSync(`${abs}.${token}.${TMP_SUFFIX}`, abs);
      else fs.rmSync(abs, { force: true });
    }
    writeJournal(realRoot, { ...journal, phase: "committed" });
  } catch (e) {
    const explained = explainFsError(e, realRoot, "writing the GitOps repo");
    try {
      rollBack(realRoot, journal);
    } catch (rollbackError) {
      throw new Error(
        `the synth failed while writing the GitOps repo (${explained.message}) and could not roll back (${(rollbackError as Error).message}); ` +
          `${JOURNAL_FILE} is left in the repo: the next synth restores the previous tree from it before it writes anything`,
        { cause: rollbackError },
      );
    }
    throw explained;
  }
  // Every temp file was renamed into place above: only backups are left to delete.
  finishCommitted(realRoot, { ...journal, phase: "committed" }, false);
}

/**
 * Completes a synth that was interrupted (the process died, or its rollback failed): an "applying" journal is rolled
 * back to the previous tree, a "committed" one has its backups deleted. Call only while holding the repo lock.
 * The journal is untrusted input: one that Git tracks (a real one never is: it is in .gitignore), is a symlink, or
 * names anything the library does not write is refused, and nothing is done. Returns what it did, or undefined if
 * there was nothing to do.
 */
export function recoverInterruptedSynth(root: string): string | undefined {
  const tree = new RepoTree(root);
  const realRoot = tree.realRoot;
  // A synth that died before its journal's first rename left only the journal's temp file: nothing had changed.
  for (const [name, kind] of tree.entriesOf("")) if (kind === "file" && JOURNAL_TEMP.test(name)) removeFile(path.join(realRoot, name));
  const kind = tree.kindOf(JOURNAL_FILE);
  if (kind === undefined) return undefined;
  const file = path.join(realRoot, JOURNAL_FILE);
  const refuse = (why: string): Error =>
    new Error(`${JOURNAL_FILE} ${why}; nothing was rolled back or deleted: restore the tree from Git and delete ${JOURNAL_FILE}`);
  if (kind !== "file") throw refuse(`is a ${kind}, not a journal this library wrote`);
  if (isTracked(root, JOURNAL_FILE)) {
    throw refuse(
      `is tracked by Git, so it was committed, not left by an interrupted synth (a real journal is never committed: keep it in .gitignore)`,
    );
  }
  const journal = readJournal(tree, fs.readFileSync(file, "utf8"));
  if (journal.phase === "committed") {
    finishCommitted(realRoot, journal);
    removeJournalTemp(realRoot, journal);
    return `completed the cleanup of an interrupted synth (pid ${journal.pid}); the tree it wrote was complete`;
  }
  rollBack(realRoot, journal);
  removeJournalTemp(realRoot, journal);
  return `rolled back an interrupted synth (pid ${journal.pid}): the tree is as before it`;
}

function removeJournalTemp(realRoot: string, j: Journal): void {
  removeFile(path.join(realRoot, `${JOURNAL_FILE}.${j.token ?? j.pid}.${TMP_SUFFIX}`));
}

/** The previous bytes of a file, kept beside it: a hard link (no copy, no space), else a copy; never over an existing name. */
function backup(target: string, to: string): void {
  try {
    fs.linkSync(target, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw e;
    fs.copyFileSync(target, to, fs.constants.COPYFILE_EXCL);
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
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw explainFsError(e, root, `creating the lock ${LOCK_FILE}`);
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
    if (fs.lstatSync(lock).isSymbolicLink()) return "? (the lock is a symlink: delete it)";
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
  const aside = `${lock}.${process.pid}.${randomBytes(8).toString("hex")}.stale`;
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
