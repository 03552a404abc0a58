import { parse } from "path";
import { IConstruct } from "constructs";
import { PolicyRuleContext, RuleCompliance } from "../nag-pack";
import { eachPool, isTrue } from "../subjects";

/**
 * No pool of the app can grow beyond the organisation's ceiling (pack option `maxCountCeiling`): `max_count` of an
 * autoscaled pool, `node_count` of a fixed one (azurerm accepts up to 1000 for either:
 * kubernetes_cluster_node_pool_resource.go:143,223@v4.55.0). A count that is not a literal number is a finding
 * too. Not applicable without a ceiling.
 */
export default Object.defineProperty(
  (node: IConstruct, context: PolicyRuleContext): RuleCompliance | string[] => {
    const ceiling = context.options.maxCountCeiling;
    if (typeof ceiling !== "number" || !Number.isFinite(ceiling)) return RuleCompliance.NOT_APPLICABLE;
    return eachPool(node, context, (pool) => {
      const highest = isTrue(pool.auto_scaling_enabled) ? pool.max_count : pool.node_count;
      return typeof highest === "number" && highest <= ceiling;
    });
  },
  "name",
  { value: parse(__filename).name },
);
