import { IConstruct } from "constructs";
import { GitOpsFile, isFileProducer } from "../core/gitops-file";

/** Collects every file the constructs declare, in construct-tree order. */
export function collectFiles(root: IConstruct): GitOpsFile[] {
  const files: GitOpsFile[] = [];
  for (const c of root.node.findAll()) if (isFileProducer(c)) files.push(...c._gitOpsFiles());
  return files;
}
