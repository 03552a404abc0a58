/**
 * The in-memory synth of cdktf-aks-gitops/testing: it returns exactly what a real synth writes, and writes nothing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Construct } from "constructs";
import {
  ApprovalMode,
  FluxBootstrap,
  GitOpsApp,
  GitOpsChecks,
  GitOpsSynthError,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolCluster,
  PolicyPack,
  TerraformControllerCR,
} from "../../lib";
import { GitOpsFile, IGitOpsFileProducer, markFileProducer } from "../../lib/core/gitops-file";
import { synthGitOps, synthGitOpsFiles, testApp } from "../../lib/testing";
import { CLUSTER_ID, cleanupTempDirs, listFiles, newApp, RUNNER_CREDENTIALS, SUBSCRIPTION, thrownBy, workspace } from "../helpers";

afterAll(cleanupTempDirs);

/** A small fleet: two stacks with pools, one cluster with tofu-controller and two Terraform objects. */
function fleet(app: GitOpsApp): void {
  const cluster = NodePoolCluster.fromClusterId(CLUSTER_ID);
  const prod = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
  new GuardedNodePool(prod, "corepool", { cluster, name: "corepool", vmSize: "Standard_D2s_v3", minCount: 3, maxCount: 5 });
  const batch = new InfrastructureStack(app, "batch", { subscriptionId: SUBSCRIPTION });
  new GuardedNodePool(batch, "batchpool", { cluster, name: "batchpool", vmSize: "Standard_D4s_v3", minCount: 3, maxCount: 20 });
  const flux = new FluxBootstrap(app, "flux", { clusterName: "prod-weu", repositoryUrl: "https://github.com/example/gitops.git" });
  new TerraformControllerCR(app, "prod-tf", { cluster: flux, stack: prod, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
  new TerraformControllerCR(app, "batch-tf", { cluster: flux, stack: batch, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
}

function readTree(root: string): Record<string, string> {
  return Object.fromEntries(listFiles(root).map((rel) => [rel, fs.readFileSync(path.join(root, ...rel.split("/")), "utf8")]));
}

test("the in-memory map equals what a real synth writes to disk, byte for byte (ownership record included on request)", () => {
  const ws = workspace();
  const app = newApp(ws);
  fleet(app);
  const inMemory = synthGitOpsFiles(app, { includeOwnershipRecord: true });
  app.synth();
  expect(inMemory).toEqual(readTree(ws.repo));
  expect(Object.keys(inMemory)).toEqual(
    expect.arrayContaining([
      "infrastructure/prod/main.tf.json",
      "infrastructure/batch/main.tf.json",
      "clusters/prod-weu/terraform/prod-tf.yaml",
    ]),
  );
});

test("by default the map leaves the ownership record out, and keys are sorted", () => {
  const app = testApp();
  fleet(app);
  const files = synthGitOpsFiles(app);
  expect(files[".gitops-generated.json"]).toBeUndefined();
  expect(Object.keys(files)).toEqual([...Object.keys(files)].sort());
});

test("nothing is written: not the GitOps root, not cdktf.out, not the working directory", () => {
  const ws = workspace();
  const app = newApp(ws);
  fleet(app);
  const cwdBefore = fs.readdirSync(process.cwd()).sort();
  // cdktf's App constructor creates the outdir and an empty stacks/ (as Testing.app() does); the synth adds nothing.
  expect(fs.readdirSync(app.outdir)).toEqual(["stacks"]);
  synthGitOps(app);
  expect(fs.existsSync(ws.repo)).toBe(false);
  expect(fs.readdirSync(app.outdir)).toEqual(["stacks"]);
  expect(fs.readdirSync(path.join(app.outdir, "stacks"))).toEqual([]);
  expect(fs.readdirSync(process.cwd()).sort()).toEqual(cwdBefore);
});

test("a stack alone gives its own files only", () => {
  const app = testApp();
  fleet(app);
  const batch = app.node.findChild("batch") as InfrastructureStack;
  expect(Object.keys(synthGitOpsFiles(batch))).toEqual(["infrastructure/batch/main.tf.json"]);
});

test("invalid input is refused like a synth: every problem at once, GitOpsSynthError", () => {
  const app = testApp();
  const stack = new InfrastructureStack(app, "prod", { subscriptionId: "not-a-guid" });
  new GuardedNodePool(stack, "p", {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    name: "p",
    vmSize: "Standard_D2s_v3",
    minCount: 1,
    maxCount: 5,
  });
  const e = thrownBy(() => synthGitOps(app));
  expect(e).toBeInstanceOf(GitOpsSynthError);
  expect((e as GitOpsSynthError).problems).toEqual([
    expect.stringMatching(/^\[prod\] subscriptionId = "not-a-guid"/),
    expect.stringMatching(/^\[prod\/p\] minCount = 1: allowed is at least the floor/),
  ]);
});

test("the tree checks run as in a synth: a manifest the CRD schema rejects is refused", () => {
  class BadManifest extends Construct implements IGitOpsFileProducer {
    constructor(scope: Construct, id: string) {
      super(scope, id);
      markFileProducer(this);
    }
    _gitOpsFiles(): GitOpsFile[] {
      const doc = {
        apiVersion: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        metadata: { name: "x", namespace: "flux-system" },
        spec: { interval: "10m", prune: true, sourceRef: { kind: "GitRepository", name: "flux-system" }, pruneEverything: true },
      };
      return [{ path: "clusters/x/bad.yaml", source: this.node.path, content: { format: "yaml", documents: [doc] } }];
    }
  }
  const app = testApp();
  new BadManifest(app, "bad");
  expect(() => synthGitOps(app)).toThrow(/unknown field "pruneEverything"/);
});

test("findings are returned with allowErrorAnnotations, and thrown without", () => {
  const app = testApp();
  const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
  new GuardedNodePool(stack, "p", {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    name: "p",
    vmSize: "Standard_D2s_v3",
    minCount: 3,
    maxCount: 5,
  });
  PolicyPack.applyTo(app, new GitOpsChecks({ minCountFloor: 4 }));
  expect(() => synthGitOps(app)).toThrow(/GitOps-NP2/);
  const { files, annotations } = synthGitOps(app, { allowErrorAnnotations: true });
  expect(Object.keys(files)).toEqual(["infrastructure/prod/main.tf.json"]);
  expect(annotations.map((a) => [a.constructPath, a.level, a.message.split(":")[0]])).toEqual([["prod/p/pool", "error", "GitOps-NP2"]]);
});

test("testApp: a GitOpsApp whose cdktf outdir and GitOps root are temp directories", () => {
  const app = testApp();
  expect(app).toBeInstanceOf(GitOpsApp);
  expect(path.relative(os.tmpdir(), app.outdir).startsWith("..")).toBe(false);
  expect(path.relative(os.tmpdir(), app.gitopsRoot).startsWith("..")).toBe(false);
});
