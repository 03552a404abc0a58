/**
 * JavaScript callers of TerraformControllerCR (vars, varsFrom, runnerPod, dependsOn, source, outputs) and
 * RunnerIdentity get path-named messages (#14 item 5): all problems of one synth at once, nothing written, functions
 * and circular values named rather than thrown (`Tag not resolved`, RangeError) or printed as source code.
 */
import { ApprovalMode, FluxBootstrap, InfrastructureStack, RunnerIdentity, TerraformControllerCR } from "../lib";
import { cleanupTempDirs, expectPropProblems, refusedProblems, SUBSCRIPTION } from "./helpers";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";

test("a TerraformControllerCR without props reports its cluster, not a TypeError", () => {
  expectPropProblems(
    refusedProblems((app) => new TerraformControllerCR(app, "tf", undefined as never)),
    "tf",
    ["cluster"],
  );
});

test("wrong-typed vars, varsFrom, dependsOn, runnerPod parts and outputs are all reported in one synth", () => {
  const circular: Record<string, unknown> = { region: "westeurope" };
  circular.self = circular;
  const problems = refusedProblems((app) => {
    const cluster = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
    const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
    new TerraformControllerCR(app, "tf", {
      cluster,
      stack,
      approval: ApprovalMode.AUTO,
      vars: { settings: circular, compute: () => 1 },
      varsFrom: [{}] as never,
      dependsOn: ["network"] as never,
      runnerPod: { labels: "abc" as never, env: {} as never, tolerations: {} as never, resources: "big" as never },
      upgradeOnInit: "yes" as never,
      writeOutputsToSecret: { name: "outputs", outputs: "endpoint" as never },
    });
  });
  expectPropProblems(problems, "tf", [
    'vars["settings"]["self"]',
    'vars["compute"]',
    "varsFrom[0].kind",
    "varsFrom[0].name",
    "dependsOn[0]",
    "runnerPod.labels",
    "runnerPod.env",
    "runnerPod.tolerations",
    "runnerPod.resources",
    "writeOutputsToSecret.outputs",
    "upgradeOnInit",
  ]);
  // The schema check never sees these: the props' own checks name them first.
  expect(problems.join("\n")).not.toMatch(/field spec\./);
});

test("vars, varsFrom, dependsOn and source of the wrong shape are refused by path", () => {
  const problems = refusedProblems((app) => {
    const cluster = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
    const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
    const base = { cluster, stack, approval: ApprovalMode.AUTO };
    new TerraformControllerCR(app, "a", { ...base, vars: "abc" as never, varsFrom: {} as never, dependsOn: {} as never });
    new TerraformControllerCR(app, "b", { ...base, runnerPod: "small" as never, writeOutputsToSecret: "x" as never, secretSuffix: "b" });
    new TerraformControllerCR(app, "c", { ...base, source: "release" as never, secretSuffix: "c" });
  });
  expectPropProblems(problems, "a", ["vars", "varsFrom", "dependsOn"]);
  expectPropProblems(problems, "b", ["runnerPod", "writeOutputsToSecret"]);
  expectPropProblems(problems, "c", ["source"]);
});

test("a RunnerIdentity without props or without a cluster reports the cluster, not a TypeError", () => {
  expectPropProblems(
    refusedProblems((app) => new RunnerIdentity(app, "ri", undefined as never)),
    "ri",
    ["cluster"],
  );
  expectPropProblems(
    refusedProblems((app) => new RunnerIdentity(app, "ri", { tenantId: SUBSCRIPTION, identityName: 5 } as never)),
    "ri",
    ["cluster"],
  );
});

test("runner env values, Helm-style functions and an aksCluster that is a name are refused by path", () => {
  const problems = refusedProblems((app) => {
    const cluster = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
    const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
    new TerraformControllerCR(app, "tf", {
      cluster,
      stack,
      approval: ApprovalMode.AUTO,
      vars: { count: BigInt(3) as never, region: undefined },
      runnerPod: { env: [{ name: "TF_REGISTRY_CLIENT_TIMEOUT", value: (() => "30") as never }] },
    });
    new RunnerIdentity(app, "ri", { cluster, tenantId: SUBSCRIPTION, aksCluster: "aks-dev" as never });
  });
  expectPropProblems(problems, "tf", ['vars["count"]', 'vars["region"]', "runnerPod.env[0].value"]);
  expect(problems).toContainEqual(expect.stringContaining('vars["count"] = <3n>'));
  expect(problems).toContainEqual(expect.stringMatching(/^\[ri\] aksCluster = "aks-dev": allowed is the AKS cluster/));
});
