import { OwnershipRecord } from "./ownership";

/**
 * What the GitOps repo holds now, as far as the planner and the checks need to know. Its own file because the checks
 * (lib/checks) read the repo through it without depending on the planner.
 */
export interface RepoView {
  /** The ownership record on disk, or undefined on the first synth. */
  readonly record: OwnershipRecord | undefined;
  /** Bytes of a repo-relative file, or undefined if there is none. */
  read(relPath: string): Buffer | undefined;
}
