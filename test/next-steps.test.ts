/**
 * After a synth, the next open step of each cluster is printed once, with the exact command (#16 item 1): the
 * bootstrap apply while a runner identity has no client id, then `flux bootstrap` (with the credentials flags an HTTPS
 * repo needs) while its components are not in the repo.
 */
import * as fs from "fs";
import * as path from "path";
import { ApprovalMode, FluxBootstrap, FluxInstall, GitOpsApp, InfrastructureStack, NodePoolCluster, RunnerIdentity } from "../lib";
import { cleanupTempDirs, newApp, SUBSCRIPTION, workspace, Workspace } from "./helpers";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";

function synthLog(ws: Workspace, build: (app: GitOpsApp) => void): string[] {
  const lines: string[] = [];
  const app = newApp(ws, { log: (l) => lines.push(l) });
  build(app);
  app.synth();
  return lines.filter((l) => l.startsWith("gitops: next step"));
}

function cliCluster(app: GitOpsApp, identity?: { clientId?: string }): void {
  const infra = new InfrastructureStack(app, "aks-dev", { subscriptionId: SUBSCRIPTION });
  const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
  const runnerIdentity = identity
    ? new RunnerIdentity(app, "runner-identity", {
        cluster: flux,
        aksCluster: NodePoolCluster.fromClusterName("aks-dev", "rg-dev"),
        subscriptionId: SUBSCRIPTION,
        tenantId: SUBSCRIPTION,
        clientId: identity.clientId,
      })
    : undefined;
  // Without an identity, the runner's Azure credentials come from a Secret (without any, the object is refused).
  const runnerPod = runnerIdentity ? undefined : { envFrom: [{ secretName: "azure-credentials" }] };
  flux.addTerraform("pools", { stack: infra, approval: ApprovalMode.AUTO, runnerIdentity, runnerPod });
}

describe("the next step printed at synth", () => {
  test("flux CLI mode before flux bootstrap: the bootstrap command with --token-auth for the HTTPS repo, until gotk-components.yaml is there", () => {
    const ws = workspace();
    const expected =
      "gitops: next step for aks-dev: commit and push, then (GIT_USERNAME and GIT_PASSWORD: a user and a token that may push): " +
      "flux bootstrap git --url=https://github.com/example-org/gitops.git --branch=main --path=./clusters/aks-dev --interval=1m " +
      '--token-auth=true --username="$GIT_USERNAME" --password="$GIT_PASSWORD"; then pull and synth again';
    expect(synthLog(ws, (a) => cliCluster(a))).toEqual([expected]);
    // An empty placeholder is not bootstrap's output.
    const gotk = path.join(ws.repo, "clusters/aks-dev/flux-system/gotk-components.yaml");
    fs.mkdirSync(path.dirname(gotk), { recursive: true });
    fs.writeFileSync(gotk, "");
    expect(synthLog(ws, (a) => cliCluster(a))).toEqual([expected]);
    fs.writeFileSync(gotk, "# Flux Version: v2.9.4\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n");
    expect(synthLog(ws, (a) => cliCluster(a))).toEqual([]);
  });

  test("a runner identity without a client id: the bootstrap apply and the output to put into cdktf.json come first", () => {
    const ws = workspace();
    expect(synthLog(ws, (a) => cliCluster(a, {}))).toEqual([
      "gitops: next step for aks-dev: commit and push, apply bootstrap/aks-dev once with rights to grant roles on the cluster: " +
        "tofu -chdir=bootstrap/aks-dev init && tofu -chdir=bootstrap/aks-dev apply; then set in cdktf.json's context " +
        "runnerClientIds.aks-dev-tf-runner = $(tofu -chdir=bootstrap/aks-dev output -raw client_id_aks_dev_tf_runner), and synth again",
    ]);
    expect(synthLog(workspace(), (a) => cliCluster(a, { clientId: "11111111-2222-3333-4444-555555555555" }))).toEqual([
      expect.stringMatching(/^gitops: next step for aks-dev: commit and push, then .*flux bootstrap git /),
    ]);
  });

  test("AKS extension without an identity: nothing the repo can tell is open, nothing printed", () => {
    const lines = synthLog(workspace(), (a) => {
      new FluxBootstrap(a, "flux", {
        clusterName: "aks-dev",
        repositoryUrl: REPO,
        install: FluxInstall.aksExtension({ subscriptionId: SUBSCRIPTION, clusterName: "aks-dev", resourceGroupName: "rg-dev" }),
      });
    });
    expect(lines).toEqual([]);
  });
});
