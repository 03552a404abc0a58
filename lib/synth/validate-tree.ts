import { IConstruct } from "constructs";
import { AnnotationMetadataEntryType, TerraformStack } from "../core/framework";
import { escapeForOneLine } from "../core/unsafe-text";
import { constructIdProblem } from "../core/validation";

/** Every construct validation in the tree, each prefixed with its construct path (cdktf stops at the first stack). */
export function validateTree(root: IConstruct): string[] {
  const problems: string[] = [];
  for (const c of root.node.findAll()) {
    const idProblem = constructIdProblem(c.node.id);
    if (idProblem) problems.push(`[${escapeForOneLine(c.node.path)}] ${idProblem}`);
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
