/**
 * Environment variables the runner cannot have. tofu-controller's runner hands its whole environment to
 * terraform-exec (`SetEnv(EnvMap(os.Environ()))`, runner/server.go@v0.16.5), and terraform-exec refuses these names,
 * and any with these prefixes, as set "manually" (tfexec/cmd.go:44-62 in terraform-exec v0.25.2, the version
 * tofu-controller v0.16.5 builds with): every plan would then fail with `cannot set TF_LOG manually`. Variables
 * go into the Terraform object's `vars`, the workspace into `workspace`.
 */
export const RUNNER_RESERVED_ENV_NAMES: readonly string[] = [
  "TF_CLI_ARGS",
  "TF_INPUT",
  "TF_IN_AUTOMATION",
  "TF_LOG",
  "TF_LOG_CORE",
  "TF_LOG_PATH",
  "TF_LOG_PROVIDER",
  "TF_REATTACH_PROVIDERS",
  "TF_APPEND_USER_AGENT",
  "TF_WORKSPACE",
  "TF_DISABLE_PLUGIN_TLS",
  "TF_SKIP_PROVIDER_VERIFY",
];
export const RUNNER_RESERVED_ENV_PREFIXES: readonly string[] = ["TF_VAR_", "TF_CLI_ARGS_"];

/** True if terraform-exec refuses a runner environment variable of this name. */
export function isReservedRunnerEnvName(name: string): boolean {
  return RUNNER_RESERVED_ENV_NAMES.includes(name) || RUNNER_RESERVED_ENV_PREFIXES.some((p) => name.startsWith(p));
}

export const RESERVED_ENV_ALLOWED =
  "a name terraform-exec accepts in the runner (not TF_LOG, TF_LOG_*, TF_WORKSPACE, TF_INPUT, TF_IN_AUTOMATION, " +
  "TF_CLI_ARGS*, TF_VAR_* or the other names of tfexec/cmd.go:44-62 in v0.25.2: tofu-controller passes the runner's " +
  "environment to it and every run would fail; Terraform variables go into vars)";
