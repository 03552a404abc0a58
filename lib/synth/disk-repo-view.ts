import * as fs from "fs";
import { OUTPUT_ROOTS } from "../core/repo-layout";
import { blobId, GitBase, locateBase, readBlobs, uncommittedPaths } from "./git-base";
import { OWNERSHIP_RECORD_PATH, OwnershipRecord, parseRecord } from "./ownership";
import { explainFsError, RepoTree } from "./repo-paths";
import { RepoView } from "./repo-view";

/** The working tree as the planner and the write path see it; `tree` is handed on to applyPlan (folders listed once). */
export interface DiskRepoView extends RepoView {
  readonly tree: RepoTree;
}

export interface DiskRepoViewOptions {
  /**
   * The Git ref state safety compares with (GitOpsAppProps.baseRef). Unset: HEAD when the repo is in Git.
   */
  readonly baseRef?: string;
  /**
   * Ask Git at all. Off: the working tree is the base, and nothing is said about it (a caller that knows better).
   * @default true
   */
  readonly git?: boolean;
}

/**
 * Reads the repo lazily: only the paths the planner and the checks ask for, each once. A file is looked up in its
 * folder's listing first, so a path that is not there (every path of a first synth) costs no failed read: a folder
 * is listed once, and a missing folder not at all. A symlink, or a folder where a file should be, is refused with
 * the path. The committed tree (HEAD, or `baseRef`) is read from Git in one process for state safety. Use it while
 * holding the repo lock (the tree must not change).
 */
export function diskRepoView(root: string, options: DiskRepoViewOptions = {}): DiskRepoView {
  const tree = new RepoTree(root);
  const files = new Map<string, Buffer | undefined>();
  const read = (rel: string): Buffer | undefined => {
    if (files.has(rel)) return files.get(rel);
    const abs = tree.fileToRead(rel);
    let bytes: Buffer | undefined;
    try {
      bytes = abs === undefined ? undefined : fs.readFileSync(abs);
    } catch (e) {
      throw explainFsError(e, tree.realRoot, `reading ${rel}`);
    }
    files.set(rel, bytes);
    return bytes;
  };
  const recordBytes = read(OWNERSHIP_RECORD_PATH);
  const record: OwnershipRecord | undefined = recordBytes ? parseRecord(recordBytes.toString("utf8")) : undefined;
  const working: RepoView = { record, read };
  const git: GitBase =
    options.git === false ? { kind: "no-git" } : locateBase(root, options.baseRef, [...OUTPUT_ROOTS, OWNERSHIP_RECORD_PATH]);
  const { base, notes } = committedBase(root, git, working, options.baseRef !== undefined);
  return {
    tree,
    record,
    read,
    base,
    notes,
    uncommitted: git.kind === "no-git" ? undefined : (paths) => uncommittedPaths(root, paths),
  };
}

/**
 * The tree state safety compares with: the commit's (the record and every file it lists, read in one process), or
 * the working tree when there is no Git, or nothing is committed yet at HEAD (said in a note, when there is a
 * generated tree to compare with). An explicit baseRef is always the base, even when it holds no generated tree.
 */
function committedBase(root: string, git: GitBase, working: RepoView, explicit: boolean): { base: RepoView; notes: string[] } {
  if (git.kind === "no-git") {
    const notes = working.record
      ? [
          `${root} is not in a Git work tree: state safety compares with the working tree (which anyone can change or delete), ` +
            `and a hand edit of a generated file cannot be told committed or not; keep the GitOps repo in Git`,
        ]
      : [];
    return { base: working, notes };
  }
  if (git.kind === "commit") {
    const committed = readCommittedTree(git, root, working, explicit);
    if (committed) return { base: committed, notes: [] };
  }
  const notes = working.record
    ? [`the generated tree is not committed at HEAD yet: state safety compares with the working tree; commit it`]
    : [];
  return { base: working, notes };
}

/**
 * The generated tree at a commit: the record and every file it lists. `git ls-tree` gave their blob ids; a file
 * whose working-tree bytes have the same id (nearly all of them, usually; the planner reads those bytes anyway) is
 * not read from Git again, the others come in one `git cat-file --batch` (two when the record itself differs).
 * Undefined when the commit holds no record and no base ref was asked for.
 */
function readCommittedTree(
  git: { ref: string; ids: ReadonlyMap<string, string> },
  root: string,
  working: RepoView,
  explicit: boolean,
): RepoView | undefined {
  const recordId = git.ids.get(OWNERSHIP_RECORD_PATH);
  if (recordId === undefined && !explicit) return undefined;
  const sameAsWorking = (rel: string, id: string): Buffer | undefined => {
    let bytes: Buffer | undefined;
    try {
      bytes = working.read(rel);
    } catch {
      return undefined; // refused in the working tree (a symlink, say): read it from Git
    }
    return bytes !== undefined && blobId(bytes, id.length) === id ? bytes : undefined;
  };
  let record = working.record;
  if (recordId === undefined) record = undefined;
  else if (sameAsWorking(OWNERSHIP_RECORD_PATH, recordId) === undefined) {
    const bytes = readBlobs(root, [recordId]).get(recordId);
    record = bytes ? parseRecord(bytes.toString("utf8"), `${git.ref}:${OWNERSHIP_RECORD_PATH}`) : undefined;
  }
  const files = new Map<string, Buffer>();
  const fromGit = new Map<string, string>();
  for (const rel of Object.keys(record?.files ?? {})) {
    const id = git.ids.get(rel);
    if (id === undefined) continue;
    const same = sameAsWorking(rel, id);
    if (same) files.set(rel, same);
    else fromGit.set(rel, id);
  }
  const blobs = readBlobs(root, [...new Set(fromGit.values())]);
  for (const [rel, id] of fromGit) {
    const bytes = blobs.get(id);
    if (bytes) files.set(rel, bytes);
  }
  return { record, read: (rel) => files.get(rel) };
}
