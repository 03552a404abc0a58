import { parse } from "path";
import { IConstruct } from "constructs";
import { PolicyRuleContext, RuleCompliance } from "../nag-pack";
import { isTrue, lifecycleOf, nodePoolAttributes } from "../subjects";

/**
 * A node pool has `lifecycle.prevent_destroy = true`, so that a rename, a deleted construct or a replacing change
 * fails the plan instead of draining and deleting the pool's nodes.
 */
export default Object.defineProperty(
  (node: IConstruct, context: PolicyRuleContext): RuleCompliance => {
    const pool = nodePoolAttributes(node, context);
    if (!pool) return RuleCompliance.NOT_APPLICABLE;
    return isTrue(lifecycleOf(pool).preventDestroy) ? RuleCompliance.COMPLIANT : RuleCompliance.NON_COMPLIANT;
  },
  "name",
  { value: parse(__filename).name },
);
