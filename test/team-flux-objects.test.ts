/**
 * A team's own Flux objects beside the generated ones (#16 item 2): typed Kustomizations with dependsOn on the
 * library's, extra resources and patches in the cluster folder and in flux-system/, user-owned placeholders that no
 * synth reverts, and bootstrap's files as placeholders so that `flux bootstrap` can build flux-system/ before it has
 * written gotk-sync.yaml (flux2 v2.9.4 pkg/bootstrap/bootstrap_plain_git.go:201-206). Built with real kubectl kustomize.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import {
  ApprovalMode,
  FluxBootstrap,
  FluxBootstrapProps,
  FluxInstall,
  GitOpsApp,
  GitOpsSynthError,
  InfrastructureStack,
  KustomizationPatch,
  TerraformControllerCR,
} from "../lib";
import { cleanupTempDirs, newApp, OWNERSHIP_RECORD, RUNNER_CREDENTIALS, SUBSCRIPTION, thrownBy, workspace, Workspace } from "./helpers";

afterAll(cleanupTempDirs);

const REPO_URL = "https://github.com/example-org/gitops.git";
const CLUSTER = "clusters/aks-dev";

/** kustomize-controller's Deployment as gotk-components.yaml has it (the part the team's patch touches). */
const COMPONENTS =
  "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n---\n" +
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kustomize-controller\n  namespace: flux-system\n" +
  "spec:\n  template:\n    spec:\n      containers:\n        - name: manager\n          args:\n            - --log-level=info\n";

const CONCURRENT = KustomizationPatch.jsonPatch({ kind: "Deployment", name: "kustomize-controller" }, [
  { op: "add", path: "/spec/template/spec/containers/0/args/-", value: "--concurrent=20" },
]);

/** The team's app: a cluster with a Terraform object, an apps Kustomization after it, and their own entries. */
function teamApp(app: GitOpsApp, props: Partial<FluxBootstrapProps> = {}): FluxBootstrap {
  const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
  const flux = new FluxBootstrap(app, "flux", {
    clusterName: "aks-dev",
    repositoryUrl: REPO_URL,
    clusterFolder: {
      resources: ["apps-config.yaml"],
      patches: [
        KustomizationPatch.strategicMerge({
          apiVersion: "kustomize.toolkit.fluxcd.io/v1",
          kind: "Kustomization",
          metadata: { name: "apps", namespace: "flux-system" },
          spec: { postBuild: { substitute: { cluster: "aks-dev" } } },
        }),
      ],
      userOwnedComponent: true,
    },
    fluxSystem: { patches: [CONCURRENT], userOwnedComponent: true },
    ...props,
  });
  new TerraformControllerCR(app, "tf", { cluster: flux, stack, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
  const addons = flux.addKustomization("addons", {
    name: "addons",
    path: "./platform/addons",
    dependsOn: [flux.tofuControllerKustomization],
  });
  flux.addKustomization("apps", { name: "apps", path: "./apps/dev", dependsOn: [flux.terraformKustomization, addons] });
  return flux;
}

function synth(ws: Workspace, build: (app: GitOpsApp) => void, log: string[] = []): GitOpsApp {
  const app = newApp(ws, { log: (l) => log.push(l) });
  build(app);
  app.synth();
  return app;
}

function kustomize(dir: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", timeout: 30_000 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

type Obj = { kind: string; metadata: { name: string }; spec?: Record<string, unknown> };
function objects(yaml: string): Obj[] {
  return parseAllDocuments(yaml).map((d) => d.toJS() as Obj);
}

function file(ws: Workspace, rel: string): string {
  return fs.readFileSync(path.join(ws.repo, rel), "utf8");
}

/** `flux bootstrap`'s first step: it writes gotk-components.yaml and, with a kustomization.yaml there, builds that. */
function bootstrapWritesComponents(ws: Workspace): void {
  fs.writeFileSync(path.join(ws.repo, CLUSTER, "flux-system", "gotk-components.yaml"), COMPONENTS);
}

test("flux-system/ builds with only gotk-components.yaml from bootstrap (gotk-sync.yaml is a placeholder), patched", () => {
  const ws = workspace();
  synth(ws, (app) => teamApp(app));
  bootstrapWritesComponents(ws);
  const build = kustomize(path.join(ws.repo, CLUSTER, "flux-system"));
  expect(build.stderr).toBe("");
  const deployment = objects(build.stdout).find((o) => o.kind === "Deployment")!;
  expect(JSON.stringify(deployment)).toContain('"args":["--log-level=info","--concurrent=20"]');
  // Without the placeholder, what bootstrap met before: the build fails on the missing file.
  fs.rmSync(path.join(ws.repo, CLUSTER, "flux-system", "gotk-sync.yaml"));
  expect(kustomize(path.join(ws.repo, CLUSTER, "flux-system")).stderr).toMatch(/gotk-sync\.yaml/);
});

test("the cluster folder builds with the team's Kustomizations, dependsOn the library's, and its patch applied", () => {
  const ws = workspace();
  synth(ws, (app) => teamApp(app));
  bootstrapWritesComponents(ws);
  const built = objects(kustomize(path.join(ws.repo, CLUSTER)).stdout);
  const kustomizations = built.filter((o) => o.kind === "Kustomization");
  expect(kustomizations.map((k) => k.metadata.name).sort()).toEqual(["addons", "apps", "terraform", "tofu-controller"]);
  const apps = kustomizations.find((k) => k.metadata.name === "apps")!;
  expect(apps.spec).toMatchObject({
    path: "./apps/dev",
    prune: true,
    wait: true,
    sourceRef: { kind: "GitRepository", name: "flux-system" },
    dependsOn: [{ name: "terraform" }, { name: "addons" }],
    postBuild: { substitute: { cluster: "aks-dev" } },
  });
  expect(kustomizations.find((k) => k.metadata.name === "addons")!.spec!.dependsOn).toEqual([{ name: "tofu-controller" }]);
});

test("placeholders are written once, never owned; two synths revert nothing a person or bootstrap added", () => {
  const ws = workspace();
  synth(ws, (app) => teamApp(app));
  const record = JSON.parse(file(ws, OWNERSHIP_RECORD)) as { files: Record<string, string> };
  const placeholders = [
    `${CLUSTER}/apps-config.yaml`,
    `${CLUSTER}/user-owned/kustomization.yaml`,
    `${CLUSTER}/flux-system/gotk-components.yaml`,
    `${CLUSTER}/flux-system/gotk-sync.yaml`,
    `${CLUSTER}/flux-system/user-owned/kustomization.yaml`,
  ];
  for (const p of placeholders) {
    expect(fs.existsSync(path.join(ws.repo, p))).toBe(true);
    expect(record.files[p]).toBeUndefined();
  }
  expect(record.files[`${CLUSTER}/apps.yaml`]).toBeDefined();

  // A person fills the user-owned files, bootstrap writes its own.
  bootstrapWritesComponents(ws);
  const edits: Record<string, string> = {
    [`${CLUSTER}/apps-config.yaml`]: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: apps-config\n  namespace: flux-system\n",
    [`${CLUSTER}/user-owned/kustomization.yaml`]:
      "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - monitoring.yaml\n" +
      "patches:\n  - target: {kind: Kustomization, name: addons}\n    patch: |\n      - op: add\n        path: /spec/force\n        value: true\n",
    [`${CLUSTER}/user-owned/monitoring.yaml`]: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: monitoring\n  namespace: flux-system\n",
    [`${CLUSTER}/flux-system/gotk-sync.yaml`]: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sync\n  namespace: flux-system\n",
  };
  for (const [p, text] of Object.entries(edits)) fs.writeFileSync(path.join(ws.repo, p), text);
  const log: string[] = [];
  const second = synth(ws, (app) => teamApp(app), log);
  expect(second.report!.restored).toEqual([]);
  // Only the note that the temp repo is not in Git: nothing about any file.
  expect(second.report!.warnings.filter((w) => !w.includes("is not in a Git work tree"))).toEqual([]);
  expect(second.report!.keptForeign).toEqual([]);
  for (const [p, text] of Object.entries(edits)) expect(file(ws, p)).toBe(text);
  expect(file(ws, `${CLUSTER}/flux-system/gotk-components.yaml`)).toBe(COMPONENTS);
  // The hand-written component's resource and patch are in the build.
  const built = objects(kustomize(path.join(ws.repo, CLUSTER)).stdout);
  expect(built.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(["monitoring", "apps-config", "sync"]));
  expect(built.find((o) => o.metadata.name === "addons")!.spec!.force).toBe(true);

  // Dropping the props later leaves the user's files where they are (nothing to prune: they were never ours).
  synth(ws, (app) => teamApp(app, { clusterFolder: undefined, fluxSystem: undefined }));
  for (const p of Object.keys(edits)) expect(file(ws, p)).toBe(edits[p]);
});

test("a hand edit of the generated kustomization.yaml is restored with a warning saying what to do instead", () => {
  const ws = workspace();
  synth(ws, (app) => teamApp(app));
  const root = path.join(ws.repo, CLUSTER, "kustomization.yaml");
  fs.appendFileSync(root, "  - mine.yaml\n");
  const log: string[] = [];
  const app = synth(ws, (a) => teamApp(a), log);
  expect(app.report!.restored).toEqual([`${CLUSTER}/kustomization.yaml`]);
  const warning = app.report!.warnings.find((w) => w.startsWith(`${CLUSTER}/kustomization.yaml`));
  expect(warning).toMatch(/instead of editing it, add Kustomizations with flux\.addKustomization/);
  expect(warning).toContain(`${CLUSTER}/user-owned/ (clusterFolder: { userOwnedComponent: true })`);
});

test("AKS extension mode: the team's Kustomizations live in the cluster folder too; fluxSystem is refused", () => {
  const ws = workspace();
  const install = FluxInstall.aksExtension({ subscriptionId: SUBSCRIPTION, clusterName: "aks-dev", resourceGroupName: "rg-dev" });
  synth(ws, (app) => teamApp(app, { install, fluxSystem: undefined }));
  const root = objects(file(ws, `${CLUSTER}/kustomization.yaml`))[0] as unknown as { resources: string[]; components: string[] };
  expect(root.resources).toEqual(["tofu-controller.yaml", "terraform.yaml", "addons.yaml", "apps.yaml", "apps-config.yaml"]);
  expect(root.components).toEqual(["user-owned"]);
  expect(objects(file(ws, `${CLUSTER}/apps.yaml`))[0].spec!.sourceRef).toEqual({ kind: "GitRepository", name: "cluster-config" });
  expect(fs.existsSync(path.join(ws.repo, CLUSTER, "flux-system"))).toBe(false);

  const refused = thrownBy(() => synth(workspace(), (app) => teamApp(app, { install }))) as GitOpsSynthError;
  expect(refused.problems).toEqual([expect.stringMatching(/^\[flux\] fluxSystem = <set>: allowed is unset in AKS extension mode/)]);
});

test("without team entries and alerts nothing is written into flux-system/ (bootstrap's folder stays bootstrap's)", () => {
  const ws = workspace();
  synth(ws, (app) => void new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO_URL }));
  expect(fs.existsSync(path.join(ws.repo, CLUSTER, "flux-system"))).toBe(false);
});

test("a flux-system/kustomization.yaml that bootstrap wrote first is kept; the synth says what to add until it has it", () => {
  const ws = workspace();
  const config = path.join(ws.repo, CLUSTER, "flux-system", "kustomization.yaml");
  fs.mkdirSync(path.dirname(config), { recursive: true });
  fs.writeFileSync(
    config,
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gotk-components.yaml\n  - gotk-sync.yaml\n",
  );
  const before = fs.readFileSync(config, "utf8");
  const first = synth(ws, (app) => teamApp(app));
  expect(fs.readFileSync(config, "utf8")).toBe(before);
  const warning = first.report!.warnings.find((w) => w.includes("flux-system/kustomization.yaml"));
  expect(warning).toContain("--concurrent=20");
  expect(warning).toContain("user-owned");
  // Once it has the entries (here: what the library would write), no warning.
  fs.writeFileSync(
    config,
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${warning!.split(":\n").slice(1).join(":\n")}`,
  );
  const second = synth(ws, (app) => teamApp(app));
  expect(second.report!.warnings.filter((w) => w.includes("flux-system/kustomization.yaml"))).toEqual([]);
});
