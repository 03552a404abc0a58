import type { RepoTerraformStack } from "../azure/repo-terraform-stack";
import { bootstrapFolder, CLUSTER_SUBFOLDERS } from "../core/repo-layout";
import { PropChecks } from "../core/validation";
import { DEFAULT_FLUX_CLI_TARGET, FluxTarget, FluxVersion } from "../schema/flux-target";
import { ClusterBootstrapStack } from "./cluster-bootstrap-stack";
import { BootstrapStateBackend, checkBootstrapStateBackend } from "./flux-extension-stack";
import { FluxInstallContext, FluxInstallMode, IBoundFluxInstall, IFluxInstall, markFluxInstall } from "./flux-install";
import { validateFluxVersion } from "./flux-version-prop";

const FLUX_GIT_URL = /^(https?|ssh):\/\/[^\s]+$/;

/** Settings of the flux CLI install. */
export interface FluxCliInstallOptions {
  /**
   * Remote state of `bootstrap/<cluster>` (the cluster's RunnerIdentity resources), Entra ID auth.
   * @default - local state in bootstrap/<cluster>/ (keep terraform.tfstate out of Git)
   */
  readonly stateBackend?: BootstrapStateBackend;
  /**
   * The Flux version `flux bootstrap` installs on the cluster: the objects are written with the API versions and
   * fields of that Flux and checked against its CRDs, and a `# Flux Version:` header in the cluster's
   * gotk-components.yaml that says otherwise fails the synth.
   * @default FluxVersion.V2_9
   */
  readonly fluxVersion?: FluxVersion;
}

/**
 * `flux bootstrap git` installs Flux (FluxInstallMode.FLUX_CLI): the library writes the cluster folder and, once a
 * RunnerIdentity needs one, the bootstrap stack `bootstrap/<cluster>` for its Azure resources.
 */
export class FluxCliInstall implements IFluxInstall {
  readonly mode = FluxInstallMode.FLUX_CLI;

  /**
   * @param stateBackendProp the prop the state backend came from, for messages
   * @param fluxVersionProp the prop the Flux version came from, for messages
   */
  constructor(
    private readonly options: FluxCliInstallOptions = {},
    private readonly stateBackendProp = "install.stateBackend",
    private readonly fluxVersionProp = "install.fluxVersion",
  ) {
    markFluxInstall(this);
  }

  /** @internal */
  _bind(context: FluxInstallContext): IBoundFluxInstall {
    return new BoundFluxCliInstall(context, this.options, this.stateBackendProp, this.fluxVersionProp);
  }
}

class BoundFluxCliInstall implements IBoundFluxInstall {
  readonly sourceName = "flux-system";
  /** Created by flux bootstrap. */
  readonly gitCredentialsSecret = "flux-system";
  readonly aksExtensionCluster = undefined;
  readonly repositoryUrlRule = {
    pattern: FLUX_GIT_URL,
    allowed: "a Git URL starting with https://, http:// or ssh:// (what Flux's GitRepository accepts)",
  };
  readonly takesScpUrl = false;
  readonly wholeSecondDurations = false;
  private stack?: ClusterBootstrapStack;

  constructor(
    private readonly context: FluxInstallContext,
    private readonly options: FluxCliInstallOptions,
    private readonly stateBackendProp: string,
    private readonly fluxVersionProp: string,
  ) {}

  /** The declared Flux version (a JavaScript caller's non-FluxVersion is reported by validate). */
  get fluxVersion(): FluxVersion {
    const v = this.options?.fluxVersion;
    return FluxVersion.isFluxVersion(v) ? v : FluxVersion.of(DEFAULT_FLUX_CLI_TARGET);
  }

  /** The target the cluster's objects are written and checked for; the default while a bad version is reported. */
  get fluxTarget(): FluxTarget {
    return this.fluxVersion._target ?? DEFAULT_FLUX_CLI_TARGET;
  }

  /** flux bootstrap's own folder (gotk-components.yaml, gotk-sync.yaml), applied by its flux-system Kustomization. */
  get rootResources(): readonly string[] {
    return [this.context.namespace];
  }

  get bootstrapInstructions(): string {
    const { namespace, repositoryUrl, branch, folder, sourceInterval } = this.context;
    const ns = namespace === "flux-system" ? "" : ` --namespace=${namespace}`;
    return (
      `flux bootstrap git --url=${repositoryUrl} --branch=${branch} --path=./${folder}${ns} --interval=${safeGo(sourceInterval)}` +
      bootstrapCredentialFlags(repositoryUrl)
    );
  }

  get bootstrapStack(): RepoTerraformStack | undefined {
    return this.stack;
  }

  get bootstrapSubscriptionId(): string | undefined {
    return this.stack?.subscriptionId;
  }

  bootstrapStackFor(subscriptionId: string): RepoTerraformStack {
    this.stack ??= new ClusterBootstrapStack(this.context.scope, `${this.context.id}-bootstrap`, {
      repoPath: bootstrapFolder(this.context.clusterName),
      subscriptionId,
      stateBackend: this.options.stateBackend,
    });
    return this.stack;
  }

  validate(c: PropChecks): void {
    // bootstrap's folder is clusters/<cluster>/<namespace>/, listed in the cluster's kustomization.yaml: a namespace
    // named like one of the library's folders there would make bootstrap's Kustomization apply that folder too, out of order.
    const folders: readonly string[] = Object.values(CLUSTER_SUBFOLDERS);
    c.check(
      !folders.includes(this.context.namespace),
      "namespace",
      this.context.namespace,
      `a namespace other than ${folders.map((f) => JSON.stringify(f)).join(" and ")} in flux CLI mode (flux bootstrap writes its ` +
        `folder ${this.context.folder}/<namespace>/, which the cluster's kustomization.yaml lists, and the library's ` +
        `${this.context.folder}/${this.context.namespace}/ folder must be applied by its own Kustomization, in order: ` +
        `tofu-controller before the Terraform objects)`,
    );
    if (!c.record("install", this.options, "FluxInstall.cli() with an object of options ({ stateBackend, fluxVersion }) or none")) return;
    if (this.options.stateBackend !== undefined) checkBootstrapStateBackend(c, this.stateBackendProp, this.options.stateBackend);
    validateFluxVersion(c, this.fluxVersionProp, this.options.fluxVersion);
  }
}

/** A duration as Go text, or its raw form when invalid (validation reports it; the instructions must not throw). */
function safeGo(d: { toGo(): string }): string {
  try {
    return d.toGo();
  } catch {
    return String(d);
  }
}

/**
 * The credentials flags of `flux bootstrap git` (flux2 v2.9 cmd/flux/bootstrap_git.go): over HTTP(S), without
 * `--token-auth` bootstrap switches the cluster's sync to SSH with a generated deploy key, so a private HTTPS repo
 * needs `--token-auth=true` with a username and a token as password (stored in the flux-system Secret). The values
 * come from the shell (`GIT_USERNAME`, `GIT_PASSWORD`: a token that may push), never from Git. Over SSH, bootstrap
 * pushes with the SSH agent and generates the cluster's deploy key itself.
 */
function bootstrapCredentialFlags(repositoryUrl: string): string {
  if (!/^https?:\/\//.test(repositoryUrl)) return "";
  const insecure = repositoryUrl.startsWith("http://") ? " --allow-insecure-http=true" : "";
  return ` --token-auth=true --username="$GIT_USERNAME" --password="$GIT_PASSWORD"${insecure}`;
}
