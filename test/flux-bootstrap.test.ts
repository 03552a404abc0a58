/**
 * FluxBootstrap in both modes: the cluster folder it writes (layout, ordering, tofu-controller install and health
 * checks), the AKS bootstrap stack, and each bad input with its message. PromotionOrder is tested here too.
 */
import {
  ApprovalMode,
  Duration,
  FluxBootstrap,
  FluxBootstrapProps,
  FluxInstallMode,
  GitOpsApp,
  GitRef,
  GitRepositorySource,
  InfrastructureStack,
  PromotionOrder,
  TerraformControllerCR,
} from "../lib";
import { GIT_REF_RULES } from "../lib/core/git-ref-name";
import { validateManifest } from "../lib/schema/manifest-validator";
import { validateTree } from "../lib/synth/validate-tree";
import { bindingProviderVersion } from "./flavour-bytes";
import { flux29OnlyFields } from "./flux-fields";
import { cleanupTempDirs, listFiles, newApp, RUNNER_CREDENTIALS, SUBSCRIPTION, workspace } from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";
const AKS = { subscriptionId: SUBSCRIPTION, clusterName: "aks-dev", resourceGroupName: "rg-dev" };

function app(): GitOpsApp {
  return newApp(workspace());
}

/** path → documents (YAML) or value (JSON) of every generated file; validation must pass first. */
function render(a: GitOpsApp): Map<string, Parsed> {
  expect(validateTree(a)).toEqual([]);
  return new Map(
    a
      .renderGitOpsFiles()
      .map((f) => [f.path, JSON.parse(JSON.stringify(f.file.content.format === "yaml" ? f.file.content.documents : f.file.content.value))]),
  );
}

function withTerraform(a: GitOpsApp, props: Partial<FluxBootstrapProps> = {}): { flux: FluxBootstrap; stack: InfrastructureStack } {
  const stack = new InfrastructureStack(a, "pools", { subscriptionId: SUBSCRIPTION });
  const flux = new FluxBootstrap(a, "flux", { clusterName: "aks-dev", repositoryUrl: REPO, ...props });
  flux.addTerraform("pools", { stack, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
  return { flux, stack };
}

describe("flux CLI mode", () => {
  test("the cluster folder: root lists bootstrap's folder and two child Kustomizations, never the sub-folders", () => {
    const a = app();
    withTerraform(a);
    const files = render(a);
    expect([...files.keys()].filter((p) => p.startsWith("clusters/")).sort()).toEqual([
      "clusters/aks-dev/kustomization.yaml",
      "clusters/aks-dev/terraform.yaml",
      "clusters/aks-dev/terraform/kustomization.yaml",
      "clusters/aks-dev/terraform/pools.yaml",
      "clusters/aks-dev/tofu-controller.yaml",
      "clusters/aks-dev/tofu-controller/helm-release.yaml",
      "clusters/aks-dev/tofu-controller/helm-repository.yaml",
      "clusters/aks-dev/tofu-controller/kustomization.yaml",
    ]);
    expect(files.get("clusters/aks-dev/kustomization.yaml")).toEqual([
      {
        apiVersion: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources: ["flux-system", "tofu-controller.yaml", "terraform.yaml"],
      },
    ]);
    expect(files.get("clusters/aks-dev/tofu-controller/kustomization.yaml")[0].resources).toEqual([
      "helm-repository.yaml",
      "helm-release.yaml",
    ]);
    expect(files.get("clusters/aks-dev/terraform/kustomization.yaml")[0].resources).toEqual(["pools.yaml"]);
    // bootstrap owns flux-system/: nothing is written there
    expect([...files.keys()].some((p) => p.includes("/flux-system/"))).toBe(false);
  });

  test("tofu-controller is installed first and health-checked; the Terraform objects come after it", () => {
    const a = app();
    withTerraform(a);
    const files = render(a);
    const [controller] = files.get("clusters/aks-dev/tofu-controller.yaml");
    expect(controller).toEqual({
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "tofu-controller", namespace: "flux-system" },
      spec: {
        interval: "10m",
        retryInterval: "2m",
        timeout: "10m",
        path: "./clusters/aks-dev/tofu-controller",
        prune: true,
        sourceRef: { kind: "GitRepository", name: "flux-system" },
        healthChecks: [
          { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", name: "tofu-controller", namespace: "flux-system" },
          { apiVersion: "apps/v1", kind: "Deployment", name: "tofu-controller", namespace: "flux-system" },
        ],
      },
    });
    const [terraform] = files.get("clusters/aks-dev/terraform.yaml");
    expect(terraform.spec).toEqual({
      interval: "10m",
      retryInterval: "2m",
      timeout: "5m",
      path: "./clusters/aks-dev/terraform",
      prune: true,
      sourceRef: { kind: "GitRepository", name: "flux-system" },
      dependsOn: [{ name: "tofu-controller" }],
    });
    const [repo] = files.get("clusters/aks-dev/tofu-controller/helm-repository.yaml");
    expect(repo.spec).toEqual({ url: "https://flux-iac.github.io/tofu-controller", interval: "1h", timeout: "1m" });
    const [release] = files.get("clusters/aks-dev/tofu-controller/helm-release.yaml");
    expect(release.spec).toEqual({
      interval: "30m",
      timeout: "5m",
      releaseName: "tofu-controller",
      chart: { spec: { chart: "tofu-controller", version: "0.16.5", sourceRef: { kind: "HelmRepository", name: "tofu-controller" } } },
      install: { crds: "Create", remediation: { retries: 3 } },
      upgrade: { crds: "CreateReplace", remediation: { retries: 3, remediateLastFailure: true } },
      driftDetection: { mode: "enabled" },
      values: {
        // no AWS module OCIRepository pulled hourly by the release (the chart's default awsPackage.install: true)
        awsPackage: { install: false },
        runner: { grpc: { maxMessageSize: 30 }, serviceAccount: { allowedNamespaces: ["flux-system"] } },
      },
    });
    for (const docs of files.values())
      for (const d of Array.isArray(docs) ? docs : [])
        if (d.apiVersion !== "kustomize.config.k8s.io/v1beta1") expect(validateManifest(d)).toEqual([]);
  });

  test("no Terraform objects yet: tofu-controller only, no terraform Kustomization or folder", () => {
    const a = app();
    new FluxBootstrap(a, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
    const files = render(a);
    expect([...files.keys()].sort()).toEqual([
      "clusters/aks-dev/kustomization.yaml",
      "clusters/aks-dev/tofu-controller.yaml",
      "clusters/aks-dev/tofu-controller/helm-release.yaml",
      "clusters/aks-dev/tofu-controller/helm-repository.yaml",
      "clusters/aks-dev/tofu-controller/kustomization.yaml",
    ]);
    expect(files.get("clusters/aks-dev/kustomization.yaml")[0].resources).toEqual(["flux-system", "tofu-controller.yaml"]);
  });

  test("a custom bootstrap namespace names bootstrap's folder; bootstrapInstructions is the matching command", () => {
    const a = app();
    const { flux } = withTerraform(a, { namespace: "gitops", branch: "trunk", sourceInterval: Duration.minutes(2) });
    expect(render(a).get("clusters/aks-dev/kustomization.yaml")[0].resources).toEqual(["gitops", "tofu-controller.yaml", "terraform.yaml"]);
    expect(flux.bootstrapInstructions).toBe(
      `flux bootstrap git --url=${REPO} --branch=trunk --path=./clusters/aks-dev --namespace=gitops --interval=2m ` +
        `--token-auth=true --username="$GIT_USERNAME" --password="$GIT_PASSWORD"`,
    );
  });

  test("the controller in its own namespace: targetNamespace, storage with it, namespace never pruned, health check there", () => {
    const a = app();
    withTerraform(a, {
      tofuController: {
        namespace: "tofu-system",
        chartVersion: ">=0.16.5 <0.17.0",
        values: { replicaCount: 2, awsPackage: { install: true }, runner: { serviceAccount: { allowedNamespaces: ["extra"] } } },
      },
    });
    const files = render(a);
    expect(files.get("clusters/aks-dev/tofu-controller/kustomization.yaml")[0].resources).toEqual([
      "namespaces.yaml",
      "helm-repository.yaml",
      "helm-release.yaml",
    ]);
    expect(files.get("clusters/aks-dev/tofu-controller/namespaces.yaml")).toEqual([
      {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "tofu-system", labels: { "kustomize.toolkit.fluxcd.io/prune": "disabled" } },
      },
    ]);
    const [release] = files.get("clusters/aks-dev/tofu-controller/helm-release.yaml");
    expect(release.spec.targetNamespace).toBe("tofu-system");
    expect(release.spec.storageNamespace).toBe("tofu-system");
    expect(release.spec.chart.spec.version).toBe(">=0.16.5 <0.17.0");
    expect(release.spec.values).toEqual({
      awsPackage: { install: true }, // the user's values merge over the library's
      runner: { grpc: { maxMessageSize: 30 }, serviceAccount: { allowedNamespaces: ["extra", "flux-system"] } },
      replicaCount: 2,
    });
    expect(files.get("clusters/aks-dev/tofu-controller.yaml")[0].spec.healthChecks[1]).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "tofu-controller",
      namespace: "tofu-system",
    });
    for (const d of files.get("clusters/aks-dev/tofu-controller/namespaces.yaml")) expect(validateManifest(d)).toEqual([]);
  });

  test("Terraform objects in another namespace: tf-runner is created there, the namespace exists before the chart", () => {
    const a = app();
    const { flux, stack } = withTerraform(a);
    const infra = new GitRepositorySource(a, "infra-code", {
      cluster: flux,
      namespace: "infra",
      ref: GitRef.branch("main"),
      url: "https://github.com/example-org/infra.git",
    });
    flux.addTerraform("pools-infra", {
      stack,
      source: infra,
      approval: ApprovalMode.MANUAL,
      secretSuffix: "pools-infra",
      runnerPod: RUNNER_CREDENTIALS,
    });
    const files = render(a);
    expect(files.get("clusters/aks-dev/tofu-controller/namespaces.yaml").map((n: Parsed) => n.metadata.name)).toEqual(["infra"]);
    expect(files.get("clusters/aks-dev/tofu-controller/helm-release.yaml")[0].spec.values.runner.serviceAccount.allowedNamespaces).toEqual([
      "flux-system",
      "infra",
    ]);
    expect(files.get("clusters/aks-dev/terraform/kustomization.yaml")[0].resources).toEqual([
      "infra-code.gitrepository.yaml",
      "pools-infra.yaml",
      "pools.yaml",
    ]);
    const [src] = files.get("clusters/aks-dev/terraform/infra-code.gitrepository.yaml");
    // another repo: the cluster's credentials are not assumed
    expect(src).toEqual({
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: "infra-code", namespace: "infra" },
      spec: {
        interval: "1m",
        timeout: "1m",
        url: "https://github.com/example-org/infra.git",
        ref: { branch: "main" },
        ignore: "/*\n!/infrastructure/\n",
      },
    });
    expect(validateManifest(src)).toEqual([]);
  });

  test("a separate source on the cluster's own repo reuses bootstrap's credentials Secret", () => {
    const a = app();
    const { flux } = withTerraform(a);
    new GitRepositorySource(a, "release", { cluster: flux, ref: GitRef.branch("release") });
    expect(render(a).get("clusters/aks-dev/terraform/release.gitrepository.yaml")[0].spec.secretRef).toEqual({ name: "flux-system" });
  });

  test("a full synth writes the folder and passes every tree check", () => {
    const ws = workspace();
    const a = newApp(ws);
    withTerraform(a);
    a.synth();
    expect(listFiles(ws.repo).filter((p) => p.startsWith("clusters/"))).toHaveLength(8);
  });
});

describe("AKS extension mode", () => {
  test("the bootstrap stack: the microsoft.flux extension, then a cluster-scoped configuration pulling clusters/<cluster> from main", () => {
    const a = app();
    withTerraform(a, { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: { ...AKS, localAuthReference: "git-credentials" } });
    const tf = render(a).get("bootstrap/aks-dev/main.tf.json");
    expect(tf.data.azurerm_kubernetes_cluster.cluster).toMatchObject({ name: "aks-dev", resource_group_name: "rg-dev" });
    expect(tf.resource.azurerm_kubernetes_cluster_extension["flux-extension"]).toMatchObject({
      name: "flux",
      extension_type: "microsoft.flux",
      cluster_id: "${data.azurerm_kubernetes_cluster.cluster.id}",
    });
    const { ["//"]: _meta, ...config } = tf.resource.azurerm_kubernetes_flux_configuration["flux-configuration"];
    expect(config).toEqual({
      name: "cluster-config",
      namespace: "flux-system",
      scope: "cluster",
      cluster_id: "${data.azurerm_kubernetes_cluster.cluster.id}",
      continuous_reconciliation_enabled: true,
      depends_on: ["azurerm_kubernetes_cluster_extension.flux-extension"],
      git_repository: {
        url: REPO,
        reference_type: "branch",
        reference_value: "main",
        sync_interval_in_seconds: 60,
        timeout_in_seconds: 60,
        local_auth_reference: "git-credentials",
      },
      kustomizations: [
        {
          name: "cluster",
          path: "./clusters/aks-dev",
          garbage_collection_enabled: true,
          recreating_enabled: false,
          sync_interval_in_seconds: 600,
          retry_interval_in_seconds: 120,
          timeout_in_seconds: 600,
          wait: true,
          depends_on: [],
        },
      ],
    });
    // credentials only by reference; no local backend with an absolute path
    expect(JSON.stringify(tf)).not.toMatch(/https_key_base64|ssh_private_key_base64|https_user/);
    expect(tf.terraform.backend).toBeUndefined();
    expect(tf.terraform.required_providers.azurerm).toEqual({ source: "hashicorp/azurerm", version: bindingProviderVersion() });
  });

  test("the YAML: no flux-system folder, every object in the configuration namespace on its GitRepository, Flux 2.7 fields only", () => {
    const a = app();
    withTerraform(a, {
      mode: FluxInstallMode.AKS_EXTENSION,
      aksExtension: { ...AKS, configurationName: "gitops" },
      namespace: "cluster-config",
    });
    const files = render(a);
    expect(files.get("clusters/aks-dev/kustomization.yaml")[0].resources).toEqual(["tofu-controller.yaml", "terraform.yaml"]);
    const docs = [...files.entries()].filter(([p]) => p.startsWith("clusters/")).flatMap(([, d]) => d as Parsed[]);
    for (const d of docs.filter((d) => d.apiVersion !== "kustomize.config.k8s.io/v1beta1")) {
      expect(d.metadata.namespace).toBe("cluster-config");
      expect(validateManifest(d)).toEqual([]);
      expect(flux29OnlyFields(d)).toEqual([]);
      if (d.spec.sourceRef && d.kind !== "HelmRelease") expect(d.spec.sourceRef).toEqual({ kind: "GitRepository", name: "gitops" });
    }
    const [release] = files.get("clusters/aks-dev/tofu-controller/helm-release.yaml");
    expect(release.metadata.namespace).toBe("cluster-config");
    expect(release.spec.targetNamespace).toBeUndefined();
    expect(release.spec.values.runner.serviceAccount.allowedNamespaces).toEqual(["cluster-config"]);
    expect(files.get("bootstrap/aks-dev/main.tf.json").resource.azurerm_kubernetes_flux_configuration["flux-configuration"].namespace).toBe(
      "cluster-config",
    );
  });

  test("further kustomizations wait for the cluster folder by default; a state backend uses Entra ID", () => {
    const a = app();
    const { flux } = withTerraform(a, {
      mode: FluxInstallMode.AKS_EXTENSION,
      aksExtension: {
        ...AKS,
        extensionVersion: "1.24.1",
        additionalKustomizations: [
          { name: "apps", path: "./apps/dev" },
          { name: "smoke", path: "./tests/dev", dependsOn: ["apps"] },
        ],
        stateBackend: {
          resourceGroupName: "rg-tfstate",
          storageAccountName: "sttfstate",
          containerName: "tfstate",
          key: "bootstrap/aks-dev.tfstate",
        },
      },
    });
    const tf = render(a).get("bootstrap/aks-dev/main.tf.json");
    const ks = tf.resource.azurerm_kubernetes_flux_configuration["flux-configuration"].kustomizations;
    expect(ks.map((k: Parsed) => [k.name, k.path, k.depends_on, k.garbage_collection_enabled])).toEqual([
      ["cluster", "./clusters/aks-dev", [], true],
      ["apps", "./apps/dev", ["cluster"], true],
      ["smoke", "./tests/dev", ["apps"], true],
    ]);
    expect(tf.resource.azurerm_kubernetes_cluster_extension["flux-extension"].version).toBe("1.24.1");
    expect(tf.terraform.backend).toEqual({
      azurerm: {
        resource_group_name: "rg-tfstate",
        storage_account_name: "sttfstate",
        container_name: "tfstate",
        key: "bootstrap/aks-dev.tfstate",
        use_azuread_auth: true,
      },
    });
    expect(flux.bootstrapInstructions).toBe("tofu -chdir=bootstrap/aks-dev init && tofu -chdir=bootstrap/aks-dev apply");
    expect(flux.fluxConfiguration).toBeDefined();
  });

  test("a separate source on the cluster's repo uses the configuration's credentials Secret (or none for a public repo)", () => {
    const a = app();
    const { flux } = withTerraform(a, {
      mode: FluxInstallMode.AKS_EXTENSION,
      aksExtension: { ...AKS, localAuthReference: "git-credentials" },
    });
    new GitRepositorySource(a, "release", { cluster: flux, ref: GitRef.branch("release") });
    const b = app();
    const pub = withTerraform(b, { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: AKS });
    new GitRepositorySource(b, "release", { cluster: pub.flux, ref: GitRef.branch("release") });
    expect(render(a).get("clusters/aks-dev/terraform/release.gitrepository.yaml")[0].spec.secretRef).toEqual({ name: "git-credentials" });
    expect(render(b).get("clusters/aks-dev/terraform/release.gitrepository.yaml")[0].spec.secretRef).toBeUndefined();
  });

  test("a full synth writes bootstrap/<cluster>/main.tf.json and the cluster folder, and passes the tree checks", () => {
    const ws = workspace();
    const a = newApp(ws);
    withTerraform(a, { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: AKS });
    a.synth();
    expect(listFiles(ws.repo)).toContain("bootstrap/aks-dev/main.tf.json");
    expect(listFiles(ws.repo).filter((p) => p.startsWith("clusters/"))).toHaveLength(8);
  });
});

describe("each bad input, with its message", () => {
  type Case = [string, Partial<FluxBootstrapProps>, string[]];
  const cases: Case[] = [
    [
      "a cluster name that is not a DNS label",
      { clusterName: "AKS_Dev" },
      [
        "[flux] clusterName = \"AKS_Dev\": allowed is a DNS label: lower-case letters, digits and '-', 1 to 63 " +
          "characters, starting and ending alphanumeric",
      ],
    ],
    [
      "credentials in the URL",
      { repositoryUrl: "https://user:ghp_secret@github.com/o/r.git" },
      [
        "[flux] repositoryUrl = <a URL with user:password@>: allowed is a URL without credentials (they go into a " +
          "Secret: the bootstrap's, or aksExtension.localAuthReference)",
      ],
    ],
    [
      "an scp-style URL in CLI mode",
      { repositoryUrl: "git@github.com:o/r.git" },
      [
        '[flux] repositoryUrl = "git@github.com:o/r.git": allowed is a Git URL starting with https://, http:// or ' +
          "ssh:// (what Flux's GitRepository accepts)",
      ],
    ],
    [
      "a branch with a space",
      { branch: "my branch" },
      ['[flux] branch = "my branch": allowed is a Git branch name (' + GIT_REF_RULES + ")"],
    ],
    [
      "AKS mode without its settings",
      { mode: FluxInstallMode.AKS_EXTENSION },
      [
        "[flux] aksExtension = (unset): allowed is the AKS extension settings (subscriptionId, clusterName, " +
          "resourceGroupName) with mode AKS_EXTENSION",
      ],
    ],
    [
      "AKS settings in CLI mode",
      { aksExtension: AKS },
      [
        "[flux] aksExtension = <set>: allowed is unset with mode flux-cli (flux bootstrap installs Flux; set mode: " +
          "FluxInstallMode.AKS_EXTENSION to use the extension)",
      ],
    ],
    ["an unknown mode", { mode: "argo" as FluxInstallMode }, ['[flux] mode = "argo": allowed is one of "flux-cli", "aks-extension"']],
    [
      "a Kustomization interval below 1m",
      { interval: Duration.seconds(30) },
      ['[flux] interval = "30s": allowed is at least 1m (Flux\'s minimum for Kustomizations)'],
    ],
    [
      "a zero timeout",
      { timeout: Duration.seconds(0) },
      [expect.stringMatching(/^\[flux\] timeout = <0s: zero>: allowed is a duration above zero/) as unknown as string],
    ],
    [
      "a chart older than 0.16.5",
      { tofuController: { chartVersion: "0.16.4" } },
      [
        '[flux] tofuController.chartVersion = "0.16.4": allowed is 0.16.5 or later as its lower bound: 0.16.5 fixes ' +
          "state reset on backendConfig.labels changes (#1774/#1808), runners hanging forever after an OOM or node loss " +
          "(#1838) and every object re-planning after a controller restart (#1857)",
      ],
    ],
    [
      "a range whose lower bound is too old",
      { tofuController: { chartVersion: ">=0.16.0" } },
      [
        expect.stringMatching(
          /^\[flux\] tofuController\.chartVersion = ">=0\.16\.0": allowed is 0\.16\.5 or later as its lower bound/,
        ) as unknown as string,
      ],
    ],
    [
      "a chart version without a lower bound",
      { tofuController: { chartVersion: "*" } },
      [
        '[flux] tofuController.chartVersion = "*": allowed is an exact chart version (0.16.5) or a range with a lower ' +
          'bound (>=0.16.5, ~0.16.5, ^0.16.5, ">=0.16.5 <0.17.0"), at least 0.16.5',
      ],
    ],
    [
      "a bad controller namespace",
      { tofuController: { namespace: "Tofu" } },
      ['[flux] tofuController.namespace = "Tofu": allowed is a Kubernetes namespace name (DNS label)'],
    ],
    [
      "a configuration name over 30 characters",
      { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: { ...AKS, configurationName: "a-very-long-flux-configuration-name" } },
      [
        '[flux] aksExtension.configurationName = "a-very-long-flux-configuration-name": allowed is a flux ' +
          "configuration name: lower-case letters, digits and '-', 1 to 30 characters, starting and ending alphanumeric",
      ],
    ],
    [
      "a bad subscription",
      { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: { ...AKS, subscriptionId: "my-sub" } },
      ['[flux] aksExtension.subscriptionId = "my-sub": allowed is a subscription GUID such as 00000000-0000-0000-0000-000000000000'],
    ],
    [
      "a further kustomization at the repo root",
      { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: { ...AKS, additionalKustomizations: [{ name: "all", path: "./" }] } },
      [
        '[flux] aksExtension.additionalKustomizations[0].path = "./": allowed is a repo path starting with ./ below ' +
          "the repo root (never the root: every YAML in the repo would be applied)",
      ],
    ],
    [
      "a further kustomization inside the cluster folder",
      {
        mode: FluxInstallMode.AKS_EXTENSION,
        aksExtension: { ...AKS, additionalKustomizations: [{ name: "again", path: "./clusters/aks-dev/terraform" }] },
      },
      [
        '[flux] aksExtension.additionalKustomizations[0].path = "./clusters/aks-dev/terraform": allowed is a path ' +
          'outside clusters/aks-dev (the "cluster" kustomization applies it already)',
      ],
    ],
    [
      "a further kustomization named cluster",
      { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: { ...AKS, additionalKustomizations: [{ name: "cluster", path: "./apps" }] } },
      [
        '[flux] aksExtension.additionalKustomizations[0].name = "cluster": allowed is a name not used by another ' +
          'kustomization of the configuration ("cluster" applies clusters/aks-dev)',
      ],
    ],
    [
      "a dependency on an unknown kustomization",
      {
        mode: FluxInstallMode.AKS_EXTENSION,
        aksExtension: { ...AKS, additionalKustomizations: [{ name: "apps", path: "./apps", dependsOn: ["infra"] }] },
      },
      [
        '[flux] aksExtension.additionalKustomizations[0].dependsOn = "infra": allowed is the name of another ' +
          "kustomization of this configuration: cluster",
      ],
    ],
    [
      "a sub-second interval in AKS mode",
      { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: AKS, sourceInterval: Duration.millis(1500) },
      ['[flux] sourceInterval = "1s500ms": allowed is whole seconds (the flux configuration takes seconds)'],
    ],
    [
      "a bad state backend",
      {
        mode: FluxInstallMode.AKS_EXTENSION,
        aksExtension: {
          ...AKS,
          stateBackend: { resourceGroupName: "rg", storageAccountName: "St_Tfstate", containerName: "tfstate", key: "k" },
        },
      },
      [
        '[flux] aksExtension.stateBackend.storageAccountName = "St_Tfstate": allowed is a storage account name: 3 to ' +
          "24 lower-case letters and digits",
      ],
    ],
  ];

  test.each(cases)("%s", (_what, props, expected) => {
    const a = app();
    new FluxBootstrap(a, "flux", { clusterName: "aks-dev", repositoryUrl: REPO, ...props });
    expect(validateTree(a).sort()).toEqual([...expected].sort());
  });

  test("AKS mode takes an scp-style Git URL", () => {
    const a = app();
    new FluxBootstrap(a, "flux", {
      clusterName: "aks-dev",
      repositoryUrl: "git@github.com:o/r.git",
      mode: FluxInstallMode.AKS_EXTENSION,
      aksExtension: AKS,
    });
    expect(validateTree(a)).toEqual([]);
  });

  test("two clusters with one folder: one message, on the later one", () => {
    const a = app();
    new FluxBootstrap(a, "dev", { clusterName: "aks-dev", repositoryUrl: REPO });
    new FluxBootstrap(a, "dev2", { clusterName: "aks-dev", repositoryUrl: REPO });
    expect(validateTree(a)).toEqual([
      '[dev2] clusterName = "aks-dev": allowed is a cluster name no other FluxBootstrap uses (dev writes clusters/aks-dev too)',
    ]);
  });
});

describe("several clusters and the order of promotion", () => {
  function fleet(prodRef?: GitRef): { a: GitOpsApp; dev: FluxBootstrap; prod: FluxBootstrap; prodTf: TerraformControllerCR } {
    const a = app();
    const stack = new InfrastructureStack(a, "node-pools", { subscriptionId: SUBSCRIPTION });
    const dev = new FluxBootstrap(a, "dev", { clusterName: "aks-dev", repositoryUrl: REPO });
    const prod = new FluxBootstrap(a, "prod", { clusterName: "aks-prod", repositoryUrl: REPO });
    dev.addTerraform("node-pools", { stack, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
    const source = prodRef ? new GitRepositorySource(prod, "release", { cluster: prod, ref: prodRef }) : undefined;
    const prodTf = prod.addTerraform("node-pools", { stack, source, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
    return { a, dev, prod, prodTf };
  }

  test("a shared stack: one folder per cluster, each with its own object and state on the same code", () => {
    const { a } = fleet(GitRef.branch("release"));
    const files = render(a);
    expect(files.get("clusters/aks-dev/terraform/node-pools.yaml")[0].spec.path).toBe("./infrastructure/node-pools");
    expect(files.get("clusters/aks-prod/terraform/node-pools.yaml")[0].spec.path).toBe("./infrastructure/node-pools");
    expect(files.get("clusters/aks-prod/terraform/node-pools.yaml")[0].spec.sourceRef).toEqual({ kind: "GitRepository", name: "release" });
  });

  test("dev follows main, prod a release branch: valid, and each object is annotated with its stage", () => {
    const { a, dev, prod } = fleet(GitRef.branch("release"));
    new PromotionOrder(a, "promotion", { stages: [dev, prod] });
    const files = render(a);
    expect(files.get("clusters/aks-dev/terraform/node-pools.yaml")[0].metadata.annotations).toEqual({
      "cdktf-aks-gitops/promotion": "1/2 aks-dev",
    });
    expect(files.get("clusters/aks-prod/terraform/node-pools.yaml")[0].metadata.annotations).toEqual({
      "cdktf-aks-gitops/promotion":
        "2/2 aks-prod, after aks-dev; checked at synth: its Terraform refs are not aks-dev's; not checked: that they only move to " +
        "commits aks-dev applied; its manifests follow branch main like aks-dev's (not promoted)",
    });
  });

  test("prod on the same ref as dev is refused: a merge would reach both at once", () => {
    const { a, dev, prod } = fleet();
    new PromotionOrder(a, "promotion", { stages: [dev, prod] });
    expect(validateTree(a)).toEqual([
      `[promotion] stages[1] (aks-prod) = "prod/node-pools": allowed is a stage that applies ` +
        `infrastructure/node-pools from a ref of its own, downstream of aks-dev: node-pools reads ${REPO} (branch main, the cluster's own ` +
        `GitRepository flux-system/flux-system), the same ref aks-dev applies (dev/node-pools), so a merge reaches ` +
        `both at once. Give it source: a GitRepositorySource with GitRef.branch("release") or GitRef.semver(">=1.0.0") ` +
        `(or an OciRepositorySource), and promote by moving that ref`,
    ]);
  });

  test("an explicit source on dev's branch is the same ref too", () => {
    const { a, dev, prod } = fleet(GitRef.branch("main"));
    new PromotionOrder(a, "promotion", { stages: [dev, prod] });
    expect(validateTree(a)).toEqual([
      expect.stringMatching(
        /^\[promotion\] stages\[1\] \(aks-prod\) = "prod\/node-pools": allowed is a stage that applies infrastructure\/node-pools from a ref of its own/,
      ),
    ]);
  });

  test("fewer than two stages, a cluster twice, a cluster in two orders", () => {
    const { a, dev, prod } = fleet(GitRef.branch("release"));
    new PromotionOrder(a, "one", { stages: [dev] });
    new PromotionOrder(a, "twice", { stages: [dev, prod, dev] });
    expect(validateTree(a).sort()).toEqual(
      [
        '[one] stages = ["aks-dev"]: allowed is at least two clusters, in the order changes reach them',
        '[twice] stages[0] = "aks-dev": allowed is a cluster of one PromotionOrder only (it is in one too)',
        '[twice] stages[2] = "aks-dev": allowed is each cluster once',
      ].sort(),
    );
  });
});
