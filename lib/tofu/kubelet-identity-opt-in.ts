/**
 * Marks a construct whose Terraform runner authenticates to Azure with the node's kubelet identity (IMDS). For a
 * runner-identity construct that offers kubelet identity as an opt-in: rule `TerraformRunnerKubeletIdentity` reports
 * every Terraform object under a marked construct, or using a marked construct as its `runnerIdentity`. Defined here,
 * below the policy pack, so the construct that sets it does not import the pack that reads it.
 * @internal
 */
export const KUBELET_IDENTITY_OPT_IN = Symbol.for("cdktf-aks-gitops/runner-uses-kubelet-identity");
