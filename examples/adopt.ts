/**
 * The worked example (main.ts) for a reader who already runs the article's hand-written setup: the same code, except
 * that it takes over what exists instead of creating it (docs/migrating-from-hand-written.md):
 *
 * - the Terraform object keeps the article's object's name, namespace and state: the hand-written
 *   `flux-system/aks-drift-reconciler` had no backendConfig, so its state is the Secret
 *   `flux-system/tfstate-default-aks-drift-reconciler` (tofu-controller's default suffix is the object's name);
 *   `secretSuffix: "aks-drift-reconciler"` names it again;
 * - the pool declares the address it has in that state, `azurerm_kubernetes_cluster_node_pool.core_pool`, written as
 *   a `moved` block, so the first plan moves it and creates and destroys nothing.
 *
 * test/example-adopt.test.ts synthesizes it, holds it to the worked example's committed tree (only those two
 * differences), and plans it against a state holding the article's address. Remove `adopt` once the first apply is
 * through; the state suffix stays for good.
 */
import {
  ApprovalMode,
  Duration,
  FluxBootstrap,
  GitOpsApp,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolAdoption,
  NodePoolCluster,
  NotificationProvider,
  RunnerIdentity,
  TerraformControllerCR,
} from "../lib";

/** Where the article's hand-written main.tf had its pool, in the state Secret the adopting object keeps. */
export const ARTICLE_POOL_ADDRESS = "azurerm_kubernetes_cluster_node_pool.core_pool";
/** The hand-written Terraform object's name in flux-system: tofu-controller's state suffix when there is no backendConfig. */
export const ARTICLE_OBJECT = "aks-drift-reconciler";

/** Builds the worked example, adopting the article's pool and state, into an app (used by the tests). */
export function buildAdoptedArticle(app: GitOpsApp): void {
  const subscriptionId: string = app.node.tryGetContext("subscriptionId");
  const tenantId: string = app.node.tryGetContext("tenantId");
  const repositoryUrl: string = app.node.tryGetContext("gitRepositoryUrl");

  const cluster = NodePoolCluster.fromClusterName("aks-gitops-tf", "rg-gitops-flux");
  const infra = new InfrastructureStack(app, "aks-gitops-tf", { subscriptionId });

  // The article's pool, as AKS reports it: Azure's spelling of the size (the article typed Standard_D2S_v3).
  new GuardedNodePool(infra, "corepool", {
    cluster,
    name: "corepool",
    vmSize: "Standard_D2s_v3",
    nodeCount: 3,
    minCount: 3,
    maxCount: 5,
    adopt: NodePoolAdoption.fromPreviousAddress(ARTICLE_POOL_ADDRESS),
  });

  const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-gitops-tf", repositoryUrl });
  const runnerIdentity = new RunnerIdentity(app, "runner-identity", { cluster: flux, aksCluster: cluster, subscriptionId, tenantId });

  // The article's object, by the same name in the same namespace, on the state it wrote.
  new TerraformControllerCR(app, ARTICLE_OBJECT, {
    cluster: flux,
    stack: infra,
    approval: ApprovalMode.AUTO,
    interval: Duration.minutes(5),
    namespace: "flux-system",
    secretSuffix: ARTICLE_OBJECT,
    runnerIdentity,
  });

  flux.addAlerts("platform-alerts", { provider: NotificationProvider.msteams({ secretName: "msteams-webhook" }) });
}
