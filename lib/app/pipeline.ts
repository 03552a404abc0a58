import { AnnotationMetadataEntryType, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { CheckOptions, runChecks, TreeCheck } from "../checks/tree-check";
import { GitOpsFile, isFileProducer } from "../core/gitops-file";
import { planWrites, RepoView, WritePlan } from "../synth/plan";
import { renderFile, RenderedFile } from "../synth/render";
import { checkRelativePath } from "../synth/repo-paths";
import { GitOpsSynthError } from "../core/validation";

/** Every construct validation in the tree, each prefixed with its construct path (cdktf stops at the first stack). */
export function validateTree(root: IConstruct): string[] {
  const problems: string[] = [];
  for (const c of root.node.findAll()) {
    for (const message of c.node.validate()) problems.push(`[${c.node.path || "app"}] ${message}`);
  }
  return problems;
}

/**
 * Warnings (`Annotations.of(c).addWarning`) of constructs outside any stack, each prefixed with its construct path,
 * in construct-tree order. cdktf reports the annotations of stacks itself; these would otherwise go unseen.
 */
export function collectWarnings(root: IConstruct): string[] {
  const out: string[] = [];
  const walk = (c: IConstruct): void => {
    if (TerraformStack.isStack(c)) return;
    for (const m of c.node.metadata) if (m.type === AnnotationMetadataEntryType.WARN) out.push(`[${c.node.path}] ${String(m.data)}`);
    for (const child of c.node.children) walk(child);
  };
  walk(root);
  return out;
}

/** Collects every file the constructs declare, in construct-tree order. */
export function collectFiles(root: IConstruct): GitOpsFile[] {
  const files: GitOpsFile[] = [];
  for (const c of root.node.findAll()) if (isFileProducer(c)) files.push(...c._gitOpsFiles());
  return files;
}

/** Renders files to bytes, refusing unsafe paths; sorted by path so the order never depends on the tree. */
export function renderFiles(files: readonly GitOpsFile[]): RenderedFile[] {
  const problems: string[] = [];
  for (const f of files) {
    const reason = checkRelativePath(f.path);
    if (reason)
      problems.push(`[${f.source}] output path = ${JSON.stringify(f.path)}: allowed is a relative path inside the repo, not ${reason}`);
  }
  if (problems.length) throw new GitOpsSynthError("Synth refused: unsafe output paths", problems);
  return files.map(renderFile).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Checks, then plans. Throws with every problem found; returns the plan otherwise. Reads the repo only through the view. */
export function checkAndPlan(
  files: readonly RenderedFile[],
  repo: RepoView,
  checks: readonly TreeCheck[],
  options: CheckOptions,
): WritePlan {
  const problems = runChecks(checks, files, repo, options);
  const { plan, problems: planProblems } = planWrites(files, repo);
  const all = [...problems, ...planProblems];
  if (all.length || !plan) throw new GitOpsSynthError("Synth refused: the generated GitOps tree did not pass its checks", all);
  return plan;
}
