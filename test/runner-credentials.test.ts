/**
 * A Terraform object without a runnerIdentity is refused unless its runner can authenticate to Azure some other way
 * (lib/tofu/runner-credentials.ts). The rules are azurerm's, read at v4.55.0 (the same at v4.73.0):
 * internal/provider/provider.go, the provider schema (lines 195-310: each credential attribute with its ARM_* variable
 * as EnvDefaultFunc) and the switches at 460-495 (client certificate and secret always enabled; OIDC with use_oidc or
 * use_aks_workload_identity; managed identity with use_msi; the CLI with use_cli, which the library writes false);
 * vendor/github.com/hashicorp/go-azure-sdk/sdk/auth/auth.go NewAuthorizerFromCredentials (otherwise "no Authorizer
 * could be configured"); an ARM_* boolean is read with strconv.ParseBool, untrimmed (vendored terraform-plugin-sdk
 * helper/schema/field_reader.go stringToPrimitive), and an empty variable counts as unset (EnvDefaultFunc).
 */
import { RunnerEnvVar, RunnerIdentity, RunnerPodOptions } from "../lib";
import { validateTree } from "../lib/synth/validate-tree";
import { cleanupTempDirs, terraformFixture, TerraformFixture } from "./helpers";

afterAll(cleanupTempDirs);

const REFUSED = /^\[tf\] runnerIdentity = \(unset\): allowed is a way for the runner to authenticate to Azure: a runnerIdentity/;

function fixture(): TerraformFixture {
  return terraformFixture({ stack: "pools", cluster: "aks-dev", repositoryUrl: "https://github.com/example-org/gitops.git" });
}

/** The problems of one Terraform object `tf` with this runner pod (and the stack changed by `tweak` first). */
function problemsWith(runnerPod: RunnerPodOptions | undefined, tweak: (f: TerraformFixture) => void = () => {}): string[] {
  const f = fixture();
  tweak(f);
  f.tf("tf", { runnerPod });
  return validateTree(f.app);
}

const env = (...vars: RunnerEnvVar[]): RunnerPodOptions => ({ env: vars });
const fromSecret = (name: string): RunnerEnvVar => ({ name, valueFrom: { secretKeyRef: { name: "azure", key: name.toLowerCase() } } });

describe("accepted: a way azurerm authenticates without the Azure CLI", () => {
  test.each<[string, RunnerPodOptions]>([
    ["envFrom a Secret (its keys cannot be read at synth)", { envFrom: [{ secretName: "azure-credentials" }] }],
    ["envFrom a ConfigMap with prefix ARM_ (ARM_USE_MSI may come from it)", { envFrom: [{ configMapName: "auth", prefix: "ARM_" }] }],
    ["ARM_CLIENT_SECRET from a secretKeyRef", env(fromSecret("ARM_CLIENT_SECRET"))],
    ["ARM_CLIENT_CERTIFICATE_PATH", env({ name: "ARM_CLIENT_CERTIFICATE_PATH", value: "/var/run/azure/client.pfx" })],
    ["ARM_CLIENT_SECRET_FILE_PATH", env({ name: "ARM_CLIENT_SECRET_FILE_PATH", value: "/var/run/azure/secret" })],
    ['ARM_USE_OIDC "true"', env({ name: "ARM_USE_OIDC", value: "true" })],
    ['ARM_USE_AKS_WORKLOAD_IDENTITY "1"', env({ name: "ARM_USE_AKS_WORKLOAD_IDENTITY", value: "1" })],
    ['ARM_USE_MSI "True" (Go ParseBool)', env({ name: "ARM_USE_MSI", value: "True" })],
    [
      "ARM_USE_MSI from a ConfigMap (cannot be read at synth)",
      env({ name: "ARM_USE_MSI", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } }),
    ],
    [
      'the last of two ARM_USE_OIDC entries ("false", then "true")',
      env({ name: "ARM_USE_OIDC", value: "false" }, { name: "ARM_USE_OIDC", value: "true" }),
    ],
  ])("%s", (_what, runnerPod) => {
    expect(problemsWith(runnerPod)).toEqual([]);
  });

  test.each(["1", "t", "T", "TRUE", "true", "True"])("every Go ParseBool true value: ARM_USE_OIDC %j", (value) => {
    expect(problemsWith(env({ name: "ARM_USE_OIDC", value }))).toEqual([]);
  });

  test("a credential in the stack's provider block: useMsi = true, a client certificate path, useOidc = true", () => {
    expect(problemsWith(undefined, (f) => (f.stack.provider.useMsi = true))).toEqual([]);
    expect(problemsWith(undefined, (f) => (f.stack.provider.clientCertificatePath = "/var/run/azure/client.pfx"))).toEqual([]);
    expect(problemsWith(undefined, (f) => (f.stack.provider.useOidc = true))).toEqual([]);
  });

  test("a stack whose provider was switched to useCli = true by hand is left to its author", () => {
    expect(problemsWith(undefined, (f) => (f.stack.provider.useCli = true))).toEqual([]);
  });

  test("a runnerIdentity brings its own credential (the kubelet identity too)", () => {
    const f = fixture();
    f.tf("tf", {
      runnerPod: undefined,
      runnerIdentity: RunnerIdentity.kubeletIdentity({ clientId: "00000000-0000-0000-0000-0000000000aa" }),
    });
    expect(validateTree(f.app)).toEqual([]);
  });
});

describe("refused: every run would fail to authenticate", () => {
  test.each<[string, RunnerPodOptions | undefined]>([
    ["no runnerPod", undefined],
    ["a runnerPod without env or envFrom", { resources: { limits: { memory: "2Gi" } } }],
    ['ARM_USE_OIDC "false"', env({ name: "ARM_USE_OIDC", value: "false" })],
    ['ARM_USE_MSI " true" (ParseBool does not trim; azurerm fails on it)', env({ name: "ARM_USE_MSI", value: " true" })],
    ['ARM_USE_MSI "yes" (not a Go boolean)', env({ name: "ARM_USE_MSI", value: "yes" })],
    ["ARM_OIDC_TOKEN alone (use_oidc is off)", env(fromSecret("ARM_OIDC_TOKEN"))],
    ["ARM_CLIENT_ID and ARM_TENANT_ID alone", env({ name: "ARM_CLIENT_ID", value: "x" }, { name: "ARM_TENANT_ID", value: "y" })],
    ['ARM_CLIENT_SECRET "" (an empty variable is unset)', env({ name: "ARM_CLIENT_SECRET", value: "" })],
    [
      'the last of two ARM_USE_OIDC entries ("true", then "false")',
      env({ name: "ARM_USE_OIDC", value: "true" }, { name: "ARM_USE_OIDC", value: "false" }),
    ],
    ['envFrom with prefix "APP_" (no ARM_* name can come from it)', { envFrom: [{ secretName: "azure-credentials", prefix: "APP_" }] }],
  ])("%s", (_what, runnerPod) => {
    const problems = problemsWith(runnerPod);
    expect(problems).toEqual([expect.stringMatching(REFUSED)]);
    // The message names the stack and what would happen.
    expect(problems[0]).toContain("or a credential in the provider block of pools (provider.useOidc, useMsi, clientCertificatePath, ...)");
    expect(problems[0]).toMatch(
      /pools writes use_cli = false \(the runner has no Azure CLI\), so without one every run fails to authenticate$/,
    );
  });

  test("a provider attribute set to false wins over its variable (the ARM_* variable is only a default)", () => {
    const problems = problemsWith(env({ name: "ARM_USE_MSI", value: "true" }), (f) => (f.stack.provider.useMsi = false));
    expect(problems).toEqual([expect.stringMatching(REFUSED)]);
  });

  test("a blank client secret in the provider block is no credential", () => {
    expect(problemsWith(undefined, (f) => (f.stack.provider.clientSecret = " "))).toEqual([expect.stringMatching(REFUSED)]);
  });

  test("a runner pod with a problem of its own gets that one message only", () => {
    expect(problemsWith(env({ name: "ARM USE MSI", value: "true" }))).toEqual([
      expect.stringMatching(/^\[tf\] runnerPod\.env\[0\]\.name = "ARM USE MSI": allowed is an environment variable name/),
    ]);
  });
});
