import * as fs from "fs";
import * as path from "path";
import { OWNERSHIP_RECORD_PATH, OwnershipRecord, parseRecord } from "./ownership";
import { WritePlan, RepoView } from "./plan";
import { resolveInsideRepo, checkRelativePath } from "./repo-paths";

export const LOCK_FILE = ".gitops-synth.lock";

/** Reads the repo lazily: only the paths the planner asks for. */
export function diskRepoView(root: string): RepoView {
  const recordPath = path.join(root, OWNERSHIP_RECORD_PATH);
  const record: OwnershipRecord | undefined = fs.existsSync(recordPath) ? parseRecord(fs.readFileSync(recordPath, "utf8")) : undefined;
  return {
    record,
    read(rel: string): Buffer | undefined {
      if (checkRelativePath(rel)) return undefined;
      const abs = path.join(root, ...rel.split("/"));
      try {
        return fs.readFileSync(abs);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
        throw e;
      }
    },
  };
}

/**
 * Applies a plan: every new file is first written next to its target as a temp file (so a failure here changes
 * nothing), then renamed into place (atomic per file), then stale files are removed, and the record is written last.
 */
export function applyPlan(root: string, plan: WritePlan): void {
  const staged: { tmp: string; target: string }[] = [];
  const all = [...plan.writes.map((w) => ({ rel: w.path, bytes: w.bytes }))];
  if (plan.recordChanged) all.push({ rel: OWNERSHIP_RECORD_PATH, bytes: plan.recordBytes });
  // Every path is checked before anything changes: a refused path leaves the tree as it was.
  const removals = plan.removals.map((rel) => resolveInsideRepo(root, rel));
  try {
    for (const { rel, bytes } of all) {
      const target = resolveInsideRepo(root, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, bytes);
      staged.push({ tmp, target });
    }
  } catch (e) {
    for (const s of staged) fs.rmSync(s.tmp, { force: true });
    throw e;
  }
  // The record goes last, after the removals: an interruption leaves it listing files that are still ours to prune.
  const record = plan.recordChanged ? staged.pop() : undefined;
  for (const s of staged) fs.renameSync(s.tmp, s.target);
  for (const target of removals) {
    fs.rmSync(target, { force: true });
    removeEmptyParents(root, path.dirname(target));
  }
  if (record) fs.renameSync(record.tmp, record.target);
}

function removeEmptyParents(root: string, dir: string): void {
  const realRoot = fs.realpathSync(root);
  let d = path.resolve(dir);
  while (d !== realRoot && d.startsWith(realRoot + path.sep)) {
    if (fs.readdirSync(d).length > 0) return;
    fs.rmdirSync(d);
    d = path.dirname(d);
  }
}

/** Runs fn while holding an exclusive lock file in the repo, so two synths cannot interleave their writes. */
export function withRepoLock<T>(root: string, fn: () => T): T {
  fs.mkdirSync(root, { recursive: true });
  const lock = path.join(root, LOCK_FILE);
  let fd: number;
  try {
    fd = fs.openSync(lock, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const holder = fs.readFileSync(lock, "utf8").trim();
    if (holderIsGone(holder)) {
      fs.rmSync(lock, { force: true });
      return withRepoLock(root, fn);
    }
    throw new Error(
      `another synth is writing this GitOps repo (lock ${LOCK_FILE} held by pid ${holder || "?"}); ` +
        `wait for it to finish and run synth again (if no synth is running, delete ${LOCK_FILE})`,
    );
  }
  try {
    fs.writeSync(fd, String(process.pid));
    fs.closeSync(fd);
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
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
