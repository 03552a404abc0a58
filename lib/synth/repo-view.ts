import { OwnershipRecord } from "./ownership";

/**
 * What the GitOps repo holds now, as far as the planner and the checks need to know. Its own file because the checks
 * (lib/checks) read the repo through it without depending on the planner.
 */
export interface RepoView {
  /** The ownership record on disk, or undefined on the first synth. */
  readonly record: OwnershipRecord | undefined;
  /**
   * The committed tree that state safety compares with (HEAD, or the base ref): what was reviewed, not what anyone
   * left in the working tree. Unset: this view itself.
   */
  readonly base?: RepoView;
  /** What the synth must say about how it read the repo (e.g. no Git: compared with the working tree). */
  readonly notes?: readonly string[];
  /** Bytes of a repo-relative file, or undefined if there is none. */
  read(relPath: string): Buffer | undefined;
  /** Which of the given paths have uncommitted changes; unset (or undefined returned): there is no Git to ask. */
  uncommitted?(paths: readonly string[]): ReadonlySet<string> | undefined;
}
