/**
 * The worked example's Terraform (main.ts: one stack, the cluster data source, the `corepool` pool) with bare cdktf
 * and no library: the baseline of `cdktf synth` for bench/run.ts's app-command comparison. Copied as main.ts into a
 * scratch project with its own cdktf.json.
 */
import { DataAzurermKubernetesCluster } from "@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster";
import { KubernetesClusterNodePool } from "@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";

const app = new App();
const subscriptionId: string = app.node.tryGetContext("subscriptionId");
const stack = new TerraformStack(app, "aks-gitops-tf");
new AzurermProvider(stack, "azurerm", { features: [{}], subscriptionId, useCli: false, resourceProviderRegistrations: "none" });
stack.addOverride("terraform.required_providers.azurerm", { source: "hashicorp/azurerm", version: "4.55.0" });
stack.addOverride("terraform.backend", undefined);
const cluster = new DataAzurermKubernetesCluster(stack, "cluster-rg-gitops-flux-aks-gitops-tf", {
  name: "aks-gitops-tf",
  resourceGroupName: "rg-gitops-flux",
});
new KubernetesClusterNodePool(new Construct(stack, "corepool"), "pool", {
  name: "corepool",
  kubernetesClusterId: cluster.id,
  vmSize: "Standard_D2s_v3",
  autoScalingEnabled: true,
  minCount: 3,
  maxCount: 5,
  nodeCount: 3,
  mode: "User",
  osType: "Linux",
  priority: "Regular",
  temporaryNameForRotation: "corepooltmp",
  lifecycle: { ignoreChanges: ["node_count"], preventDestroy: true },
});
app.synth();
