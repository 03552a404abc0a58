/**
 * TerraformControllerCR: the object it writes (defaults, every typed prop), the approval-loop guard
 * (tofu-controller #1878), and each bad input with its message. Every written object passes the strict CRD schema.
 */
import { parseAllDocuments } from "yaml";
import {
  ApprovalMode,
  Duration,
  FluxBootstrap,
  GitOpsApp,
  GitRef,
  GitRepositorySource,
  InfrastructureStack,
  OciRef,
  OciRepositorySource,
  TaintEffect,
  TerraformControllerCR,
  TolerationOperator,
  VarsFromKind,
} from "../lib";
import { validateManifest } from "../lib/schema/manifest-validator";
import { validateTree } from "../lib/synth/validate-tree";
import {
  cleanupTempDirs,
  listFiles,
  newApp,
  readText,
  RUNNER_CREDENTIALS,
  SUBSCRIPTION,
  workspace,
  terraformFixture,
  TerraformFixture,
} from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";

type Fixture = TerraformFixture;

function fixture(): Fixture {
  return terraformFixture({ stack: "aks-gitops-tf", cluster: "aks-gitops-tf", repositoryUrl: REPO });
}

/** Problems of the whole tree, each prefixed with its construct path. */
function problems(app: GitOpsApp): string[] {
  return validateTree(app);
}

/** The single document of a Terraform object's file (validation must pass first). */
function terraformDoc(app: GitOpsApp, name: string, cluster = "aks-gitops-tf"): Parsed {
  expect(problems(app)).toEqual([]);
  const file = app.renderGitOpsFiles().find((f) => f.path === `clusters/${cluster}/terraform/${name}.yaml`);
  if (!file || file.file.content.format !== "yaml") throw new Error(`no file for ${name}`);
  const docs = file.file.content.documents;
  expect(docs).toHaveLength(1);
  // The rendered bytes parse back to the same object (nothing lost in YAML).
  expect(parseAllDocuments(file.bytes.toString("utf8")).map((d) => d.toJS())).toEqual([JSON.parse(JSON.stringify(docs[0]))]);
  return JSON.parse(JSON.stringify(docs[0]));
}

describe("the Terraform object it writes", () => {
  test("the article's aks-drift-reconciler: path and sourceRef derived, state suffix stable, safe defaults explicit", () => {
    const f = fixture();
    f.tf("aks-drift-reconciler", { interval: Duration.minutes(5), namespace: "flux-system" });
    const doc = terraformDoc(f.app, "aks-drift-reconciler");
    expect(doc).toEqual({
      apiVersion: "infra.contrib.fluxcd.io/v1alpha2",
      kind: "Terraform",
      metadata: { name: "aks-drift-reconciler", namespace: "flux-system" },
      spec: {
        interval: "5m",
        retryInterval: "1m",
        path: "./infrastructure/aks-gitops-tf",
        sourceRef: { kind: "GitRepository", name: "flux-system" },
        approvePlan: "auto",
        backendConfig: { secretSuffix: "aks-gitops-tf", inClusterConfig: true },
        serviceAccountName: "tf-runner",
        destroyResourcesOnDeletion: false,
        disableDriftDetection: false,
        upgradeOnInit: true,
        runnerPodTemplate: {
          spec: {
            envFrom: [{ secretRef: { name: "azure-credentials" } }],
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
          },
        },
      },
    });
    expect(validateManifest(doc)).toEqual([]);
  });

  test.each([
    [ApprovalMode.AUTO, undefined, "auto"],
    [ApprovalMode.DRIFT_DETECTION_ONLY, undefined, "disable"],
    // Manual: the field is left out (the CRD default ""), so an approval by `tfctl approve` is not reverted by Flux.
    [ApprovalMode.MANUAL, undefined, undefined],
    [ApprovalMode.MANUAL, "plan-release-b8e362c206", "plan-release-b8e362c206"],
  ])("approval %j (approvedPlan %s) → approvePlan %s", (approval, approvedPlan, expected) => {
    const f = fixture();
    const release = new GitRepositorySource(f.app, "release", { cluster: f.flux, ref: GitRef.branch("release") });
    f.tf("pools", { approval, approvedPlan, source: approval === ApprovalMode.MANUAL ? release : undefined });
    const doc = terraformDoc(f.app, "pools");
    expect(doc.spec.approvePlan).toBe(expected);
    expect("approvePlan" in doc.spec).toBe(expected !== undefined);
  });

  test("renaming the object keeps its state Secret (the suffix follows the stack folder, not the name)", () => {
    const a = fixture();
    const before = a.tf("drift-reconciler");
    const b = fixture();
    const after = b.tf("aks-drift-reconciler");
    expect(before.stateSecretName).toBe("tfstate-default-aks-gitops-tf");
    expect(after.stateSecretName).toBe(before.stateSecretName);
    expect(terraformDoc(b.app, "aks-drift-reconciler").spec.backendConfig).toEqual(
      terraformDoc(a.app, "drift-reconciler").spec.backendConfig,
    );
  });

  test("every typed prop, rendered where the CRD has it; nothing secret embedded (env from a Secret)", () => {
    const f = fixture();
    const network = f.tf("network", { writeOutputsToSecret: { name: "network-outputs", outputs: ["subnet_id"] } });
    f.tf("pools", {
      name: "node-pools",
      interval: Duration.parse("1h30m"),
      retryInterval: Duration.seconds(90),
      secretSuffix: "pools-state",
      workspace: "prod",
      destroyResourcesOnDeletion: true,
      disableDriftDetection: true,
      upgradeOnInit: false,
      serviceAccountName: "tf-runner-pools",
      vars: { cluster_id: "/subscriptions/x", max_count: 5, zones: ["1", "2"] },
      varsFrom: [
        { kind: VarsFromKind.SECRET, name: "network-outputs", keys: ["subnet_id:vnet_subnet_id"] },
        { kind: VarsFromKind.CONFIG_MAP, name: "pool-settings", optional: true },
      ],
      writeOutputsToSecret: { name: "pool-outputs", labels: { team: "platform" }, annotations: { "example.com/owner": "platform" } },
      dependsOn: [network],
      runnerPod: {
        labels: { "azure.workload.identity/use": "true" },
        annotations: { "example.com/purpose": "drift" },
        env: [
          { name: "ARM_USE_AKS_WORKLOAD_IDENTITY", value: "true" },
          { name: "ARM_CLIENT_SECRET", valueFrom: { secretKeyRef: { name: "azure-sp", key: "clientSecret" } } },
          { name: "ARM_TENANT_ID", valueFrom: { configMapKeyRef: { name: "azure", key: "tenantId" } } },
          { name: "POD_NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
        ],
        envFrom: [{ configMapName: "azure-env" }, { secretName: "azure-creds", prefix: "APP_", optional: true }],
        resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "2Gi" } },
        nodeSelector: { "kubernetes.io/os": "linux" },
        tolerations: [
          { key: "CriticalAddonsOnly", operator: TolerationOperator.EXISTS },
          { key: "spot", operator: TolerationOperator.EQUAL, value: "true", effect: TaintEffect.NO_EXECUTE, tolerationSeconds: 60 },
        ],
      },
    });
    const doc = terraformDoc(f.app, "node-pools");
    expect(doc.spec).toEqual({
      interval: "1h30m",
      retryInterval: "1m30s",
      path: "./infrastructure/aks-gitops-tf",
      sourceRef: { kind: "GitRepository", name: "flux-system" },
      approvePlan: "auto",
      backendConfig: { secretSuffix: "pools-state", inClusterConfig: true },
      workspace: "prod",
      serviceAccountName: "tf-runner-pools",
      destroyResourcesOnDeletion: true,
      disableDriftDetection: true,
      upgradeOnInit: false,
      vars: [
        { name: "cluster_id", value: "/subscriptions/x" },
        { name: "max_count", value: 5 },
        { name: "zones", value: ["1", "2"] },
      ],
      varsFrom: [
        { kind: "Secret", name: "network-outputs", varsKeys: ["subnet_id:vnet_subnet_id"] },
        { kind: "ConfigMap", name: "pool-settings", optional: true },
      ],
      writeOutputsToSecret: { name: "pool-outputs", labels: { team: "platform" }, annotations: { "example.com/owner": "platform" } },
      dependsOn: [{ name: "network" }],
      runnerPodTemplate: {
        metadata: { labels: { "azure.workload.identity/use": "true" }, annotations: { "example.com/purpose": "drift" } },
        spec: {
          env: [
            { name: "ARM_USE_AKS_WORKLOAD_IDENTITY", value: "true" },
            { name: "ARM_CLIENT_SECRET", valueFrom: { secretKeyRef: { name: "azure-sp", key: "clientSecret" } } },
            { name: "ARM_TENANT_ID", valueFrom: { configMapKeyRef: { name: "azure", key: "tenantId" } } },
            { name: "POD_NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
          ],
          envFrom: [{ configMapRef: { name: "azure-env" } }, { prefix: "APP_", secretRef: { name: "azure-creds", optional: true } }],
          resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "2Gi" } },
          nodeSelector: { "kubernetes.io/os": "linux" },
          tolerations: [
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: "spot", operator: "Equal", value: "true", effect: "NoExecute", tolerationSeconds: 60 },
          ],
        },
      },
    });
    expect(validateManifest(doc)).toEqual([]);
    expect(validateManifest(terraformDoc(f.app, "network"))).toEqual([]);
  });

  test("a full synth passes the tree checks (schemas, secret scan) and writes the object into the cluster's terraform/ folder", () => {
    const ws = workspace();
    const app = newApp(ws);
    const stack = new InfrastructureStack(app, "aks-gitops-tf", { subscriptionId: SUBSCRIPTION });
    const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-gitops-tf", repositoryUrl: REPO });
    flux.addTerraform("aks-drift-reconciler", {
      stack,
      approval: ApprovalMode.AUTO,
      runnerPod: { env: [{ name: "ARM_CLIENT_SECRET", valueFrom: { secretKeyRef: { name: "sp", key: "secret" } } }] },
    });
    app.synth();
    expect(listFiles(ws.repo).filter((f) => f.includes("/terraform/"))).toEqual([
      "clusters/aks-gitops-tf/terraform/aks-drift-reconciler.yaml",
      "clusters/aks-gitops-tf/terraform/kustomization.yaml",
    ]);
    expect(readText(ws.repo, "clusters/aks-gitops-tf/terraform/kustomization.yaml")).toContain("- aks-drift-reconciler.yaml");
  });

  test("addDependency adds once; an object in an OCI artifact pushed from infrastructure/ gets the path inside it", () => {
    const f = fixture();
    const oci = new OciRepositorySource(f.app, "tf-code", {
      cluster: f.flux,
      url: "oci://example.azurecr.io/gitops/infra",
      ref: OciRef.semver(">=1.0.0"),
      contentRoot: "infrastructure",
    });
    const a = f.tf("network");
    const b = f.tf("pools", { source: oci, approval: ApprovalMode.MANUAL, secretSuffix: "pools" });
    b.addDependency(a);
    b.addDependency(a);
    const doc = terraformDoc(f.app, "pools");
    expect(doc.spec.dependsOn).toEqual([{ name: "network" }]);
    expect(doc.spec.path).toBe("./aks-gitops-tf");
    expect(doc.spec.sourceRef).toEqual({ kind: "OCIRepository", name: "tf-code" });
  });
});

describe("approval-loop guard (tofu-controller #1878)", () => {
  const LOOP =
    /approval = "MANUAL": allowed is AUTO or DRIFT_DETECTION_ONLY with source .*: with the cluster's own GitRepository as source, approving a plan is a commit to that repo, which is a new source revision, so the controller plans again under a new plan id and the approval never matches: it loops forever \(tofu-controller #1878, open in 0\.16\.5\)\. Use ApprovalMode\.AUTO, ApprovalMode\.DRIFT_DETECTION_ONLY, or MANUAL with `source:` a GitRepositorySource on another branch\/tag\/repo or an OciRepositorySource that holds only the Terraform$/;

  test("MANUAL on the cluster's own GitRepository is refused with the explanation and the alternatives", () => {
    const f = fixture();
    f.tf("aks-drift-reconciler", { approval: ApprovalMode.MANUAL });
    const found = problems(f.app);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^\[aks-drift-reconciler\] /);
    expect(found[0].replace(/^\[aks-drift-reconciler\] /, "")).toMatch(LOOP);
    expect(found[0]).toContain(
      "https://github.com/example-org/gitops.git (branch main, the cluster's own GitRepository flux-system/flux-system)",
    );
  });

  test("a separate GitRepository on the same repo and branch is the same revision: refused (URL spellings compared)", () => {
    const f = fixture();
    const same = new GitRepositorySource(f.app, "same", {
      cluster: f.flux,
      url: "ssh://git@github.com/Example-Org/gitops",
      ref: GitRef.branch("main"),
    });
    f.tf("pools", { approval: ApprovalMode.MANUAL, source: same });
    expect(problems(f.app)).toEqual([
      expect.stringMatching(
        /^\[pools\] approval = "MANUAL": allowed is AUTO or DRIFT_DETECTION_ONLY with source ssh:\/\/git@github.com\/Example-Org\/gitops \(branch main, GitRepository flux-system\/same\): .*#1878/,
      ),
    ]);
  });

  test.each([
    [
      "a release branch of the same repo",
      (f: Fixture) => new GitRepositorySource(f.app, "release", { cluster: f.flux, ref: GitRef.branch("release") }),
    ],
    [
      "semver tags of the same repo",
      (f: Fixture) => new GitRepositorySource(f.app, "tags", { cluster: f.flux, ref: GitRef.semver(">=1.0.0") }),
    ],
    [
      "the same branch of another repo",
      (f: Fixture) =>
        new GitRepositorySource(f.app, "infra-repo", {
          cluster: f.flux,
          url: "https://github.com/example-org/infra.git",
          ref: GitRef.branch("main"),
        }),
    ],
    [
      "an OCI artifact",
      (f: Fixture) =>
        new OciRepositorySource(f.app, "oci", { cluster: f.flux, url: "oci://example.azurecr.io/infra", ref: OciRef.tag("prod") }),
    ],
  ])("MANUAL with %s is accepted", (_what, source) => {
    const f = fixture();
    f.tf("pools", { approval: ApprovalMode.MANUAL, source: source(f) });
    expect(problems(f.app)).toEqual([]);
  });

  test.each([ApprovalMode.AUTO, ApprovalMode.DRIFT_DETECTION_ONLY])("%j on the cluster's own GitRepository is fine", (approval) => {
    const f = fixture();
    f.tf("pools", { approval });
    expect(problems(f.app)).toEqual([]);
  });
});

describe("each bad input, with its message", () => {
  type Case = [string, (f: Fixture) => void, string[]];
  const cases: Case[] = [
    [
      "a name ending in -<digits>",
      (f) => f.tf("stack-1"),
      [
        '[stack-1] name = "stack-1": allowed is a name not ending in -<digits> (Terraform\'s kubernetes backend ' +
          "refuses such state suffixes: it numbers the Secrets of a large state itself)",
      ],
    ],
    [
      "a name that is not a DNS label",
      (f) => f.tf("x", { name: "Drift_Reconciler" }),
      [
        "[x] name = \"Drift_Reconciler\": allowed is a DNS label: lower-case letters, digits and '-', 1 to 63 " +
          "characters, starting and ending alphanumeric",
      ],
    ],
    [
      "a secretSuffix ending in -<digits>",
      (f) => f.tf("x", { secretSuffix: "pools-2" }),
      ['[x] secretSuffix = "pools-2": allowed is a suffix not ending in -<digits> (Terraform\'s kubernetes backend refuses it)'],
    ],
    [
      "a secretSuffix with a dot",
      (f) => f.tf("x", { secretSuffix: "a.b" }),
      [
        "[x] secretSuffix = \"a.b\": allowed is lower-case letters, digits and '-', starting and ending alphanumeric (it ends the state Secret name)",
      ],
    ],
    [
      "a workspace with upper case",
      (f) => f.tf("x", { workspace: "Prod" }),
      ["[x] workspace = \"Prod\": allowed is lower-case letters, digits and '-' (it is part of the state Secret name)"],
    ],
    [
      "approvedPlan without MANUAL",
      (f) => f.tf("x", { approvedPlan: "plan-main-b8e362c206" }),
      ['[x] approvedPlan = "plan-main-b8e362c206": allowed is unset unless approval is ApprovalMode.MANUAL'],
    ],
    [
      "an approvedPlan that is not a plan id",
      (f) =>
        f.tf("x", {
          approval: ApprovalMode.MANUAL,
          approvedPlan: "yes",
          source: new GitRepositorySource(f.app, "rel", { cluster: f.flux, ref: GitRef.tag("v1.0.0") }),
        }),
      ['[x] approvedPlan = "yes": allowed is a plan id as the object\'s status prints it, e.g. plan-main-b8e362c206'],
    ],
    [
      "an unknown approval",
      (f) => f.tf("x", { approval: "sometimes" as ApprovalMode }),
      ['[x] approval = "sometimes": allowed is one of "auto", "", "disable"'],
    ],
    [
      "an interval below 1m",
      (f) => f.tf("x", { interval: Duration.seconds(30) }),
      ['[x] interval = "30s": allowed is at least 1m (every run starts a runner pod and refreshes every resource against Azure)'],
    ],
    [
      "a zero interval",
      (f) => f.tf("x", { interval: Duration.minutes(0) }),
      [expect.stringMatching(/^\[x\] interval = <0m: zero>: allowed is a duration above zero/) as unknown as string],
    ],
    [
      "a retryInterval below 15s",
      (f) => f.tf("x", { retryInterval: Duration.seconds(5) }),
      ['[x] retryInterval = "5s": allowed is at least 15s (the controller\'s own default; every retry starts a runner pod)'],
    ],
    [
      "a namespace other than the source's",
      (f) => f.tf("x", { namespace: "infra" }),
      [
        '[x] namespace = "infra": allowed is the namespace of its source GitRepository flux-system/flux-system ' +
          "(tofu-controller denies cross-namespace source references)",
      ],
    ],
    [
      "a source of another cluster",
      (f) => {
        const other = new FluxBootstrap(f.app, "other", { clusterName: "other", repositoryUrl: REPO });
        f.tf("x", { source: other.source });
      },
      ['[x] source = "GitRepository flux-system/flux-system": allowed is a source of cluster aks-gitops-tf (it belongs to other)'],
    ],
    [
      "a dependency on another cluster's object",
      (f) => {
        const other = new FluxBootstrap(f.app, "other", { clusterName: "other", repositoryUrl: REPO });
        const there = new TerraformControllerCR(f.app, "there", {
          cluster: other,
          stack: f.stack,
          approval: ApprovalMode.AUTO,
          runnerPod: RUNNER_CREDENTIALS,
        });
        f.tf("x", { dependsOn: [there] });
      },
      ['[x] dependsOn = "flux-system/there": allowed is Terraform objects of cluster aks-gitops-tf (there is on other)'],
    ],
    [
      "a dependency cycle",
      (f) => {
        const a = f.tf("a", { secretSuffix: "a" });
        const b = f.tf("b", { secretSuffix: "b", dependsOn: [a] });
        a.addDependency(b);
      },
      ['[b] dependsOn = "b → a → b": allowed is dependencies without a cycle (the objects would wait for each other forever)'],
    ],
    [
      "two objects on one state Secret",
      (f) => {
        f.tf("a");
        f.tf("b");
      },
      [
        '[b] secretSuffix = "aks-gitops-tf": allowed is a state Secret of its own: a already uses ' +
          "flux-system/tfstate-default-aks-gitops-tf, and two objects on one state overwrite each other",
      ],
    ],
    [
      "one name twice in a cluster",
      (f) => {
        f.tf("a", { secretSuffix: "one" });
        f.tf("b", { name: "a", secretSuffix: "two" });
      },
      ['[b] name = "a": allowed is a name not used by another Terraform object in aks-gitops-tf/flux-system (a has it)'],
    ],
    [
      "env with value and valueFrom",
      (f) => f.tf("x", { runnerPod: { env: [{ name: "A", value: "1", valueFrom: { fieldRef: { fieldPath: "x" } } }] } }),
      ['[x] runnerPod.env[0] = "A": allowed is exactly one of value and valueFrom'],
    ],
    [
      "env valueFrom with two sources",
      (f) =>
        f.tf("x", {
          runnerPod: {
            env: [{ name: "A", valueFrom: { secretKeyRef: { name: "s", key: "k" }, configMapKeyRef: { name: "c", key: "k" } } }],
          },
        }),
      ['[x] runnerPod.env[0].valueFrom = "A": allowed is exactly one of secretKeyRef, configMapKeyRef and fieldRef'],
    ],
    [
      "an env name with a space",
      (f) => f.tf("x", { runnerPod: { env: [{ name: "MY VAR", value: "1" }] } }),
      ['[x] runnerPod.env[0].name = "MY VAR": allowed is an environment variable name'],
    ],
    [
      "envFrom with both",
      (f) => f.tf("x", { runnerPod: { envFrom: [{ secretName: "a", configMapName: "b" }] } }),
      ['[x] runnerPod.envFrom[0] = {"secretName":"a","configMapName":"b"}: allowed is exactly one of secretName and configMapName'],
    ],
    [
      "a bad quantity",
      (f) => f.tf("x", { runnerPod: { resources: { limits: { memory: "1 GB" } } } }),
      ['[x] runnerPod.resources.limits.memory = "1 GB": allowed is a Kubernetes quantity such as "500m" or "1Gi", not negative'],
    ],
    [
      "Exists with a value",
      (f) => f.tf("x", { runnerPod: { tolerations: [{ key: "a", operator: TolerationOperator.EXISTS, value: "b" }] } }),
      ['[x] runnerPod.tolerations[0].value = "b": allowed is unset with operator Exists'],
    ],
    [
      "tolerationSeconds without NoExecute",
      (f) => f.tf("x", { runnerPod: { tolerations: [{ key: "a", value: "b", effect: TaintEffect.NO_SCHEDULE, tolerationSeconds: 5 }] } }),
      ["[x] runnerPod.tolerations[0].tolerationSeconds = 5: allowed is unset unless effect is NoExecute"],
    ],
    [
      "a bad pod label",
      (f) => f.tf("x", { runnerPod: { labels: { "bad key!": "x" } } }),
      ['[x] runnerPod.labels["bad key!"] = "bad key!": allowed is a Kubernetes label key ([prefix/]name, name 1 to 63 characters)'],
    ],
    [
      "an unknown varsFrom kind",
      (f) => f.tf("x", { varsFrom: [{ kind: "Vault" as VarsFromKind, name: "v" }] }),
      ['[x] varsFrom[0].kind = "Vault": allowed is one of "Secret", "ConfigMap"'],
    ],
    [
      "a bad outputs Secret name",
      (f) => f.tf("x", { writeOutputsToSecret: { name: "Outputs" } }),
      ['[x] writeOutputsToSecret.name = "Outputs": allowed is a Secret name'],
    ],
    [
      "outputs into the state Secret",
      (f) => f.tf("x", { writeOutputsToSecret: { name: "tfstate-default-aks-gitops-tf" } }),
      [
        '[x] writeOutputsToSecret.name = "tfstate-default-aks-gitops-tf": allowed is a name other than the state ' +
          "Secret tfstate-default-aks-gitops-tf",
      ],
    ],
    [
      "a bad variable name",
      (f) => f.tf("x", { vars: { "cluster id": "x" } }),
      ['[x] vars["cluster id"] = "cluster id": allowed is a Terraform variable name'],
    ],
    [
      "a non-boolean flag",
      (f) => f.tf("x", { upgradeOnInit: "yes" as unknown as boolean }),
      ['[x] upgradeOnInit = "yes": allowed is true or false'],
    ],
    [
      "no stack (JavaScript)",
      (f) => f.tf("x", { stack: undefined as unknown as InfrastructureStack, secretSuffix: "x" }),
      ["[x] stack = (unset): allowed is an InfrastructureStack"],
    ],
  ];

  test.each(cases)("%s", (_what, build, expected) => {
    const f = fixture();
    build(f);
    expect(problems(f.app).sort()).toEqual([...expected].sort());
  });

  test("all problems of a synth are reported at once, and nothing is written", () => {
    const ws = workspace();
    const app = newApp(ws);
    const stack = new InfrastructureStack(app, "s", { subscriptionId: SUBSCRIPTION });
    const flux = new FluxBootstrap(app, "flux", { clusterName: "c", repositoryUrl: REPO });
    new TerraformControllerCR(app, "stack-1", {
      cluster: flux,
      stack,
      approval: ApprovalMode.MANUAL,
      interval: Duration.seconds(0),
      runnerPod: RUNNER_CREDENTIALS,
    });
    expect(() => app.synth()).toThrow(/3 problems; nothing was written/);
    expect(listFiles(ws.repo)).toEqual([]);
  });
});
