import { PropChecks } from "../core/validation";

const ABSOLUTE_PATH = /^\/(?:[A-Za-z0-9._+-]+\/?)*$/;

/**
 * Where the runner's `tofu init` (or `terraform init`) takes the providers from, for an image with the providers
 * pre-baked (docs/controller-operations.md), so a run does not download azurerm (~100 MB) into an empty runner. Each way is
 * one environment variable of the runner pod: the runner passes its environment to tofu (tofu-controller
 * runner/server.go:266-268@v0.16.5, `SetEnv` merges `os.Environ()`), and neither name is one terraform-exec refuses.
 * The files they name must be in the image: the runner's root filesystem is read-only and the library mounts
 * nothing into it.
 */
export class RunnerProviderInstallation {
  /**
   * A CLI configuration file in the image (`TF_CLI_CONFIG_FILE`) whose `provider_installation` block names a
   * `filesystem_mirror` (the providers in the image, from `tofu providers mirror`) or a `network_mirror`. The
   * recommended way: a mirror needs no lock-file checksums to be used (with a committed `.terraform.lock.hcl` the
   * mirrored packages must match it).
   */
  static cliConfigFile(path: string): RunnerProviderInstallation {
    return new RunnerProviderInstallation("TF_CLI_CONFIG_FILE", path, "cliConfigFile");
  }

  /**
   * A plugin cache directory in the image (`TF_PLUGIN_CACHE_DIR`). Used only for providers whose checksums the
   * stack's committed `.terraform.lock.hcl` already has; without them tofu and terraform ignore the cache and
   * download (and a download into a read-only image directory fails the init). Prefer `cliConfigFile`.
   */
  static pluginCache(directory: string): RunnerProviderInstallation {
    return new RunnerProviderInstallation("TF_PLUGIN_CACHE_DIR", directory, "pluginCache");
  }

  private constructor(
    /** The environment variable the runner gets. */
    readonly envName: "TF_CLI_CONFIG_FILE" | "TF_PLUGIN_CACHE_DIR",
    /** The path in the image. */
    readonly path: string,
    private readonly way: string,
  ) {}

  toString(): string {
    return `${this.way}(${this.path})`;
  }

  /** @internal */
  _validate(c: PropChecks, prop: string): void {
    if (!c.literal(prop, this.path)) return;
    c.check(
      typeof this.path === "string" && ABSOLUTE_PATH.test(this.path) && !this.path.split("/").some((s) => s === "." || s === ".."),
      prop,
      this.path,
      `an absolute path in the runner image (${this.way}), without '.' or '..' segments`,
    );
  }
}
