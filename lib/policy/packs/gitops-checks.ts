import { IConstruct } from "constructs";
import { PolicyLevel, PolicyPack, PolicyPackOptions } from "../nag-pack";
import { NodePoolAutoscaling, NodePoolMinCountFloor, NodePoolNodeCountIgnored, NodePoolPreventDestroy } from "../rules";

/**
 * The library's rule pack (ids `GitOps-*`): AKS node pools, whether made with `GuardedNodePool` or directly with
 * `KubernetesClusterNodePool`, and tofu-controller `Terraform` objects.
 *
 * | id | level | rule |
 * | --- | --- | --- |
 * | GitOps-NP1 | error | NodePoolAutoscaling: autoscaling is on |
 * | GitOps-NP2 | error | NodePoolMinCountFloor: min_count (node_count without autoscaling) ≥ minCountFloor |
 * | GitOps-NP3 | error | NodePoolNodeCountIgnored: node_count is in lifecycle.ignore_changes |
 * | GitOps-NP4 | warning | NodePoolPreventDestroy: lifecycle.prevent_destroy |
 *
 * @example
 * const app = new GitOpsApp();
 * // ... stacks, pools, Terraform objects ...
 * PolicyPack.applyTo(app, new GitOpsChecks({ minCountFloor: 3 }));
 * app.synth();
 */
export class GitOpsChecks extends PolicyPack {
  readonly packName = "GitOps";

  constructor(options: PolicyPackOptions = {}) {
    super(options);
  }

  visit(node: IConstruct): void {
    this.checkNodePools(node);
  }

  private checkNodePools(node: IConstruct): void {
    this.applyRule({
      ruleSuffix: "NP1",
      info: "The node pool has autoscaling off.",
      explanation:
        "Without auto_scaling_enabled the minimum is no guardrail: the pool runs at whatever count the last apply or a portal edit left. Use GuardedNodePool, or set autoScalingEnabled with minCount and maxCount.",
      level: PolicyLevel.ERROR,
      rule: NodePoolAutoscaling,
      node,
    });
    this.applyRule({
      ruleSuffix: "NP2",
      info: `The node pool's minimum is below the floor of ${this.options.minCountFloor} nodes (or not a literal number).`,
      explanation:
        "Fewer nodes than the floor cannot keep workloads available through a node upgrade or a zone outage. Raise min_count (node_count for a pool without autoscaling) to the floor.",
      level: PolicyLevel.ERROR,
      rule: NodePoolMinCountFloor,
      node,
    });
    this.applyRule({
      ruleSuffix: "NP3",
      info: "The autoscaled node pool does not ignore changes to node_count.",
      explanation:
        "Every reconcile of the Terraform object would treat the autoscaler's count as drift and scale the pool back to the declared node_count. Add node_count to lifecycle.ignoreChanges (GuardedNodePool does).",
      level: PolicyLevel.ERROR,
      rule: NodePoolNodeCountIgnored,
      node,
    });
    this.applyRule({
      ruleSuffix: "NP4",
      info: "The node pool is not protected by lifecycle.prevent_destroy.",
      explanation:
        "A renamed or deleted construct, or a change that forces replacement, would drain and delete the pool's nodes on the next apply instead of failing the plan.",
      level: PolicyLevel.WARNING,
      rule: NodePoolPreventDestroy,
      node,
    });
  }
}
