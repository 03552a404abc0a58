/**
 * RunnerPod, the runner pod model a TerraformControllerCR composes: its defaults, a custom setting, what a runner
 * identity adds, its checks (with the prop path it is given) and that the Terraform object writes exactly its rendering.
 */
import { TaintEffect, TolerationOperator } from "../lib";
import { PropChecks } from "../lib/core/validation";
import { validateTree } from "../lib/synth/validate-tree";
import { RunnerPod } from "../lib/tofu/runner-pod";
import { cleanupTempDirs, RUNNER_CREDENTIALS, terraformFixture } from "./helpers";

afterAll(cleanupTempDirs);

/** The rendering as it is written (undefined fields dropped). */
function written(pod: RunnerPod, identity?: Parameters<RunnerPod["_toKube"]>[0]): unknown {
  return JSON.parse(JSON.stringify(pod._toKube(identity)));
}

function problemsOf(pod: RunnerPod): string[] {
  const c = new PropChecks();
  pod._validate(c);
  return c.all;
}

describe("rendering", () => {
  test("no options: only the default resources (the azurerm provider needs a few hundred MiB)", () => {
    expect(written(new RunnerPod(undefined))).toEqual({
      metadata: {},
      spec: { resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } } },
    });
    expect(written(new RunnerPod({}))).toEqual(written(new RunnerPod(undefined)));
  });

  test("custom requests keep the default limit; env, envFrom, nodeSelector and tolerations are mapped to the pod fields", () => {
    const pod = new RunnerPod({
      annotations: { "example.com/purpose": "drift" },
      resources: { requests: { cpu: "1", memory: "2Gi" } },
      env: [
        { name: "TF_REGISTRY_CLIENT_TIMEOUT", value: "30" },
        { name: "ARM_CLIENT_SECRET", valueFrom: { secretKeyRef: { name: "azure-sp", key: "clientSecret", optional: true } } },
      ],
      envFrom: [
        { secretName: "azure-creds", prefix: "APP_" },
        { configMapName: "azure-env", optional: true },
      ],
      nodeSelector: { "kubernetes.io/os": "linux" },
      tolerations: [{ key: "spot", operator: TolerationOperator.EQUAL, value: "true", effect: TaintEffect.NO_SCHEDULE }],
    });
    expect(written(pod)).toEqual({
      metadata: { annotations: { "example.com/purpose": "drift" } },
      spec: {
        env: [
          { name: "TF_REGISTRY_CLIENT_TIMEOUT", value: "30" },
          { name: "ARM_CLIENT_SECRET", valueFrom: { secretKeyRef: { name: "azure-sp", key: "clientSecret", optional: true } } },
        ],
        envFrom: [{ prefix: "APP_", secretRef: { name: "azure-creds" } }, { configMapRef: { name: "azure-env", optional: true } }],
        resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { memory: "1Gi" } },
        nodeSelector: { "kubernetes.io/os": "linux" },
        tolerations: [{ key: "spot", operator: "Equal", value: "true", effect: "NoSchedule" }],
      },
    });
  });

  test("a runner identity's environment comes first and its labels win over the pod's", () => {
    const pod = new RunnerPod({
      labels: { team: "platform", "azure.workload.identity/use": "false" },
      env: [{ name: "TF_REGISTRY_CLIENT_TIMEOUT", value: "30" }],
    });
    const identity = { labels: { "azure.workload.identity/use": "true" }, env: [{ name: "ARM_USE_OIDC", value: "true" }] };
    expect(written(pod, identity)).toMatchObject({
      metadata: { labels: { team: "platform", "azure.workload.identity/use": "true" } },
      spec: {
        env: [
          { name: "ARM_USE_OIDC", value: "true" },
          { name: "TF_REGISTRY_CLIENT_TIMEOUT", value: "30" },
        ],
      },
    });
  });

  test("the Terraform object writes exactly the RunnerPod's rendering as spec.runnerPodTemplate", () => {
    const options = { ...RUNNER_CREDENTIALS, labels: { team: "platform" }, resources: { limits: { memory: "3Gi" } } };
    const f = terraformFixture({ stack: "node-pools", cluster: "aks-dev", repositoryUrl: "https://github.com/example-org/gitops.git" });
    f.tf("pools", { runnerPod: options });
    expect(validateTree(f.app)).toEqual([]);
    const file = f.app.renderGitOpsFiles().find((x) => x.path === "clusters/aks-dev/terraform/pools.yaml");
    if (!file || file.file.content.format !== "yaml") throw new Error("no Terraform object written");
    const doc = JSON.parse(JSON.stringify(file.file.content.documents[0]));
    expect(doc.spec.runnerPodTemplate).toEqual(written(new RunnerPod(options)));
    expect(doc.spec.runnerPodTemplate.spec.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "3Gi" } });
  });
});

describe("checks", () => {
  test("valid options have no problems", () => {
    expect(
      problemsOf(new RunnerPod({ labels: { a: "b" }, env: [{ name: "X", value: "1" }], resources: { limits: { cpu: "500m" } } })),
    ).toEqual([]);
  });

  test("problems name the prop path the pod was given, each at once", () => {
    const pod = new RunnerPod(
      {
        env: [{ name: "1X" }],
        resources: { requests: { memory: "-1Gi" } },
        tolerations: [{ key: "a", operator: TolerationOperator.EXISTS, value: "b" }],
      },
      "spec.runner",
    );
    expect(problemsOf(pod)).toEqual([
      'spec.runner.env[0].name = "1X": allowed is an environment variable name',
      'spec.runner.env[0] = "1X": allowed is exactly one of value and valueFrom',
      'spec.runner.resources.requests.memory = "-1Gi": allowed is a Kubernetes quantity such as "500m" or "1Gi", not negative',
      'spec.runner.tolerations[0].value = "b": allowed is unset with operator Exists',
    ]);
  });

  test("names a runner identity sets are refused next to it", () => {
    const pod = new RunnerPod({ labels: { "azure.workload.identity/use": "false" }, env: [{ name: "ARM_USE_MSI", value: "true" }] });
    const c = new PropChecks();
    pod._validateWith(c, { labels: { "azure.workload.identity/use": "true" }, env: [{ name: "ARM_USE_OIDC", value: "true" }] });
    expect(c.all).toEqual([
      'runnerPod.env[0].name = "ARM_USE_MSI": allowed is a name the runnerIdentity does not set (it sets ' +
        "ARM_USE_OIDC; one way to authenticate per runner)",
      'runnerPod.labels["azure.workload.identity/use"] = "false": allowed is unset or "true" (the runnerIdentity needs it)',
    ]);
  });

  test.each([
    ["true", true],
    [" False ", false],
    [undefined, true],
  ])("ARM_USE_MSI=%j opts into the kubelet identity: %s", (value, expected) => {
    const env =
      value === undefined ? [{ name: "ARM_USE_MSI", valueFrom: { fieldRef: { fieldPath: "x" } } }] : [{ name: "ARM_USE_MSI", value }];
    expect(new RunnerPod({ env }).usesKubeletIdentity).toBe(expected);
    expect(new RunnerPod({ env: [{ name: "OTHER", value: "true" }] }).usesKubeletIdentity).toBe(false);
  });
});
