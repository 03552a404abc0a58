import { GitOpsFile } from "../core/gitops-file";
import { GitOpsSynthError } from "../core/validation";
import { renderFile, RenderedFile } from "./render";
import { checkRelativePath } from "./repo-paths";

/**
 * Renders the collected files to bytes (each through `renderFile`), refusing unsafe paths; sorted by path so the order
 * never depends on the tree.
 */
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
