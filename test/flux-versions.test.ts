/**
 * The Flux version of each cluster (issue #13 item 4): `fluxVersion` on FluxInstall.cli / aksExtension (and the older
 * `mode` props), and that it reaches everything that writes or checks a cluster's files: the apiVersions
 * (lib/schema/flux-api-versions.ts), the Alert CRD patch, the synth's CRD-schema check, the testing matcher, the
 * gotk-components.yaml header check and the microsoft.flux extension version check. Uses the committed derived
 * schemas only (the real-CRD comparison is `npm run check:upstream`).
 */
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import {
  ApprovalMode,
  FluxBootstrap,
  FluxBootstrapProps,
  FluxInstall,
  FluxInstallMode,
  FluxVersion,
  GitOpsApp,
  GitOpsSynthError,
  GitRef,
  GitRepositorySource,
  InfrastructureStack,
  NotificationProvider,
  OciRef,
  OciRepositorySource,
} from "../lib";
import { checkCrdSchemas } from "../lib/checks/crd-schemas";
import { checkExtensionVersions } from "../lib/checks/flux-version";
import { ALERTED_FLUX_KINDS } from "../lib/flux/flux-alerts";
import { GIT_REPOSITORY_API_VERSION } from "../lib/kubernetes/git-repository";
import { HELM_RELEASE_API_VERSION } from "../lib/kubernetes/helm-release";
import { HELM_REPOSITORY_API_VERSION } from "../lib/kubernetes/helm-repository";
import { KUSTOMIZATION_API_VERSION } from "../lib/kubernetes/kustomization";
import { NOTIFICATION_API_VERSION } from "../lib/kubernetes/notification";
import { OCI_REPOSITORY_API_VERSION } from "../lib/kubernetes/oci-repository";
import { TERRAFORM_API_VERSION } from "../lib/kubernetes/terraform";
import { FLUX_TARGETS, fluxApiVersion, FluxTarget, schemaInfo, WRITTEN_FLUX_KINDS } from "../lib/schema/manifest-validator";
import { crds } from "../lib/schema/schema-registry";
import { renderFiles } from "../lib/synth/render-tree";
import { crdSchemaProblems, synthGitOpsFiles, testApp } from "../lib/testing";
import { cleanupTempDirs, newApp, RUNNER_CREDENTIALS, SUBSCRIPTION, workspace } from "./helpers";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";
const AKS = { subscriptionId: SUBSCRIPTION, clusterName: "aks-dev", resourceGroupName: "rg-dev" };

/** A cluster with a Terraform object, an extra Git and OCI source and alerts (Terraform events in flux CLI mode). */
function cluster(app: GitOpsApp, name: string, props: Partial<FluxBootstrapProps> = {}): FluxBootstrap {
  const flux = new FluxBootstrap(app, name, { clusterName: name, repositoryUrl: REPO, ...props });
  const stack = new InfrastructureStack(app, `${name}-pools`, { subscriptionId: SUBSCRIPTION });
  flux.addTerraform("pools", { stack, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
  new GitRepositorySource(app, `${name}-release`, { cluster: flux, ref: GitRef.branch("release") });
  new OciRepositorySource(app, `${name}-artifact`, { cluster: flux, url: "oci://example.azurecr.io/infra", ref: OciRef.tag("v1.0.0") });
  flux.addAlerts("platform", { provider: NotificationProvider.msteams({ secretName: "teams-webhook" }) });
  return flux;
}

function docsOf(files: Record<string, string>, cluster: string): { apiVersion: string; kind: string }[] {
  return Object.entries(files)
    .filter(([p]) => p.startsWith(`clusters/${cluster}/`) && p.endsWith(".yaml"))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as { apiVersion: string; kind: string }))
    .filter((d) => !d.apiVersion.startsWith("kustomize.config.k8s.io/"));
}

describe("fluxVersion per cluster", () => {
  test("flux CLI: 2.9 unless set; FluxInstall.cli({ fluxVersion }) and the older mode prop `fluxVersion` set it", () => {
    const app = testApp();
    const make = (name: string, props: Partial<FluxBootstrapProps>) =>
      new FluxBootstrap(app, name, { clusterName: name, repositoryUrl: REPO, ...props });
    expect(make("a", {}).fluxVersion.version).toBe("2.9");
    expect(make("b", { install: FluxInstall.cli({ fluxVersion: FluxVersion.V2_8 }) }).fluxVersion).toBe(FluxVersion.V2_8);
    expect(make("c", { mode: FluxInstallMode.FLUX_CLI, fluxVersion: FluxVersion.V2_7 }).fluxVersion).toBe(FluxVersion.V2_7);
  });

  test("AKS extension: the extension's Flux (2.7), unpinned or pinned to 1.24.x", () => {
    const app = testApp();
    const a = new FluxBootstrap(app, "a", { clusterName: "a", repositoryUrl: REPO, install: FluxInstall.aksExtension(AKS) });
    const b = new FluxBootstrap(app, "b", {
      clusterName: "b",
      repositoryUrl: REPO,
      mode: FluxInstallMode.AKS_EXTENSION,
      aksExtension: { ...AKS, extensionVersion: "1.24.1", fluxVersion: FluxVersion.V2_7 },
    });
    expect(a.fluxVersion.version).toBe("2.7");
    expect(b.fluxVersion.version).toBe("2.7");
  });
});

describe("each cluster's files are written and checked for its own Flux version", () => {
  const build = () => {
    const app = testApp();
    cluster(app, "aks-old", { install: FluxInstall.cli({ fluxVersion: FluxVersion.V2_7 }) });
    cluster(app, "aks-mid", { install: FluxInstall.cli({ fluxVersion: FluxVersion.V2_8 }) });
    cluster(app, "aks-new");
    return app;
  };

  test("the Alert patch follows the target (versions/0 and /1 on 2.7 and 2.8, versions/0 on 2.9) and the synth accepts each", () => {
    // 2.7's patch of versions/1 is refused by a check against 2.9's one-version Alert CRD: passing means the target reached the check.
    const files = synthGitOpsFiles(build());
    const patched = (c: string) =>
      [...files[`clusters/${c}/flux-system/kustomization.yaml`].matchAll(/\/spec\/versions\/(\d+)\//g)].map((m) => m[1]);
    expect(patched("aks-old")).toEqual(["0", "1"]);
    expect(patched("aks-mid")).toEqual(["0", "1"]);
    expect(patched("aks-new")).toEqual(["0"]);
  });

  test("GitOpsApp.synth() on disk checks against the cluster's target too", () => {
    const ws = workspace();
    const app = newApp(ws);
    cluster(app, "aks-old", { install: FluxInstall.cli({ fluxVersion: FluxVersion.V2_7 }) });
    expect(() => app.synth()).not.toThrow();
    expect(fs.readFileSync(path.join(ws.repo, "clusters/aks-old/flux-system/kustomization.yaml"), "utf8")).toContain("/spec/versions/1/");
  });

  test("every object uses the apiVersion the target serves, not deprecated, and its storage version", () => {
    const files = synthGitOpsFiles(build());
    for (const [c, t] of [
      ["aks-old", "2.7"],
      ["aks-mid", "2.8"],
      ["aks-new", "2.9"],
    ] as const) {
      const docs = docsOf(files, c);
      expect(new Set(docs.map((d) => d.kind))).toEqual(
        new Set(["Kustomization", "HelmRepository", "HelmRelease", "Terraform", "GitRepository", "OCIRepository", "Provider", "Alert"]),
      );
      for (const d of docs) {
        expect(d.apiVersion).toBe(fluxApiVersion(d.kind as never, t));
        expect(schemaInfo(d.apiVersion, d.kind, t)).toMatchObject({ served: true, deprecated: false });
      }
    }
  });

  test("toMatchCrdSchema() validates a synthesized map per cluster as the synth did; a copy without targets, or another target, fails", () => {
    const files = synthGitOpsFiles(build());
    expect(crdSchemaProblems(files)).toEqual([]);
    // A plain copy does not carry the targets: every cluster is then checked against 2.9, where 2.7's patch cannot apply.
    expect(crdSchemaProblems({ ...files })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^clusters\/aks-old\/flux-system\/kustomization\.yaml: .*versions\/1\/.* cannot be checked/),
      ]),
    );
    // Checked as 2.7, 2.9's cluster has a Terraform Alert (v1beta3) whose CRD version (versions/1 on 2.7) is not patched.
    const as27 = crdSchemaProblems({ ...files }, { fluxVersion: FluxVersion.V2_7 });
    // (two Terraform Alerts since #17: the noisy one and the drift-only one)
    expect(as27).toEqual([
      expect.stringMatching(
        /^Alert platform-terraform \(clusters\/aks-new\/flux-system\/terraform-alerts\.yaml document 1\) field spec\.eventSources\[0\]\.kind/,
      ),
      expect.stringMatching(
        /^Alert platform-drift \(clusters\/aks-new\/flux-system\/terraform-alerts\.yaml document 2\) field spec\.eventSources\[0\]\.kind/,
      ),
    ]);
    expect(crdSchemaProblems({}, { fluxVersion: FluxVersion.of("2.10") })).toEqual([
      expect.stringContaining("fluxVersion 2.10: allowed is"),
    ]);
  });

  test("the synth's CRD check uses each cluster's target (a field only 2.8+ has is refused on a 2.7 cluster, accepted on 2.9)", () => {
    const release = (name: string) => ({
      path: `clusters/${name}/x.yaml`,
      source: name,
      content: {
        format: "yaml" as const,
        documents: [
          {
            apiVersion: "helm.toolkit.fluxcd.io/v2",
            kind: "HelmRelease",
            metadata: { name: "x", namespace: "flux-system" },
            spec: {
              interval: "1h",
              chart: { spec: { chart: "c", sourceRef: { kind: "HelmRepository", name: "r" } } },
              waitStrategy: { name: "poller" },
            },
          },
        ],
      },
    });
    const rendered = renderFiles([release("old"), release("new")]);
    const fluxTargets = new Map<string, FluxTarget>([
      ["old", "2.7"],
      ["new", "2.9"],
    ]);
    const problems = checkCrdSchemas(rendered, { record: undefined, read: () => undefined }, { acknowledged: new Set(), fluxTargets });
    expect(problems).toEqual([expect.stringMatching(/^\[old\] HelmRelease x \(clusters\/old\/x\.yaml\) field spec: .*waitStrategy/)]);
  });
});

describe("kind → apiVersion per target, from the derived CRDs", () => {
  test.each(FLUX_TARGETS)("Flux %s: each kind's served, non-deprecated storage version (today the same on every target)", (t) => {
    for (const kind of WRITTEN_FLUX_KINDS) {
      const apiVersion = fluxApiVersion(kind, t);
      const entry = crds(t)[`${apiVersion}/${kind}`];
      expect(entry).toMatchObject({ served: true, deprecated: false, storage: true });
    }
    // Written by the lib/kubernetes builders as their defaults; the constructs set the target's.
    expect(WRITTEN_FLUX_KINDS.map((k) => fluxApiVersion(k, t))).toEqual([
      GIT_REPOSITORY_API_VERSION,
      OCI_REPOSITORY_API_VERSION,
      HELM_REPOSITORY_API_VERSION,
      HELM_RELEASE_API_VERSION,
      KUSTOMIZATION_API_VERSION,
      NOTIFICATION_API_VERSION,
      NOTIFICATION_API_VERSION,
      TERRAFORM_API_VERSION,
    ]);
  });

  test("2.7's Alert CRD serves v1beta2 (deprecated) first and v1beta3 (storage): v1beta3 is chosen", () => {
    expect(schemaInfo("notification.toolkit.fluxcd.io/v1beta2", "Alert", "2.7")).toMatchObject({ served: true, deprecated: true });
    expect(fluxApiVersion("Alert", "2.7")).toBe("notification.toolkit.fluxcd.io/v1beta3");
  });

  test.each(FLUX_TARGETS)("Flux %s: the kinds the alerts name and the provider types offered are in the target's enums", (t) => {
    const alert = crds(t)[`${fluxApiVersion("Alert", t)}/Alert`].schema as never;
    const provider = crds(t)[`${fluxApiVersion("Provider", t)}/Provider`].schema as never;
    const at = (node: unknown, keys: string[]): unknown =>
      keys.reduce((n, k) => (n !== null && typeof n === "object" ? (n as Record<string, unknown>)[k] : undefined), node);
    const kinds = at(alert, ["properties", "spec", "properties", "eventSources", "items", "properties", "kind", "enum"]) as string[];
    const types = at(provider, ["properties", "spec", "properties", "type", "enum"]) as string[];
    expect(kinds).toEqual(expect.arrayContaining([...ALERTED_FLUX_KINDS]));
    expect(types).toEqual(expect.arrayContaining(["msteams", "slack", "generic"]));
    // What 2.8 added is absent on 2.7: the data tells targets apart.
    if (t === "2.7") expect(kinds).not.toContain("ExternalArtifact");
    else expect(kinds).toContain("ExternalArtifact");
  });
});

describe("the declared version against what the repo shows is installed", () => {
  const header = (v: string) =>
    `---\n# This manifest was generated by flux. DO NOT EDIT.\n# Flux Version: ${v}\n# Components: source-controller\n`;

  test("gotk-components.yaml's header: a synth with another Flux declared is refused, the matching one passes", () => {
    const ws = workspace();
    fs.mkdirSync(path.join(ws.repo, "clusters/aks-dev/flux-system"), { recursive: true });
    fs.writeFileSync(path.join(ws.repo, "clusters/aks-dev/flux-system/gotk-components.yaml"), header("v2.8.1"));
    const refused = newApp(ws);
    cluster(refused, "aks-dev");
    let error: unknown;
    try {
      refused.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GitOpsSynthError);
    expect((error as GitOpsSynthError).problems).toEqual([
      expect.stringContaining(
        "cluster aks-dev: fluxVersion is 2.9, but clusters/aks-dev/flux-system/gotk-components.yaml says Flux 2.8 is installed",
      ),
    ]);
    const accepted = newApp(ws);
    cluster(accepted, "aks-dev", { install: FluxInstall.cli({ fluxVersion: FluxVersion.V2_8 }) });
    expect(() => accepted.synth()).not.toThrow();
  });

  test("the pinned microsoft.flux version, as rendered: 1.24.1 on 2.7 passes, an escape-hatch 1.25.0 is refused naming the file", () => {
    const app = testApp();
    const flux = new FluxBootstrap(app, "flux", {
      clusterName: "aks-dev",
      repositoryUrl: REPO,
      install: FluxInstall.aksExtension({ ...AKS, extensionVersion: "1.24.1" }),
    });
    expect(() => synthGitOpsFiles(app)).not.toThrow();
    flux.extension!.version = "1.25.0";
    expect(() => synthGitOpsFiles(app)).toThrow(GitOpsSynthError);
    let problems: readonly string[] = [];
    try {
      synthGitOpsFiles(app);
    } catch (e) {
      problems = (e as GitOpsSynthError).problems;
    }
    expect(problems).toEqual([
      "[flux/flux-flux-extension] bootstrap/aks-dev/main.tf.json: azurerm_kubernetes_cluster_extension.flux-extension pins microsoft.flux " +
        "1.25.0, whose Flux the library does not know (it knows 1.24.x (Flux 2.7)): cluster aks-dev's objects are written for Flux 2.7; " +
        "pin a version the library knows, or leave it unpinned",
    ]);
  });

  test("a pinned extension whose Flux differs from the cluster's target is refused; unpinned is not checked", () => {
    const tf = (version?: string) =>
      renderFiles([
        {
          path: "bootstrap/aks-dev/main.tf.json",
          source: "flux/ext",
          content: {
            format: "json",
            value: { resource: { azurerm_kubernetes_cluster_extension: { flux: { extension_type: "microsoft.flux", version } } } },
          },
        },
      ]);
    const options = (t: FluxTarget) => ({ acknowledged: new Set<string>(), fluxTargets: new Map([["aks-dev", t]]) });
    expect(checkExtensionVersions(tf("1.24.3"), options("2.7"))).toEqual([]);
    expect(checkExtensionVersions(tf("1.24.3"), options("2.9"))).toEqual([
      "[flux/ext] bootstrap/aks-dev/main.tf.json: azurerm_kubernetes_cluster_extension.flux pins microsoft.flux 1.24.3, which installs " +
        'Flux 2.7, but cluster aks-dev\'s fluxVersion is 2.9: set fluxVersion to "2.7", or pin an extension version that installs Flux 2.9',
    ]);
    expect(checkExtensionVersions(tf(undefined), options("2.9"))).toEqual([]);
  });
});
