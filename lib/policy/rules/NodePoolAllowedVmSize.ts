import { parse } from "path";
import { IConstruct } from "constructs";
import { PolicyRuleContext, RuleCompliance } from "../nag-pack";
import { eachPool } from "../subjects";

/**
 * Every pool of the app has a VM size of the organisation's allow-list (pack option `allowedVmSizes`): node pool
 * resources, raw or `GuardedNodePool`, and a cluster's default node pool. A size that is not a literal string (a
 * variable) cannot be checked at synth and is a finding too. Not applicable without an allow-list.
 */
export default Object.defineProperty(
  (node: IConstruct, context: PolicyRuleContext): RuleCompliance | string[] => {
    const allowed = context.options.allowedVmSizes;
    if (!Array.isArray(allowed) || allowed.length === 0) return RuleCompliance.NOT_APPLICABLE;
    return eachPool(node, context, (pool) => typeof pool.vm_size === "string" && allowed.includes(pool.vm_size));
  },
  "name",
  { value: parse(__filename).name },
);
