/**
 * JavaScript callers of TerraformControllerCR (vars, varsFrom, runnerPod, dependsOn, source, outputs) and
 * RunnerIdentity get path-named messages (#14 item 5): all problems of one synth at once, nothing written, functions
 * and circular values named rather than thrown (`Tag not resolved`, RangeError) or printed as source code.
 */
import { ApprovalMode, FluxBootstrap, GitOpsSynthError, InfrastructureStack, RunnerIdentity, TerraformControllerCR } from "../lib";
import { cleanupTempDirs, listFiles, newApp, SUBSCRIPTION, thrownBy, workspace } from "./helpers";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";

function problemsOf(build: (app: ReturnType<typeof newApp>) => void): readonly string[] {
  const ws = workspace();
  const app = newApp(ws);
  build(app);
  const err = thrownBy(() => app.synth());
  expect(err).toBeInstanceOf(GitOpsSynthError);
  expect(listFiles(ws.repo)).toEqual([]);
  return (err as GitOpsSynthError).problems;
}

function expectProblems(problems: readonly string[], path: string, props: readonly string[]): void {
  for (const prop of props) {
    const escaped = prop.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^\\[${path}\\] ${escaped} = .+: allowed is `)));
  }
}

test("a TerraformControllerCR without props reports its cluster, not a TypeError", () => {
  expectProblems(
    problemsOf((app) => new TerraformControllerCR(app, "tf", undefined as never)),
    "tf",
    ["cluster"],
  );
});

test("wrong-typed vars, varsFrom, dependsOn, runnerPod parts and outputs are all reported in one synth", () => {
  const circular: Record<string, unknown> = { region: "westeurope" };
  circular.self = circular;
  const problems = problemsOf((app) => {
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
  expectProblems(problems, "tf", [
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
  const problems = problemsOf((app) => {
    const cluster = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
    const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
    const base = { cluster, stack, approval: ApprovalMode.AUTO };
    new TerraformControllerCR(app, "a", { ...base, vars: "abc" as never, varsFrom: {} as never, dependsOn: {} as never });
    new TerraformControllerCR(app, "b", { ...base, runnerPod: "small" as never, writeOutputsToSecret: "x" as never, secretSuffix: "b" });
    new TerraformControllerCR(app, "c", { ...base, source: "release" as never, secretSuffix: "c" });
  });
  expectProblems(problems, "a", ["vars", "varsFrom", "dependsOn"]);
  expectProblems(problems, "b", ["runnerPod", "writeOutputsToSecret"]);
  expectProblems(problems, "c", ["source"]);
});

test("a RunnerIdentity without props or without a cluster reports the cluster, not a TypeError", () => {
  expectProblems(
    problemsOf((app) => new RunnerIdentity(app, "ri", undefined as never)),
    "ri",
    ["cluster"],
  );
  expectProblems(
    problemsOf((app) => new RunnerIdentity(app, "ri", { tenantId: SUBSCRIPTION, identityName: 5 } as never)),
    "ri",
    ["cluster"],
  );
});

test("runner env values, Helm-style functions and an aksCluster that is a name are refused by path", () => {
  const problems = problemsOf((app) => {
    const cluster = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
    const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
    new TerraformControllerCR(app, "tf", {
      cluster,
      stack,
      approval: ApprovalMode.AUTO,
      vars: { count: BigInt(3) as never, region: undefined },
      runnerPod: { env: [{ name: "TF_LOG", value: (() => "debug") as never }] },
    });
    new RunnerIdentity(app, "ri", { cluster, tenantId: SUBSCRIPTION, aksCluster: "aks-dev" as never });
  });
  expectProblems(problems, "tf", ['vars["count"]', 'vars["region"]', "runnerPod.env[0].value"]);
  expect(problems).toContainEqual(expect.stringContaining('vars["count"] = <3n>'));
  expect(problems).toContainEqual(expect.stringMatching(/^\[ri\] aksCluster = "aks-dev": allowed is the AKS cluster/));
});
