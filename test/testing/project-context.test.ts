/**
 * What makes the testing helpers fit a real project (#16 item 3): testApp() starts with the context of the project's
 * cdktf.json, the node pool matchers honour policy suppressions, and `findings` is empty with logged suppressions.
 */
import "../../lib/testing/jest";
import * as fs from "fs";
import * as path from "path";
import { GitOpsChecks, GuardedNodePool, InfrastructureStack, NodePoolCluster, PolicyPack, PolicySuppressions } from "../../lib";
import { synthGitOps, testApp } from "../../lib/testing";
import { cleanupTempDirs, SUBSCRIPTION, tempDir } from "../helpers";

afterAll(cleanupTempDirs);

function inDir<T>(dir: string, fn: () => T): T {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return fn();
  } finally {
    process.chdir(before);
  }
}

describe("testApp() and the project's cdktf.json", () => {
  const project = tempDir();
  fs.writeFileSync(path.join(project, "cdktf.json"), JSON.stringify({ app: "x", context: { clusterName: "aks-ctx", nested: { a: 1 } } }));
  const sub = path.join(project, "test", "unit");
  fs.mkdirSync(sub, { recursive: true });

  test("the context of the cdktf.json found from the working directory upwards, as cdktf synth reads it", () => {
    const app = inDir(sub, () => testApp());
    expect(app.node.tryGetContext("clusterName")).toBe("aks-ctx");
    expect(app.node.tryGetContext("nested")).toEqual({ a: 1 });
  });

  test("context entries passed to testApp win; cdktfJson names another file or turns reading off", () => {
    const other = path.join(tempDir(), "other.json");
    fs.writeFileSync(other, JSON.stringify({ context: { clusterName: "from-other" } }));
    inDir(sub, () => {
      expect(testApp({ context: { clusterName: "mine" } }).node.tryGetContext("clusterName")).toBe("mine");
      expect(testApp({ cdktfJson: other }).node.tryGetContext("clusterName")).toBe("from-other");
      expect(testApp({ cdktfJson: false }).node.tryGetContext("clusterName")).toBeUndefined();
    });
  });

  test("no cdktf.json anywhere up: no context; a broken one is an error naming it", () => {
    const bare = tempDir();
    // tmpdir has no cdktf.json above it (checked, so the test cannot pass by accident)
    let d = bare;
    for (; path.dirname(d) !== d; d = path.dirname(d)) expect(fs.existsSync(path.join(d, "cdktf.json"))).toBe(false);
    expect(inDir(bare, () => testApp()).node.tryGetContext("clusterName")).toBeUndefined();
    const broken = path.join(tempDir(), "cdktf.json");
    fs.writeFileSync(broken, "{ nope");
    expect(() => testApp({ cdktfJson: broken })).toThrow(`testApp: cannot read the context of ${broken}`);
  });
});

describe("suppressions: matchers and findings", () => {
  /** A pool below the organisation's floor of 3 (its own guardrail allows 2), GitOps-NP2 waived with a reason. */
  function suppressedApp(logSuppressions: boolean, preventDestroy = true) {
    const app = testApp({ cdktfJson: false });
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    const pool = new GuardedNodePool(stack, "batch", {
      cluster: NodePoolCluster.fromClusterName("aks-prod", "rg-aks-prod"),
      name: "batch",
      vmSize: "Standard_D4s_v5",
      minCount: 2,
      maxCount: 4,
      guardrails: { minCountFloor: 2 },
      preventDestroy,
    });
    PolicySuppressions.addResourceSuppressions(pool, [{ id: "GitOps-NP2", reason: "batch pool, two nodes are enough" }], true);
    PolicyPack.applyTo(app, new GitOpsChecks({ logSuppressions }));
    return app;
  }

  test("toHaveOnlyGuardedNodePools on a synthGitOps result does not report what a suppression waives; on bare files it does", () => {
    const result = synthGitOps(suppressedApp(false));
    expect(result.suppressions).toEqual([
      { constructPath: "prod/batch/pool", id: "GitOps-NP2", reason: "batch pool, two nodes are enough" },
    ]);
    expect(result).toHaveOnlyGuardedNodePools({ minCountFloor: 3 });
    expect(result.files).not.toHaveOnlyGuardedNodePools({ minCountFloor: 3 });
    // Only the waived rule: prevent_destroy (GitOps-NP4) is not waived and still reported.
    const unguarded = synthGitOps(suppressedApp(false, false), { allowErrorAnnotations: true });
    expect(unguarded).not.toHaveOnlyGuardedNodePools({ minCountFloor: 3, preventDestroy: true });
    expect(() => expect(unguarded).toHaveOnlyGuardedNodePools({ minCountFloor: 3, preventDestroy: true })).toThrow(
      /1 problem:\n.*lifecycle\.prevent_destroy = false, expected true$/,
    );
  });

  test("with logSuppressions the waived finding is an info annotation, and findings stays empty", () => {
    const { annotations, findings } = synthGitOps(suppressedApp(true));
    expect(annotations).toEqual([
      expect.objectContaining({ level: "info", message: expect.stringMatching(/^GitOps-NP2 suppressed .*two nodes are enough$/) }),
    ]);
    expect(findings).toEqual([]);
  });

  test("findings holds the errors and warnings", () => {
    const app = testApp({ cdktfJson: false });
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    new GuardedNodePool(stack, "batch", {
      cluster: NodePoolCluster.fromClusterName("aks-prod", "rg-aks-prod"),
      name: "batch",
      vmSize: "Standard_D4s_v5",
      minCount: 2,
      maxCount: 4,
      guardrails: { minCountFloor: 2 },
      preventDestroy: false,
    });
    PolicyPack.applyTo(app, new GitOpsChecks({ logSuppressions: true }));
    const { findings } = synthGitOps(app, { allowErrorAnnotations: true });
    expect(findings.map((f) => `${f.level} ${f.message.split(":")[0]}`)).toEqual(["error GitOps-NP2", "warning GitOps-NP4"]);
  });
});
