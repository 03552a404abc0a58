import { ResourceProviderRegistrations } from "../azure/infrastructure-stack";
import { KubernetesFluxConfigurationKustomizations } from "../azure/provider/kubernetes-flux-configuration";
import type { RepoTerraformStack } from "../azure/repo-terraform-stack";
import { AKS_CLUSTER_NAME, DNS_SUBDOMAIN, GUID, RESOURCE_GROUP } from "../core/patterns";
import { bootstrapFolder } from "../core/repo-layout";
import { PropChecks } from "../core/validation";
import type { AksClusterReference } from "../flux/flux-cluster";
import {
  AKS_EXTENSION_FLUX_TARGET,
  AKS_FLUX_EXTENSION_VERSIONS,
  fluxOfExtensionVersion,
  FluxTarget,
  FluxVersion,
  knownExtensionVersions,
} from "../schema/flux-target";
import { ClusterBootstrapStack } from "./cluster-bootstrap-stack";
import type { FluxExtensionSettings } from "./flux-extension-settings";
import { multiTenancyEnforced, renderFluxExtensionSettings, validateFluxExtensionSettings } from "./flux-extension-settings-checks";
import { BootstrapStateBackend, checkBootstrapStateBackend, FluxExtensionStack } from "./flux-extension-stack";
import { FluxInstallContext, FluxInstallMode, IBoundFluxInstall, IFluxInstall, markFluxInstall } from "./flux-install";
import { validateFluxVersion } from "./flux-version-prop";

/** azurerm_kubernetes_flux_configuration name and kustomization names (azurerm 4.55 schema). */
const FLUX_CONFIG_NAME = /^[a-z\d]([-a-z\d]{0,28}[a-z\d])?$/;
const EXTENSION_NAME = /^[a-zA-Z0-9]([-.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;
const AKS_GIT_URL = /^((https?|ssh):\/\/|git@)[^\s]+$/;
const SUBSCRIPTION_GUID = "a subscription GUID such as 00000000-0000-0000-0000-000000000000";

/** The name of the kustomization of the AKS flux configuration that applies `clusters/<cluster>`. */
export const AKS_ROOT_KUSTOMIZATION = "cluster";

/** A further Kustomization of the AKS flux configuration (beside the one that applies `clusters/<cluster>`). */
export interface AksFluxKustomization {
  /** Kustomization name in the configuration; Flux names the object `<configurationName>-<name>`. */
  readonly name: string;
  /** Repo path, e.g. `./platform/dev`; never the repo root. */
  readonly path: string;
  /**
   * Names of kustomizations of the same configuration that must be ready first.
   * @default - the kustomization that applies clusters/<cluster> (so tofu-controller and its objects come first)
   */
  readonly dependsOn?: string[];
}

/** Settings of the AKS extension mode. */
export interface AksFluxExtensionOptions {
  /** Subscription of the AKS cluster; written into the bootstrap stack's provider block. */
  readonly subscriptionId: string;
  /** Name of the AKS cluster (looked up by a data source; nobody pastes ids). */
  readonly clusterName: string;
  /** Resource group of the AKS cluster. */
  readonly resourceGroupName: string;
  /**
   * Name of the flux configuration; its GitRepository gets this name in the configuration namespace, and every
   * generated object refers to it. Changing it replaces the configuration.
   * @default "cluster-config"
   */
  readonly configurationName?: string;
  /**
   * Name of the `microsoft.flux` extension resource. Changing it reinstalls Flux.
   * @default "flux"
   */
  readonly extensionName?: string;
  /**
   * Pinned extension version, e.g. `1.24.1`: one whose Flux the library knows (1.24.x = Flux 2.7), checked against
   * `fluxVersion`. Changing it replaces the extension.
   * @default - unpinned: AKS keeps the extension on a supported minor version (only N-2 are supported), so which
   *   Flux runs is not visible in the repo and cannot be checked
   */
  readonly extensionVersion?: string;
  /**
   * The Flux the extension installs, which the cluster's objects are written and checked for. The extension decides
   * it, not this setting: it must be the Flux of the pinned `extensionVersion`, or, unpinned, the Flux of an extension
   * version the library knows (2.7 today).
   * @default - the Flux of the pinned extensionVersion; FluxVersion.V2_7 when unpinned (microsoft.flux 1.24.x)
   */
  readonly fluxVersion?: FluxVersion;
  /**
   * Name of a Secret in the configuration namespace holding the Git credentials (`username`/`password` or
   * `identity`/`known_hosts`), created out of band. Keys are never written into Terraform.
   * @default - none (a public repository)
   */
  readonly localAuthReference?: string;
  /**
   * Further kustomizations of the configuration, e.g. your applications.
   * @default - none
   * @deprecated Use `FluxBootstrap.addKustomization`, the same in both install modes (typed `dependsOn` on the
   * library's Kustomizations). Kept as it was: moving a kustomization out of the flux configuration makes Azure
   * delete and recreate what it applied.
   */
  readonly additionalKustomizations?: AksFluxKustomization[];
  /**
   * Remote state of the bootstrap stack (Entra ID auth, no keys).
   * @default - no backend block: local state in bootstrap/<cluster>/ (keep terraform.tfstate out of Git)
   */
  readonly stateBackend?: BootstrapStateBackend;
  /**
   * Resource provider registration by the provider. `Microsoft.KubernetesConfiguration` must be registered in the
   * subscription (`az provider register --namespace Microsoft.KubernetesConfiguration`).
   * @default ResourceProviderRegistrations.NONE
   */
  readonly resourceProviderRegistrations?: ResourceProviderRegistrations;
  /**
   * The extension's settings (`configuration_settings`, `release_train`), typed: multi-tenancy, controllers and their
   * tuning, identity (docs/aks-extension.md). Changing a setting updates the extension in place; changing the
   * release train replaces it.
   * @default - none: the extension's defaults (multi-tenancy enforced; image controllers off; Stable train)
   */
  readonly settings?: FluxExtensionSettings;
}

/**
 * The AKS `microsoft.flux` extension installs Flux (FluxInstallMode.AKS_EXTENSION): the library writes the extension
 * and the flux configuration into the bootstrap stack `bootstrap/<cluster>/main.tf.json`.
 */
export class AksExtensionInstall implements IFluxInstall {
  readonly mode = FluxInstallMode.AKS_EXTENSION;

  /**
   * @param options undefined only from the legacy `mode` prop without `aksExtension` (validation then says so)
   * @param prop the prop the options came from, for messages
   */
  constructor(
    private readonly options: AksFluxExtensionOptions | undefined,
    private readonly prop = "install",
  ) {
    markFluxInstall(this);
  }

  /** @internal */
  _bind(context: FluxInstallContext): IBoundFluxInstall {
    return new BoundAksExtensionInstall(context, this.options, this.prop);
  }
}

class BoundAksExtensionInstall implements IBoundFluxInstall {
  readonly sourceName: string;
  readonly repositoryUrlRule = { pattern: AKS_GIT_URL, allowed: "a Git URL starting with https://, http://, ssh:// or git@" };
  readonly takesScpUrl = true;
  /** The flux configuration takes seconds. */
  readonly wholeSecondDurations = true;
  /** The extension's Kustomization applies the cluster folder; nothing of the install lives in it. */
  readonly rootResources: readonly string[] = [];
  readonly extensionStack?: FluxExtensionStack;
  private fallbackStack?: ClusterBootstrapStack;

  constructor(
    private readonly context: FluxInstallContext,
    private readonly options: AksFluxExtensionOptions | undefined,
    private readonly prop: string,
  ) {
    this.sourceName = options?.configurationName ?? "cluster-config";
    if (options) this.extensionStack = this.createStack(options);
  }

  /** The declared Flux version, else the Flux of the pinned extension version, else the extension's Flux today (2.7). */
  get fluxVersion(): FluxVersion {
    const v = this.options?.fluxVersion;
    return FluxVersion.isFluxVersion(v) ? v : FluxVersion.of(this.extensionFlux ?? AKS_EXTENSION_FLUX_TARGET);
  }

  get fluxTarget(): FluxTarget {
    return this.fluxVersion._target ?? this.extensionFlux ?? AKS_EXTENSION_FLUX_TARGET;
  }

  /** The Flux of the pinned extension version, when the library knows it. */
  private get extensionFlux(): FluxTarget | undefined {
    const pinned = this.options?.extensionVersion;
    return typeof pinned === "string" ? fluxOfExtensionVersion(pinned) : undefined;
  }

  /** aksExtension.localAuthReference; undefined for a public repository. */
  get gitCredentialsSecret(): string | undefined {
    return this.options?.localAuthReference;
  }

  get aksExtensionCluster(): AksClusterReference | undefined {
    return this.options;
  }

  get bootstrapInstructions(): string {
    const dir = bootstrapFolder(this.context.clusterName);
    return `tofu -chdir=${dir} init && tofu -chdir=${dir} apply`;
  }

  get bootstrapStack(): RepoTerraformStack | undefined {
    return this.extensionStack ?? this.fallbackStack;
  }

  get bootstrapSubscriptionId(): string | undefined {
    return this.extensionStack ? this.options?.subscriptionId : this.fallbackStack?.subscriptionId;
  }

  /** The extension stack receives the runner identities too: one bootstrap stack per cluster. */
  bootstrapStackFor(subscriptionId: string): RepoTerraformStack {
    if (this.extensionStack) return this.extensionStack;
    // Without aksExtension (a validation message) there is no extension stack: a plain one keeps construction going.
    this.fallbackStack ??= new ClusterBootstrapStack(this.context.scope, `${this.context.id}-bootstrap`, {
      repoPath: bootstrapFolder(this.context.clusterName),
      subscriptionId,
    });
    return this.fallbackStack;
  }

  validate(c: PropChecks): void {
    const prop = (name: string): string => `${this.prop}.${name}`;
    // Only FluxInstall.aksExtension() gets here without options (the legacy props report a missing aksExtension themselves).
    const allowed = "the AKS extension settings: an object with subscriptionId, clusterName and resourceGroupName";
    if (!c.required(this.prop, this.options, allowed) || !c.record(this.prop, this.options, allowed)) return;
    const a = this.options!;
    const kustomizations = a.additionalKustomizations;
    if (!c.arrayOfObjects(prop("additionalKustomizations"), kustomizations, "an array of { name, path, dependsOn? }")) return;
    if (c.literal(prop("subscriptionId"), a.subscriptionId)) {
      c.check(GUID.test(String(a.subscriptionId)), prop("subscriptionId"), a.subscriptionId, SUBSCRIPTION_GUID);
    }
    c.pattern(prop("clusterName"), a.clusterName, AKS_CLUSTER_NAME, "an AKS cluster name: 1 to 63 letters, digits, '-' and '_'");
    c.pattern(
      prop("resourceGroupName"),
      a.resourceGroupName,
      RESOURCE_GROUP,
      "a resource group name: 1 to 90 letters, digits, '-', '_', '.', '(' and ')', not ending in '.'",
    );
    c.pattern(
      prop("configurationName"),
      this.sourceName,
      FLUX_CONFIG_NAME,
      "a flux configuration name: lower-case letters, digits and '-', 1 to 30 characters, starting and ending alphanumeric",
    );
    c.pattern(
      prop("extensionName"),
      a.extensionName,
      EXTENSION_NAME,
      "an extension name: letters, digits, '-' and '.', 1 to 63 characters",
    );
    this.validateVersions(c, a);
    c.pattern(prop("localAuthReference"), a.localAuthReference, DNS_SUBDOMAIN, "the name of a Secret in the configuration namespace");
    c.oneOf(prop("resourceProviderRegistrations"), a.resourceProviderRegistrations, Object.values(ResourceProviderRegistrations));
    if (a.stateBackend) checkBootstrapStateBackend(c, prop("stateBackend"), a.stateBackend);
    this.validateKustomizations(c, a.additionalKustomizations ?? []);
    validateFluxExtensionSettings(c, prop("settings"), a.settings, {
      clusterFolder: this.context.folder,
      alerts: this.context.alertPaths(),
      extensionVersion: typeof a.extensionVersion === "string" ? a.extensionVersion : undefined,
    });
  }

  /** Enforced multi-tenancy (the extension's default) refuses a Kustomization's sourceRef to another namespace. */
  get crossNamespaceSourceRefsDenied(): string | undefined {
    return multiTenancyEnforced(this.options?.settings)
      ? "the microsoft.flux extension enforces multi-tenancy, which refuses cross-namespace sourceRefs (settings.multiTenancy)"
      : undefined;
  }

  /** The pinned extension version and the declared Flux version: the extension decides the Flux, the setting must agree. */
  private validateVersions(c: PropChecks, a: AksFluxExtensionOptions): void {
    const pinned = a.extensionVersion;
    const known = knownExtensionVersions();
    let pinnedFlux: FluxTarget | undefined;
    if (c.pattern(this.p("extensionVersion"), pinned, /^\d+\.\d+\.\d+$/, "an extension version such as 1.24.1") && pinned !== undefined) {
      pinnedFlux = fluxOfExtensionVersion(pinned);
      c.check(
        pinnedFlux !== undefined,
        this.p("extensionVersion"),
        pinned,
        `a microsoft.flux version whose Flux the library knows: ${known} (it writes and checks the cluster's objects for that ` +
          `Flux and does not guess another one's API), or unset`,
      );
    }
    if (!validateFluxVersion(c, this.p("fluxVersion"), a.fluxVersion) || a.fluxVersion === undefined) return;
    const declared = a.fluxVersion.version;
    if (pinnedFlux !== undefined) {
      c.check(
        declared === pinnedFlux,
        this.p("fluxVersion"),
        declared,
        `"${pinnedFlux}", the Flux of the pinned extensionVersion ${pinned} (microsoft.flux ${known}), or unset: the extension ` +
          `decides which Flux runs`,
      );
    } else if (pinned === undefined) {
      const fluxes = [...new Set(Object.values(AKS_FLUX_EXTENSION_VERSIONS))];
      c.check(
        (fluxes as string[]).includes(declared),
        this.p("fluxVersion"),
        declared,
        `${fluxes.map((f) => `"${f}"`).join(" or ")}, the Flux of the microsoft.flux versions the library knows (${known}), or ` +
          `unset: the extension decides which Flux runs`,
      );
    }
  }

  private p(name: string): string {
    return `${this.prop}.${name}`;
  }

  private validateKustomizations(c: PropChecks, kustomizations: readonly AksFluxKustomization[]): void {
    const folder = this.context.folder;
    const names = new Set<string>([AKS_ROOT_KUSTOMIZATION]);
    kustomizations.forEach((k, i) => {
      const prop = `${this.prop}.additionalKustomizations[${i}]`;
      if (
        c.pattern(`${prop}.name`, k.name, FLUX_CONFIG_NAME, "a kustomization name: lower-case letters, digits and '-', 1 to 30 characters")
      ) {
        c.check(
          !names.has(k.name),
          `${prop}.name`,
          k.name,
          `a name not used by another kustomization of the configuration ("${AKS_ROOT_KUSTOMIZATION}" applies ${folder})`,
        );
        names.add(k.name);
      }
      if (c.literal(`${prop}.path`, k.path)) validateKustomizationPath(c, `${prop}.path`, String(k.path), folder);
    });
    kustomizations.forEach((k, i) => {
      for (const d of k.dependsOn ?? []) {
        c.check(
          names.has(d) && d !== k.name,
          `${this.prop}.additionalKustomizations[${i}].dependsOn`,
          d,
          `the name of another kustomization of this configuration: ${[...names].filter((n) => n !== k.name).join(", ")}`,
        );
      }
    });
  }

  private createStack(a: AksFluxExtensionOptions): FluxExtensionStack {
    const ctx = this.context;
    return new FluxExtensionStack(ctx.scope, `${ctx.id}-flux-extension`, {
      repoPath: bootstrapFolder(ctx.clusterName),
      subscriptionId: a.subscriptionId,
      resourceProviderRegistrations: a.resourceProviderRegistrations ?? ResourceProviderRegistrations.NONE,
      clusterName: a.clusterName,
      resourceGroupName: a.resourceGroupName,
      extensionName: a.extensionName ?? "flux",
      extensionVersion: a.extensionVersion,
      configurationName: this.sourceName,
      namespace: ctx.namespace,
      url: ctx.repositoryUrl,
      branch: ctx.branch,
      localAuthReference: a.localAuthReference,
      sourceIntervalSeconds: ctx.sourceInterval.toWholeSeconds(),
      sourceTimeoutSeconds: ctx.sourceTimeout.toWholeSeconds(),
      kustomizations: this.kustomizations(a),
      stateBackend: a.stateBackend,
      // A bad settings object is reported by validation; until then nothing of it is written.
      settings: a.settings !== null && typeof a.settings === "object" ? renderFluxExtensionSettings(a.settings) : {},
    });
  }

  private kustomizations(a: AksFluxExtensionOptions): KubernetesFluxConfigurationKustomizations[] {
    const ctx = this.context;
    const common = {
      garbageCollectionEnabled: true, // prune
      recreatingEnabled: false,
      syncIntervalInSeconds: ctx.interval.toWholeSeconds(),
      retryIntervalInSeconds: ctx.retryInterval.toWholeSeconds(),
    };
    const root: KubernetesFluxConfigurationKustomizations = {
      ...common,
      name: AKS_ROOT_KUSTOMIZATION,
      path: `./${ctx.folder}`,
      // It applies the two child Kustomizations; waiting on them makes the configuration show their health in Azure.
      wait: true,
      timeoutInSeconds: 2 * ctx.controllerTimeout.toWholeSeconds(),
      dependsOn: [],
    };
    // Anything but an array (JavaScript) is reported by validation.
    const extra = (Array.isArray(a.additionalKustomizations) ? a.additionalKustomizations : []).map((k) => ({
      ...common,
      name: k.name,
      path: k.path,
      wait: true,
      timeoutInSeconds: ctx.timeout.toWholeSeconds(),
      dependsOn: k.dependsOn ?? [AKS_ROOT_KUSTOMIZATION],
    }));
    return [root, ...extra];
  }
}

function validateKustomizationPath(c: PropChecks, prop: string, path: string, folder: string): void {
  const norm = path.replace(/^\.\//, "").replace(/\/+$/, "");
  const ok = /^\.\/[A-Za-z0-9._/-]+$/.test(path) && !path.split("/").includes("..") && norm !== "" && norm !== ".";
  c.check(ok, prop, path, "a repo path starting with ./ below the repo root (never the root: every YAML in the repo would be applied)");
  c.check(
    !(norm === folder || norm.startsWith(`${folder}/`)),
    prop,
    path,
    `a path outside ${folder} (the "${AKS_ROOT_KUSTOMIZATION}" kustomization applies it already)`,
  );
}
