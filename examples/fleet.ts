/**
 * A two-cluster fleet (dev and prod) on the AKS Flux extension, written into `examples/fleet-repo/` (committed):
 *
 *   npx ts-node examples/fleet.ts
 *
 * - Both clusters get Flux from the `microsoft.flux` extension: `bootstrap/<cluster>/main.tf.json`, applied once with
 *   `tofu -chdir=bootstrap/<cluster> init && tofu -chdir=bootstrap/<cluster> apply`, points each cluster at
 *   `clusters/<cluster>/` on `main`.
 * - One stack, `node-pools`, is shared: the same code reconciled on both clusters, each with its own state and its
 *   own cluster id (a Terraform variable set per cluster).
 * - Promotion dev → prod: dev applies `infrastructure/node-pools` from `main` as soon as it merges; prod applies it
 *   from the `release` branch, so a change reaches prod when `release` is fast-forwarded to a commit dev applied.
 *   Because prod's code comes from a source separate from its manifests, prod can use manual approval
 *   (tofu-controller #1878 would loop otherwise). Manual approval keeps prod quiet: a drift it may not apply backs off
 *   (ExponentialBackoff up to 1h, not a runner pod a minute) and the pending plan is stored readably
 *   (`storeReadablePlan: human`); see docs/drift.md. Both clusters are AKS-extension ones, so the synth says once per
 *   cluster that Terraform drift reaches no Flux Alert there, and what works instead.
 * - prod has a stack of its own, `aks-prod-batch`, that waits for `node-pools`.
 * - Each cluster's runners authenticate with a `RunnerIdentity` (workload identity, node pools only): the stacks'
 *   provider has `use_cli = false`, so without it no runner could authenticate. Until its client id is in the
 *   context (`runnerClientIds`, after applying `bootstrap/<cluster>`), each Terraform object is written suspended.
 *
 * Values that only exist in Azure come from cdktf.json context (all-zero GUIDs: clearly fake, synth works offline).
 */
import * as fs from "fs";
import * as path from "path";
import { TerraformVariable } from "cdktf";
import {
  Approval,
  Duration,
  FluxBootstrap,
  FluxInstallMode,
  GitOpsApp,
  GitRef,
  GitRepositorySource,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolCluster,
  PromotionOrder,
  RunnerIdentity,
  TerraformControllerCR,
} from "../lib";

/** Where `npx ts-node examples/fleet.ts` writes the fleet's GitOps repo (relative to the project root). */
export const FLEET_REPO = "examples/fleet-repo";

/** Builds the fleet into an app (used by this script and by the tests). */
export function buildFleet(app: GitOpsApp): void {
  const subscriptionId: string = app.node.tryGetContext("subscriptionId");
  const tenantId: string = app.node.tryGetContext("tenantId");
  const repositoryUrl: string = app.node.tryGetContext("gitRepositoryUrl");
  const clusterId = (rg: string, name: string): string =>
    `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;

  // The shared stack: one code base, parameterised by the cluster it runs for.
  const nodePools = new InfrastructureStack(app, "node-pools", { subscriptionId });
  const targetCluster = new TerraformVariable(nodePools, "cluster_id", {
    type: "string",
    description: "Resource id of the AKS cluster whose pools this state manages (set per cluster by its Terraform object).",
  });
  new GuardedNodePool(nodePools, "corepool", {
    cluster: NodePoolCluster.fromClusterId(targetCluster.stringValue),
    name: "corepool",
    vmSize: "Standard_D4s_v5",
    minCount: 3,
    maxCount: 6,
  });

  // prod only: a batch pool on Spot capacity.
  const batch = new InfrastructureStack(app, "aks-prod-batch", { subscriptionId });
  new GuardedNodePool(batch, "batch", {
    cluster: NodePoolCluster.fromClusterName("aks-prod", "rg-fleet-prod"),
    name: "batch",
    vmSize: "Standard_D8s_v5",
    minCount: 3,
    maxCount: 20,
    spot: {},
  });

  const dev = new FluxBootstrap(app, "dev", {
    clusterName: "aks-dev",
    repositoryUrl,
    mode: FluxInstallMode.AKS_EXTENSION,
    aksExtension: { subscriptionId, clusterName: "aks-dev", resourceGroupName: "rg-fleet-dev", localAuthReference: "git-credentials" },
  });
  const prod = new FluxBootstrap(app, "prod", {
    clusterName: "aks-prod",
    repositoryUrl,
    mode: FluxInstallMode.AKS_EXTENSION,
    aksExtension: { subscriptionId, clusterName: "aks-prod", resourceGroupName: "rg-fleet-prod", localAuthReference: "git-credentials" },
  });

  // The stacks' provider has use_cli = false (the runner image has no Azure CLI): each cluster's runners authenticate
  // with a workload identity that may manage that cluster's node pools and nothing else (bootstrap/<cluster>).
  const devIdentity = new RunnerIdentity(app, "dev-runner-identity", {
    cluster: dev,
    aksCluster: NodePoolCluster.fromClusterName("aks-dev", "rg-fleet-dev"),
    subscriptionId,
    tenantId,
  });
  const prodIdentity = new RunnerIdentity(app, "prod-runner-identity", {
    cluster: prod,
    aksCluster: NodePoolCluster.fromClusterName("aks-prod", "rg-fleet-prod"),
    subscriptionId,
    tenantId,
  });

  // dev follows main and applies every merge.
  dev.addTerraform("node-pools", {
    stack: nodePools,
    runnerIdentity: devIdentity,
    approval: Approval.auto(),
    interval: Duration.minutes(10),
    vars: { cluster_id: clusterId("rg-fleet-dev", "aks-dev") },
  });

  // prod reads the Terraform from the release branch and waits for a human to approve each plan.
  const release = new GitRepositorySource(prod, "release", { cluster: prod, ref: GitRef.branch("release") });
  const prodPools = prod.addTerraform("node-pools", {
    stack: nodePools,
    source: release,
    approval: Approval.manual(),
    interval: Duration.minutes(30),
    runnerIdentity: prodIdentity,
    vars: { cluster_id: clusterId("rg-fleet-prod", "aks-prod") },
  });
  new TerraformControllerCR(prod, "aks-prod-batch", {
    cluster: prod,
    stack: batch,
    source: release,
    approval: Approval.manual(),
    interval: Duration.minutes(30),
    dependsOn: [prodPools],
    runnerIdentity: prodIdentity,
  });

  new PromotionOrder(app, "promotion", { stages: [dev, prod] });
}

if (require.main === module) {
  // Run directly (not through `cdktf synth`): the context comes from cdktf.json, as the CLI would pass it.
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "cdktf.json"), "utf8")) as { context?: Record<string, unknown> };
  const app = new GitOpsApp({ gitopsRoot: FLEET_REPO, outdir: path.join(__dirname, "cdktf.out"), context: config.context });
  buildFleet(app);
  app.synth();
}
