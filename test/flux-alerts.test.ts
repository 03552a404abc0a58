/**
 * Drift alerts (#4 item 3) and SOPS decryption (item 2): Providers and Alerts valid against the Flux 2.9 CRDs, the
 * Terraform-event Alert and the flux-system/kustomization.yaml patch that makes Flux accept it (checked against the Alert
 * CRD as derived into test/fixtures/derived-crds; `npm run check:upstream` applies it to the upstream CRD), ownership of
 * that file (written when absent, a user's own kept with a warning that says what to add), the AKS extension limit, and
 * bad input.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, parseAllDocuments, stringify } from "yaml";
import {
  AlertSeverity,
  ApprovalMode,
  FluxBootstrap,
  FluxBootstrapProps,
  FluxInstallMode,
  GitOpsApp,
  GitRef,
  GitRepositorySource,
  InfrastructureStack,
  NotificationProvider,
} from "../lib";
import { crdSchemaPatchesOf } from "../lib/checks/crd-schemas";
import { checkNoSecrets } from "../lib/checks/secret-scan";
import { SchemaPatch, validateManifest } from "../lib/schema/manifest-validator";
import { validateTree } from "../lib/synth/validate-tree";
import { TEST_CRD_DIR } from "../scripts/derive-crd-schemas";
import { flux29OnlyFields } from "./flux-fields";
import {
  cleanupTempDirs,
  listFiles,
  newApp,
  OWNERSHIP_RECORD,
  readText,
  RUNNER_CREDENTIALS,
  SUBSCRIPTION,
  workspace,
  Workspace,
} from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";
const AKS = { subscriptionId: SUBSCRIPTION, clusterName: "aks-dev", resourceGroupName: "rg-dev" };
const ALERT_CRD = path.resolve(__dirname, "..", ...TEST_CRD_DIR.split("/"), "notification.toolkit.fluxcd.io_alerts.yaml");
const FLUX_SYSTEM = "clusters/aks-dev/flux-system/kustomization.yaml";
const TERRAFORM_ALERTS = "clusters/aks-dev/flux-system/terraform-alerts.yaml";

function build(app: GitOpsApp, props: Partial<FluxBootstrapProps> = {}, terraform = true): FluxBootstrap {
  const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO, ...props });
  if (terraform)
    flux.addTerraform("pools", {
      stack: new InfrastructureStack(app, "node-pools", { subscriptionId: SUBSCRIPTION }),
      approval: ApprovalMode.AUTO,
      runnerPod: RUNNER_CREDENTIALS,
    });
  return flux;
}

function render(app: GitOpsApp): Map<string, Parsed> {
  expect(validateTree(app)).toEqual([]);
  return new Map(
    app
      .renderGitOpsFiles()
      .map((f) => [f.path, JSON.parse(JSON.stringify(f.file.content.format === "yaml" ? f.file.content.documents : f.file.content.value))]),
  );
}

describe("providers and alerts", () => {
  test("msteams: a Provider with the address only in the Secret, an Alert for Kustomizations, GitRepositories and HelmReleases, at the root", () => {
    const app = newApp(workspace());
    const flux = build(app);
    flux.addAlerts("platform", { provider: NotificationProvider.msteams({ secretName: "teams-webhook" }) });
    const files = render(app);
    const [provider, alert] = files.get("clusters/aks-dev/notifications.yaml");
    expect(provider).toEqual({
      apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
      kind: "Provider",
      metadata: { name: "platform", namespace: "flux-system" },
      spec: { type: "msteams", secretRef: { name: "teams-webhook" } },
    });
    expect(alert).toEqual({
      apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
      kind: "Alert",
      metadata: { name: "platform", namespace: "flux-system" },
      spec: {
        providerRef: { name: "platform" },
        eventMetadata: { cluster: "aks-dev" },
        eventSeverity: "info",
        eventSources: [
          { kind: "Kustomization", name: "*" },
          { kind: "GitRepository", name: "*" },
          { kind: "HelmRelease", name: "*" },
        ],
      },
    });
    for (const doc of [provider, alert]) {
      expect(validateManifest(doc)).toEqual([]);
      expect(flux29OnlyFields(doc)).toEqual([]);
    }
    expect(files.get("clusters/aks-dev/kustomization.yaml")[0].resources).toEqual([
      "flux-system",
      "tofu-controller.yaml",
      "terraform.yaml",
      "notifications.yaml",
    ]);
  });

  test("slack and generic; several alert sets of one cluster; severities", () => {
    const app = newApp(workspace());
    const flux = build(app);
    flux.addAlerts("slack", {
      provider: NotificationProvider.slack({ secretName: "slack-webhook", channel: "#platform", username: "flux" }),
      eventSeverity: AlertSeverity.ERROR,
    });
    flux.addAlerts("hook", { provider: NotificationProvider.generic({ secretName: "hook" }), terraformEventSeverity: AlertSeverity.INFO });
    const files = render(app);
    const docs = files.get("clusters/aks-dev/notifications.yaml");
    expect(docs.map((d: Parsed) => `${d.kind}/${d.metadata.name}`)).toEqual([
      "Provider/slack",
      "Alert/slack",
      "Provider/hook",
      "Alert/hook",
    ]);
    expect(docs[0].spec).toEqual({ type: "slack", channel: "#platform", username: "flux", secretRef: { name: "slack-webhook" } });
    expect(docs[1].spec.eventSeverity).toBe("error");
    expect(docs[2].spec).toEqual({ type: "generic", secretRef: { name: "hook" } });
    for (const d of docs) expect(validateManifest(d)).toEqual([]);
    const terraform = files.get(TERRAFORM_ALERTS);
    expect(terraform.map((d: Parsed) => [d.metadata.name, d.spec.eventSeverity])).toEqual([
      ["slack-terraform", "error"],
      ["slack-drift", "error"],
      ["hook-terraform", "info"],
      ["hook-drift", "error"],
    ]);
  });

  test("no Provider ever carries an address: every generated file passes the secret scan", () => {
    const app = newApp(workspace());
    build(app).addAlerts("platform", { provider: NotificationProvider.msteams({ secretName: "teams-webhook" }) });
    expect(validateTree(app)).toEqual([]);
    const files = app.renderGitOpsFiles();
    for (const f of files) expect(f.bytes.toString("utf8")).not.toMatch(/\baddress:/);
    expect(checkNoSecrets(files, { record: undefined, read: () => undefined }, { acknowledged: new Set() })).toEqual([]);
  });
});

describe("Terraform events: the Alert and the CRD patch in flux-system/kustomization.yaml (flux CLI mode)", () => {
  test("the kustomization.yaml lists bootstrap's files and the Terraform alerts, with the two patches", () => {
    const app = newApp(workspace());
    build(app).addAlerts("platform", { provider: NotificationProvider.msteams({ secretName: "teams-webhook" }) });
    const files = render(app);
    const [config] = files.get(FLUX_SYSTEM);
    expect(config.resources).toEqual(["gotk-components.yaml", "gotk-sync.yaml", "terraform-alerts.yaml"]);
    expect(config.patches.map((p: Parsed) => [p.target, parse(p.patch)])).toEqual([
      [
        { kind: "CustomResourceDefinition", name: "alerts.notification.toolkit.fluxcd.io" },
        [
          {
            op: "add",
            path: "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/eventSources/items/properties/kind/enum/-",
            value: "Terraform",
          },
        ],
      ],
      [
        { kind: "ClusterRole", name: "crd-controller-flux-system" },
        [
          {
            op: "add",
            path: "/rules/-",
            value: { apiGroups: ["infra.contrib.fluxcd.io"], resources: ["terraforms"], verbs: ["get", "list", "watch"] },
          },
        ],
      ],
    ]);
    const [alert] = files.get(TERRAFORM_ALERTS);
    expect(alert).toEqual({
      apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
      kind: "Alert",
      metadata: { name: "platform-terraform", namespace: "flux-system" },
      spec: {
        providerRef: { name: "platform" },
        eventMetadata: { cluster: "aks-dev" },
        eventSeverity: "error",
        eventSources: [{ kind: "Terraform", name: "*" }],
        exclusionList: ["^Drift detected"],
      },
    });
  });

  test("the patch applies to Flux 2.9's Alert CRD (one version) and the Alert is valid only against the patched schema", () => {
    const app = newApp(workspace());
    build(app).addAlerts("platform", { provider: NotificationProvider.msteams({ secretName: "teams-webhook" }) });
    const files = render(app);
    const [config] = files.get(FLUX_SYSTEM);
    const [alert] = files.get(TERRAFORM_ALERTS);

    // The CRD (its derived fixture: upstream's version list, compacted schemas): a single version, so versions/0 is
    // v1beta3, and the enum path exists.
    const crd = parseAllDocuments(fs.readFileSync(ALERT_CRD, "utf8"))[0].toJS();
    expect(crd.spec.versions.map((v: Parsed) => v.name)).toEqual(["v1beta3"]);
    const [op] = parse(config.patches[0].patch);
    const segments = op.path.split("/").slice(1, -1);
    const target = segments.reduce((node: Parsed, seg: string) => node[seg], crd);
    expect(Array.isArray(target)).toBe(true);
    expect(target).not.toContain("Terraform");

    // Unpatched, Flux rejects the kind; with the patches of the cluster's kustomization.yaml, it accepts it.
    expect(validateManifest(alert).map((i) => i.path)).toEqual(["spec.eventSources[0].kind"]);
    const { patches, problems } = crdSchemaPatchesOf(config);
    expect(problems).toEqual([]);
    expect(patches).toEqual<SchemaPatch[]>([
      {
        key: "notification.toolkit.fluxcd.io/v1beta3/Alert",
        path: "/properties/spec/properties/eventSources/items/properties/kind/enum/-",
        value: "Terraform",
      },
    ]);
    expect(validateManifest(alert, patches)).toEqual([]);
    // ... and other kinds are still refused.
    expect(
      validateManifest({ ...alert, spec: { ...alert.spec, eventSources: [{ kind: "Pod", name: "*" }] } }, patches).map((i) => i.path),
    ).toEqual(["spec.eventSources[0].kind"]);
  });

  test("Terraform objects in several namespaces: one event source each", () => {
    const app = newApp(workspace());
    const flux = build(app);
    const infra = new GitRepositorySource(flux, "infra-src", { cluster: flux, ref: GitRef.branch("main"), namespace: "infra" });
    flux.addTerraform("other", {
      stack: new InfrastructureStack(app, "other-pools", { subscriptionId: SUBSCRIPTION }),
      approval: ApprovalMode.AUTO,
      source: infra,
      runnerPod: RUNNER_CREDENTIALS,
    });
    flux.addAlerts("platform", { provider: NotificationProvider.msteams({ secretName: "teams-webhook" }) });
    const [alert] = render(app).get(TERRAFORM_ALERTS);
    expect(alert.spec.eventSources).toEqual([
      { kind: "Terraform", name: "*" },
      { kind: "Terraform", name: "*", namespace: "infra" },
    ]);
  });

  test.each<[string, Partial<FluxBootstrapProps>, boolean, Parameters<FluxBootstrap["addAlerts"]>[1]["terraformEvents"]]>([
    ["terraformEvents: false", {}, true, false],
    ["no Terraform objects", {}, false, undefined],
  ])("%s: no Terraform alert and no flux-system file", (_name, props, terraform, terraformEvents) => {
    const app = newApp(workspace());
    build(app, props, terraform).addAlerts("platform", {
      provider: NotificationProvider.msteams({ secretName: "teams-webhook" }),
      terraformEvents,
    });
    const files = render(app);
    expect([...files.keys()].filter((p) => p.includes("/flux-system/"))).toEqual([]);
    expect(files.has("clusters/aks-dev/notifications.yaml")).toBe(true);
  });

  test("a cluster namespace other than flux-system: bootstrap's folder and the ClusterRole are named after it", () => {
    const app = newApp(workspace());
    build(app, { namespace: "gitops" }).addAlerts("platform", { provider: NotificationProvider.msteams({ secretName: "teams-webhook" }) });
    const files = render(app);
    const [config] = files.get("clusters/aks-dev/gitops/kustomization.yaml");
    expect(config.patches[1].target).toEqual({ kind: "ClusterRole", name: "crd-controller-gitops" });
    expect(files.get("clusters/aks-dev/gitops/terraform-alerts.yaml")[0].metadata.namespace).toBe("gitops");
  });
});

describe("AKS extension mode: the limit", () => {
  test("Flux-kind alerts only; no CRD patch (the extension owns the CRDs)", () => {
    const app = newApp(workspace());
    build(app, { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: AKS }).addAlerts("platform", {
      provider: NotificationProvider.msteams({ secretName: "teams-webhook" }),
    });
    const files = render(app);
    expect([...files.keys()].filter((p) => p.includes("/flux-system/"))).toEqual([]);
    expect(files.get("clusters/aks-dev/notifications.yaml").map((d: Parsed) => d.kind)).toEqual(["Provider", "Alert"]);
    expect(files.get("clusters/aks-dev/kustomization.yaml")[0].resources).toEqual([
      "tofu-controller.yaml",
      "terraform.yaml",
      "notifications.yaml",
    ]);
  });

  test("asking for Terraform events there is refused with the reason", () => {
    const app = newApp(workspace());
    build(app, { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: AKS }).addAlerts("platform", {
      provider: NotificationProvider.msteams({ secretName: "teams-webhook" }),
      terraformEvents: true,
    });
    expect(validateTree(app)).toEqual([
      expect.stringMatching(
        /^\[flux\/platform\] terraformEvents = true: allowed is unset or false in AKS extension mode: .*the microsoft\.flux extension owns that CRD/,
      ),
    ]);
  });
});

describe("who owns flux-system/kustomization.yaml", () => {
  function synth(ws: Workspace, lines: string[] = []): GitOpsApp {
    const app = newApp(ws, { log: (l) => lines.push(l) });
    build(app).addAlerts("platform", { provider: NotificationProvider.msteams({ secretName: "teams-webhook" }) });
    app.synth();
    return app;
  }
  const record = (ws: Workspace): Record<string, string> => JSON.parse(readText(ws.repo, OWNERSHIP_RECORD)).files;
  const write = (ws: Workspace, rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(ws.repo, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws.repo, rel), text);
  };
  const BOOTSTRAP_KUSTOMIZATION =
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gotk-components.yaml\n  - gotk-sync.yaml\n";

  test("none there (synth before flux bootstrap): written and owned; flux bootstrap keeps it", () => {
    const ws = workspace();
    const app = synth(ws);
    expect(app.report!.written).toContain(FLUX_SYSTEM);
    expect(Object.keys(record(ws))).toContain(FLUX_SYSTEM);
    expect(app.report!.warnings).toEqual([]);
  });

  test("flux bootstrap's own there: kept byte for byte, not owned, and the synth says exactly what to add", () => {
    const ws = workspace();
    write(ws, FLUX_SYSTEM, BOOTSTRAP_KUSTOMIZATION);
    const lines: string[] = [];
    const app = synth(ws, lines);
    expect(readText(ws.repo, FLUX_SYSTEM)).toBe(BOOTSTRAP_KUSTOMIZATION);
    expect(Object.keys(record(ws))).not.toContain(FLUX_SYSTEM);
    expect(app.report!.keptForeign).toEqual([FLUX_SYSTEM]);
    expect(app.report!.written).not.toContain(FLUX_SYSTEM);
    // The alerts file is ours and written; it is applied once the user's kustomization.yaml lists it.
    expect(Object.keys(record(ws))).toContain(TERRAFORM_ALERTS);
    const [warning] = app.report!.warnings;
    expect(warning).toMatch(
      /^\[flux\] clusters\/aks-dev\/flux-system\/kustomization\.yaml: a file that cdktf-aks-gitops did not generate is there; it is kept as it is, and the Terraform Alerts in terraform-alerts\.yaml are not applied/,
    );
    expect(lines).toContain(`gitops: warning: ${warning}`);
    expect(lines[0]).toMatch(/, kept \(not ours\): clusters\/aks-dev\/flux-system\/kustomization\.yaml$/);

    // Doing what it says satisfies it: the warning goes, the file stays the user's.
    const snippet = warning.slice(warning.indexOf("\n") + 1);
    const merged = { ...parse(BOOTSTRAP_KUSTOMIZATION) };
    const add = parse(snippet);
    merged.resources = [...merged.resources, ...add.resources];
    merged.patches = add.patches;
    write(ws, FLUX_SYSTEM, `# mine\n${stringify(merged)}`);
    const again = synth(ws);
    // (The temp repo is not in Git: the synth says so, and only that.)
    expect(again.report!.warnings.filter((w) => !/ is not in a Git work tree: /.test(w))).toEqual([]);
    expect(again.report!.keptForeign).toEqual([FLUX_SYSTEM]);
    expect(readText(ws.repo, FLUX_SYSTEM)).toMatch(/^# mine\n/);
  });

  test("once owned, a hand edit is restored like any generated file", () => {
    const ws = workspace();
    synth(ws);
    write(ws, FLUX_SYSTEM, BOOTSTRAP_KUSTOMIZATION);
    const app = synth(ws);
    expect(app.report!.restored).toEqual([FLUX_SYSTEM]);
    expect(readText(ws.repo, FLUX_SYSTEM)).toMatch(/terraform-alerts\.yaml/);
  });

  test("alerts removed from the app: the owned file is pruned, a kept one stays", () => {
    const ws = workspace();
    synth(ws);
    const app = newApp(ws);
    build(app);
    app.synth();
    expect(app.report!.removed).toEqual(expect.arrayContaining([FLUX_SYSTEM, TERRAFORM_ALERTS, "clusters/aks-dev/notifications.yaml"]));
    // Only bootstrap's placeholders stay: never owned, so never pruned (bootstrap has overwritten them by then).
    expect(listFiles(ws.repo).filter((p) => p.includes("/flux-system/"))).toEqual([
      "clusters/aks-dev/flux-system/gotk-components.yaml",
      "clusters/aks-dev/flux-system/gotk-sync.yaml",
    ]);

    const ws2 = workspace();
    write(ws2, FLUX_SYSTEM, BOOTSTRAP_KUSTOMIZATION);
    synth(ws2);
    const app2 = newApp(ws2);
    build(app2);
    app2.synth();
    expect(readText(ws2.repo, FLUX_SYSTEM)).toBe(BOOTSTRAP_KUSTOMIZATION);
  });
});

describe("SOPS decryption", () => {
  test("on the Kustomizations the library writes, valid for Flux 2.9 and 2.7", () => {
    const app = newApp(workspace());
    build(app, { sops: { secretName: "sops-age" } });
    const files = render(app);
    for (const rel of ["clusters/aks-dev/tofu-controller.yaml", "clusters/aks-dev/terraform.yaml"]) {
      const [k] = files.get(rel);
      expect(k.spec.decryption).toEqual({ provider: "sops", secretRef: { name: "sops-age" } });
      expect(validateManifest(k)).toEqual([]);
      expect(flux29OnlyFields(k)).toEqual([]);
    }
  });

  test("not set: no decryption field", () => {
    const app = newApp(workspace());
    build(app);
    expect(render(app).get("clusters/aks-dev/terraform.yaml")[0].spec.decryption).toBeUndefined();
  });
});

describe("bad input", () => {
  test.each<[string, (flux: FluxBootstrap) => void, RegExp]>([
    [
      "a webhook URL instead of a Secret name",
      (f) => f.addAlerts("a", { provider: NotificationProvider.msteams({ secretName: "https://x.webhook.office.com/webhookb2/abc" }) }),
      /\[flux\/a\] provider\.secretName = "https:\/\/x\.webhook\.office\.com\/webhookb2\/abc": allowed is the name of a Secret/,
    ],
    [
      "a name that is not a DNS label",
      (f) => f.addAlerts("Teams", { provider: NotificationProvider.msteams({ secretName: "teams" }) }),
      /\[flux\/Teams\] name = "Teams": allowed is a DNS label/,
    ],
    [
      "two alert sets with one name",
      (f) => {
        f.addAlerts("a", { provider: NotificationProvider.msteams({ secretName: "teams" }), name: "same" });
        f.addAlerts("b", { provider: NotificationProvider.slack({ secretName: "slack" }), name: "same" });
      },
      /\[flux\/b\] name = "same": allowed is a name no other alerts of cluster aks-dev use \(flux\/a has it\)/,
    ],
    [
      "a severity that is not one",
      (f) => f.addAlerts("a", { provider: NotificationProvider.msteams({ secretName: "teams" }), eventSeverity: "warning" as never }),
      /eventSeverity = "warning": allowed is one of "info", "error"/,
    ],
    [
      "not a provider",
      (f) => f.addAlerts("a", { provider: { type: "msteams", secretName: "x" } as never }),
      /\[flux\/a\] provider = .*: allowed is NotificationProvider\.msteams/,
    ],
  ])("%s: one problem, naming it", (_name, add, expected) => {
    const app = newApp(workspace());
    add(build(app));
    expect(validateTree(app)).toEqual([expect.stringMatching(expected)]);
  });

  test("a bad SOPS Secret name, and bootstrapStateBackend in AKS mode", () => {
    const app = newApp(workspace());
    build(app, { sops: { secretName: "Sops_Age" } });
    expect(validateTree(app)).toEqual([expect.stringMatching(/^\[flux\] sops\.secretName = "Sops_Age": allowed is the name of a Secret/)]);
    const aks = newApp(workspace());
    build(aks, {
      mode: FluxInstallMode.AKS_EXTENSION,
      aksExtension: AKS,
      bootstrapStateBackend: { resourceGroupName: "rg", storageAccountName: "st", containerName: "tfstate", key: "k" },
    });
    expect(validateTree(aks)).toEqual([
      expect.stringMatching(/^\[flux\] bootstrapStateBackend = <set>: allowed is unset in AKS extension mode/),
    ]);
  });

  test("an unapplicable CRD patch would be refused by the schema check", () => {
    const { patches, problems } = crdSchemaPatchesOf({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: [],
      patches: [
        {
          target: { kind: "CustomResourceDefinition", name: "alerts.notification.toolkit.fluxcd.io" },
          patch:
            "- op: add\n" +
            "  path: /spec/versions/1/schema/openAPIV3Schema/properties/spec/properties/eventSources/items/properties/kind/enum/-\n" +
            "  value: Terraform\n",
        },
      ],
    });
    expect(patches).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/cannot be checked/)]);
    const bad = crdSchemaPatchesOf({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: [],
      patches: [
        {
          target: { kind: "CustomResourceDefinition", name: "alerts.notification.toolkit.fluxcd.io" },
          patch:
            "- op: add\n  path: /spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/nope/items/enum/-\n  value: Terraform\n",
        },
      ],
    });
    expect(bad.problems).toEqual([expect.stringMatching(/would fail: .*does not exist/)]);
  });
});
