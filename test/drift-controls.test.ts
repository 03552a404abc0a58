/**
 * See and control drift across a fleet (#17 items 1-3), against tofu-controller v0.16.5's behaviour (cited in
 * lib/tofu/reconcile-policy.ts and lib/flux/terraform-alerts.ts) and the real CRD schemas (every synth here runs the
 * library's CRD check, patched Alert CRD included):
 * 1. every Alert names its cluster (and environment) in spec.eventMetadata; a drift-only Alert and an approval Alert;
 *    an AKS extension cluster says once that Terraform drift reaches no Alert there, and which route works;
 * 2. manual/disabled/observe-only objects back off instead of a runner pod per retryInterval; a typed pause; a
 *    readable pending plan;
 * 3. PromotionOrder with a stack per cluster: a later stage on an earlier stage's ref is refused; the manifests.
 */
import { parseAllDocuments } from "yaml";
import {
  Approval,
  Duration,
  FluxBootstrap,
  FluxBootstrapProps,
  FluxInstallMode,
  GitOpsApp,
  GitRef,
  GitRepositorySource,
  InfrastructureStack,
  NotificationProvider,
  ObserveOnly,
  PromotionOrder,
  ReadablePlan,
  RetryBackoff,
} from "../lib";
import { collectWarnings } from "../lib/synth/validate-tree";
import { synthGitOps } from "../lib/testing";
import { cleanupTempDirs, expectPropProblems, newApp, refusedProblems, RUNNER_CREDENTIALS, SUBSCRIPTION, workspace } from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";
const AKS = { subscriptionId: SUBSCRIPTION, clusterName: "aks-prod", resourceGroupName: "rg-prod" };

function cluster(app: GitOpsApp, name: string, props: Partial<FluxBootstrapProps> = {}): FluxBootstrap {
  return new FluxBootstrap(app, name, { clusterName: `aks-${name}`, repositoryUrl: REPO, ...props });
}

function stack(app: GitOpsApp, id: string): InfrastructureStack {
  return new InfrastructureStack(app, id, { subscriptionId: SUBSCRIPTION });
}

/** The YAML documents of every generated file, by path (the synth ran every check, CRD schemas included). */
function docs(app: GitOpsApp): Map<string, Parsed[]> {
  const files = synthGitOps(app).files;
  return new Map(Object.entries(files).map(([p, text]) => [p, p.endsWith(".yaml") ? parseAllDocuments(text).map((d) => d.toJSON()) : []]));
}

function release(flux: FluxBootstrap): GitRepositorySource {
  return new GitRepositorySource(flux, "release", { cluster: flux, ref: GitRef.branch("release") });
}

describe("1. who drifted where", () => {
  test("every Alert carries the cluster and its environment; drift-only and approval Alerts beside the noisy one", () => {
    const app = newApp(workspace());
    const prod = cluster(app, "prod", { environment: "prod" });
    prod.addTerraform("pools", {
      stack: stack(app, "pools"),
      source: release(prod),
      runnerPod: RUNNER_CREDENTIALS,
      approval: Approval.manual(),
    });
    prod.addTerraform("batch", { stack: stack(app, "batch"), runnerPod: RUNNER_CREDENTIALS, approval: Approval.auto() });
    prod.addAlerts("ops", {
      provider: NotificationProvider.slack({ secretName: "slack" }),
      eventMetadata: { region: "westeurope" },
      driftAlert: { exclusionList: ["azurerm_kubernetes_cluster_node_pool\\.batch"] },
    });
    const out = docs(app);
    const alerts = [...out.get("clusters/aks-prod/notifications.yaml")!, ...out.get("clusters/aks-prod/flux-system/terraform-alerts.yaml")!]
      .filter((d) => d.kind === "Alert")
      .map((d) => [
        d.metadata.name,
        d.spec.eventSeverity,
        d.spec.eventMetadata,
        d.spec.inclusionList,
        d.spec.exclusionList,
        d.spec.eventSources,
      ]);
    const meta = { cluster: "aks-prod", environment: "prod", region: "westeurope" };
    const all = [{ kind: "Terraform", name: "*" }];
    expect(alerts).toEqual([
      ["ops", "info", meta, undefined, undefined, expect.any(Array)],
      ["ops-terraform", "error", meta, undefined, ["^Drift detected"], all],
      ["ops-drift", "error", meta, ["^Drift detected"], ["azurerm_kubernetes_cluster_node_pool\\.batch"], all],
      // Only the object that waits for a human; info, because the event is a Normal one.
      ["ops-approval", "info", meta, ['set approvePlan: "[^"]+" to approve this plan'], undefined, [{ kind: "Terraform", name: "pools" }]],
    ]);
  });

  test("the patterns match tofu-controller v0.16.5's messages (Go RE2 and JavaScript agree on these)", () => {
    // controllers/tf_controller_drift_detect.go@v0.16.5:142 and tf_controller_plan.go@v0.16.5:150 with plain_id.go:52.
    const drift = "Drift detected.\n  # azurerm_kubernetes_cluster_node_pool.corepool will be updated in-place";
    const planned = 'Planned.\nPlan generated: set approvePlan: "plan-main-b8e362c206" to approve this plan.';
    expect(new RegExp("^Drift detected").test(drift)).toBe(true);
    expect(new RegExp("^Drift detected").test(planned)).toBe(false);
    expect(new RegExp('set approvePlan: "[^"]+" to approve this plan').test(planned)).toBe(true);
    expect(new RegExp('set approvePlan: "[^"]+" to approve this plan').test(drift)).toBe(false);
  });

  test("the environment comes from PromotionOrder's environments unless the cluster declares one; no approval Alert without manual objects", () => {
    const app = newApp(workspace());
    const dev = cluster(app, "dev");
    const prod = cluster(app, "prod", { environment: "production" });
    dev.addTerraform("pools", { stack: stack(app, "dev-pools"), runnerPod: RUNNER_CREDENTIALS, approval: Approval.auto() });
    prod.addTerraform("pools", {
      stack: stack(app, "prod-pools"),
      source: release(prod),
      runnerPod: RUNNER_CREDENTIALS,
      approval: Approval.auto(),
    });
    dev.addAlerts("ops", { provider: NotificationProvider.msteams({ secretName: "teams" }), driftAlert: false });
    prod.addAlerts("ops", { provider: NotificationProvider.msteams({ secretName: "teams" }) });
    new PromotionOrder(app, "promotion", { stages: [dev, prod], environments: ["dev", "prod"] });
    const out = docs(app);
    const devAlerts = out.get("clusters/aks-dev/flux-system/terraform-alerts.yaml")!;
    expect(devAlerts.map((d) => [d.metadata.name, d.spec.eventMetadata, d.spec.exclusionList])).toEqual([
      ["ops-terraform", { cluster: "aks-dev", environment: "dev" }, undefined],
    ]);
    expect(
      out.get("clusters/aks-prod/flux-system/terraform-alerts.yaml")!.map((d) => [d.metadata.name, d.spec.eventMetadata.environment]),
    ).toEqual([
      ["ops-terraform", "production"],
      ["ops-drift", "production"],
    ]);
  });

  test("an AKS extension cluster with Terraform objects says once that drift reaches no Alert, and what works", () => {
    const app = newApp(workspace());
    const prod = cluster(app, "prod", { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: AKS });
    prod.addTerraform("pools", { stack: stack(app, "pools"), runnerPod: RUNNER_CREDENTIALS, approval: Approval.auto() });
    prod.addTerraform("batch", { stack: stack(app, "batch"), runnerPod: RUNNER_CREDENTIALS, approval: Approval.auto() });
    prod.addAlerts("ops", { provider: NotificationProvider.msteams({ secretName: "teams" }) });
    const files = synthGitOps(app).files;
    synthGitOps(app); // a second synth of the same tree does not repeat it
    const notices = collectWarnings(app).filter((w) => w.includes("reaches no Flux Alert"));
    expect(notices).toEqual([
      expect.stringMatching(
        /^\[prod\/pools\] Terraform drift on cluster aks-prod reaches no Flux Alert: .*Reason == "DriftDetected".*docs\/drift\.md$/,
      ),
    ]);
    expect(Object.keys(files).filter((p) => p.includes("terraform-alerts"))).toEqual([]);
  });

  test("bad filters and metadata: every problem at once, naming the prop", () => {
    const problems = refusedProblems((app) => {
      const dev = cluster(app, "dev", { environment: "not an env" });
      dev.addTerraform("pools", { stack: stack(app, "pools"), runnerPod: RUNNER_CREDENTIALS, approval: Approval.auto() });
      dev.addAlerts("ops", {
        provider: NotificationProvider.msteams({ secretName: "teams" }),
        eventMetadata: { cluster: "other" },
        inclusionList: ["(?=lookahead)"],
        exclusionList: ["[unclosed"],
        driftAlert: { inclusionList: ["\\1"] },
      });
    });
    expectPropProblems(problems, "dev", ["environment"]);
    expectPropProblems(problems, "dev/ops", ["eventMetadata", "inclusionList[0]", "exclusionList[0]", "driftAlert.inclusionList[0]"]);
  });
});

describe("2. control that stays quiet", () => {
  function objects(build: (app: GitOpsApp, prod: FluxBootstrap) => void): Parsed[] {
    const app = newApp(workspace());
    const prod = cluster(app, "prod");
    build(app, prod);
    const out = docs(app);
    return [...out.entries()]
      .filter(([p]) => p.startsWith("clusters/aks-prod/terraform/"))
      .flatMap(([, d]) => d.filter((o) => o.kind === "Terraform"));
  }
  const quiet = (o: Parsed): unknown[] => [
    o.metadata.name,
    o.spec.approvePlan,
    o.spec.retryStrategy,
    o.spec.maxRetryInterval,
    o.spec.storeReadablePlan,
    o.spec.suspend,
  ];

  test("manual and disabled back off (one run an hour at most while a drift waits); auto keeps its fixed retry; manual plans are readable", () => {
    const out = objects((app, prod) => {
      const src = release(prod);
      prod.addTerraform("auto", { stack: stack(app, "a"), runnerPod: RUNNER_CREDENTIALS, approval: Approval.auto() });
      prod.addTerraform("manual", { stack: stack(app, "m"), source: src, runnerPod: RUNNER_CREDENTIALS, approval: Approval.manual() });
      prod.addTerraform("disabled", { stack: stack(app, "d"), runnerPod: RUNNER_CREDENTIALS, approval: Approval.disabled() });
      prod.addTerraform("observe", { stack: stack(app, "o"), runnerPod: RUNNER_CREDENTIALS, approval: Approval.observeOnly() });
    });
    expect(out.map(quiet)).toEqual([
      ["auto", "auto", undefined, undefined, undefined, undefined],
      ["disabled", "disable", "ExponentialBackoff", "1h", undefined, undefined],
      ["manual", undefined, "ExponentialBackoff", "1h", "human", undefined],
      ["observe", "disable", "ExponentialBackoff", "1h", undefined, undefined],
    ]);
  });

  test("typed overrides: a backoff ceiling, a fixed retry, a readable plan as JSON, the pause", () => {
    const out = objects((app, prod) => {
      prod.addTerraform("a", {
        stack: stack(app, "a"),
        runnerPod: RUNNER_CREDENTIALS,
        approval: Approval.auto(),
        retryBackoff: RetryBackoff.exponential({ maxRetryInterval: Duration.hours(6) }),
        storeReadablePlan: ReadablePlan.JSON,
        suspend: true,
      });
      prod.addTerraform("b", {
        stack: stack(app, "b"),
        runnerPod: RUNNER_CREDENTIALS,
        approval: Approval.disabled(),
        retryBackoff: RetryBackoff.fixed(),
      });
    });
    expect(out.map(quiet)).toEqual([
      ["a", "auto", "ExponentialBackoff", "6h", "json", true],
      ["b", "disable", undefined, undefined, undefined, undefined],
    ]);
  });

  test("ObserveOnly.cluster: every object of the cluster never applies, backs off, says why; no approval Alert", () => {
    const app = newApp(workspace());
    const prod = cluster(app, "prod");
    prod.addTerraform("pools", {
      stack: stack(app, "pools"),
      source: release(prod),
      runnerPod: RUNNER_CREDENTIALS,
      approval: Approval.manual(),
    });
    prod.addTerraform("batch", { stack: stack(app, "batch"), runnerPod: RUNNER_CREDENTIALS, approval: Approval.auto() });
    prod.addAlerts("ops", { provider: NotificationProvider.msteams({ secretName: "teams" }) });
    ObserveOnly.cluster(prod, { reason: "incident 4711: portal fix of the batch pool" });
    const out = docs(app);
    const tf = ["pools", "batch"].map((n) => out.get(`clusters/aks-prod/terraform/${n}.yaml`)![0]);
    expect(tf.map((o) => [o.spec.approvePlan, o.spec.retryStrategy, o.spec.storeReadablePlan, o.metadata.annotations])).toEqual(
      Array(2).fill([
        "disable",
        "ExponentialBackoff",
        undefined,
        { "cdktf-aks-gitops/reconcile-policy": "observe-only (cluster aks-prod): incident 4711: portal fix of the batch pool" },
      ]),
    );
    expect(out.get("clusters/aks-prod/flux-system/terraform-alerts.yaml")!.map((d) => d.metadata.name)).toEqual([
      "ops-terraform",
      "ops-drift",
    ]);
  });

  test("bad input: a ceiling beyond 24h or below retryInterval, an unknown readable plan, a short reason (once per cluster)", () => {
    const problems = refusedProblems((app) => {
      const prod = cluster(app, "prod");
      prod.addTerraform("a", {
        stack: stack(app, "a"),
        runnerPod: RUNNER_CREDENTIALS,
        approval: Approval.auto(),
        retryBackoff: RetryBackoff.exponential({ maxRetryInterval: Duration.hours(48) }),
        storeReadablePlan: "pretty" as ReadablePlan,
      });
      prod.addTerraform("b", {
        stack: stack(app, "b"),
        runnerPod: RUNNER_CREDENTIALS,
        approval: Approval.auto(),
        retryInterval: Duration.minutes(5),
        retryBackoff: RetryBackoff.exponential({ maxRetryInterval: Duration.minutes(2) }),
      });
      ObserveOnly.cluster(prod, { reason: "oops" });
    });
    expectPropProblems(problems, "prod/a", ["retryBackoff.maxRetryInterval", "storeReadablePlan", "ObserveOnly.cluster(…).reason"]);
    expectPropProblems(problems, "prod/b", ["retryBackoff.maxRetryInterval"]);
    expect(problems.filter((p) => p.includes("ObserveOnly"))).toHaveLength(1);
  });
});

describe("3. promotion that holds, with a stack per cluster", () => {
  function fleet(app: GitOpsApp, prodSource: (prod: FluxBootstrap) => GitRepositorySource | undefined, props = {}): void {
    const dev = cluster(app, "dev");
    const prod = cluster(app, "prod");
    dev.addTerraform("pools", { stack: stack(app, "dev-pools"), runnerPod: RUNNER_CREDENTIALS, approval: Approval.auto() });
    prod.addTerraform("pools", {
      stack: stack(app, "prod-pools"),
      source: prodSource(prod),
      runnerPod: RUNNER_CREDENTIALS,
      approval: Approval.auto(),
    });
    new PromotionOrder(app, "promotion", { stages: [dev, prod], ...props });
  }

  test("prod applying straight from main like dev is refused, naming the stage and the object", () => {
    const problems = refusedProblems((app) => fleet(app, () => undefined));
    expect(problems).toEqual([
      expect.stringMatching(
        /^\[promotion\] stages\[1\] \(aks-prod\) = "prod\/pools": allowed is a stage that applies infrastructure\/prod-pools from a ref of its own, downstream of aks-dev: pools reads .*branch main.*the same ref aks-dev applies \(dev\/pools\)/,
      ),
    ]);
  });

  test("prod reading, through a source of its own, the branch dev's manifests follow is not downstream: refused", () => {
    const problems = refusedProblems((app) => {
      const dev = cluster(app, "dev");
      const prod = cluster(app, "prod");
      const devCode = new GitRepositorySource(dev, "code", { cluster: dev, ref: GitRef.branch("dev") });
      dev.addTerraform("pools", {
        stack: stack(app, "dev-pools"),
        source: devCode,
        runnerPod: RUNNER_CREDENTIALS,
        approval: Approval.auto(),
      });
      const main = new GitRepositorySource(prod, "code", { cluster: prod, ref: GitRef.branch("main") });
      prod.addTerraform("pools", {
        stack: stack(app, "prod-pools"),
        source: main,
        runnerPod: RUNNER_CREDENTIALS,
        approval: Approval.auto(),
      });
      new PromotionOrder(app, "promotion", { stages: [dev, prod] });
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /stages\[1\] \(aks-prod\) = "prod\/pools": .*the branch aks-dev's own manifests follow, where merges land first/,
      ),
    ]);
  });

  test("a release branch passes; the annotation says what was checked and what was not; shared manifests: a warning", () => {
    const app = newApp(workspace());
    fleet(app, release);
    const out = docs(app);
    expect(out.get("clusters/aks-dev/terraform/pools.yaml")![0].metadata.annotations["cdktf-aks-gitops/promotion"]).toBe("1/2 aks-dev");
    expect(out.get("clusters/aks-prod/terraform/pools.yaml")![0].metadata.annotations["cdktf-aks-gitops/promotion"]).toBe(
      "2/2 aks-prod, after aks-dev; checked at synth: its Terraform refs are not aks-dev's; not checked: that they only move to " +
        "commits aks-dev applied; its manifests follow branch main like aks-dev's (not promoted)",
    );
    expect(collectWarnings(app).filter((w) => w.startsWith("[promotion]"))).toEqual([
      expect.stringMatching(
        /^\[promotion\] promotion: stage 2 \(aks-prod\) promotes its Terraform only: its manifests .* branch main, like aks-dev's/,
      ),
    ]);
  });

  test("promoteManifests: true refuses shared manifests; a branch of its own for prod's manifests passes", () => {
    const problems = refusedProblems((app) => fleet(app, release, { promoteManifests: true }));
    expect(problems).toEqual([expect.stringMatching(/^\[promotion\] stages\[1\] \(aks-prod\) = "main": allowed is a branch of its own/)]);

    const app = newApp(workspace());
    const dev = cluster(app, "dev");
    const prod = cluster(app, "prod", { branch: "prod" });
    dev.addTerraform("pools", { stack: stack(app, "dev-pools"), runnerPod: RUNNER_CREDENTIALS, approval: Approval.auto() });
    prod.addTerraform("pools", {
      stack: stack(app, "prod-pools"),
      source: release(prod),
      runnerPod: RUNNER_CREDENTIALS,
      approval: Approval.auto(),
    });
    new PromotionOrder(app, "promotion", { stages: [dev, prod], promoteManifests: true, environments: ["dev", "prod"] });
    expect(docs(app).get("clusters/aks-prod/terraform/pools.yaml")![0].metadata.annotations["cdktf-aks-gitops/promotion"]).not.toMatch(
      /not promoted/,
    );
    expect(collectWarnings(app).filter((w) => w.startsWith("[promotion]"))).toEqual([]);
  });

  test("bad environments: one per stage, each a label value", () => {
    const problems = refusedProblems((app) => fleet(app, release, { environments: ["dev", "pr od", "x"] }));
    expectPropProblems(problems, "promotion", ["environments", "environments[1]"]);
  });
});
