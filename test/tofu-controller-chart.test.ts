/**
 * Controller operations (issue #18 item 2): where the tofu-controller chart comes from (upstream, an HTTPS mirror,
 * an OCI repository with verification), the typed controller values (resources, concurrency, runner image) and
 * their conflicts with the free-form `values`, and the runner's own image and provider installation. Every
 * rendering is checked against the CRDs of Flux 2.7, 2.8 and 2.9 as the synth checks them.
 */
import { parseAllDocuments } from "yaml";
import {
  ApprovalMode,
  ChartVerification,
  FluxBootstrap,
  FluxBootstrapProps,
  FluxInstall,
  FluxVersion,
  GitOpsApp,
  InfrastructureStack,
  OciProvider,
  RunnerPodOptions,
  RunnerProviderInstallation,
  TofuControllerChartSource,
  TofuControllerOptions,
} from "../lib";
import { quantityValue } from "../lib/core/kubernetes-resources";
import { validateTree } from "../lib/synth/validate-tree";
import { crdSchemaProblems, synthGitOpsFiles, testApp } from "../lib/testing";
import { cleanupTempDirs, RUNNER_CREDENTIALS, SUBSCRIPTION } from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";
const AKS = { subscriptionId: SUBSCRIPTION, clusterName: "aks-dev", resourceGroupName: "rg-dev" };
const FOLDER = "clusters/aks-dev/tofu-controller";
const DIGEST = `sha256:${"ab".repeat(32)}`;

function cluster(
  app: GitOpsApp,
  tofuController?: TofuControllerOptions,
  props: Partial<FluxBootstrapProps> = {},
  runnerPod?: RunnerPodOptions,
) {
  const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO, tofuController, ...props });
  const stack = new InfrastructureStack(app, "pools", { subscriptionId: SUBSCRIPTION });
  flux.addTerraform("pools", { stack, approval: ApprovalMode.AUTO, runnerPod: { ...RUNNER_CREDENTIALS, ...runnerPod } });
  return flux;
}

/** path → text, with the CRD check of each cluster's target passed. */
function synth(tofuController?: TofuControllerOptions, props: Partial<FluxBootstrapProps> = {}, runnerPod?: RunnerPodOptions) {
  const app = testApp();
  cluster(app, tofuController, props, runnerPod);
  const files = synthGitOpsFiles(app);
  expect(crdSchemaProblems(files)).toEqual([]);
  return files;
}

function docs(files: Record<string, string>, path: string): Parsed[] {
  return parseAllDocuments(files[path]).map((d) => d.toJS() as Parsed);
}

/** The problems of a synth, without the construct path. */
function problems(tofuController?: TofuControllerOptions, runnerPod?: RunnerPodOptions): string[] {
  const app = testApp();
  cluster(app, tofuController, {}, runnerPod);
  return validateTree(app).map((p) => p.replace(/^\[[^\]]+\] /, ""));
}

const TARGETS: [string, Partial<FluxBootstrapProps>][] = [
  ["2.7 (AKS extension)", { install: FluxInstall.aksExtension(AKS) }],
  ["2.7", { install: FluxInstall.cli({ fluxVersion: FluxVersion.V2_7 }) }],
  ["2.8", { install: FluxInstall.cli({ fluxVersion: FluxVersion.V2_8 }) }],
  ["2.9", {}],
];

describe("chart source", () => {
  test("default and UPSTREAM write the same bytes: the upstream HTTPS HelmRepository", () => {
    const byDefault = synth();
    expect(synth({ chartSource: TofuControllerChartSource.UPSTREAM })).toEqual(byDefault);
    expect(docs(byDefault, `${FOLDER}/helm-repository.yaml`)[0].spec).toEqual({
      url: "https://flux-iac.github.io/tofu-controller",
      interval: "1h",
      timeout: "1m",
    });
    expect(byDefault[`${FOLDER}/oci-repository.yaml`]).toBeUndefined();
  });

  test("an HTTPS mirror: its URL, basic-auth and TLS Secrets by name, the chart name it serves", () => {
    const files = synth({
      chartSource: TofuControllerChartSource.helmRepository({
        url: "https://artifactory.example.com/artifactory/api/helm/helm-remote",
        secretName: "helm-mirror-auth",
        certSecretName: "corp-ca",
        chart: "tofu-controller-mirrored",
      }),
    });
    expect(docs(files, `${FOLDER}/helm-repository.yaml`)[0].spec).toEqual({
      url: "https://artifactory.example.com/artifactory/api/helm/helm-remote",
      interval: "1h",
      timeout: "1m",
      secretRef: { name: "helm-mirror-auth" },
      certSecretRef: { name: "corp-ca" },
    });
    expect(docs(files, `${FOLDER}/helm-release.yaml`)[0].spec.chart).toEqual({
      spec: { chart: "tofu-controller-mirrored", version: "0.16.5", sourceRef: { kind: "HelmRepository", name: "tofu-controller" } },
    });
  });

  test("OCI: an OCIRepository (the chart layer, copied) read by chartRef; no chart, no HelmRepository; verification written", () => {
    const verify = ChartVerification.cosignKeyless([
      { issuer: "^https://token.actions.githubusercontent.com$", subject: "^https://github.com/example-org/charts/.*$" },
    ]);
    const files = synth({
      chartSource: TofuControllerChartSource.oci({
        url: "oci://myacr.azurecr.io/charts/tofu-controller",
        provider: OciProvider.AZURE,
        verify,
      }),
    });
    expect(docs(files, `${FOLDER}/kustomization.yaml`)[0].resources).toEqual(["oci-repository.yaml", "helm-release.yaml"]);
    expect(files[`${FOLDER}/helm-repository.yaml`]).toBeUndefined();
    const [source] = docs(files, `${FOLDER}/oci-repository.yaml`);
    expect(source).toMatchObject({ kind: "OCIRepository", metadata: { name: "tofu-controller", namespace: "flux-system" } });
    expect(source.spec).toEqual({
      interval: "1h",
      timeout: "1m",
      url: "oci://myacr.azurecr.io/charts/tofu-controller",
      ref: { tag: "0.16.5" },
      provider: "azure",
      layerSelector: { mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", operation: "copy" },
      verify: {
        provider: "cosign",
        matchOIDCIdentity: [
          { issuer: "^https://token.actions.githubusercontent.com$", subject: "^https://github.com/example-org/charts/.*$" },
        ],
      },
    });
    const [release] = docs(files, `${FOLDER}/helm-release.yaml`);
    expect(release.spec.chartRef).toEqual({ kind: "OCIRepository", name: "tofu-controller" });
    expect(release.spec.chart).toBeUndefined(); // the CRD's rule: either chart or chartRef
  });

  test("OCI: an exact version is the tag without 'v' (helm push tags 0.16.5), a range a semver ref; keys and notation by Secret", () => {
    const source = (chartVersion: string, verify?: ChartVerification) =>
      docs(
        synth({
          chartVersion,
          chartSource: TofuControllerChartSource.oci({
            url: "oci://ghcr.io/flux-iac/charts/tofu-controller",
            secretName: "ghcr-login",
            verify,
          }),
        }),
        `${FOLDER}/oci-repository.yaml`,
      )[0].spec;
    expect(source("v0.16.6").ref).toEqual({ tag: "0.16.6" });
    expect(source(">=0.16.5 <0.17.0").ref).toEqual({ semver: ">=0.16.5 <0.17.0" });
    const keys = source("0.16.5", ChartVerification.cosignKeys("cosign-pub"));
    expect(keys.secretRef).toEqual({ name: "ghcr-login" });
    expect(keys.verify).toEqual({ provider: "cosign", secretRef: { name: "cosign-pub" } });
    expect(source("0.16.5", ChartVerification.notation("notation-trust")).verify).toEqual({
      provider: "notation",
      secretRef: { name: "notation-trust" },
    });
  });

  test.each(TARGETS)("each source and the typed values pass the CRDs of Flux %s", (_name, props) => {
    for (const chartSource of [
      TofuControllerChartSource.helmRepository({ url: "https://charts.example.com/tofu", secretName: "auth", certSecretName: "ca" }),
      TofuControllerChartSource.oci({
        url: "oci://myacr.azurecr.io/charts/tofu-controller",
        certSecretName: "ca",
        verify: ChartVerification.cosignKeyless([{ issuer: "^https://issuer$", subject: "^me$" }]),
      }),
    ]) {
      const files = synth(
        {
          chartSource,
          concurrency: 8,
          resources: { limits: { memory: "2Gi" } },
          runnerImage: "myacr.azurecr.io/tf-runner-azurerm:v0.16.5-4.55.0",
        },
        props,
        {
          image: `myacr.azurecr.io/tf-runner-azurerm@${DIGEST}`,
          providerInstallation: RunnerProviderInstallation.cliConfigFile("/etc/tofu/mirror.tfrc"),
        },
      );
      expect(Object.keys(files).filter((p) => p.startsWith(`${FOLDER}/`)).length).toBe(3);
      // the check reads these files: a field the CRD does not have is refused
      const source = `${FOLDER}/${chartSource._fileName}`;
      const broken = { ...files, [source]: files[source].replace("interval: 1h", "interval: 1h\n  verifyChart: true") };
      expect(crdSchemaProblems(broken, { fluxVersion: FluxVersion.V2_7 })).toEqual([expect.stringContaining("verifyChart")]);
    }
  });
});

const ONE_PLACE = (key: string) => `unset when tofuController.values sets ${key} too (one place per chart value: keep one of them)`;

describe("typed controller values", () => {
  test("resources, concurrency and runnerImage go into the values, beside the library's and the free-form ones", () => {
    const [release] = docs(
      synth({
        resources: { requests: { cpu: "500m", memory: "256Mi" }, limits: { memory: "2Gi" } },
        concurrency: 8,
        runnerImage: `myacr.azurecr.io/tf-runner-azurerm:v0.16.5-azurerm-4.55.0@${DIGEST}`,
        values: { replicaCount: 2, runner: { creationTimeout: "10m0s" } },
      }),
      `${FOLDER}/helm-release.yaml`,
    );
    expect(release.spec.values).toEqual({
      awsPackage: { install: false },
      runner: {
        grpc: { maxMessageSize: 30 },
        // the chart writes "{{ repository }}:{{ tag }}": the digest rides on the tag
        image: { repository: "myacr.azurecr.io/tf-runner-azurerm", tag: `v0.16.5-azurerm-4.55.0@${DIGEST}` },
        creationTimeout: "10m0s",
        serviceAccount: { allowedNamespaces: ["flux-system"] },
      },
      resources: { requests: { cpu: "500m", memory: "256Mi" }, limits: { memory: "2Gi" } },
      concurrency: 8,
      replicaCount: 2,
    });
  });

  test("a typed value also set in values is refused, one message each, naming both", () => {
    expect(
      problems({
        concurrency: 8,
        resources: { limits: { memory: "2Gi" } },
        runnerImage: "myacr.azurecr.io/tf-runner:v1",
        values: { concurrency: 4, resources: {}, runner: { image: { tag: "v2" } } },
      }),
    ).toEqual([
      `tofuController.resources = {"limits":{"memory":"2Gi"}}: allowed is ${ONE_PLACE("resources")}`,
      `tofuController.concurrency = 8: allowed is ${ONE_PLACE("concurrency")}`,
      `tofuController.runnerImage = "myacr.azurecr.io/tf-runner:v1": allowed is ${ONE_PLACE("runner.image")}`,
    ]);
    // free-form alone, or other runner keys beside runnerImage: no conflict
    expect(problems({ values: { concurrency: 4, resources: {}, runner: { image: { tag: "v2" } } } })).toEqual([]);
    expect(problems({ runnerImage: "myacr.azurecr.io/tf-runner:v1", values: { runner: { creationTimeout: "10m0s" } } })).toEqual([]);
  });

  test("a request above the limit in effect (the chart's limit merged under a typed request) is refused", () => {
    expect(problems({ resources: { requests: { memory: "2Gi" } } })).toEqual([
      expect.stringContaining(
        'tofuController.resources.requests.memory = "2Gi": allowed is at most the memory limit "1Gi" (the chart\'s default)',
      ),
    ]);
    expect(problems({ resources: { limits: { cpu: "100m" } } })).toEqual([
      expect.stringContaining(
        'tofuController.resources.limits.cpu = "100m": allowed is at least the cpu request "200m" (the chart\'s default)',
      ),
    ]);
    expect(problems({ resources: { requests: { memory: "2Gi" }, limits: { memory: "2Gi" } } })).toEqual([]);
  });

  test("quantities compare by value across suffixes", () => {
    expect(quantityValue("1Gi")).toBe(2 ** 30);
    expect(quantityValue("1G")).toBe(1e9);
    expect(quantityValue("1500m")).toBe(1.5);
    expect(quantityValue("1e3")).toBe(1000);
    expect(quantityValue("1 GB")).toBeUndefined();
    expect(quantityValue("1024Mi")! <= quantityValue("1Gi")!).toBe(true);
    expect(quantityValue("1025Mi")! > quantityValue("1Gi")!).toBe(true);
  });
});

describe("the runner: image and provider installation", () => {
  test("runnerPod.image and providerInstallation: spec.runnerPodTemplate.spec.image and one variable after the others", () => {
    for (const [installation, name, value] of [
      [RunnerProviderInstallation.cliConfigFile("/etc/tofu/mirror.tfrc"), "TF_CLI_CONFIG_FILE", "/etc/tofu/mirror.tfrc"],
      [RunnerProviderInstallation.pluginCache("/opt/tofu/plugin-cache"), "TF_PLUGIN_CACHE_DIR", "/opt/tofu/plugin-cache"],
    ] as const) {
      const files = synth(
        undefined,
        {},
        {
          image: "myacr.azurecr.io/tf-runner-azurerm:v0.16.5-azurerm-4.55.0",
          providerInstallation: installation,
          env: [{ name: "TF_IN_AUTOMATION_NOTE", value: "x" }],
        },
      );
      const [tf] = docs(files, "clusters/aks-dev/terraform/pools.yaml");
      expect(tf.spec.runnerPodTemplate.spec.image).toBe("myacr.azurecr.io/tf-runner-azurerm:v0.16.5-azurerm-4.55.0");
      expect(tf.spec.runnerPodTemplate.spec.env).toEqual([
        { name: "TF_IN_AUTOMATION_NOTE", value: "x" },
        { name, value },
      ]);
    }
  });

  test("without the options nothing changes: no image, no variable", () => {
    const [tf] = docs(synth(), "clusters/aks-dev/terraform/pools.yaml");
    expect(tf.spec.runnerPodTemplate.spec.image).toBeUndefined();
    expect(tf.spec.runnerPodTemplate.spec.env).toBeUndefined();
  });

  test("the variable a provider installation sets cannot be set in env too", () => {
    expect(
      problems(undefined, {
        providerInstallation: RunnerProviderInstallation.cliConfigFile("/etc/tofu/mirror.tfrc"),
        env: [{ name: "TF_CLI_CONFIG_FILE", value: "/other" }],
      }),
    ).toEqual([
      'runnerPod.env[0].name = "TF_CLI_CONFIG_FILE": allowed is a name providerInstallation does not set (it sets TF_CLI_CONFIG_FILE: ' +
        "cliConfigFile(/etc/tofu/mirror.tfrc))",
    ]);
  });

  test.each([
    ["ghcr.io/flux-iac/tf-runner:v0.16.5", true],
    [`ghcr.io/flux-iac/tf-runner@${DIGEST}`, true],
    [`ghcr.io/flux-iac/tf-runner:latest@${DIGEST}`, true],
    ["localhost:5000/tf-runner:1.0", true],
    ["tf-runner:v1", true],
    ["ghcr.io/flux-iac/tf-runner", false],
    ["ghcr.io/flux-iac/tf-runner:latest", false],
    ["https://ghcr.io/flux-iac/tf-runner:v1", false],
    ["ghcr.io/Flux-IAC/tf-runner:v1", false],
    ["ghcr.io/flux-iac/tf-runner:v1 ", false],
    ["ghcr.io/flux-iac/tf-runner@sha256:abc", false],
  ])("runner image %j accepted: %s", (image, ok) => {
    expect(problems(undefined, { image })).toEqual(
      ok ? [] : [expect.stringContaining(`runnerPod.image = ${JSON.stringify(image)}: allowed is`)],
    );
  });

  test("the cluster-wide runnerImage needs a tag (the chart writes repository:tag); a digest may follow it", () => {
    expect(problems({ runnerImage: `ghcr.io/flux-iac/tf-runner@${DIGEST}` })).toEqual([
      expect.stringContaining("allowed is a tag before the digest (repository:tag@sha256:…)"),
    ]);
    expect(problems({ runnerImage: `ghcr.io/flux-iac/tf-runner:v0.16.5@${DIGEST}` })).toEqual([]);
  });

  test("a runner request above the library's default limit is refused (the API server would refuse the pod)", () => {
    expect(problems(undefined, { resources: { requests: { memory: "2Gi" } } })).toEqual([
      'runnerPod.resources.requests.memory = "2Gi": allowed is at most the memory limit "1Gi" (the default) ' +
        "(Kubernetes refuses a request above its limit)",
    ]);
    expect(problems(undefined, { resources: { requests: { memory: "2Gi" }, limits: { memory: "3Gi" } } })).toEqual([]);
  });
});
