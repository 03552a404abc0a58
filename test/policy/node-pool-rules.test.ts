/**
 * The node-pool rules of the GitOps pack: compliant, non-compliant and suppressed, for GuardedNodePool and for raw
 * KubernetesClusterNodePool resources; and that a policy error blocks the GitOps write.
 */
import * as fs from "fs";
import { KubernetesClusterNodePool, KubernetesClusterNodePoolConfig } from "@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { TerraformStack } from "cdktf";
import {
  GitOpsApp,
  GitOpsChecks,
  GitOpsSynthError,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolCluster,
  PolicyPack,
  PolicySuppressions,
} from "../../lib";
import { synthGitOps } from "../../lib/testing";
import { CLUSTER_ID, cleanupTempDirs, listFiles, newApp, SUBSCRIPTION, thrownBy, workspace } from "../helpers";

afterAll(cleanupTempDirs);

type Finding = { id: string; level: string; path: string };

/** GIVEN an app with one stack WHEN fill() adds constructs and the pack is applied THEN the GitOps-* findings. */
function findings(
  fill: (stack: InfrastructureStack, app: GitOpsApp) => void,
  options?: ConstructorParameters<typeof GitOpsChecks>[0],
): Finding[] {
  const app = newApp(workspace());
  const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
  fill(stack, app);
  PolicyPack.applyTo(app, new GitOpsChecks(options));
  return synthGitOps(app, { allowErrorAnnotations: true })
    .annotations.filter((a) => a.message.startsWith("GitOps-"))
    .map((a) => ({ id: a.message.split(":")[0], level: a.level, path: a.constructPath }));
}

function rawPool(
  stack: InfrastructureStack,
  id: string,
  overrides: Partial<KubernetesClusterNodePoolConfig> = {},
): KubernetesClusterNodePool {
  return new KubernetesClusterNodePool(stack, id, {
    name: id,
    kubernetesClusterId: CLUSTER_ID,
    vmSize: "Standard_D2s_v3",
    autoScalingEnabled: true,
    minCount: 3,
    maxCount: 5,
    lifecycle: { ignoreChanges: ["node_count"], preventDestroy: true },
    ...overrides,
  });
}

function guarded(
  stack: InfrastructureStack,
  id = "corepool",
  extra: Partial<ConstructorParameters<typeof GuardedNodePool>[2]> = {},
): GuardedNodePool {
  return new GuardedNodePool(stack, id, {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    name: id,
    vmSize: "Standard_D2s_v3",
    minCount: 3,
    maxCount: 5,
    ...extra,
  });
}

describe("GuardedNodePool", () => {
  test("defaults comply with every node-pool rule", () => {
    expect(findings((s) => guarded(s))).toEqual([]);
  });

  test("preventDestroy: false is a warning (NP4), not an error", () => {
    expect(findings((s) => guarded(s, "corepool", { preventDestroy: false }))).toEqual([
      { id: "GitOps-NP4", level: "warning", path: "prod/corepool/pool" },
    ]);
  });

  test("a pool whose own guardrails allow a lower minimum still meets the organisation floor of the pack (NP2)", () => {
    const f = findings((s) => guarded(s, "small", { minCount: 2, nodeCount: 2, guardrails: { minCountFloor: 1 } }));
    expect(f).toEqual([{ id: "GitOps-NP2", level: "error", path: "prod/small/pool" }]);
  });

  test("the pack floor is an option", () => {
    expect(findings((s) => guarded(s, "big", { minCount: 4, maxCount: 6 }), { minCountFloor: 5 }).map((f) => f.id)).toEqual(["GitOps-NP2"]);
  });

  test("escape hatches are checked: deleting ignore_changes through an override is NP3", () => {
    const f = findings((s) => guarded(s).resource.addOverride("lifecycle.ignore_changes", undefined));
    expect(f).toEqual([{ id: "GitOps-NP3", level: "error", path: "prod/corepool/pool" }]);
  });
});

describe("raw KubernetesClusterNodePool", () => {
  test("a compliant raw pool has no findings", () => {
    expect(findings((s) => rawPool(s, "raw"))).toEqual([]);
  });

  test("NP1: autoscaling off (and NP2 on its fixed node_count below the floor)", () => {
    const f = findings((s) =>
      rawPool(s, "raw", {
        autoScalingEnabled: false,
        minCount: undefined,
        maxCount: undefined,
        nodeCount: 2,
        lifecycle: { preventDestroy: true },
      }),
    );
    expect(f.map((x) => `${x.id}/${x.level}`)).toEqual(["GitOps-NP1/error", "GitOps-NP2/error"]);
  });

  test("NP1 alone for a fixed pool at the floor; NP3 does not apply without autoscaling", () => {
    const f = findings((s) =>
      rawPool(s, "raw", {
        autoScalingEnabled: undefined,
        minCount: undefined,
        maxCount: undefined,
        nodeCount: 3,
        lifecycle: { preventDestroy: true },
      }),
    );
    expect(f.map((x) => x.id)).toEqual(["GitOps-NP1"]);
  });

  test("NP2: minimum below the floor", () => {
    expect(findings((s) => rawPool(s, "raw", { minCount: 1 })).map((x) => x.id)).toEqual(["GitOps-NP2"]);
  });

  test("NP3: node_count not ignored; ignore_changes = all counts as ignored", () => {
    expect(findings((s) => rawPool(s, "raw", { lifecycle: { preventDestroy: true } })).map((x) => x.id)).toEqual(["GitOps-NP3"]);
    expect(findings((s) => rawPool(s, "raw", { lifecycle: { ignoreChanges: "all", preventDestroy: true } }))).toEqual([]);
  });

  test("NP4: no prevent_destroy", () => {
    expect(findings((s) => rawPool(s, "raw", { lifecycle: { ignoreChanges: ["node_count"] } }))).toEqual([
      { id: "GitOps-NP4", level: "warning", path: "prod/raw" },
    ]);
  });

  test("a pool in a plain TerraformStack of the app is checked too", () => {
    const f = findings((_s, app) => {
      const other = new TerraformStack(app, "plain");
      new AzurermProvider(other, "azurerm", { features: [{}] });
      new KubernetesClusterNodePool(other, "p", { name: "p", kubernetesClusterId: CLUSTER_ID, vmSize: "Standard_D2s_v3", nodeCount: 5 });
    });
    expect(f.map((x) => `${x.path} ${x.id}`)).toEqual(["plain/p GitOps-NP1", "plain/p GitOps-NP4"]);
  });

  test("the message names the rule, says why, and how to waive it", () => {
    const app = newApp(workspace());
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    rawPool(stack, "raw", { minCount: 1 });
    PolicyPack.applyTo(app, new GitOpsChecks());
    const [a] = synthGitOps(app, { allowErrorAnnotations: true }).annotations;
    expect(a.message).toMatch(/^GitOps-NP2: The node pool's minimum is below the floor of 3 nodes/);
    expect(a.message).toContain("rule NodePoolMinCountFloor");
    expect(a.message).toContain(`PolicySuppressions.addResourceSuppressions(construct, [{ id: "GitOps-NP2", reason: "..." }])`);
  });
});

describe("suppressions", () => {
  test("a suppression with a reason waives the rule on that construct only", () => {
    const f = findings((s) => {
      const a = rawPool(s, "a", { minCount: 1 });
      rawPool(s, "b", { minCount: 1 });
      PolicySuppressions.addResourceSuppressions(a, [{ id: "GitOps-NP2", reason: "batch pool, scales to zero at night by design" }]);
    });
    expect(f.map((x) => `${x.path} ${x.id}`)).toEqual(["prod/b GitOps-NP2"]);
  });

  test("applyToChildren on a GuardedNodePool covers its resource; without it, it does not", () => {
    expect(
      findings((s) =>
        PolicySuppressions.addResourceSuppressions(
          guarded(s, "p", { preventDestroy: false }),
          [{ id: "GitOps-NP4", reason: "ephemeral test pool, recreated daily" }],
          true,
        ),
      ),
    ).toEqual([]);
    expect(
      findings((s) =>
        PolicySuppressions.addResourceSuppressions(guarded(s, "p", { preventDestroy: false }), [
          { id: "GitOps-NP4", reason: "ephemeral test pool, recreated daily" },
        ]),
      ).map((x) => x.id),
    ).toEqual(["GitOps-NP4"]);
  });

  test("a stack suppression covers every construct in it, including ones added afterwards", () => {
    const f = findings((s) => {
      PolicySuppressions.addStackSuppressions(s, [{ id: "GitOps-NP4", reason: "sandbox subscription, no data" }]);
      rawPool(s, "late", { lifecycle: { ignoreChanges: ["node_count"] } });
    });
    expect(f).toEqual([]);
  });

  test("suppressing one rule leaves the others", () => {
    const f = findings((s) => {
      const p = rawPool(s, "raw", { minCount: 1, lifecycle: {} });
      PolicySuppressions.addResourceSuppressions(p, [{ id: "GitOps-NP4", reason: "state is disposable in this env" }]);
    });
    expect(f.map((x) => x.id)).toEqual(["GitOps-NP2", "GitOps-NP3"]);
  });

  test("logSuppressions adds an info annotation with the reason", () => {
    const app = newApp(workspace());
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    const p = rawPool(stack, "raw", { minCount: 1 });
    PolicySuppressions.addResourceSuppressions(p, [{ id: "GitOps-NP2", reason: "batch pool, scales down at night" }]);
    PolicyPack.applyTo(app, new GitOpsChecks({ logSuppressions: true }));
    expect(synthGitOps(app).annotations).toEqual([
      {
        constructPath: "prod/raw",
        level: "info",
        message: "GitOps-NP2 suppressed (NodePoolMinCountFloor): batch pool, scales down at night",
      },
    ]);
  });

  test.each([
    ["", "reason"],
    ["too short", "reason"],
    ["         padded   ", "reason"],
  ])("a reason of fewer than 10 characters (%j) is refused at synth, with the synth's other problems", (reason) => {
    const app = newApp(workspace());
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    const p = rawPool(stack, "raw");
    // Not thrown here: the app goes on being declared, and the synth reports this with everything else.
    PolicySuppressions.addResourceSuppressions(p, [{ id: "GitOps-NP2", reason }]);
    guarded(stack, "typo", { vmSize: "Standard D4s" });
    expect(PolicySuppressions.of(p)).toEqual([]);
    const e = thrownBy(() => app.synth()) as GitOpsSynthError;
    expect(e.problems).toEqual([
      `[prod/raw] suppression GitOps-NP2 reason = ${JSON.stringify(reason)}: allowed is a reason of at least 10 characters ` +
        "that says why the finding is acceptable",
      expect.stringMatching(/^\[prod\/typo\] vmSize = "Standard D4s": allowed is/),
    ]);
  });

  test("an id that is not a rule id is refused at synth", () => {
    const app = newApp(workspace());
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    PolicySuppressions.addResourceSuppressions(stack, [{ id: "NP2", reason: "a long enough reason" }]);
    expect(() => app.synth()).toThrow(/\[prod\] suppression id = "NP2": allowed is a rule id such as "GitOps-NP4"/);
  });
});

describe("applying the pack", () => {
  test("Aspects on the App never run in cdktf; applyTo adds the pack to every stack", () => {
    const app = newApp(workspace());
    const a = new InfrastructureStack(app, "a", { subscriptionId: SUBSCRIPTION });
    const b = new InfrastructureStack(app, "b", { subscriptionId: SUBSCRIPTION });
    rawPool(a, "pa", { minCount: 1 });
    rawPool(b, "pb", { minCount: 1 });
    const pack = PolicyPack.applyTo(app, new GitOpsChecks());
    PolicyPack.applyTo(app, pack); // twice: still once per stack
    const ids = synthGitOps(app, { allowErrorAnnotations: true }).annotations.map((x) => `${x.constructPath} ${x.message.split(":")[0]}`);
    expect(ids).toEqual(["a/pa GitOps-NP2", "b/pb GitOps-NP2"]);
  });

  test("a stack created after applyTo makes the synth fail, naming it", () => {
    const app = newApp(workspace());
    new InfrastructureStack(app, "a", { subscriptionId: SUBSCRIPTION });
    PolicyPack.applyTo(app, new GitOpsChecks());
    new InfrastructureStack(app, "late", { subscriptionId: SUBSCRIPTION });
    expect(() => synthGitOps(app)).toThrow(/stack late was created after PolicyPack.applyTo\(app, GitOps\)/);
  });

  test("a second synth of the same tree does not repeat findings", () => {
    const app = newApp(workspace());
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    rawPool(stack, "raw", { lifecycle: { ignoreChanges: ["node_count"] } });
    PolicyPack.applyTo(app, new GitOpsChecks());
    synthGitOps(app);
    expect(synthGitOps(app).annotations).toHaveLength(1);
  });
});

describe("a policy error blocks the GitOps write", () => {
  function appWithFinding(ws = workspace()): { app: GitOpsApp; repo: string; logs: string[] } {
    const logs: string[] = [];
    const app = newApp(ws, { log: (l) => logs.push(l) });
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    rawPool(stack, "raw", { minCount: 1 });
    PolicyPack.applyTo(app, new GitOpsChecks());
    return { app, repo: ws.repo, logs };
  }

  test("plain node: app.synth() throws with the finding and nothing lands in the GitOps repo", () => {
    const { app, repo } = appWithFinding();
    expect(() => app.synth()).toThrow(/GitOps-NP2/);
    expect(listFiles(repo)).toEqual([]);
  });

  test("under the CLI (CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS): the synth goes on, the GitOps repo is not written", () => {
    const before = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true"; // read when the stack is constructed
    try {
      const { app, repo, logs } = appWithFinding();
      app.synth();
      expect(logs).toEqual(["gitops: not written, the synth has error annotations"]);
      expect(listFiles(repo)).toEqual([]);
      const manifest = JSON.parse(fs.readFileSync(`${app.outdir}/manifest.json`, "utf8"));
      expect(
        manifest.stacks.prod.annotations.map((a: { level: string; message: string }) => `${a.level} ${a.message.split(":")[0]}`),
      ).toEqual(["@cdktf/error GitOps-NP2"]);
    } finally {
      if (before === undefined) delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
      else process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = before;
    }
  });

  test("warnings do not block the write", () => {
    const ws = workspace();
    const app = newApp(ws);
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    rawPool(stack, "raw", { lifecycle: { ignoreChanges: ["node_count"] } });
    PolicyPack.applyTo(app, new GitOpsChecks());
    app.synth();
    expect(listFiles(ws.repo)).toEqual([".gitops-generated.json", "infrastructure/prod/main.tf.json"]);
  });

  test("synthGitOps throws on error findings unless asked to return them", () => {
    const { app } = appWithFinding();
    expect(thrownBy(() => synthGitOps(app)).message).toMatch(/error annotations \(policy findings\)[\s\S]*\[prod\/raw\] GitOps-NP2/);
  });
});
