/**
 * JavaScript callers of FluxBootstrap (and its FluxInstall and tofu-controller options), the sources and the alerts
 * get the same kind of message as TypeScript callers (#14 item 5): the construct path, the prop and what is allowed,
 * all problems of one synth at once, nothing written, never a raw TypeError or RangeError.
 */
import { FluxBootstrap, FluxInstall, GitRef, GitRepositorySource, NotificationProvider, OciRef, OciRepositorySource } from "../lib";
import { cleanupTempDirs, expectPropProblems, listFiles, newApp, refusedProblems, workspace } from "./helpers";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";

test("a FluxBootstrap without props reports every required prop; nothing is written to clusters/undefined/", () => {
  const problems = refusedProblems((app) => new FluxBootstrap(app, "flux", undefined as never));
  expectPropProblems(problems, "flux", ["clusterName", "repositoryUrl"]);
  expect(problems.join("\n")).not.toMatch(/TypeError/);
});

test("wrong-typed FluxBootstrap props (options, sops, tofu-controller values) are all reported in one synth", () => {
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const problems = refusedProblems(
    (app) =>
      new FluxBootstrap(app, "flux", {
        clusterName: undefined as never,
        repositoryUrl: REPO,
        sops: "age" as never,
        tofuController: { values: { replicaCount: 1, hook: () => 1, nested: circular } },
        install: FluxInstall.cli("remote" as never),
      }),
  );
  expectPropProblems(problems, "flux", [
    "clusterName",
    "sops",
    'tofuController.values["hook"]',
    'tofuController.values["nested"]["self"]',
    "install",
  ]);
  // Functions and circular values are named, not printed as source code or thrown as RangeError.
  expect(problems).toContainEqual(expect.stringContaining('tofuController.values["hook"] = <function hook>'));
  expect(problems).toContainEqual(expect.stringContaining("= <circular reference>"));
});

test("tofuController of the wrong type, and an AKS install without options, are refused by path", () => {
  expectPropProblems(
    refusedProblems((app) => new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO, tofuController: 5 as never })),
    "flux",
    ["tofuController"],
  );
  expectPropProblems(
    refusedProblems(
      (app) =>
        new FluxBootstrap(app, "flux", {
          clusterName: "aks-dev",
          repositoryUrl: REPO,
          install: FluxInstall.aksExtension(undefined as never),
        }),
    ),
    "flux",
    ["install"],
  );
});

test("in flux CLI mode the namespaces named like the library's cluster folders are refused, with the reason", () => {
  for (const namespace of ["terraform", "tofu-controller"]) {
    const problems = refusedProblems((app) => new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO, namespace }));
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^\\[flux\\] namespace = "${namespace}": allowed is a namespace other than`)),
    ]);
    expect(problems[0]).toContain("kustomization.yaml lists");
  }
});

test("the AKS extension mode takes the namespace terraform (nothing of the install is listed in the cluster folder)", () => {
  const ws = workspace();
  const app = newApp(ws);
  new FluxBootstrap(app, "flux", {
    clusterName: "aks-dev",
    repositoryUrl: REPO,
    namespace: "terraform",
    install: FluxInstall.aksExtension({
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      clusterName: "aks",
      resourceGroupName: "rg",
    }),
  });
  app.synth();
  expect(listFiles(ws.repo)).toContain("clusters/aks-dev/kustomization.yaml");
});

test("sources without props or cluster, and with wrong-typed props, report by path", () => {
  expectPropProblems(
    refusedProblems((app) => new GitRepositorySource(app, "src", undefined as never)),
    "src",
    ["cluster"],
  );
  expectPropProblems(
    refusedProblems((app) => new OciRepositorySource(app, "oci", undefined as never)),
    "oci",
    ["cluster"],
  );
  const problems = refusedProblems((app) => {
    const cluster = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
    new GitRepositorySource(app, "src", { cluster, ref: "main" as never, onlyInfrastructure: "yes" as never });
    new OciRepositorySource(app, "oci", { cluster, url: undefined as never, ref: OciRef.tag("v1"), contentRoot: 5 as never });
  });
  expectPropProblems(problems, "src", ["ref", "onlyInfrastructure"]);
  expectPropProblems(problems, "oci", ["url", "contentRoot"]);
});

test("alerts without props, with a provider made from nothing, or with wrong-typed props report by path", () => {
  const problems = refusedProblems((app) => {
    const cluster = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
    cluster.addAlerts("none", undefined as never);
    cluster.addAlerts("teams", { provider: NotificationProvider.msteams(undefined as never), terraformEvents: "yes" as never });
    cluster.addAlerts("slack", {
      provider: NotificationProvider.slack({ secretName: "slack", channel: (() => "x") as never, username: 5 as never }),
    });
  });
  expectPropProblems(problems, "flux/none", ["provider"]);
  expectPropProblems(problems, "flux/teams", ["provider.secretName", "terraformEvents"]);
  expectPropProblems(problems, "flux/slack", ["provider.channel", "provider.username"]);
});

test("a source given a GitRef keeps working (the checks only refuse what is of the wrong type)", () => {
  const ws = workspace();
  const app = newApp(ws);
  const cluster = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
  new GitRepositorySource(app, "release", { cluster, ref: GitRef.branch("release") });
  app.synth();
  expect(listFiles(ws.repo)).toContain("clusters/aks-dev/kustomization.yaml");
});
