import { parse } from "path";
import { IConstruct } from "constructs";
import { PolicyRuleContext, RuleCompliance } from "../nag-pack";
import { isTrue, nodePoolAttributes } from "../subjects";

/**
 * A node pool has the cluster autoscaler on (`auto_scaling_enabled = true`). Without it, `min_count` is not a
 * guardrail at all and the pool's size is whatever the last apply or portal edit left.
 */
export default Object.defineProperty(
  (node: IConstruct, context: PolicyRuleContext): RuleCompliance => {
    const pool = nodePoolAttributes(node, context);
    if (!pool) return RuleCompliance.NOT_APPLICABLE;
    return isTrue(pool.auto_scaling_enabled) ? RuleCompliance.COMPLIANT : RuleCompliance.NON_COMPLIANT;
  },
  "name",
  { value: parse(__filename).name },
);
