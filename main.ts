/**
 * The worked example: the article's scenario ("GitOps Best Practices for Azure: Managing Configuration Drift with
 * FluxCD and Terraform") written with this library. `npm run synth` writes this repo's own `infrastructure/`.
 *
 * Values that only exist in Azure come from cdktf.json context; the defaults there are all-zero GUIDs, clearly fake,
 * so synth works offline.
 */
import { GitOpsApp, GuardedNodePool, InfrastructureStack, NodePoolCluster } from "./lib";

const app = new GitOpsApp();
const subscriptionId: string = app.node.tryGetContext("subscriptionId");

// The article's cluster: resource group rg-gitops-flux, cluster aks-gitops-tf, created with `az aks create`.
const cluster = NodePoolCluster.fromClusterName("aks-gitops-tf", "rg-gitops-flux");

const infra = new InfrastructureStack(app, "aks-gitops-tf", { subscriptionId });

// The drift guardrail: the minimum of 3 is reconciled; lowering it in the portal is reverted on the next interval.
new GuardedNodePool(infra, "corepool", {
  cluster,
  name: "corepool",
  vmSize: "Standard_D2s_v3",
  nodeCount: 3,
  minCount: 3,
  maxCount: 5,
});

app.synth();
