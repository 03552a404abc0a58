import { parse } from "path";
import { IConstruct } from "constructs";
import { PolicyRuleContext, RuleCompliance } from "../nag-pack";
import { isTrue, lifecycleOf, nodePoolAttributes } from "../subjects";

/**
 * An autoscaled node pool lists `node_count` in `lifecycle.ignore_changes` (or ignores `all`). Otherwise every
 * reconcile of the Terraform object sees the autoscaler's count as drift and scales the pool back to the declared
 * count. Not applicable to a pool without autoscaling, whose `node_count` is the declared size.
 */
export default Object.defineProperty(
  (node: IConstruct, context: PolicyRuleContext): RuleCompliance => {
    const pool = nodePoolAttributes(node, context);
    if (!pool || !isTrue(pool.auto_scaling_enabled)) return RuleCompliance.NOT_APPLICABLE;
    const { ignoreChanges } = lifecycleOf(pool);
    const ignored =
      ignoreChanges === "all" || (Array.isArray(ignoreChanges) && ignoreChanges.some((a) => a === "node_count" || a === "all"));
    return ignored ? RuleCompliance.COMPLIANT : RuleCompliance.NON_COMPLIANT;
  },
  "name",
  { value: parse(__filename).name },
);
