import { CheckOptions, runChecks, TreeCheck } from "../checks";
import { GitOpsSynthError } from "../core/validation";
import { planWrites, RecordedNodePool, RenderedFile, RepoView, WritePlan } from "../synth";

/**
 * Checks, then plans. Throws with every problem found; returns the plan otherwise. Reads the repo only through the view.
 * In lib/app, not lib/synth: it is where the checks (which read lib/synth's types) meet the planner.
 */
export function checkAndPlan(
  files: readonly RenderedFile[],
  repo: RepoView,
  checks: readonly TreeCheck[],
  options: CheckOptions,
  nodePools: Readonly<Record<string, RecordedNodePool>> = {},
): WritePlan {
  const problems = runChecks(checks, files, repo, options);
  const { plan, problems: planProblems } = planWrites(files, repo, nodePools);
  const all = [...problems, ...planProblems];
  if (all.length || !plan)
    throw new GitOpsSynthError("Synth refused: the generated GitOps tree did not pass its checks", all, options.notices);
  return plan;
}
