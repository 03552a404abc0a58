import { InfrastructureStack } from "../azure/infrastructure-stack";
import { containsToken, PropChecks } from "../core/validation";
import { RunnerEnvFrom, RunnerEnvVar, RunnerPodOptions } from "./runner-pod-options";

// How azurerm authenticates, read in internal/provider/provider.go (schema lines 195-310, the switches 460-495, the
// same at 425-525 of v4.73.0) and vendor/github.com/hashicorp/go-azure-sdk/sdk/auth/auth.go NewAuthorizerFromCredentials,
// both @v4.55.0: a client certificate or secret is tried whenever one is given; OIDC only with use_oidc or
// use_aks_workload_identity, a managed identity only with use_msi, the Azure CLI only with use_cli. Otherwise "no
// Authorizer could be configured". The framework half of the muxed provider reuses this client
// (internal/provider/framework/provider.go:527), so these rules are the ones a runner meets.

/**
 * Go's strconv.ParseBool true values, untrimmed: the SDK reads an ARM_* boolean with it (terraform-plugin-sdk
 * helper/schema field_reader.go stringToPrimitive, vendored @v4.55.0).
 */
const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);

/** Variables that are a credential of their own (a service principal's secret or certificate), with the provider attribute that shadows each. */
const CREDENTIAL_VARIABLES: ReadonlyMap<string, ProviderAttribute> = new Map([
  ["ARM_CLIENT_SECRET", "clientSecret"],
  ["ARM_CLIENT_SECRET_FILE_PATH", "clientSecretFilePath"],
  ["ARM_CLIENT_CERTIFICATE", "clientCertificate"],
  ["ARM_CLIENT_CERTIFICATE_PATH", "clientCertificatePath"],
]);

/** Variables that switch on a way that needs no stored secret (OIDC, AKS workload identity, managed identity). */
const SWITCH_VARIABLES: ReadonlyMap<string, ProviderAttribute> = new Map([
  ["ARM_USE_OIDC", "useOidc"],
  ["ARM_USE_AKS_WORKLOAD_IDENTITY", "useAksWorkloadIdentity"],
  ["ARM_USE_MSI", "useMsi"],
]);

type ProviderAttribute =
  "clientSecret" | "clientSecretFilePath" | "clientCertificate" | "clientCertificatePath" | "useOidc" | "useAksWorkloadIdentity" | "useMsi";

const ARM_NAMES = [...CREDENTIAL_VARIABLES.keys(), ...SWITCH_VARIABLES.keys()];
const PROVIDER_ATTRIBUTES = [...CREDENTIAL_VARIABLES.values(), ...SWITCH_VARIABLES.values()];

/**
 * Refuses a Terraform object without a runner identity whose runner cannot authenticate to Azure at all, so that
 * every reconcile would fail. The library's stacks write `use_cli = false` (the runner image has no Azure CLI); then
 * a credential must come from the provider block or from the runner's ARM_* environment. A provider attribute that
 * is set (even to false) wins over its variable (EnvDefaultFunc is only a default). An `envFrom` Secret or ConfigMap
 * may hold any variable, and a value from a reference cannot be read at synth: both count as given. A stack whose
 * provider was switched to `useCli = true` by hand is left to its author. Call it only with a runner pod without
 * problems of its own (those are reported first, one mistake one message).
 */
export function checkRunnerCredentials(c: PropChecks, stack: InfrastructureStack, runnerPod: RunnerPodOptions | undefined): void {
  const provider = stack.provider;
  if (provider.useCli !== false) return;
  if (PROVIDER_ATTRIBUTES.some((a) => providerGives(stack, a))) return;
  if (runnerPod !== undefined) {
    if (containsToken(runnerPod)) return; // cannot be read at synth (and is reported as a token)
    if ((runnerPod.envFrom ?? []).some(mayHoldCredential)) return;
    if (lastPerName(runnerPod.env ?? []).some((e) => givesCredential(stack, e))) return;
  }
  const at = stack.node.path;
  c.fail(
    "runnerIdentity",
    undefined,
    "a way for the runner to authenticate to Azure: a runnerIdentity (new RunnerIdentity(...), or " +
      "RunnerIdentity.kubeletIdentity({ clientId })), or in runnerPod envFrom a Secret, or env ARM_CLIENT_SECRET, " +
      "ARM_CLIENT_SECRET_FILE_PATH, ARM_CLIENT_CERTIFICATE or ARM_CLIENT_CERTIFICATE_PATH (valueFrom a Secret), or " +
      'ARM_USE_OIDC, ARM_USE_AKS_WORKLOAD_IDENTITY or ARM_USE_MSI = "true" (ARM_OIDC_TOKEN alone is not enough), or a ' +
      `credential in the provider block of ${at} (provider.useOidc, useMsi, clientCertificatePath, ...); ${at} writes ` +
      "use_cli = false (the runner has no Azure CLI), so without one every run fails to authenticate",
  );
}

/** True if the provider block gives the attribute: a token, a non-blank string, or a boolean true. */
function providerGives(stack: InfrastructureStack, attribute: ProviderAttribute): boolean {
  const v: unknown = stack.provider[attribute];
  if (v === undefined || v === false) return false;
  if (typeof v === "string") return containsToken(v) || v.trim() !== "";
  return true;
}

/** An envFrom may hold any variable, unless its prefix rules out every ARM_* name azurerm reads. */
function mayHoldCredential(e: RunnerEnvFrom | undefined): boolean {
  const prefix: unknown = e?.prefix;
  return typeof prefix !== "string" || ARM_NAMES.some((n) => n.startsWith(prefix));
}

/** A container's environment takes the last entry of a name (Kubernetes keeps one value per name). */
function lastPerName(env: readonly RunnerEnvVar[]): RunnerEnvVar[] {
  const byName = new Map<unknown, RunnerEnvVar>();
  for (const e of env) if (e) byName.set(e.name, e);
  return [...byName.values()];
}

function givesCredential(stack: InfrastructureStack, e: RunnerEnvVar): boolean {
  const credential = CREDENTIAL_VARIABLES.get(e.name);
  const flag = SWITCH_VARIABLES.get(e.name);
  const attribute = credential ?? flag;
  // Not a variable azurerm reads for a credential, or shadowed by the provider block's own setting.
  if (attribute === undefined || stack.provider[attribute] !== undefined) return false;
  // A value from a Secret, ConfigMap or field cannot be read at synth: taken as set.
  if (e.valueFrom !== undefined) return true;
  if (typeof e.value !== "string") return false;
  // EnvDefaultFunc treats an empty variable as unset.
  return credential !== undefined ? e.value.trim() !== "" : GO_TRUE.has(e.value);
}
