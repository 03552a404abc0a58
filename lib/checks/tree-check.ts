import { NodePoolAddressing } from "../azure/guarded-node-pool-generations";
import { FluxTarget } from "../schema/manifest-validator";
import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";

/** What a check may know besides the trees. */
export interface CheckOptions {
  /** Changes the user acknowledged in code (GitOpsAppProps.acknowledgedChanges / context `acknowledgedChanges`). */
  readonly acknowledged: ReadonlySet<string>;
  /** Filled by the checks with the acknowledgements that allowed a change (the others are stale). */
  readonly used?: Set<string>;
  /** Filled by the checks with what a change will do that is allowed but worth saying (e.g. a pool rotation). */
  readonly notices?: string[];
  /** The declared Flux version per cluster name; a cluster not listed is checked against Flux 2.9's CRDs. */
  readonly fluxTargets?: ReadonlyMap<string, FluxTarget>;
  /** Where this synth writes each GuardedNodePool, and where the committed record had it (unset: no pools known). */
  readonly nodePools?: readonly NodePoolAddressing[];
}

/**
 * A check of the rendered GitOps tree before anything is written. Returns problems, each starting with the
 * `[construct path]` of the construct that declared the offending file. Checks are pure: the repo is read only
 * through the view.
 */
export type TreeCheck = (files: readonly RenderedFile[], repo: RepoView, options: CheckOptions) => string[];

/** Runs every check and returns all problems together (one synth reports all of them at once). */
export function runChecks(checks: readonly TreeCheck[], files: readonly RenderedFile[], repo: RepoView, options: CheckOptions): string[] {
  return checks.flatMap((check) => check(files, repo, options));
}
