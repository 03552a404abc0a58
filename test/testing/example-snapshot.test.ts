/**
 * The example test of docs/testing.md, as a platform team would write it (there the imports are "cdktf-aks-gitops"
 * and "cdktf-aks-gitops/testing"). Here the snapshot assertion is replaced by a determinism check, so that this
 * repo's own changes to rendered output do not need a second snapshot update; the consumer test
 * (test/consumer/run.sh) runs the documented version, snapshot included, against the packed tarball.
 */
import "../../lib/testing/jest";
import {
  ApprovalMode,
  FluxBootstrap,
  GitOpsChecks,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolCluster,
  PolicyPack,
  TerraformControllerCR,
} from "../../lib";
import { synthGitOps, synthGitOpsFiles, testApp } from "../../lib/testing";

function buildApp() {
  const app = testApp();
  const infra = new InfrastructureStack(app, "aks-prod", { subscriptionId: "00000000-0000-0000-0000-000000000000" });
  new GuardedNodePool(infra, "corepool", {
    cluster: NodePoolCluster.fromClusterName("aks-prod", "rg-aks-prod"),
    name: "corepool",
    vmSize: "Standard_D4s_v5",
    minCount: 3,
    maxCount: 6,
  });
  const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-prod", repositoryUrl: "https://github.com/example/platform-gitops.git" });
  // The runner's Azure credentials: the ARM_* variables of a Secret (or a runnerIdentity); without either, refused.
  const runnerPod = { envFrom: [{ secretName: "azure-credentials" }] };
  new TerraformControllerCR(app, "aks-prod-tf", { cluster: flux, stack: infra, approval: ApprovalMode.AUTO, runnerPod });
  PolicyPack.applyTo(app, new GitOpsChecks());
  return app;
}

describe("platform GitOps repo", () => {
  const files = synthGitOpsFiles(buildApp());

  test("the generated tree is the same on every synth (what makes the snapshot stable)", () => {
    expect(synthGitOpsFiles(buildApp())).toEqual(files);
  });

  test("every manifest matches the CRD schemas", () => {
    expect(files).toMatchCrdSchema();
  });

  test("every node pool keeps its guardrails", () => {
    expect(files).toHaveOnlyGuardedNodePools({ minCountFloor: 3, preventDestroy: true });
  });

  test("no policy findings", () => {
    expect(synthGitOps(buildApp()).annotations).toEqual([]);
  });
});
