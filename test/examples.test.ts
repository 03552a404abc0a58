/**
 * Both examples, synthesized fresh into temp dirs: the worked example (main.ts, run as `cdktf synth` runs it) and the
 * two-cluster fleet (examples/fleet.ts). For every generated cluster folder:
 * - snapshots of every file under clusters/ and bootstrap/;
 * - every YAML object valid against its CRD schema, and free of fields the AKS extension's Flux 2.7 lacks;
 * - every folder's kustomization.yaml lists exactly its generated files; child Kustomizations point at folders that
 *   have one; nothing points at the repo root;
 * - `kubectl kustomize` builds every folder (kubectl is required: missing, the suite fails instead of skipping). The
 *   flux CLI root lists `flux-system/`, which `flux bootstrap` commits; the test simulates it with a stub folder
 *   (kustomization.yaml unless the library wrote one, gotk-components.yaml with the objects the library's patches
 *   target, gotk-sync.yaml) in a temp copy.
 * The committed examples/fleet-repo must be exactly a fresh synth of the fleet.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { buildFleet, FLEET_REPO } from "../examples/fleet";
import { GitOpsApp } from "../lib";
import { crdSchemaPatchesOf } from "../lib/checks/crd-schemas";
import { SchemaPatch, validateManifest } from "../lib/schema/manifest-validator";
import { TEST_CRD_DIR } from "../scripts/derive-crd-schemas";
import { credentialIdentityForBinding, treeForBinding } from "./flavour-bytes";
import { flux29OnlyFields } from "./flux-fields";
import { cleanupTempDirs, listFiles, OWNERSHIP_RECORD, tempDir } from "./helpers";
import { Parsed } from "./parsed";

const PROJECT = path.resolve(__dirname, "..");
const CONFIG = JSON.parse(fs.readFileSync(path.join(PROJECT, "cdktf.json"), "utf8"));
const KUSTOMIZE_CONFIG = "kustomize.config.k8s.io/v1beta1";
/** Flux 2.9's Alert CRD as derived from upstream (`npm run check:upstream`, CI, keeps it current). */
const ALERT_CRD = path.join(PROJECT, ...TEST_CRD_DIR.split("/"), "notification.toolkit.fluxcd.io_alerts.yaml");
/** What `flux bootstrap` writes into flux-system/ besides kustomization.yaml. */
const BOOTSTRAP_FILES = ["gotk-components.yaml", "gotk-sync.yaml"];

afterAll(cleanupTempDirs);

interface Example {
  readonly name: string;
  readonly repo: string;
  /** Where the cdktf flavour's bytes of this example are committed. */
  readonly committedRoot: string;
  /** Cluster folders whose root lists bootstrap's flux-system/ (flux CLI mode). */
  readonly cliClusters: readonly string[];
}

const examples: Example[] = [];

function requireKubectl(): void {
  const run = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  if (run.error || run.status !== 0) {
    throw new Error(
      `kubectl is required by this suite (every generated folder is built with kubectl kustomize): ${run.error?.message ?? run.stderr}`,
    );
  }
}

/** main.ts the way `cdktf synth` runs it: the app command of cdktf.json with CDKTF_OUTDIR and CDKTF_CONTEXT_JSON. */
function synthWorkedExample(): string {
  const dir = tempDir("gitops-worked-");
  const repo = path.join(dir, "repo");
  const run = spawnSync(String(CONFIG.app).replace(/^npx /, ""), {
    shell: true,
    cwd: PROJECT,
    encoding: "utf8",
    timeout: 90_000,
    env: {
      ...process.env,
      PATH: `${path.join(PROJECT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`,
      CDKTF_OUTDIR: path.join(dir, "cdktf.out"),
      CDKTF_CONTEXT_JSON: JSON.stringify({ ...CONFIG.context, gitopsRoot: repo }),
      CHECKPOINT_DISABLE: "1",
      TS_NODE_TRANSPILE_ONLY: "true",
    },
  });
  if (run.status !== 0) throw new Error(`main.ts failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  return repo;
}

function synthFleet(): string {
  const dir = tempDir("gitops-fleet-");
  const repo = path.join(dir, "repo");
  const app = new GitOpsApp({
    gitopsRoot: repo,
    outdir: path.join(dir, "cdktf.out"),
    context: CONFIG.context,
    log: () => {},
    stackTraces: false,
  });
  buildFleet(app);
  app.synth();
  return repo;
}

beforeAll(() => {
  requireKubectl();
  examples.push({
    name: "worked example (main.ts)",
    repo: synthWorkedExample(),
    committedRoot: PROJECT,
    cliClusters: ["clusters/aks-gitops-tf"],
  });
  examples.push({
    name: "fleet (examples/fleet.ts)",
    repo: synthFleet(),
    committedRoot: path.join(PROJECT, ...FLEET_REPO.split("/")),
    cliClusters: [],
  });
}, 120_000);

function read(root: string, rel: string): string {
  return fs.readFileSync(path.join(root, ...rel.split("/")), "utf8");
}

function yamlDocs(root: string, rel: string): Parsed[] {
  return parseAllDocuments(read(root, rel)).map((d) => d.toJS());
}

/** Folders under clusters/ (repo-relative), each with the files directly in it. */
function clusterFolders(repo: string): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  for (const rel of listFiles(repo).filter((r) => r.startsWith("clusters/"))) {
    const dir = rel.slice(0, rel.lastIndexOf("/"));
    folders.set(dir, [...(folders.get(dir) ?? []), rel.slice(dir.length + 1)]);
  }
  return folders;
}

function kustomize(dir: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", timeout: 30_000 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function ids(docs: Parsed[]): string[] {
  return docs.map((d) => `${d.kind} ${d.metadata?.namespace ?? ""}/${d.metadata?.name}`).sort();
}

/** A temp copy of a repo with `flux bootstrap`'s folder stubbed into each flux CLI cluster folder. */
function withBootstrapStub(ex: Example): string {
  const copy = path.join(tempDir("gitops-kustomize-"), "repo");
  fs.cpSync(ex.repo, copy, { recursive: true });
  for (const cluster of ex.cliClusters) {
    const fluxSystem = path.join(copy, ...cluster.split("/"), "flux-system");
    fs.mkdirSync(fluxSystem, { recursive: true });
    // flux bootstrap writes kustomization.yaml only when there is none: one the library wrote (with patches) is kept.
    const config = path.join(fluxSystem, "kustomization.yaml");
    if (!fs.existsSync(config))
      fs.writeFileSync(
        config,
        `apiVersion: ${KUSTOMIZE_CONFIG}\nkind: Kustomization\nresources:\n  - gotk-components.yaml\n  - gotk-sync.yaml\n`,
      );
    // The objects of gotk-components.yaml that the library's patches target: Flux 2.9's Alert CRD (its derived fixture:
    // every version, compacted schemas) and the ClusterRole of notification-controller, so kustomize really applies the
    // patches (it fails on a path that does not exist).
    fs.writeFileSync(
      path.join(fluxSystem, "gotk-components.yaml"),
      [
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n",
        fs.readFileSync(ALERT_CRD, "utf8").replace(/^---\n/, ""),
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: crd-controller-flux-system\n" +
          "rules:\n  - apiGroups: [source.toolkit.fluxcd.io]\n    resources: ['*']\n    verbs: ['*']\n",
      ].join("---\n"),
    );
    fs.writeFileSync(
      path.join(fluxSystem, "gotk-sync.yaml"),
      [
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n" +
          "  namespace: flux-system\nspec:\n  interval: 1m0s\n  ref:\n    branch: main\n  secretRef:\n" +
          "    name: flux-system\n  url: https://github.com/your-org/fluxcd-terraform-gitops.git\n",
        `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n` +
          `  namespace: flux-system\nspec:\n  interval: 10m0s\n  path: ./${cluster}\n  prune: true\n  sourceRef:\n` +
          `    kind: GitRepository\n    name: flux-system\n`,
      ].join("---\n"),
    );
  }
  return copy;
}

describe.each(["worked example (main.ts)", "fleet (examples/fleet.ts)"])("%s", (name) => {
  const ex = (): Example => examples.find((e) => e.name === name)!;

  // The snapshots hold the cdktf flavour's bytes, as the committed trees do: the fresh synth equals the committed file
  // as this binding writes it (test/flavour-bytes.ts; the identity under cdktf), and the committed file its snapshot.
  test("snapshot: every file under clusters/ and bootstrap/", () => {
    const rels = listFiles(ex().repo).filter((r) => r.startsWith("clusters/") || r.startsWith("bootstrap/"));
    expect(rels.length).toBeGreaterThan(0);
    const expected = treeForBinding(new Map(rels.map((rel) => [rel, read(ex().committedRoot, rel)])));
    for (const rel of rels) {
      expect({ rel, text: read(ex().repo, rel) }).toEqual({ rel, text: expected.get(rel) });
      expect(read(ex().committedRoot, rel)).toMatchSnapshot(rel);
    }
  });

  test("every YAML object is valid against its CRD schema (as its cluster's kustomization.yaml patches it) and uses only Flux 2.7 fields", () => {
    let objects = 0;
    const yamls = listFiles(ex().repo).filter((r) => r.endsWith(".yaml"));
    // A cluster's CRDs are those its kustomization.yaml files patch (flux-system/: Terraform in the Alert's kinds).
    const patches = new Map<string, SchemaPatch[]>();
    for (const rel of yamls) {
      for (const doc of yamlDocs(ex().repo, rel)) {
        const { patches: found, problems } = crdSchemaPatchesOf(doc);
        expect({ rel, problems }).toEqual({ rel, problems: [] });
        const cluster = rel.split("/").slice(0, 2).join("/");
        patches.set(cluster, [...(patches.get(cluster) ?? []), ...found]);
      }
    }
    for (const rel of yamls) {
      for (const doc of yamlDocs(ex().repo, rel)) {
        if (doc.apiVersion === KUSTOMIZE_CONFIG) {
          const keys = rel.endsWith("/flux-system/kustomization.yaml")
            ? ["apiVersion", "kind", "patches", "resources"]
            : ["apiVersion", "kind", "resources"];
          expect({ rel, keys: Object.keys(doc).sort(), kind: doc.kind }).toEqual({ rel, keys, kind: "Kustomization" });
          continue;
        }
        objects++;
        const cluster = rel.split("/").slice(0, 2).join("/");
        expect({ rel, kind: doc.kind, issues: validateManifest(doc, patches.get(cluster) ?? []) }).toEqual({
          rel,
          kind: doc.kind,
          issues: [],
        });
        expect({ rel, kind: doc.kind, fields: flux29OnlyFields(doc) }).toEqual({ rel, kind: doc.kind, fields: [] });
      }
    }
    expect(objects).toBeGreaterThan(0);
  });

  test("every folder's kustomization.yaml lists exactly its generated files; sub-folders belong to child Kustomizations", () => {
    const folders = clusterFolders(ex().repo);
    for (const [dir, files] of folders) {
      expect({ dir, files }).toEqual({ dir, files: expect.arrayContaining(["kustomization.yaml"]) });
      const [config] = yamlDocs(ex().repo, `${dir}/kustomization.yaml`);
      const own = files.filter((f) => f !== "kustomization.yaml").sort();
      const isCliRoot = ex().cliClusters.includes(dir);
      // bootstrap's folder: the library may own its kustomization.yaml (the Terraform alert patches), bootstrap the rest.
      const isBootstrapFolder = ex().cliClusters.some((c) => dir === `${c}/flux-system`);
      // (bootstrap's files are there as placeholders when the library wrote the kustomization.yaml: listed once)
      const expected = isCliRoot
        ? [...own, "flux-system"].sort()
        : isBootstrapFolder
          ? [...new Set([...own, ...BOOTSTRAP_FILES])].sort()
          : own;
      expect({ dir, resources: [...config.resources].sort() }).toEqual({ dir, resources: expected });
      for (const r of config.resources) expect(r.includes("/")).toBe(false);
    }
  });

  test("each Flux Kustomization points at a generated folder below its cluster, never at the repo root", () => {
    const folders = clusterFolders(ex().repo);
    const docs = listFiles(ex().repo)
      .filter((r) => r.startsWith("clusters/") && r.endsWith(".yaml"))
      .flatMap((rel) => yamlDocs(ex().repo, rel).map((d) => ({ rel, d })))
      .filter(({ d }) => d.kind === "Kustomization" && d.apiVersion !== KUSTOMIZE_CONFIG);
    expect(docs.length).toBeGreaterThan(0);
    for (const { rel, d } of docs) {
      const target = String(d.spec.path).replace(/^\.\//, "");
      const cluster = rel.split("/").slice(0, 2).join("/");
      expect({ rel, path: d.spec.path, below: target.startsWith(`${cluster}/`), generated: folders.has(target) }).toEqual({
        rel,
        path: d.spec.path,
        below: true,
        generated: true,
      });
      expect(d.spec.prune).toBe(true);
    }
    // The AKS flux configurations point at the cluster folders only.
    for (const rel of listFiles(ex().repo).filter((r) => r.startsWith("bootstrap/"))) {
      const tf = JSON.parse(read(ex().repo, rel));
      for (const config of Object.values(tf.resource.azurerm_kubernetes_flux_configuration ?? {}) as Parsed[]) {
        for (const k of config.kustomizations) {
          expect(k.path).toMatch(/^\.\/clusters\/[a-z0-9-]+$/);
          expect(k.garbage_collection_enabled).toBe(true);
        }
        expect(Object.keys(config.git_repository).filter((k) => /key|password|user/.test(k) && k !== "local_auth_reference")).toEqual([]);
      }
    }
  });

  test("kubectl kustomize builds every folder, and the result is exactly the objects of the listed files", () => {
    const copy = withBootstrapStub(ex());
    for (const dir of clusterFolders(ex().repo).keys()) {
      const out = kustomize(path.join(copy, ...dir.split("/")));
      expect({ dir, status: out.status, stderr: out.stderr }).toEqual({ dir, status: 0, stderr: "" });
      const [config] = yamlDocs(copy, `${dir}/kustomization.yaml`);
      const expected = (config.resources as string[]).flatMap((r) =>
        r.endsWith(".yaml")
          ? yamlDocs(copy, `${dir}/${r}`)
          : (yamlDocs(copy, `${dir}/${r}/kustomization.yaml`)[0].resources as string[]).flatMap((f) => yamlDocs(copy, `${dir}/${r}/${f}`)),
      );
      expect({ dir, objects: ids(parseAllDocuments(out.stdout).map((d) => d.toJS())) }).toEqual({ dir, objects: ids(expected) });
    }
  });

  test("a stray YAML file in a generated folder cannot break the build (only listed files are read)", () => {
    const copy = withBootstrapStub(ex());
    for (const dir of clusterFolders(ex().repo).keys()) {
      const abs = path.join(copy, ...dir.split("/"));
      const before = kustomize(abs).stdout;
      fs.writeFileSync(path.join(abs, "values.yaml"), "replicaCount: 3\nimage:\n  tag: latest\n");
      const after = kustomize(abs);
      expect({ dir, status: after.status, same: after.stdout === before }).toEqual({ dir, status: 0, same: true });
    }
  });
});

test("object counts per kind", () => {
  const count = (repo: string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const rel of listFiles(repo).filter((r) => r.startsWith("clusters/") && r.endsWith(".yaml"))) {
      for (const d of yamlDocs(repo, rel)) if (d.apiVersion !== KUSTOMIZE_CONFIG) out[d.kind] = (out[d.kind] ?? 0) + 1;
    }
    return out;
  };
  expect(count(examples[0].repo)).toEqual({
    // Flux kinds, Terraform (drift left out), Terraform drift only.
    Alert: 3,
    HelmRelease: 1,
    HelmRepository: 1,
    Kustomization: 2,
    Provider: 1,
    RoleBinding: 1,
    ServiceAccount: 1,
    Terraform: 1,
  });
  expect(count(examples[1].repo)).toEqual({
    GitRepository: 1,
    HelmRelease: 2,
    HelmRepository: 2,
    Kustomization: 4,
    RoleBinding: 2,
    ServiceAccount: 2,
    Terraform: 3,
  });
});

test("every Terraform object of both examples can authenticate (the stacks' provider has use_cli = false): workload identity", () => {
  for (const { repo } of examples) {
    const objects = listFiles(repo)
      .filter((r) => r.startsWith("clusters/") && r.endsWith(".yaml"))
      .flatMap((rel) => yamlDocs(repo, rel).filter((d) => d.kind === "Terraform"));
    expect(objects.length).toBeGreaterThan(0);
    for (const tf of objects) {
      const env = new Map(
        ((tf.spec.runnerPodTemplate?.spec?.env ?? []) as { name: string; value?: string }[]).map((e) => [e.name, e.value]),
      );
      expect({ name: tf.metadata.name, oidc: env.get("ARM_USE_OIDC"), tokenFile: env.get("ARM_OIDC_TOKEN_FILE_PATH") }).toEqual({
        name: tf.metadata.name,
        oidc: "true",
        tokenFile: "/var/run/secrets/azure/tokens/azure-identity-token",
      });
      expect(tf.spec.runnerPodTemplate.metadata.labels["azure.workload.identity/use"]).toBe("true");
      expect(tf.spec.serviceAccountName).toBe("tf-runner-azure");
    }
  }
});

test("no tofu-controller release of either example installs the chart's AWS package (an OCIRepository pulled hourly)", () => {
  for (const { repo } of examples) {
    const releases = listFiles(repo)
      .filter((r) => r.endsWith("tofu-controller/helm-release.yaml"))
      .flatMap((rel) => yamlDocs(repo, rel));
    expect(releases.length).toBeGreaterThan(0);
    for (const r of releases) expect(r.spec.values.awsPackage).toEqual({ install: false });
  }
});

test("the worked example writes the article's Terraform object", () => {
  const [doc] = yamlDocs(examples[0].repo, "clusters/aks-gitops-tf/terraform/aks-drift-reconciler.yaml");
  expect(doc.metadata).toEqual({ name: "aks-drift-reconciler", namespace: "flux-system" });
  expect(doc.spec).toMatchObject({
    interval: "5m",
    approvePlan: "auto",
    path: "./infrastructure/aks-gitops-tf",
    sourceRef: { kind: "GitRepository", name: "flux-system" },
  });
});

test("the worked example's runner identity: node-pool-only role on the cluster, federated to the runner's ServiceAccount; and a drift alert", () => {
  const repo = examples[0].repo;
  const tf = JSON.parse(read(repo, "bootstrap/aks-gitops-tf/main.tf.json"));
  const one = (type: string): Parsed => {
    const all = Object.values(tf.resource[type] ?? {}) as Parsed[];
    expect({ type, count: all.length }).toEqual({ type, count: 1 });
    return all[0];
  };
  const [clusterAddress] = Object.keys(tf.data.azurerm_kubernetes_cluster);
  const clusterId = `\${data.azurerm_kubernetes_cluster.${clusterAddress}.id}`;
  expect(tf.data.azurerm_kubernetes_cluster[clusterAddress]).toMatchObject({
    name: "aks-gitops-tf",
    resource_group_name: "rg-gitops-flux",
  });
  const identity = one("azurerm_user_assigned_identity");
  const role = one("azurerm_role_definition");
  const assignment = one("azurerm_role_assignment");
  const credential = one("azurerm_federated_identity_credential");
  expect(role.permissions).toEqual([
    {
      actions: [
        "Microsoft.ContainerService/managedClusters/read",
        "Microsoft.ContainerService/managedClusters/agentPools/read",
        "Microsoft.ContainerService/managedClusters/agentPools/write",
        "Microsoft.ContainerService/managedClusters/agentPools/delete",
        "Microsoft.ContainerService/managedClusters/availableAgentPoolVersions/read",
      ],
      not_actions: [],
    },
  ]);
  expect({ scope: role.scope, assignable: role.assignable_scopes, assignment: assignment.scope }).toEqual({
    scope: clusterId,
    assignable: [clusterId],
    assignment: clusterId,
  });
  expect(assignment.role_definition_id).toMatch(/^\$\{azurerm_role_definition\.[^.]+\.role_definition_resource_id\}$/);
  expect(assignment.principal_id).toMatch(/^\$\{azurerm_user_assigned_identity\.[^.]+\.principal_id\}$/);
  expect(assignment.role_definition_name).toBeUndefined(); // never a built-in role (Owner, Contributor)

  const [sa, binding] = yamlDocs(repo, "clusters/aks-gitops-tf/terraform/tf-runner-azure.serviceaccount.yaml");
  const [cr] = yamlDocs(repo, "clusters/aks-gitops-tf/terraform/aks-drift-reconciler.yaml");
  expect(credential).toMatchObject({
    subject: `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`,
    audience: ["api://AzureADTokenExchange"],
    issuer: `\${data.azurerm_kubernetes_cluster.${clusterAddress}.oidc_issuer_url}`,
  });
  const identityId = `\${azurerm_user_assigned_identity.${Object.keys(tf.resource.azurerm_user_assigned_identity)[0]}.id}`;
  // The identity's arguments as the binding's schema names them (parent_id + resource_group_name before azurerm 4.65).
  const identityArguments = credentialIdentityForBinding({ parent_id: identityId, resource_group_name: "rg-gitops-flux" });
  expect(credential).toMatchObject(identityArguments);
  for (const gone of ["parent_id", "resource_group_name", "user_assigned_identity_id"].filter((k) => !(k in identityArguments))) {
    expect({ gone, value: credential[gone] }).toEqual({ gone, value: undefined });
  }
  expect(identity).toMatchObject({ name: "aks-gitops-tf-tf-runner", resource_group_name: "rg-gitops-flux" });
  expect(sa.metadata).toEqual({
    name: cr.spec.serviceAccountName,
    namespace: cr.metadata.namespace,
    annotations: { "azure.workload.identity/client-id": CONFIG.context.runnerClientIds["aks-gitops-tf-tf-runner"] },
  });
  expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "tf-runner-role" });
  expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: sa.metadata.name, namespace: sa.metadata.namespace }]);
  expect(cr.spec.runnerPodTemplate.metadata.labels).toEqual({ "azure.workload.identity/use": "true" });
  expect(Object.fromEntries(cr.spec.runnerPodTemplate.spec.env.map((e: Parsed) => [e.name, e.value]))).toEqual({
    ARM_USE_OIDC: "true",
    ARM_OIDC_TOKEN_FILE_PATH: "/var/run/secrets/azure/tokens/azure-identity-token",
    ARM_CLIENT_ID: sa.metadata.annotations["azure.workload.identity/client-id"],
    ARM_TENANT_ID: CONFIG.context.tenantId,
    ARM_SUBSCRIPTION_ID: JSON.parse(read(repo, "infrastructure/aks-gitops-tf/main.tf.json")).provider.azurerm[0].subscription_id,
  });
  expect(cr.spec.suspend).toBeUndefined();

  const notifications = yamlDocs(repo, "clusters/aks-gitops-tf/notifications.yaml");
  expect(notifications.find((d) => d.kind === "Provider").spec).toEqual({ type: "msteams", secretRef: { name: "msteams-webhook" } });
  const [terraformAlert] = yamlDocs(repo, "clusters/aks-gitops-tf/flux-system/terraform-alerts.yaml");
  expect(terraformAlert.spec).toMatchObject({ eventSources: [{ kind: "Terraform", name: "*" }], providerRef: { name: "platform-alerts" } });
});

test(`the committed ${FLEET_REPO} is exactly a fresh synth of examples/fleet.ts (azurerm pin and credential per binding)`, () => {
  const { committedRoot, repo: fresh } = examples[1];
  expect(listFiles(committedRoot)).toEqual(listFiles(fresh));
  const expected = treeForBinding(new Map(listFiles(committedRoot).map((rel) => [rel, read(committedRoot, rel)])));
  for (const rel of listFiles(fresh)) expect({ rel, text: expected.get(rel) }).toEqual({ rel, text: read(fresh, rel) });
  expect(listFiles(fresh)).toContain(OWNERSHIP_RECORD);
});
