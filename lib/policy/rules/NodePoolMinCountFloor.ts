import { parse } from "path";
import { IConstruct } from "constructs";
import { PolicyRuleContext, RuleCompliance } from "../nag-pack";
import { isTrue, nodePoolAttributes } from "../subjects";

/**
 * A node pool never goes below the organisation's floor (pack option `minCountFloor`, default 3): `min_count` of an
 * autoscaled pool, `node_count` of a fixed one. A value that is not a literal number (a variable, a reference) cannot
 * be checked at synth and is a finding too.
 */
export default Object.defineProperty(
  (node: IConstruct, context: PolicyRuleContext): RuleCompliance => {
    const pool = nodePoolAttributes(node, context);
    if (!pool) return RuleCompliance.NOT_APPLICABLE;
    const lowest = isTrue(pool.auto_scaling_enabled) ? pool.min_count : pool.node_count;
    return typeof lowest === "number" && lowest >= context.options.minCountFloor ? RuleCompliance.COMPLIANT : RuleCompliance.NON_COMPLIANT;
  },
  "name",
  { value: parse(__filename).name },
);
