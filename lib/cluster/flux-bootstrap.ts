import { KubernetesClusterExtension } from "@cdktf/provider-azurerm/lib/kubernetes-cluster-extension";
import {
  KubernetesFluxConfiguration,
  KubernetesFluxConfigurationKustomizations,
} from "@cdktf/provider-azurerm/lib/kubernetes-flux-configuration";
import { Construct, IConstruct } from "constructs";
import { Duration } from "../core/duration";
import { GitRef, ITerraformSource, normalizeGitUrl, repoRootPath, TerraformSourceKind } from "../flux/flux-source";
import { DNS_LABEL, InfrastructureStack, ResourceProviderRegistrations } from "../azure/infrastructure-stack";
import { BootstrapStateBackend, FluxExtensionStack } from "./flux-extension-stack";
import { GitOpsFile, IGitOpsFileProducer, markFileProducer } from "../core/gitops-file";
import { helmReleaseObject, HELM_RELEASE_API_VERSION } from "../kubernetes/helm-release";
import { helmRepositoryObject } from "../kubernetes/helm-repository";
import { kustomizationObject } from "../kubernetes/kustomization";
import { kustomizeConfig } from "../kubernetes/kustomize-config";
import { SourceReference } from "../kubernetes/meta";
import { namespaceObject } from "../kubernetes/namespace";
import { addPropValidation, PropChecks } from "../core/validation";
import { TerraformControllerCR, TerraformControllerCRProps } from "../tofu/terraform-controller-cr";
import { FluxAlerts, FluxAlertsProps } from "../flux/flux-alerts";
import { ClusterBootstrapStack } from "./cluster-bootstrap-stack";
import { fluxSystemAdvice, fluxSystemKustomization, hasTerraformEventPatches, TERRAFORM_ALERTS_FILE } from "../flux/flux-system-patch";
import { RepoTerraformStack } from "../azure/repo-terraform-stack";
import type { RunnerIdentity } from "../tofu/runner-identity";
import { AKS_CLUSTER_NAME, DNS_SUBDOMAIN, GUID, RESOURCE_GROUP } from "../core/patterns";

/** The tofu-controller chart version written by default: 0.16.5, the release the library was checked against. */
export const TOFU_CONTROLLER_CHART_VERSION = "0.16.5";
/** The lowest tofu-controller the library accepts, and why. */
export const TOFU_CONTROLLER_MINIMUM = "0.16.5";
const MINIMUM_WHY =
  "0.16.5 fixes state reset on backendConfig.labels changes (#1774/#1808), runners hanging forever after an OOM or node loss (#1838) " +
  "and every object re-planning after a controller restart (#1857)";
/** HTTPS Helm repository of the tofu-controller chart. */
export const TOFU_CONTROLLER_HELM_REPOSITORY = "https://flux-iac.github.io/tofu-controller";

/** azurerm_kubernetes_flux_configuration name and kustomization names (azurerm 4.55 schema). */
const FLUX_CONFIG_NAME = /^[a-z\d]([-a-z\d]{0,28}[a-z\d])?$/;
const EXTENSION_NAME = /^[a-zA-Z0-9]([-.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;
const FLUX_GIT_URL = /^(https?|ssh):\/\/[^\s]+$/;
const AKS_GIT_URL = /^((https?|ssh):\/\/|git@)[^\s]+$/;
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i;
const CHART_VERSION = /^(?:(?<exact>v?\d+\.\d+\.\d+)|(?:>=|~|\^)\s*(?<lower>v?\d+\.\d+\.\d+)(?:\s*,?\s*<=?\s*v?\d+\.\d+\.\d+)?)$/;

/** How Flux itself gets onto the cluster. */
export enum FluxInstallMode {
  /**
   * `flux bootstrap git --path=./clusters/<cluster>` owns `clusters/<cluster>/<namespace>/` (gotk-components.yaml,
   * gotk-sync.yaml): the library writes there only for alerts on Terraform events (terraform-alerts.yaml, and the
   * kustomization.yaml with the Alert CRD patch when there is none; an existing one is kept). Its `flux-system`
   * Kustomization applies `clusters/<cluster>`.
   */
  FLUX_CLI = "flux-cli",
  /**
   * The AKS `microsoft.flux` extension plus an `azurerm_kubernetes_flux_configuration`, from Terraform the library
   * writes to `bootstrap/<cluster>/main.tf.json` (applied once from a workstation or pipeline). The configuration's
   * GitRepository and a Kustomization on `./clusters/<cluster>` then pull the rest. Flux 2.7, multi-tenancy enforced.
   */
  AKS_EXTENSION = "aks-extension",
}

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
   * Pinned extension version, e.g. `1.24.1`. Changing it replaces the extension.
   * @default - unpinned: AKS keeps the extension on a supported minor version (only N-2 are supported)
   */
  readonly extensionVersion?: string;
  /**
   * Name of a Secret in the configuration namespace holding the Git credentials (`username`/`password` or
   * `identity`/`known_hosts`), created out of band. Keys are never written into Terraform.
   * @default - none (a public repository)
   */
  readonly localAuthReference?: string;
  /**
   * Further kustomizations of the configuration, e.g. your applications.
   * @default - none
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
}

/** How tofu-controller is installed (HelmRepository + HelmRelease in the cluster's `tofu-controller/` folder). */
export interface TofuControllerOptions {
  /**
   * Chart version: an exact version or a range with a lower bound (`>=0.16.5`, `~0.16.5`, `^0.16.5`, `>=0.16.5 <0.17.0`);
   * the lower bound must be at least 0.16.5.
   * @default TOFU_CONTROLLER_CHART_VERSION ("0.16.5")
   */
  readonly chartVersion?: string;
  /**
   * Namespace the controller runs in.
   * @default - the Flux namespace of the cluster
   */
  readonly namespace?: string;
  /**
   * How often helm-controller checks the release for drift and upgrades.
   * @default Duration.minutes(30)
   */
  readonly interval?: Duration;
  /**
   * Timeout of one Helm action; the `tofu-controller` Kustomization waits twice as long for its health checks.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Extra chart values, merged over the library's (`runner.grpc.maxMessageSize: 30`); the namespaces of the
   * cluster's Terraform objects are always added to `runner.serviceAccount.allowedNamespaces`.
   * @default - none
   */
  readonly values?: Record<string, unknown>;
}

/** Props of a FluxBootstrap: one cluster, its Git repository and how Flux gets installed. */
export interface FluxBootstrapProps {
  /** Cluster folder name: everything for this cluster goes to `clusters/<clusterName>/`. A DNS label. */
  readonly clusterName: string;
  /**
   * URL of this GitOps repo as Flux clones it (`https://…` or `ssh://…`; AKS also takes `git@host:path`), without
   * credentials. Used by the bootstrap, and to tell whether another source is the same repo (approval loop guard).
   */
  readonly repositoryUrl: string;
  /**
   * Branch Flux follows for the cluster's manifests.
   * @default "main"
   */
  readonly branch?: string;
  /**
   * How Flux gets onto the cluster.
   * @default FluxInstallMode.FLUX_CLI
   */
  readonly mode?: FluxInstallMode;
  /**
   * AKS extension settings; required with FluxInstallMode.AKS_EXTENSION, refused otherwise.
   * @default - none
   */
  readonly aksExtension?: AksFluxExtensionOptions;
  /**
   * Namespace of the Flux objects: the bootstrap `--namespace` (CLI mode) or the flux configuration namespace (AKS).
   * The cluster's GitRepository, Kustomizations, HelmRelease and by default its Terraform objects live here.
   * @default "flux-system"
   */
  readonly namespace?: string;
  /**
   * How often Flux fetches the Git repository (bootstrap `--interval`, or the configuration's sync interval).
   * @default Duration.minutes(1)
   */
  readonly sourceInterval?: Duration;
  /**
   * Timeout of one Git fetch (AKS mode; the CLI bootstrap uses Flux's default of 60s).
   * @default Duration.minutes(1)
   */
  readonly sourceTimeout?: Duration;
  /**
   * Reconcile interval of the generated Flux Kustomizations (at least 1m).
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;
  /**
   * Retry interval of the generated Flux Kustomizations after a failure.
   * @default Duration.minutes(2)
   */
  readonly retryInterval?: Duration;
  /**
   * Timeout of one apply of the generated Flux Kustomizations.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * tofu-controller installation.
   * @default - chart 0.16.5 in the Flux namespace
   */
  readonly tofuController?: TofuControllerOptions;
  /**
   * SOPS decryption on the Flux Kustomizations the library writes (`tofu-controller`, `terraform`), for teams that
   * keep SOPS-encrypted Secrets in Git. The library itself never writes a Secret.
   * @default - no decryption
   */
  readonly sops?: SopsDecryption;
  /**
   * Flux CLI mode: remote state of `bootstrap/<cluster>` (the cluster's RunnerIdentity resources), Entra ID auth.
   * AKS extension mode uses `aksExtension.stateBackend`.
   * @default - local state in bootstrap/<cluster>/ (keep terraform.tfstate out of Git)
   */
  readonly bootstrapStateBackend?: BootstrapStateBackend;
}

/** SOPS decryption (`decryption: {provider: sops, secretRef}`) of the manifests a Flux Kustomization applies. */
export interface SopsDecryption {
  /** Secret in the Flux namespace with the decryption keys (`*.agekey`, `*.asc`, or cloud KMS credentials). */
  readonly secretName: string;
}

/** FluxBootstraps per app and cluster name, registered at construction (see the duplicate check in validate). */
const BOOTSTRAPS = new WeakMap<object, Map<string, FluxBootstrap[]>>();

function bootstrapsNamed(b: FluxBootstrap): FluxBootstrap[] {
  let byName = BOOTSTRAPS.get(b.node.root);
  if (!byName) BOOTSTRAPS.set(b.node.root, (byName = new Map()));
  let list = byName.get(b.clusterName);
  if (!list) byName.set(b.clusterName, (list = []));
  return list;
}

/** Something written into the cluster's `terraform/` folder (a Terraform object or a source). */
interface TerraformFolderMember extends IConstruct {
  /** @internal */
  readonly _fileName: string;
  readonly namespace: string;
}

/**
 * Everything a cluster needs so that Flux pulls `clusters/<cluster>/`, installs tofu-controller first and then
 * applies the cluster's Terraform objects. Every generated folder has a `kustomization.yaml` listing exactly its
 * generated files; no Flux Kustomization ever points at the repo root.
 *
 * ```
 * clusters/<cluster>/
 *   kustomization.yaml        flux-system (CLI mode only: bootstrap's folder) + the files below
 *   tofu-controller.yaml      Flux Kustomization → ./clusters/<cluster>/tofu-controller, health: HelmRelease + Deployment
 *   terraform.yaml            Flux Kustomization → ./clusters/<cluster>/terraform, dependsOn tofu-controller
 *   notifications.yaml        with addAlerts: notification Providers and Alerts
 *   tofu-controller/          kustomization.yaml, [namespaces.yaml], helm-repository.yaml, helm-release.yaml
 *   terraform/                kustomization.yaml, one file per Terraform object, extra source and RunnerIdentity
 * ```
 * The sub-folders are not listed in the root kustomization.yaml: the child Kustomizations apply them (once, in order).
 */
export class FluxBootstrap extends Construct implements IGitOpsFileProducer {
  /** Returns true if x is a FluxBootstrap. */
  static isFluxBootstrap(x: unknown): x is FluxBootstrap {
    return x instanceof FluxBootstrap;
  }

  readonly clusterName: string;
  readonly mode: FluxInstallMode;
  /** Namespace of the cluster's Flux objects. */
  readonly namespace: string;
  readonly repositoryUrl: string;
  readonly branch: string;
  /** Repo-relative cluster folder, `clusters/<clusterName>`. */
  readonly folder: string;
  /** The GitRepository that syncs this cluster (`flux-system`, or the AKS configuration's); the default Terraform source. */
  readonly source: ITerraformSource;
  /** tofu-controller chart version (or range) written into the HelmRelease. */
  readonly tofuControllerChartVersion: string;
  /** Namespace tofu-controller runs in. */
  readonly tofuControllerNamespace: string;
  /** AKS mode: the bootstrap stack written to `bootstrap/<cluster>/main.tf.json`. */
  readonly extensionStack?: FluxExtensionStack;
  /** AKS mode: the `microsoft.flux` extension resource (escape hatch). */
  readonly extension?: KubernetesClusterExtension;
  /** AKS mode: the flux configuration resource (escape hatch). */
  readonly fluxConfiguration?: KubernetesFluxConfiguration;

  private readonly props: FluxBootstrapProps;
  private readonly sourceInterval: Duration;
  private readonly sourceTimeout: Duration;
  private readonly interval: Duration;
  private readonly retryInterval: Duration;
  private readonly timeout: Duration;
  private readonly helmInterval: Duration;
  private readonly helmTimeout: Duration;
  private readonly terraformObjects: TerraformControllerCR[] = [];
  private readonly extraSources: TerraformFolderMember[] = [];
  private promotionStage?: { readonly stage: string; readonly order: IConstruct };
  private cliBootstrapStack?: ClusterBootstrapStack;
  private readonly identities: RunnerIdentity[] = [];
  private readonly alertSets: FluxAlerts[] = [];

  constructor(scope: Construct, id: string, props: FluxBootstrapProps) {
    super(scope, id);
    markFileProducer(this);
    this.props = props;
    this.clusterName = props.clusterName;
    this.mode = props.mode ?? FluxInstallMode.FLUX_CLI;
    this.namespace = props.namespace ?? "flux-system";
    this.repositoryUrl = props.repositoryUrl;
    this.branch = props.branch ?? "main";
    this.folder = `clusters/${this.clusterName}`;
    this.sourceInterval = props.sourceInterval ?? Duration.minutes(1);
    this.sourceTimeout = props.sourceTimeout ?? Duration.minutes(1);
    this.interval = props.interval ?? Duration.minutes(10);
    this.retryInterval = props.retryInterval ?? Duration.minutes(2);
    this.timeout = props.timeout ?? Duration.minutes(5);
    this.tofuControllerChartVersion = props.tofuController?.chartVersion ?? TOFU_CONTROLLER_CHART_VERSION;
    this.tofuControllerNamespace = props.tofuController?.namespace ?? this.namespace;
    this.helmInterval = props.tofuController?.interval ?? Duration.minutes(30);
    this.helmTimeout = props.tofuController?.timeout ?? Duration.minutes(5);

    const aks = props.aksExtension;
    const sourceName = this.mode === FluxInstallMode.AKS_EXTENSION ? (aks?.configurationName ?? "cluster-config") : "flux-system";
    this.source = new BootstrapGitSource(this, sourceName);

    if (this.mode === FluxInstallMode.AKS_EXTENSION && aks) {
      this.extensionStack = new FluxExtensionStack(this, `${id}-flux-extension`, {
        repoPath: `bootstrap/${this.clusterName}`,
        subscriptionId: aks.subscriptionId,
        resourceProviderRegistrations: aks.resourceProviderRegistrations ?? ResourceProviderRegistrations.NONE,
        clusterName: aks.clusterName,
        resourceGroupName: aks.resourceGroupName,
        extensionName: aks.extensionName ?? "flux",
        extensionVersion: aks.extensionVersion,
        configurationName: sourceName,
        namespace: this.namespace,
        url: this.repositoryUrl,
        branch: this.branch,
        localAuthReference: aks.localAuthReference,
        sourceIntervalSeconds: this.sourceInterval.toWholeSeconds(),
        sourceTimeoutSeconds: this.sourceTimeout.toWholeSeconds(),
        kustomizations: this.aksKustomizations(aks),
        stateBackend: aks.stateBackend,
      });
      this.extension = this.extensionStack.extension;
      this.fluxConfiguration = this.extensionStack.fluxConfiguration;
    }

    bootstrapsNamed(this).push(this);
    addPropValidation(this, (c) => this.validate(c));
  }

  /** The name of the kustomization of the AKS flux configuration that applies `clusters/<cluster>`. */
  static readonly AKS_ROOT_KUSTOMIZATION = "cluster";

  /** What to run once to connect the cluster: the `flux bootstrap` command (CLI mode) or the Terraform apply (AKS). */
  get bootstrapInstructions(): string {
    if (this.mode === FluxInstallMode.AKS_EXTENSION) {
      const dir = `bootstrap/${this.clusterName}`;
      return `tofu -chdir=${dir} init && tofu -chdir=${dir} apply`;
    }
    const ns = this.namespace === "flux-system" ? "" : ` --namespace=${this.namespace}`;
    return `flux bootstrap git --url=${this.repositoryUrl} --branch=${this.branch} --path=./${this.folder}${ns} --interval=${safeGo(this.sourceInterval)}`;
  }

  /** The Terraform objects of this cluster, in creation order. */
  get terraforms(): readonly TerraformControllerCR[] {
    return [...this.terraformObjects];
  }

  /** Adds a Terraform object for a stack to this cluster (same as `new TerraformControllerCR(this, id, {cluster: this, …})`). */
  addTerraform(id: string, props: Omit<TerraformControllerCRProps, "cluster">): TerraformControllerCR {
    return new TerraformControllerCR(this, id, { ...props, cluster: this });
  }

  /**
   * Sends the events of this cluster's Flux objects (and, in flux CLI mode, of its Terraform objects: drift, failed
   * plans and applies) to a notification provider whose address is in a Secret.
   */
  addAlerts(id: string, props: FluxAlertsProps): FluxAlerts {
    return new FluxAlerts(this, id, { ...props, cluster: this });
  }

  /**
   * The cluster's `bootstrap/<cluster>/main.tf.json`: the AKS extension stack, or in flux CLI mode the stack that
   * holds the cluster's RunnerIdentity resources; undefined when the cluster needs none.
   */
  get bootstrapStack(): RepoTerraformStack | undefined {
    return this.extensionStack ?? this.cliBootstrapStack;
  }

  /** @internal The bootstrap stack, created in flux CLI mode on first use (by a RunnerIdentity). */
  _bootstrapStackFor(subscriptionId: string): RepoTerraformStack {
    if (this.extensionStack) return this.extensionStack;
    this.cliBootstrapStack ??= new ClusterBootstrapStack(this, `${this.node.id}-bootstrap`, {
      repoPath: `bootstrap/${this.clusterName}`,
      subscriptionId,
      stateBackend: this.props.bootstrapStateBackend,
    });
    return this.cliBootstrapStack;
  }

  /** @internal Subscription of the bootstrap stack's provider, once there is one. */
  get _bootstrapSubscriptionId(): string | undefined {
    return this.extensionStack ? this.props.aksExtension?.subscriptionId : this.cliBootstrapStack?.subscriptionId;
  }

  /** @internal The AKS cluster of the extension (AKS extension mode), else undefined. */
  get _aksExtensionCluster():
    { readonly subscriptionId: string; readonly clusterName: string; readonly resourceGroupName: string } | undefined {
    return this.mode === FluxInstallMode.AKS_EXTENSION ? this.props.aksExtension : undefined;
  }

  /** @internal Called by RunnerIdentity's constructor. */
  _registerRunnerIdentity(identity: RunnerIdentity): void {
    this.identities.push(identity);
  }

  /** @internal The runner identities of this cluster, in creation order. */
  get _runnerIdentities(): readonly RunnerIdentity[] {
    return this.identities;
  }

  /** @internal Called by FluxAlerts' constructor. */
  _registerAlerts(alerts: FluxAlerts): void {
    this.alertSets.push(alerts);
  }

  /** @internal The alerts of this cluster, in creation order. */
  get _alerts(): readonly FluxAlerts[] {
    return this.alertSets;
  }

  /** @internal Called by TerraformControllerCR's constructor. */
  _registerTerraform(cr: TerraformControllerCR): void {
    this.terraformObjects.push(cr);
  }

  /** @internal Called by the source constructs' constructors. */
  _registerSource(source: TerraformFolderMember): void {
    this.extraSources.push(source);
  }

  /** @internal The sourceRef of an object in `namespace` pointing at `source` (namespace left out when equal). */
  static _sourceRef(source: ITerraformSource, fromNamespace: string): SourceReference {
    return { kind: source.kind, name: source.name, namespace: source.namespace === fromNamespace ? undefined : source.namespace };
  }

  /**
   * Secret holding the credentials of the cluster's Git repository: `flux-system` (created by flux bootstrap) or
   * aksExtension.localAuthReference; undefined for a public repository in AKS mode.
   */
  get gitCredentialsSecret(): string | undefined {
    return this.mode === FluxInstallMode.AKS_EXTENSION ? this.props.aksExtension?.localAuthReference : "flux-system";
  }

  /** The promotion stage of this cluster, if it is in a PromotionOrder. */
  get promotion(): { readonly stage: string; readonly order: IConstruct } | undefined {
    return this.promotionStage;
  }

  /** @internal Called by PromotionOrder. */
  _setPromotionStage(stage: string, order: IConstruct): void {
    this.promotionStage ??= { stage, order };
  }

  /** Namespaces of this cluster's Terraform objects. */
  get terraformNamespaces(): string[] {
    return [...new Set(this.terraformObjects.map((t) => t.namespace))].sort();
  }

  private aksKustomizations(aks: AksFluxExtensionOptions): KubernetesFluxConfigurationKustomizations[] {
    const common = {
      garbageCollectionEnabled: true, // prune
      recreatingEnabled: false,
      syncIntervalInSeconds: this.interval.toWholeSeconds(),
      retryIntervalInSeconds: this.retryInterval.toWholeSeconds(),
    };
    const root: KubernetesFluxConfigurationKustomizations = {
      ...common,
      name: FluxBootstrap.AKS_ROOT_KUSTOMIZATION,
      path: `./${this.folder}`,
      // It applies the two child Kustomizations; waiting on them makes the configuration show their health in Azure.
      wait: true,
      timeoutInSeconds: 2 * this.helmTimeout.toWholeSeconds(),
      dependsOn: [],
    };
    const extra = (aks.additionalKustomizations ?? []).map((k) => ({
      ...common,
      name: k.name,
      path: k.path,
      wait: true,
      timeoutInSeconds: this.timeout.toWholeSeconds(),
      dependsOn: k.dependsOn ?? [FluxBootstrap.AKS_ROOT_KUSTOMIZATION],
    }));
    return [root, ...extra];
  }

  private validate(c: PropChecks): void {
    const p = this.props;
    c.pattern(
      "clusterName",
      p.clusterName,
      DNS_LABEL,
      "a DNS label: lower-case letters, digits and '-', 1 to 63 characters, starting and ending alphanumeric",
    );
    c.oneOf("mode", this.mode, Object.values(FluxInstallMode));
    c.pattern("namespace", this.namespace, DNS_LABEL, "a Kubernetes namespace name (DNS label)");
    const aksMode = this.mode === FluxInstallMode.AKS_EXTENSION;
    if (c.literal("repositoryUrl", p.repositoryUrl)) {
      const ok = typeof p.repositoryUrl === "string" && (aksMode ? AKS_GIT_URL : FLUX_GIT_URL).test(p.repositoryUrl);
      c.check(
        ok,
        "repositoryUrl",
        p.repositoryUrl,
        aksMode
          ? "a Git URL starting with https://, http://, ssh:// or git@"
          : "a Git URL starting with https://, http:// or ssh:// (what Flux's GitRepository accepts)",
      );
      c.check(
        !URL_WITH_CREDENTIALS.test(String(p.repositoryUrl)),
        "repositoryUrl",
        "<a URL with user:password@>",
        "a URL without credentials (they go into a Secret: the bootstrap's, or aksExtension.localAuthReference)",
      );
    }
    GitRef.branch(this.branch)._validate(c, "branch");

    for (const [prop, d] of [
      ["sourceInterval", this.sourceInterval],
      ["sourceTimeout", this.sourceTimeout],
      ["retryInterval", this.retryInterval],
      ["timeout", this.timeout],
    ] as const) {
      if (Duration._check(c, prop, d) && aksMode) wholeSeconds(c, prop, d);
    }
    if (Duration._check(c, "interval", this.interval, { min: Duration.minutes(1), why: "Flux's minimum for Kustomizations" }) && aksMode)
      wholeSeconds(c, "interval", this.interval);

    // tofu-controller
    const v = this.tofuControllerChartVersion;
    if (c.literal("tofuController.chartVersion", v)) {
      const m = typeof v === "string" ? CHART_VERSION.exec(v.trim()) : null;
      const bound = m ? (m.groups!.exact ?? m.groups!.lower) : undefined;
      if (!bound) {
        c.fail(
          "tofuController.chartVersion",
          v,
          `an exact chart version (0.16.5) or a range with a lower bound (>=0.16.5, ~0.16.5, ^0.16.5, ">=0.16.5 <0.17.0"), at least ${TOFU_CONTROLLER_MINIMUM}`,
        );
      } else {
        c.check(
          compareVersions(bound, TOFU_CONTROLLER_MINIMUM) >= 0,
          "tofuController.chartVersion",
          v,
          `${TOFU_CONTROLLER_MINIMUM} or later as its lower bound: ${MINIMUM_WHY}`,
        );
      }
    }
    // Checked only when given: the default is the Flux namespace, whose own check already names a bad value.
    c.pattern("tofuController.namespace", p.tofuController?.namespace, DNS_LABEL, "a Kubernetes namespace name (DNS label)");
    Duration._check(c, "tofuController.interval", this.helmInterval);
    Duration._check(c, "tofuController.timeout", this.helmTimeout);
    if (p.tofuController?.values !== undefined) {
      const values = p.tofuController.values;
      if (c.literal("tofuController.values", values)) {
        c.check(
          values !== null && typeof values === "object" && !Array.isArray(values),
          "tofuController.values",
          values,
          "an object of Helm values",
        );
      }
    }

    if (p.sops !== undefined && c.literal("sops", p.sops)) {
      c.pattern("sops.secretName", p.sops?.secretName, DNS_SUBDOMAIN, "the name of a Secret in the Flux namespace holding the SOPS keys");
      c.check(
        p.sops?.secretName !== undefined,
        "sops.secretName",
        undefined,
        "the name of a Secret in the Flux namespace holding the SOPS keys",
      );
    }
    if (p.bootstrapStateBackend !== undefined) {
      if (aksMode)
        c.fail(
          "bootstrapStateBackend",
          "<set>",
          "unset in AKS extension mode (use aksExtension.stateBackend: it is the same bootstrap stack)",
        );
      else validateStateBackend(c, "bootstrapStateBackend", p.bootstrapStateBackend);
    }

    // Mode-specific settings
    if (aksMode) {
      if (!p.aksExtension)
        c.fail(
          "aksExtension",
          undefined,
          "the AKS extension settings (subscriptionId, clusterName, resourceGroupName) with mode AKS_EXTENSION",
        );
      else this.validateAks(c, p.aksExtension);
    } else if (p.aksExtension) {
      c.fail(
        "aksExtension",
        "<set>",
        `unset with mode ${this.mode} (flux bootstrap installs Flux; set mode: FluxInstallMode.AKS_EXTENSION to use the extension)`,
      );
    }

    // One folder per cluster, from the per-app registry (a walk of the whole tree per bootstrap made synth quadratic
    // in the number of clusters). Reported on the later bootstraps only: one clash, one message.
    const first = bootstrapsNamed(this)[0];
    if (first !== this)
      c.fail("clusterName", this.clusterName, `a cluster name no other FluxBootstrap uses (${first.node.path} writes ${this.folder} too)`);
    // Names in the terraform/ folder: the Terraform objects and the sources check their own names (so the message is
    // on the construct and prop that clash), see TerraformControllerCR and _sourceWithSameFile.
  }

  /** @internal The source of this cluster declared before `source` that writes the same file, if any. */
  _sourceWithSameFile(source: IConstruct & { readonly _fileName: string }): IConstruct | undefined {
    const i = this.extraSources.indexOf(source as TerraformFolderMember);
    return this.extraSources.slice(0, i < 0 ? this.extraSources.length : i).find((m) => m._fileName === source._fileName);
  }

  private validateAks(c: PropChecks, a: AksFluxExtensionOptions): void {
    if (c.literal("aksExtension.subscriptionId", a.subscriptionId)) {
      c.check(
        GUID.test(String(a.subscriptionId)),
        "aksExtension.subscriptionId",
        a.subscriptionId,
        "a subscription GUID such as 00000000-0000-0000-0000-000000000000",
      );
    }
    c.pattern("aksExtension.clusterName", a.clusterName, AKS_CLUSTER_NAME, "an AKS cluster name: 1 to 63 letters, digits, '-' and '_'");
    c.pattern(
      "aksExtension.resourceGroupName",
      a.resourceGroupName,
      RESOURCE_GROUP,
      "a resource group name: 1 to 90 letters, digits, '-', '_', '.', '(' and ')', not ending in '.'",
    );
    c.pattern(
      "aksExtension.configurationName",
      this.source.name,
      FLUX_CONFIG_NAME,
      "a flux configuration name: lower-case letters, digits and '-', 1 to 30 characters, starting and ending alphanumeric",
    );
    c.pattern(
      "aksExtension.extensionName",
      a.extensionName,
      EXTENSION_NAME,
      "an extension name: letters, digits, '-' and '.', 1 to 63 characters",
    );
    c.pattern("aksExtension.extensionVersion", a.extensionVersion, /^\d+\.\d+\.\d+$/, "an extension version such as 1.24.1");
    c.pattern(
      "aksExtension.localAuthReference",
      a.localAuthReference,
      DNS_SUBDOMAIN,
      "the name of a Secret in the configuration namespace",
    );
    c.oneOf("aksExtension.resourceProviderRegistrations", a.resourceProviderRegistrations, Object.values(ResourceProviderRegistrations));
    if (a.stateBackend) {
      c.literal("aksExtension.stateBackend", a.stateBackend);
      const sb = a.stateBackend;
      c.pattern(
        "aksExtension.stateBackend.storageAccountName",
        sb.storageAccountName,
        /^[a-z0-9]{3,24}$/,
        "a storage account name: 3 to 24 lower-case letters and digits",
      );
      c.pattern(
        "aksExtension.stateBackend.containerName",
        sb.containerName,
        /^[a-z0-9](?!.*--)[-a-z0-9]{1,61}[a-z0-9]$/,
        "a blob container name: 3 to 63 lower-case letters, digits and single '-'",
      );
      c.check(
        typeof sb.key === "string" && sb.key.length > 0,
        "aksExtension.stateBackend.key",
        sb.key,
        "a blob name such as bootstrap/aks-dev.tfstate",
      );
      c.pattern("aksExtension.stateBackend.resourceGroupName", sb.resourceGroupName, RESOURCE_GROUP, "a resource group name");
      if (sb.subscriptionId !== undefined)
        c.check(
          GUID.test(String(sb.subscriptionId)),
          "aksExtension.stateBackend.subscriptionId",
          sb.subscriptionId,
          "a subscription GUID such as 00000000-0000-0000-0000-000000000000",
        );
    }
    const names = new Set<string>([FluxBootstrap.AKS_ROOT_KUSTOMIZATION]);
    (a.additionalKustomizations ?? []).forEach((k, i) => {
      const prop = `aksExtension.additionalKustomizations[${i}]`;
      if (
        c.pattern(`${prop}.name`, k.name, FLUX_CONFIG_NAME, "a kustomization name: lower-case letters, digits and '-', 1 to 30 characters")
      ) {
        c.check(
          !names.has(k.name),
          `${prop}.name`,
          k.name,
          `a name not used by another kustomization of the configuration ("${FluxBootstrap.AKS_ROOT_KUSTOMIZATION}" applies ${this.folder})`,
        );
        names.add(k.name);
      }
      if (c.literal(`${prop}.path`, k.path)) {
        const path = String(k.path);
        const norm = path.replace(/^\.\//, "").replace(/\/+$/, "");
        const ok = /^\.\/[A-Za-z0-9._/-]+$/.test(path) && !path.split("/").includes("..") && norm !== "" && norm !== ".";
        c.check(
          ok,
          `${prop}.path`,
          k.path,
          "a repo path starting with ./ below the repo root (never the root: every YAML in the repo would be applied)",
        );
        c.check(
          !(norm === this.folder || norm.startsWith(`${this.folder}/`)),
          `${prop}.path`,
          k.path,
          `a path outside ${this.folder} (the "${FluxBootstrap.AKS_ROOT_KUSTOMIZATION}" kustomization applies it already)`,
        );
      }
    });
    (a.additionalKustomizations ?? []).forEach((k, i) => {
      for (const d of k.dependsOn ?? []) {
        c.check(
          names.has(d) && d !== k.name,
          `aksExtension.additionalKustomizations[${i}].dependsOn`,
          d,
          `the name of another kustomization of this configuration: ${[...names].filter((n) => n !== k.name).join(", ")}`,
        );
      }
    });
  }

  /** @internal */
  _gitOpsFiles(): GitOpsFile[] {
    const src = this.node.path;
    const yaml = (path: string, documents: unknown[]): GitOpsFile => ({
      path: `${this.folder}/${path}`,
      source: src,
      content: { format: "yaml", documents },
    });
    const sourceRef = FluxBootstrap._sourceRef(this.source, this.namespace);
    const hasTerraform = this.terraformObjects.length > 0;

    const decryption = this.props.sops ? { provider: "sops" as const, secretRef: { name: this.props.sops.secretName } } : undefined;
    const hasAlerts = this.alertSets.length > 0;

    // Root: bootstrap's folder (CLI mode) and the two child Kustomizations; never the sub-folders themselves.
    const rootResources = [
      ...(this.mode === FluxInstallMode.FLUX_CLI ? [this.namespace] : []),
      "tofu-controller.yaml",
      ...(hasTerraform ? ["terraform.yaml"] : []),
      ...(hasAlerts ? ["notifications.yaml"] : []),
    ];
    const files: GitOpsFile[] = [yaml("kustomization.yaml", [kustomizeConfig(rootResources)])];

    // Alerts: providers and Flux-kind alerts at the root; the Terraform alerts in bootstrap's folder, next to (and only
    // applied by) the kustomization.yaml that patches the Alert CRD to accept the kind Terraform.
    if (hasAlerts)
      files.push(
        yaml(
          "notifications.yaml",
          this.alertSets.flatMap((a) => a._fluxDocuments()),
        ),
      );
    const terraformAlerts = this.alertSets.flatMap((a) => a._terraformDocuments());
    if (terraformAlerts.length) {
      files.push({
        ...yaml(`${this.namespace}/kustomization.yaml`, [fluxSystemKustomization(this.namespace)]),
        // flux bootstrap writes this file only when it is missing and keeps it afterwards: the user's own is kept too.
        ifForeign: { warning: fluxSystemAdvice(this.namespace), satisfiedBy: hasTerraformEventPatches(this.namespace) },
      });
      files.push(yaml(`${this.namespace}/${TERRAFORM_ALERTS_FILE}`, terraformAlerts));
    }

    files.push(
      yaml("tofu-controller.yaml", [
        kustomizationObject(
          { name: "tofu-controller", namespace: this.namespace },
          {
            interval: this.interval.toGo(),
            retryInterval: this.retryInterval.toGo(),
            // Long enough for an install or upgrade of the chart (one Helm action) plus the Deployment rollout.
            timeout: Duration.millis(2 * this.helmTimeout.toMilliseconds()).toGo(),
            path: `./${this.folder}/tofu-controller`,
            prune: true,
            sourceRef,
            // The release and the controller's Deployment: `terraform` waits on this Kustomization being healthy, so the
            // Terraform CRD exists and a controller is running before any Terraform object is applied. (Not `wait: true`:
            // Flux then ignores healthChecks and would not look at the Deployment, which Helm, not this Kustomization, applies.)
            healthChecks: [
              { apiVersion: HELM_RELEASE_API_VERSION, kind: "HelmRelease", name: "tofu-controller", namespace: this.namespace },
              { apiVersion: "apps/v1", kind: "Deployment", name: "tofu-controller", namespace: this.tofuControllerNamespace },
            ],
            decryption,
          },
        ),
      ]),
    );
    if (hasTerraform) {
      files.push(
        yaml("terraform.yaml", [
          kustomizationObject(
            { name: "terraform", namespace: this.namespace },
            {
              interval: this.interval.toGo(),
              retryInterval: this.retryInterval.toGo(),
              timeout: this.timeout.toGo(),
              path: `./${this.folder}/terraform`,
              prune: true,
              sourceRef,
              dependsOn: [{ name: "tofu-controller" }],
              decryption,
              // No wait/healthChecks: a Terraform object is healthy once its apply finished, which can take far longer than
              // any Kustomization timeout; the objects report plan, apply and drift in their own status and events.
            },
          ),
        ]),
      );
    }

    // tofu-controller/
    const extraNamespaces = [...new Set([...this.terraformNamespaces, this.tofuControllerNamespace])]
      .filter((n) => n !== this.namespace)
      .sort();
    const controllerFiles = [...(extraNamespaces.length ? ["namespaces.yaml"] : []), "helm-repository.yaml", "helm-release.yaml"];
    files.push(yaml("tofu-controller/kustomization.yaml", [kustomizeConfig(controllerFiles)]));
    if (extraNamespaces.length) {
      // Never pruned: deleting a namespace deletes the Terraform state Secrets in it.
      files.push(
        yaml(
          "tofu-controller/namespaces.yaml",
          extraNamespaces.map((n) => namespaceObject(n, { "kustomize.toolkit.fluxcd.io/prune": "disabled" })),
        ),
      );
    }
    files.push(
      yaml("tofu-controller/helm-repository.yaml", [
        helmRepositoryObject(
          { name: "tofu-controller", namespace: this.namespace },
          { url: TOFU_CONTROLLER_HELM_REPOSITORY, interval: "1h", timeout: "1m" },
        ),
      ]),
    );
    const separateNamespace = this.tofuControllerNamespace !== this.namespace;
    files.push(
      yaml("tofu-controller/helm-release.yaml", [
        helmReleaseObject(
          { name: "tofu-controller", namespace: this.namespace },
          {
            interval: this.helmInterval.toGo(),
            timeout: this.helmTimeout.toGo(),
            // Fixed, so the chart's Deployment is named `tofu-controller` (the health check above relies on it).
            releaseName: "tofu-controller",
            targetNamespace: separateNamespace ? this.tofuControllerNamespace : undefined,
            storageNamespace: separateNamespace ? this.tofuControllerNamespace : undefined,
            chart: {
              chart: "tofu-controller",
              version: this.tofuControllerChartVersion,
              sourceRef: { kind: "HelmRepository", name: "tofu-controller" },
            },
            install: { crds: "Create", remediation: { retries: 3 } },
            upgrade: { crds: "CreateReplace", remediation: { retries: 3, remediateLastFailure: true } },
            driftDetection: { mode: "enabled" },
            values: this.helmValues(),
          },
        ),
      ]),
    );

    // terraform/: the objects and sources write their own files; the list here is what the folder is.
    if (hasTerraform) {
      const members = [...this.extraSources, ...this.terraformObjects].map((m) => m._fileName).sort();
      files.push(yaml("terraform/kustomization.yaml", [kustomizeConfig(members)]));
    }
    return files;
  }

  private helmValues(): Record<string, unknown> {
    const user = (this.props.tofuController?.values ?? {}) as Record<string, unknown>;
    const ours: Record<string, unknown> = { runner: { grpc: { maxMessageSize: 30 } } };
    const merged = deepMerge(ours, user);
    // tf-runner (ServiceAccount + RBAC) must exist in every namespace that holds Terraform objects.
    const runner = (merged.runner ?? {}) as Record<string, unknown>;
    const sa = (runner.serviceAccount ?? {}) as Record<string, unknown>;
    const userNs = Array.isArray(sa.allowedNamespaces) ? (sa.allowedNamespaces as string[]) : [];
    const allowed = [...new Set([...this.terraformNamespaces, this.namespace, ...userNs])].sort();
    return { ...merged, runner: { ...runner, serviceAccount: { ...sa, allowedNamespaces: allowed } } };
  }
}

/** The cluster's own GitRepository: same repo and branch as the Terraform objects' manifests. */
class BootstrapGitSource implements ITerraformSource {
  readonly kind = TerraformSourceKind.GIT_REPOSITORY;
  readonly sharesRevisionWithManifests = true;
  constructor(
    readonly cluster: FluxBootstrap,
    readonly name: string,
  ) {}
  get namespace(): string {
    return this.cluster.namespace;
  }
  get revisionDescription(): string {
    return `${this.cluster.repositoryUrl} (branch ${this.cluster.branch}, the cluster's own GitRepository ${this.namespace}/${this.name})`;
  }
  get _revisionKey(): string {
    return `git:${normalizeGitUrl(this.cluster.repositoryUrl)}#branch=${this.cluster.branch}`;
  }
  _pathFor(stack: InfrastructureStack): string {
    return repoRootPath(stack);
  }
}

function validateStateBackend(c: PropChecks, prop: string, sb: BootstrapStateBackend): void {
  if (!c.literal(prop, sb)) return;
  c.pattern(
    `${prop}.storageAccountName`,
    sb.storageAccountName,
    /^[a-z0-9]{3,24}$/,
    "a storage account name: 3 to 24 lower-case letters and digits",
  );
  c.pattern(
    `${prop}.containerName`,
    sb.containerName,
    /^[a-z0-9](?!.*--)[-a-z0-9]{1,61}[a-z0-9]$/,
    "a blob container name: 3 to 63 lower-case letters, digits and single '-'",
  );
  c.check(typeof sb.key === "string" && sb.key.length > 0, `${prop}.key`, sb.key, "a blob name such as bootstrap/aks-dev.tfstate");
  c.pattern(`${prop}.resourceGroupName`, sb.resourceGroupName, RESOURCE_GROUP, "a resource group name");
  c.pattern(`${prop}.subscriptionId`, sb.subscriptionId, GUID, "a subscription GUID such as 00000000-0000-0000-0000-000000000000");
}

function wholeSeconds(c: PropChecks, prop: string, d: Duration): void {
  c.check(d.toMilliseconds() % 1000 === 0, prop, d.toGo(), "whole seconds (the flux configuration takes seconds)");
}

function safeGo(d: Duration): string {
  try {
    return d.toGo();
  } catch {
    return String(d);
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, "").split(".").map(Number);
  const pb = b.replace(/^v/, "").split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
