/**
 * The worked example: the article's scenario ("GitOps Best Practices for Azure: Managing Configuration Drift with
 * FluxCD and Terraform") written with this library. `npm run synth` writes this repo's own `infrastructure/` and `clusters/`.
 *
 * Values that only exist in Azure come from cdktf.json context; the defaults there are all-zero GUIDs, clearly fake,
 * so synth works offline.
 */
import {
  ApprovalMode,
  Duration,
  FluxBootstrap,
  GitOpsApp,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolCluster,
  NotificationProvider,
  RunnerIdentity,
  TerraformControllerCR,
} from "./lib";

const app = new GitOpsApp();
const subscriptionId: string = app.node.tryGetContext("subscriptionId");
const tenantId: string = app.node.tryGetContext("tenantId");
// The GitOps repo as Flux clones it (cdktf.json context; no credentials: flux bootstrap keeps them in a Secret).
const repositoryUrl: string = app.node.tryGetContext("gitRepositoryUrl");

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

// Flux on the article's cluster. `flux bootstrap git --url=<gitRepositoryUrl> --branch=main --path=./clusters/aks-gitops-tf`
// (see flux.bootstrapInstructions) owns clusters/aks-gitops-tf/flux-system/; the library writes the rest of the folder:
// tofu-controller first (chart 0.16.5, health-checked), then the Terraform objects.
const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-gitops-tf", repositoryUrl });

// The runner's Azure identity, instead of the article's ARM_USE_MSI (the nodes' kubelet identity, which every pod on
// those nodes can use): a user-assigned identity federated to the ServiceAccount flux-system/tf-runner-azure only,
// with a custom role that can manage this cluster's node pools and nothing else. Its Terraform goes to
// bootstrap/aks-gitops-tf/main.tf.json, applied once by someone who may grant roles on the cluster (never by the
// runner). Its client id exists only after that apply: it comes back through the runnerClientIds context entry
// (cdktf.json; all zeros here, clearly fake). Without it, the Terraform object is written suspended.
const runnerIdentity = new RunnerIdentity(app, "runner-identity", { cluster: flux, aksCluster: cluster, subscriptionId, tenantId });

// The article's Terraform object: a drift check every 5 minutes, drift reverted automatically. Its path
// (./infrastructure/aks-gitops-tf) and state Secret (tfstate-default-aks-gitops-tf) come from the stack.
new TerraformControllerCR(app, "aks-drift-reconciler", {
  cluster: flux,
  stack: infra,
  approval: ApprovalMode.AUTO,
  interval: Duration.minutes(5),
  namespace: "flux-system",
  runnerIdentity,
});

// Drift alerts to a Teams channel. The webhook address is a credential: it lives in the Secret flux-system/msteams-webhook
// (key `address`), created out of band, never in Git. Terraform drift events need Flux's Alert CRD patched, which the
// library writes into clusters/aks-gitops-tf/flux-system/kustomization.yaml (or tells you what to add to yours).
flux.addAlerts("platform-alerts", { provider: NotificationProvider.msteams({ secretName: "msteams-webhook" }) });

app.synth();
