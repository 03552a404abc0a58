import { IConstruct } from "constructs";
import { PolicyLevel, PolicyPack, PolicyPackOptions } from "../nag-pack";
import {
  NodePoolAllowedVmSize,
  NodePoolAutoscaling,
  NodePoolMaxCountCeiling,
  NodePoolMinCountFloor,
  NodePoolNodeCountIgnored,
  NodePoolPreventDestroy,
  TerraformManualApprovalSeparateSource,
  TerraformRunnerKubeletIdentity,
  TerraformStateSecretSuffix,
} from "../rules";

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
 * | GitOps-NP5 | error | NodePoolAllowedVmSize: vm_size is in allowedVmSizes (with that option) |
 * | GitOps-NP6 | error | NodePoolMaxCountCeiling: max_count (node_count without autoscaling) ≤ maxCountCeiling (with that option) |
 * | GitOps-TF1 | error | TerraformManualApprovalSeparateSource: manual approval reads code from a source other than its own manifest's |
 * | GitOps-TF2 | warning | TerraformRunnerKubeletIdentity: the runner does not use the node's kubelet identity (ARM_USE_MSI) |
 * | GitOps-TF3 | error | TerraformStateSecretSuffix: backendConfig.secretSuffix is set |
 *
 * Terraform objects live outside stacks (under a `FluxBootstrap`); `PolicyPack.applyTo` checks them with the stack
 * they reconcile and reports their findings on that stack.
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
    this.checkTerraformObjects(node);
  }

  private checkTerraformObjects(node: IConstruct): void {
    this.applyRule({
      ruleSuffix: "TF1",
      info: "The Terraform object needs manual approval but reads its code from the same source as its own manifest.",
      explanation:
        "Approving a plan is a commit to that source, i.e. a new revision: the controller plans again under a new plan " +
        "id and the approval never matches (tofu-controller #1878). Use ApprovalMode.AUTO or DRIFT_DETECTION_ONLY, or " +
        "keep MANUAL with a separate source (another branch, tag or repo, or an OCI artifact of the Terraform only).",
      level: PolicyLevel.ERROR,
      rule: TerraformManualApprovalSeparateSource,
      node,
    });
    this.applyRule({
      ruleSuffix: "TF2",
      info: "The Terraform runner authenticates with the node's kubelet identity (ARM_USE_MSI).",
      explanation:
        "The kubelet identity belongs to the node: every pod on every node of the pool can use it, so the rights " +
        "Terraform needs on the cluster (typically Contributor on it or its resource group) go to every workload there " +
        "too. Use AKS Workload Identity: a RunnerIdentity (a ServiceAccount federated to a user-assigned identity; the runner " +
        "gets the label azure.workload.identity/use=true and ARM_USE_OIDC=true with ARM_CLIENT_ID and ARM_TENANT_ID).",
      level: PolicyLevel.WARNING,
      rule: TerraformRunnerKubeletIdentity,
      node,
    });
    this.applyRule({
      ruleSuffix: "TF3",
      info: "The Terraform object has no backendConfig.secretSuffix.",
      explanation:
        "Its state Secret is then named after the object, so a rename starts from an empty state and the next plan " +
        "creates every resource again (duplicates or 'already exists' errors). Set a stable secretSuffix " +
        "(TerraformControllerCR uses the stack's folder name).",
      level: PolicyLevel.ERROR,
      rule: TerraformStateSecretSuffix,
      node,
    });
  }

  private checkNodePools(node: IConstruct): void {
    this.applyRule({
      ruleSuffix: "NP1",
      info: "The node pool has autoscaling off.",
      explanation:
        "Without auto_scaling_enabled the minimum is no guardrail: the pool runs at whatever count the last apply or a " +
        "portal edit left. Use GuardedNodePool, or set autoScalingEnabled with minCount and maxCount.",
      level: PolicyLevel.ERROR,
      rule: NodePoolAutoscaling,
      node,
    });
    this.applyRule({
      ruleSuffix: "NP2",
      info: `The node pool's minimum is below the floor of ${this.options.minCountFloor} nodes (or not a literal number).`,
      explanation:
        "Fewer nodes than the floor cannot keep workloads available through a node upgrade or a zone outage. Raise " +
        "min_count (node_count for a pool without autoscaling) to the floor.",
      level: PolicyLevel.ERROR,
      rule: NodePoolMinCountFloor,
      node,
    });
    this.applyRule({
      ruleSuffix: "NP3",
      info: "The autoscaled node pool does not ignore changes to node_count.",
      explanation:
        "Every reconcile of the Terraform object would treat the autoscaler's count as drift and scale the pool back " +
        "to the declared node_count. Add node_count to lifecycle.ignoreChanges (GuardedNodePool does).",
      level: PolicyLevel.ERROR,
      rule: NodePoolNodeCountIgnored,
      node,
    });
    this.applyRule({
      ruleSuffix: "NP4",
      info: "The node pool is not protected by lifecycle.prevent_destroy.",
      explanation:
        "A renamed or deleted construct, or a change that forces replacement, would drain and delete the pool's nodes " +
        "on the next apply instead of failing the plan.",
      level: PolicyLevel.WARNING,
      rule: NodePoolPreventDestroy,
      node,
    });
    this.applyRule({
      ruleSuffix: "NP5",
      info:
        `The node pool's VM size is not one the organisation allows (${(this.options.allowedVmSizes ?? []).join(", ")}), ` +
        `or not a literal string.`,
      explanation:
        "An unapproved size can cost many times an approved one (GPU and memory-optimised families) or lack the quota the " +
        "subscription has. Use an allowed size, or suppress the finding with the approval's reason.",
      level: PolicyLevel.ERROR,
      rule: NodePoolAllowedVmSize,
      node,
    });
    this.applyRule({
      ruleSuffix: "NP6",
      info:
        `The node pool can grow beyond the organisation's ceiling of ${this.options.maxCountCeiling} nodes ` +
        `(or its count is not a literal number).`,
      explanation:
        "The autoscaler scales up to max_count whenever pods are pending, and a runaway workload then buys nodes up to it. " +
        "Lower max_count (node_count for a pool without autoscaling) to the ceiling.",
      level: PolicyLevel.ERROR,
      rule: NodePoolMaxCountCeiling,
      node,
    });
  }
}
