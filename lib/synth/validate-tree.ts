import { IConstruct } from "constructs";
import { AnnotationMetadataEntryType, Aspects, TerraformStack } from "../core/framework";
import { foreignCoreProblem } from "../core/framework-origin";
import { policyPackMarkOf } from "../core/policy-pack-mark";
import { escapeForOneLine } from "../core/unsafe-text";
import { constructIdProblem, formatProblem } from "../core/validation";

/** Every construct validation in the tree, each prefixed with its construct path (cdktf stops at the first stack). */
export function validateTree(root: IConstruct): string[] {
  const problems: string[] = [];
  const foreignRoots: IConstruct[] = [];
  for (const c of root.node.findAll()) {
    // A construct of the other CDK core fails deep in the synth: refused here, and nothing in it is validated.
    if (foreignRoots.some((f) => c.node.scopes.includes(f))) continue;
    const foreign = foreignCoreProblem(c, escapeForOneLine(c.node.path));
    if (foreign) {
      problems.push(foreign);
      foreignRoots.push(c);
      continue;
    }
    const idProblem = constructIdProblem(c.node.id);
    if (idProblem) problems.push(`[${escapeForOneLine(c.node.path)}] ${idProblem}`);
    for (const message of c.node.validate()) problems.push(`[${c.node.path || "app"}] ${message}`);
    problems.push(...unrunPolicyPacks(c));
  }
  return problems;
}

/**
 * Policy packs added with `Aspects.of(x).add(pack)` to a construct outside every stack (the App, a FluxBootstrap):
 * cdktf invokes Aspects per stack only, so such a pack would silently check nothing (docs/policy.md).
 */
function unrunPolicyPacks(c: IConstruct): string[] {
  const aspects = Aspects.of(c).all;
  if (aspects.length === 0 || TerraformStack.isStack(c) || c.node.scopes.some((s) => TerraformStack.isStack(s))) return [];
  const out: string[] = [];
  for (const aspect of aspects) {
    const mark = policyPackMarkOf(aspect);
    if (!mark || mark.applied()) continue;
    const where = c.node.path ? `Aspects.of(${c.node.path})` : "Aspects.of(app)";
    out.push(
      `[${c.node.path || "app"}] ${formatProblem(
        `${where}.add(…)`,
        `<policy pack ${mark.packName}>`,
        "PolicyPack.applyTo(app, pack) instead, after the last stack is created: cdktf runs Aspects per stack only, so a pack " +
          "added to a construct outside every stack would check nothing",
      )}`,
    );
  }
  return out;
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
