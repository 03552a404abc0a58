/**
 * Flux versions as explicit targets (issue #13 item 4): per-target CRD schemas derived from the real CRDs of Flux 2.7,
 * 2.8 and 2.9 (committed: lib/schema/crd-schemas*.json, crd-versions.json, test/fixtures/derived-crds/), the Alert CRD
 * patch derived from the target's Alert CRD and applied by kubectl kustomize to each target's derived fixture, and the
 * refusal of a Flux version the library has no CRDs for.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments, stringify } from "yaml";
import { crdSchemaPatchesOf } from "../lib/checks/crd-schemas";
import { checkFluxVersions, fluxVersionOfComponents, gotkComponentsPath } from "../lib/checks/flux-version";
import { alertKindEnumPaths, terraformEventPatches } from "../lib/flux/flux-system-patch";
import { kustomizeConfig } from "../lib/kubernetes/kustomize-config";
import { FLUX_TARGETS, fluxTargetProblem, FluxTarget, validateManifest } from "../lib/schema/manifest-validator";
import { crds } from "../lib/schema/schema-registry";
import { RepoView } from "../lib/synth/repo-view";
import { testCrdDirOf } from "../scripts/derive-crd-schemas";
import { cleanupTempDirs, listFiles, tempDir } from "./helpers";

afterAll(cleanupTempDirs);

const ROOT = path.resolve(__dirname, "..");
const ALERT_FILE = "notification.toolkit.fluxcd.io_alerts.yaml";
const KIND_ENUM_PATH = ["properties", "spec", "properties", "eventSources", "items", "properties", "kind", "enum"];

function alertFixture(target: FluxTarget): string {
  return fs.readFileSync(path.join(ROOT, ...testCrdDirOf(target).split("/"), ALERT_FILE), "utf8");
}

/** The eventSources kind enum of one version of a CRD object (undefined where a step is missing). */
function kindEnumOf(crd: unknown, version: string): unknown {
  const versions = (crd as { spec?: { versions?: { name: string; schema?: { openAPIV3Schema?: unknown } }[] } })?.spec?.versions ?? [];
  let node: unknown = versions.find((x) => x.name === version)?.schema?.openAPIV3Schema;
  for (const key of KIND_ENUM_PATH) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

describe("the declared Flux version", () => {
  test.each(FLUX_TARGETS)("%s has CRDs: accepted", (t) => expect(fluxTargetProblem(t)).toBeUndefined());

  test("2.10 (no CRDs bundled) is refused, naming what is allowed and why", () => {
    expect(fluxTargetProblem("2.10")).toBe(
      '"2.10": allowed is one of "2.7", "2.8", "2.9"; the library bundles CRD schemas for these Flux versions only ' +
        "and does not guess the API of another one",
    );
  });

  test("a patch version is refused with the minor version to write", () => {
    expect(fluxTargetProblem("v2.7.5")).toContain('(write the minor version, "2.7")');
    expect(fluxTargetProblem(2.9)).toMatch(/^2\.9: allowed is one of/);
  });
});

describe("per-target schemas", () => {
  test("each target has its own Alert versions: v1beta2 and v1beta3 on 2.7 and 2.8, v1beta3 only on 2.9", () => {
    const alerts = (t: FluxTarget) => Object.keys(crds(t)).filter((k) => k.endsWith("/Alert"));
    expect(alerts("2.7")).toEqual(["notification.toolkit.fluxcd.io/v1beta2/Alert", "notification.toolkit.fluxcd.io/v1beta3/Alert"]);
    expect(alerts("2.8")).toEqual(alerts("2.7"));
    expect(alerts("2.9")).toEqual(["notification.toolkit.fluxcd.io/v1beta3/Alert"]);
    // tofu-controller's CRD is the same for every target
    expect(crds("2.7")["infra.contrib.fluxcd.io/v1alpha2/Terraform"]).toEqual(crds("2.9")["infra.contrib.fluxcd.io/v1alpha2/Terraform"]);
  });

  test("a field Flux 2.9 added is refused on 2.7 and accepted on 2.9 (HelmRelease spec.waitStrategy)", () => {
    const release = {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "x", namespace: "flux-system" },
      spec: {
        interval: "1h",
        chart: { spec: { chart: "c", sourceRef: { kind: "HelmRepository", name: "r" } } },
        waitStrategy: { name: "poller" },
      },
    };
    expect(validateManifest(release, [], "2.9")).toEqual([]);
    expect(validateManifest(release, [], "2.7")).toEqual([{ path: "spec", message: expect.stringContaining("waitStrategy") }]);
  });

  test("the fleet example's AKS extension clusters (Flux 2.7) are valid against Flux 2.7's real CRDs", () => {
    const dir = path.join(ROOT, "examples", "fleet-repo", "clusters");
    const problems: string[] = [];
    let checked = 0;
    for (const rel of listFiles(dir).filter((f) => f.endsWith(".yaml"))) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, rel), "utf8")).map((d) => d.toJS() as { apiVersion?: string }))
        if (doc && !String(doc.apiVersion).startsWith("kustomize.config.k8s.io/")) {
          checked++;
          problems.push(...validateManifest(doc, [], "2.7").map((i) => `${rel} ${i.path}: ${i.message}`));
        }
    }
    expect(checked).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });
});

describe("the Alert CRD patch is derived from the target's Alert CRD", () => {
  test("2.9: versions/0 only (the bytes the library wrote before targets); 2.7 and 2.8: versions/0 (v1beta2) and versions/1 (v1beta3)", () => {
    const p = (i: number) =>
      `/spec/versions/${i}/schema/openAPIV3Schema/properties/spec/properties/eventSources/items/properties/kind/enum/-`;
    expect(alertKindEnumPaths("2.9")).toEqual([p(0)]);
    expect(alertKindEnumPaths("2.8")).toEqual([p(0), p(1)]);
    expect(alertKindEnumPaths("2.7")).toEqual([p(0), p(1)]);
    expect(terraformEventPatches("flux-system")).toEqual(terraformEventPatches("flux-system", "2.9"));
  });

  const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  const withKubectl = kubectl.error ? test.skip : test;
  if (kubectl.error) process.stderr.write("flux-targets.test.ts: kubectl is not on the PATH; the kubectl kustomize tests are skipped\n");

  withKubectl.each(FLUX_TARGETS)(
    "Flux %s: kubectl kustomize applies it to the derived Alert CRD and every served version gets Terraform",
    (t) => {
      const dir = tempDir("flux-target-");
      fs.writeFileSync(path.join(dir, "crd.yaml"), alertFixture(t));
      const role = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "crd-controller-flux-system" },
        rules: [],
      };
      fs.writeFileSync(path.join(dir, "role.yaml"), stringify(role));
      const config = kustomizeConfig(["crd.yaml", "role.yaml"], terraformEventPatches("flux-system", t));
      fs.writeFileSync(path.join(dir, "kustomization.yaml"), stringify(JSON.parse(JSON.stringify(config))));
      const out = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", timeout: 60_000 });
      expect(out.stderr).toBe("");
      expect(out.status).toBe(0);
      const before = parseAllDocuments(alertFixture(t))[0].toJS() as { spec: { versions: { name: string }[] } };
      const after = parseAllDocuments(out.stdout)
        .map((d) => d.toJS() as { kind?: string })
        .find((d) => d?.kind === "CustomResourceDefinition");
      const versions = before.spec.versions.map((v) => v.name);
      expect(versions.length).toBe(t === "2.9" ? 1 : 2);
      for (const v of versions) {
        const old = kindEnumOf(before, v) as string[];
        expect(old).not.toContain("Terraform");
        expect(kindEnumOf(after, v)).toEqual([...old, "Terraform"]);
      }
    },
  );
});

describe("the checks per target", () => {
  const fluxSystem = (t: FluxTarget) => ({
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: [],
    patches: terraformEventPatches("flux-system", t).map((p) => ({ target: p.target, patch: p.patch })),
  });
  const terraformAlert = {
    apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
    kind: "Alert",
    metadata: { name: "tf", namespace: "flux-system" },
    spec: { providerRef: { name: "slack" }, eventSources: [{ kind: "Terraform", name: "*" }] },
  };

  test("2.7's patch is understood on 2.7 (both Alert versions) and refused on 2.9, whose Alert CRD has no versions/1", () => {
    const on27 = crdSchemaPatchesOf(fluxSystem("2.7"), "2.7");
    expect(on27.problems).toEqual([]);
    expect(on27.patches.map((p) => p.key)).toEqual([
      "notification.toolkit.fluxcd.io/v1beta2/Alert",
      "notification.toolkit.fluxcd.io/v1beta3/Alert",
    ]);
    expect(validateManifest(terraformAlert, on27.patches, "2.7")).toEqual([]);
    expect(validateManifest(terraformAlert, [], "2.7")).not.toEqual([]);
    expect(crdSchemaPatchesOf(fluxSystem("2.7"), "2.9").problems).toEqual([expect.stringMatching(/versions\/1\/.* cannot be checked/)]);
  });

  const repoWith = (files: Record<string, string>): RepoView => ({
    record: undefined,
    read: (p) => (files[p] === undefined ? undefined : Buffer.from(files[p])),
  });
  const header = (v: string) =>
    `---\n# This manifest was generated by flux. DO NOT EDIT.\n# Flux Version: ${v}\n# Components: source-controller\n`;

  test("the declared version against gotk-components.yaml's header: a mismatch is refused naming both, a match or no file passes", () => {
    expect(fluxVersionOfComponents(header("v2.9.4"))).toBe("2.9");
    expect(fluxVersionOfComponents("apiVersion: v1\n")).toBeUndefined();
    const repo = repoWith({ [gotkComponentsPath("aks-dev")]: header("v2.8.1"), [gotkComponentsPath("aks-prod")]: header("v2.9.4") });
    const targets = new Map<string, FluxTarget>([
      ["aks-dev", "2.9"],
      ["aks-prod", "2.9"],
      ["aks-new", "2.7"],
    ]);
    expect(checkFluxVersions([], repo, { acknowledged: new Set(), fluxTargets: targets })).toEqual([
      "cluster aks-dev: fluxVersion is 2.9, but clusters/aks-dev/flux-system/gotk-components.yaml says Flux 2.8 is installed " +
        '("# Flux Version:" header): ' +
        'set fluxVersion to "2.8" (if the library has CRDs for it), or run flux bootstrap with Flux 2.9',
    ]);
    expect(checkFluxVersions([], repo, { acknowledged: new Set() })).toEqual([]);
  });
});
