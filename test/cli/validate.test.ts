import * as fs from "fs";
import * as path from "path";
import {
  ApprovalMode,
  FluxBootstrap,
  FluxInstall,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolCluster,
  NotificationProvider,
  TerraformControllerCR,
} from "../../lib";
import { validateRepo } from "../../lib/cli";
import { fluxTargetsOf } from "../../lib/cli/schema-check";
import { cleanupTempDirs, newApp, SUBSCRIPTION, workspace } from "../helpers";

afterAll(cleanupTempDirs);

const ROOT = path.resolve(__dirname, "../..");
/** The runner's Azure credentials from a Secret (a Terraform object without any is refused). */
const RUNNER_SECRET = { envFrom: [{ secretName: "azure-credentials" }] };

/** A synthesized repo on disk: one pool, a flux CLI cluster with Terraform-event alerts (valid only with the CRD patch). */
function synthesizedRepo(): string {
  const ws = workspace();
  const app = newApp(ws);
  const infra = new InfrastructureStack(app, "aks-dev", { subscriptionId: SUBSCRIPTION });
  new GuardedNodePool(infra, "corepool", {
    cluster: NodePoolCluster.fromClusterName("aks-dev", "rg-aks-dev"),
    name: "corepool",
    vmSize: "Standard_D4s_v5",
    minCount: 3,
    maxCount: 5,
  });
  const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: "https://github.com/example-org/gitops.git" });
  new TerraformControllerCR(app, "aks-dev-tf", { cluster: flux, stack: infra, approval: ApprovalMode.AUTO, runnerPod: RUNNER_SECRET });
  flux.addAlerts("alerts", { provider: NotificationProvider.msteams({ secretName: "msteams-webhook" }), terraformEvents: true });
  app.synth();
  return ws.repo;
}

const edit = (repo: string, file: string, change: (text: string) => string) =>
  fs.writeFileSync(path.join(repo, file), change(fs.readFileSync(path.join(repo, file), "utf8")));

describe("validate: a GitOps repo checked without Azure, a cluster or the app", () => {
  test("the repo's own committed example tree is valid: bootstrap's files stood in for, Terraform Alert valid with its patch", () => {
    // Before bootstrap the tree holds only the library's placeholder (a comment, no objects): validate stands in for it.
    const components = fs.readFileSync(path.join(ROOT, "clusters/aks-gitops-tf/flux-system/gotk-components.yaml"), "utf8");
    expect(components).toMatch(/^# Placeholder written by cdktf-aks-gitops/);
    expect(components.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"))).toEqual([]);
    const { problems, summary } = validateRepo({ dir: ROOT });
    expect(problems).toEqual([]);
    expect(summary).toMatch(/^kustomize builds of 1 cluster folder; \d+ objects checked against the CRD schemas/);
  });

  test("a fresh synth is valid; a hand edit, a missing file and an invalid field are one line each", () => {
    const repo = synthesizedRepo();
    expect(validateRepo({ dir: repo }).problems).toEqual([]);
    edit(repo, "clusters/aks-dev/terraform/aks-dev-tf.yaml", (t) => t.replace("interval: ", "intervall: "));
    fs.rmSync(path.join(repo, "clusters/aks-dev/tofu-controller/helm-repository.yaml"));
    const { problems } = validateRepo({ dir: repo });
    expect(problems).toEqual([
      "clusters/aks-dev/terraform/aks-dev-tf.yaml: edited by hand (its sha256 differs from .gitops-generated.json); " +
        "the next synth restores it: change the app instead",
      "clusters/aks-dev/tofu-controller/helm-repository.yaml: missing, but listed in .gitops-generated.json " +
        "(synthesize again and commit, or restore it from Git)",
      expect.stringMatching(/^clusters\/aks-dev\/tofu-controller: kubectl kustomize failed: .*helm-repository\.yaml/),
      'Terraform aks-dev-tf (clusters/aks-dev/terraform/aks-dev-tf.yaml) field spec: missing required field "interval"',
      'Terraform aks-dev-tf (clusters/aks-dev/terraform/aks-dev-tf.yaml) field spec: unknown field "intervall"',
    ]);
  });

  test("the Terraform-event Alert is checked against the CRD as the cluster's kustomization patches it", () => {
    const repo = synthesizedRepo();
    edit(repo, "clusters/aks-dev/flux-system/kustomization.yaml", (t) => t.replace(/patches:[\s\S]*$/, ""));
    const problems = validateRepo({ dir: repo }).problems;
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^Alert alerts-terraform \(clusters\/aks-dev\/flux-system\/terraform-alerts\.yaml( document \d+)?\) field spec\.eventSources\[0\]\.kind: must be one of: /,
      ),
    );
  });

  test("without kubectl on the PATH: said so, non-zero, unless --no-kustomize", () => {
    const repo = synthesizedRepo();
    const saved = process.env.PATH;
    process.env.PATH = workspace().dir; // an empty folder: no kubectl
    try {
      expect(validateRepo({ dir: repo }).problems).toEqual([
        "kubectl is not on the PATH: the kustomize builds were skipped (install kubectl, or pass --no-kustomize)",
      ]);
      expect(validateRepo({ dir: repo, kustomize: false })).toMatchObject({
        problems: [],
        summary: expect.stringMatching(/^kustomize builds skipped/),
      });
    } finally {
      process.env.PATH = saved;
    }
  });

  test("flux CLI mode before bootstrap, no alerts: the listed flux-system folder does not exist yet and is stood in for", () => {
    const ws = workspace();
    const app = newApp(ws);
    const infra = new InfrastructureStack(app, "aks-dev", { subscriptionId: SUBSCRIPTION });
    const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: "https://github.com/example-org/gitops.git" });
    new TerraformControllerCR(app, "aks-dev-tf", { cluster: flux, stack: infra, approval: ApprovalMode.AUTO, runnerPod: RUNNER_SECRET });
    app.synth();
    expect(fs.existsSync(path.join(ws.repo, "clusters/aks-dev/flux-system"))).toBe(false);
    expect(validateRepo({ dir: ws.repo }).problems).toEqual([]);
    // A folder of the library's own that is missing is not stood in for.
    fs.rmSync(path.join(ws.repo, "clusters/aks-dev/terraform"), { recursive: true });
    expect(validateRepo({ dir: ws.repo }).problems).toContainEqual(
      expect.stringMatching(/^clusters\/aks-dev\/terraform\/kustomization\.yaml: missing/),
    );
  });

  test("each cluster's Flux target, from the repo alone: gotk-components.yaml's header, or the AKS extension's pinned version", () => {
    const ws = workspace();
    const app = newApp(ws);
    new FluxBootstrap(app, "aks", {
      clusterName: "aks-prod",
      repositoryUrl: "https://github.com/example-org/gitops.git",
      install: FluxInstall.aksExtension({
        subscriptionId: SUBSCRIPTION,
        clusterName: "aks-prod",
        resourceGroupName: "rg",
        extensionVersion: "1.24.1",
      }),
    });
    new FluxBootstrap(app, "cli", { clusterName: "aks-dev", repositoryUrl: "https://github.com/example-org/gitops.git" });
    new FluxBootstrap(app, "new", { clusterName: "aks-new", repositoryUrl: "https://github.com/example-org/gitops.git" });
    app.synth();
    fs.mkdirSync(path.join(ws.repo, "clusters/aks-dev/flux-system"), { recursive: true });
    fs.writeFileSync(path.join(ws.repo, "clusters/aks-dev/flux-system/gotk-components.yaml"), "# Flux Version: v2.8.3\n");
    const targets = fluxTargetsOf(ws.repo, ["aks-dev", "aks-new", "aks-prod"]);
    expect([...targets]).toEqual([
      ["aks-dev", "2.8"],
      ["aks-prod", "2.7"],
    ]);
  });

  test("no record, no clusters: both named", () => {
    const ws = workspace();
    fs.mkdirSync(ws.repo);
    expect(validateRepo({ dir: ws.repo, kustomize: false }).problems).toEqual([
      ".gitops-generated.json: missing (synthesize the app, then commit the tree)",
      "clusters/: no cluster folder (synthesize the app first)",
    ]);
  });
});
