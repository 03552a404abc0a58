/**
 * Benchmark app, bare cdktf flavour: plain App + one TerraformStack per cluster + AzurermProvider + the cluster data
 * source + `pools` KubernetesClusterNodePools with exactly the attributes GuardedNodePool writes. No library code:
 * this is what cdktf alone costs for the same Terraform. Writes only cdktf.out (`--outdir`).
 */
import { performance } from "perf_hooks";
import { DataAzurermKubernetesCluster } from "@cdktf/provider-azurerm/lib/data-azurerm-kubernetes-cluster";
import { KubernetesClusterNodePool } from "@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AZURERM_VERSION, clusterName, parseArgs, poolSpec, report, RESOURCE_GROUP, SUBSCRIPTION_ID } from "./fleet";

const loadedMs = performance.now();
const args = parseArgs(process.argv);

const app = new App({ outdir: args.outdir });
let resources = 0;
for (let i = 0; i < args.clusters; i++) {
  const name = clusterName(i);
  const stack = new TerraformStack(app, name);
  new AzurermProvider(stack, "azurerm", {
    features: [{}],
    subscriptionId: SUBSCRIPTION_ID,
    useCli: false,
    resourceProviderRegistrations: "none",
  });
  stack.addOverride("terraform.required_providers.azurerm", { source: "hashicorp/azurerm", version: AZURERM_VERSION });
  stack.addOverride("terraform.backend", undefined);
  const data = new DataAzurermKubernetesCluster(stack, `cluster-${RESOURCE_GROUP}-${name}`, { name, resourceGroupName: RESOURCE_GROUP });
  for (let j = 0; j < args.pools; j++) {
    const spec = poolSpec(name, j);
    // The same construct path as GuardedNodePool (<stack>/<pool>/pool), so the logical ids are the same too.
    const scope = new Construct(stack, spec.name);
    new KubernetesClusterNodePool(scope, "pool", {
      name: spec.name,
      kubernetesClusterId: data.id,
      vmSize: spec.vmSize,
      autoScalingEnabled: true,
      minCount: spec.minCount,
      maxCount: spec.maxCount,
      nodeCount: spec.nodeCount,
      mode: "User",
      zones: spec.zones,
      nodeLabels: spec.nodeLabels,
      osType: "Linux",
      priority: "Regular",
      temporaryNameForRotation: `${spec.name}tmp`,
      tags: spec.tags,
      upgradeSettings: { maxSurge: "10%" }, // what GuardedNodePool writes when none is given (docs/steady-state-audit.md)
      lifecycle: { ignoreChanges: ["node_count"], preventDestroy: true },
    });
    resources++;
  }
}
const constructedMs = performance.now();
app.synth();
const synthesizedMs = performance.now();

report({
  loadedMs,
  constructedMs,
  synthesizedMs,
  maxRssKb: process.resourceUsage().maxRSS,
  heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
  resources,
});
