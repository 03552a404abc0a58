import { Construct, IConstruct } from "constructs";
import { DNS_LABEL } from "../azure/infrastructure-stack";
import { KubernetesClusterExtension } from "../azure/provider/kubernetes-cluster-extension";
import { KubernetesFluxConfiguration } from "../azure/provider/kubernetes-flux-configuration";
import { RepoTerraformStack } from "../azure/repo-terraform-stack";
import { Duration } from "../core/duration";
import { GitOpsFile, IGitOpsFileProducer, markFileProducer } from "../core/gitops-file";
import { appOf, Registry } from "../core/registry";
import { clusterFolder } from "../core/repo-layout";
import { addPropValidation, PropChecks } from "../core/validation";
import { FluxAlerts, FluxAlertsProps } from "../flux/flux-alerts";
import { AksClusterReference, ITerraformFolderMember, ITerraformSource } from "../flux/flux-cluster";
import { GitRef } from "../flux/flux-source";
import { ENVIRONMENT_ALLOWED, ENVIRONMENT_PATTERN } from "../flux/terraform-alerts";
import { SourceReference } from "../kubernetes/meta";
import { FluxTarget, FluxVersion } from "../schema/flux-target";
import { ITerraformCluster, markTerraformCluster } from "../tofu/terraform-cluster";
import { TerraformControllerCR, TerraformObjectOptions } from "../tofu/terraform-controller-cr";
import { TofuController } from "../tofu/tofu-controller";
import { AKS_ROOT_KUSTOMIZATION } from "./aks-extension-install";
import { BootstrapGitSource } from "./bootstrap-git-source";
import { alertFiles, ClusterFileOwner, clusterYaml, rootKustomizationFile } from "./cluster-files";
import { ClusterTerraformFolder } from "./cluster-terraform-folder";
import { checkRepositoryUrl, checkSops, checkSyncDurations } from "./flux-bootstrap-checks";
import { FluxBootstrapProps } from "./flux-bootstrap-props";
import { FluxExtensionStack } from "./flux-extension-stack";
import { FluxInstallMode, IBoundFluxInstall } from "./flux-install";
import { FluxKustomization, FluxKustomizationOptions, IFluxKustomizationRef, IKustomizationCluster } from "./flux-kustomization";
import { fluxSystemFiles } from "./flux-system-folder";
import { installOf, validateInstallProps } from "./install-props";
import { entryPlaceholders, validateEntries } from "./kustomization-entries";

/** FluxBootstraps per app and cluster name, registered at construction (see the duplicate check in validate). */
const BOOTSTRAPS = new Registry<string, FluxBootstrap>();

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
 *   tofu-controller/          kustomization.yaml, [namespaces.yaml], helm-repository.yaml (or oci-repository.yaml), helm-release.yaml
 *   terraform/                kustomization.yaml, one file per Terraform object, extra source and RunnerIdentity
 * ```
 * The sub-folders are not listed in the root kustomization.yaml: the child Kustomizations apply them (once, in order).
 * How Flux is installed is an `IFluxInstall` (FluxCliInstall, AksExtensionInstall); tofu-controller is a
 * `TofuController`; the `terraform/` folder is a `ClusterTerraformFolder`.
 */
export class FluxBootstrap extends Construct implements ITerraformCluster, IGitOpsFileProducer, IKustomizationCluster {
  /** The name of the kustomization of the AKS flux configuration that applies `clusters/<cluster>`. */
  static readonly AKS_ROOT_KUSTOMIZATION = AKS_ROOT_KUSTOMIZATION;

  /** Returns true if x is a FluxBootstrap. */
  static isFluxBootstrap(x: unknown): x is FluxBootstrap {
    return x instanceof FluxBootstrap;
  }

  /** @internal The sourceRef of an object in `namespace` pointing at `source` (namespace left out when equal). */
  static _sourceRef(source: ITerraformSource, fromNamespace: string): SourceReference {
    return { kind: source.kind, name: source.name, namespace: source.namespace === fromNamespace ? undefined : source.namespace };
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
  /** The tofu-controller installation. */
  readonly tofuController: TofuController;
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
  private readonly install: IBoundFluxInstall;
  private readonly sourceInterval: Duration;
  private readonly sourceTimeout: Duration;
  private readonly interval: Duration;
  private readonly retryInterval: Duration;
  private readonly timeout: Duration;
  private readonly terraformFolder = new ClusterTerraformFolder();
  private readonly teamKustomizations: FluxKustomization[] = [];
  private promotionStage?: { readonly describe: () => string; readonly order: IConstruct; readonly environment?: string };

  constructor(scope: Construct, id: string, given: FluxBootstrapProps) {
    super(scope, id);
    // A JavaScript caller without props gets the validation's messages (every required prop), not a TypeError here.
    const props = given ?? ({} as FluxBootstrapProps);
    markFileProducer(this);
    markTerraformCluster(this);
    this.props = props;
    this.clusterName = props.clusterName;
    const install = installOf(props);
    this.mode = props.install !== undefined ? install.mode : (props.mode ?? install.mode);
    this.namespace = props.namespace ?? "flux-system";
    this.repositoryUrl = props.repositoryUrl;
    this.branch = props.branch ?? "main";
    this.folder = clusterFolder(this.clusterName);
    this.sourceInterval = props.sourceInterval ?? Duration.minutes(1);
    this.sourceTimeout = props.sourceTimeout ?? Duration.minutes(1);
    this.interval = props.interval ?? Duration.minutes(10);
    this.retryInterval = props.retryInterval ?? Duration.minutes(2);
    this.timeout = props.timeout ?? Duration.minutes(5);
    this.tofuController = new TofuController(props.tofuController, this.namespace);
    this.tofuControllerChartVersion = this.tofuController.chartVersion;
    this.tofuControllerNamespace = this.tofuController.namespace;

    this.install = install._bind({
      scope: this,
      id,
      clusterName: this.clusterName,
      folder: this.folder,
      namespace: this.namespace,
      repositoryUrl: this.repositoryUrl,
      branch: this.branch,
      sourceInterval: this.sourceInterval,
      sourceTimeout: this.sourceTimeout,
      interval: this.interval,
      retryInterval: this.retryInterval,
      timeout: this.timeout,
      controllerTimeout: this.tofuController.timeout,
      alertPaths: () => FluxAlerts.of(this).map((a) => a.node.path),
    });
    this.source = new BootstrapGitSource(this, this.install.sourceName);
    this.extensionStack = this.install.extensionStack;
    this.extension = this.extensionStack?.extension;
    this.fluxConfiguration = this.extensionStack?.fluxConfiguration;

    BOOTSTRAPS.add(appOf(this), this.clusterName, this);
    addPropValidation(this, (c) => this.validate(c));
  }

  /** What to run once to connect the cluster: the `flux bootstrap` command (CLI mode) or the Terraform apply (AKS). */
  get bootstrapInstructions(): string {
    return this.install.bootstrapInstructions;
  }

  /**
   * A team's own Flux Kustomization (applications, add-ons), written to `clusters/<cluster>/<name>.yaml` and listed in
   * the cluster's kustomization.yaml; `dependsOn` takes your own and the library's (`tofuControllerKustomization`,
   * `terraformKustomization`). The same in both install modes.
   */
  addKustomization(id: string, options: FluxKustomizationOptions): FluxKustomization {
    return new FluxKustomization(this, id, { ...options, cluster: this });
  }

  /** The library's Kustomization that installs tofu-controller (for `dependsOn`). */
  get tofuControllerKustomization(): IFluxKustomizationRef {
    return this.libraryKustomization("tofu-controller");
  }

  /** The library's Kustomization that applies the Terraform objects, once the cluster has one (for `dependsOn`). */
  get terraformKustomization(): IFluxKustomizationRef {
    return this.libraryKustomization("terraform");
  }

  /** The team's own Kustomizations of this cluster, in creation order. */
  get kustomizations(): readonly FluxKustomization[] {
    return [...this.teamKustomizations];
  }

  /** @internal */
  get _generatedKustomizations(): readonly string[] {
    return ["tofu-controller", ...(this.terraforms.length ? ["terraform"] : [])];
  }

  /** @internal */
  _registerKustomization(k: FluxKustomization): void {
    this.teamKustomizations.push(k);
  }

  /** @internal */
  _kustomizationNamed(name: string, before: FluxKustomization): FluxKustomization | undefined {
    return this.teamKustomizations.slice(0, this.teamKustomizations.indexOf(before)).find((k) => k.kustomizationName === name);
  }

  private libraryKustomization(name: string): IFluxKustomizationRef {
    return { kustomizationName: name, kustomizationNamespace: this.namespace, clusterPath: this.node.path };
  }

  /** The Terraform objects of this cluster, in creation order. */
  get terraforms(): readonly TerraformControllerCR[] {
    return [...TerraformControllerCR.of(this)];
  }

  /** Adds a Terraform object for a stack to this cluster (same as `new TerraformControllerCR(this, id, {cluster: this, …})`). */
  addTerraform(id: string, options: TerraformObjectOptions): TerraformControllerCR {
    return new TerraformControllerCR(this, id, { ...options, cluster: this });
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
    return this.install.bootstrapStack;
  }

  /** @internal The bootstrap stack, created in flux CLI mode on first use (by a RunnerIdentity). */
  _bootstrapStackFor(subscriptionId: string): RepoTerraformStack {
    return this.install.bootstrapStackFor(subscriptionId);
  }

  /** @internal Subscription of the bootstrap stack's provider, once there is one. */
  get _bootstrapSubscriptionId(): string | undefined {
    return this.install.bootstrapSubscriptionId;
  }

  /** @internal Why a Kustomization's sourceRef to another namespace is refused (enforced AKS multi-tenancy), if it is. */
  get _crossNamespaceSourceRefsDenied(): string | undefined {
    return this.install.crossNamespaceSourceRefsDenied;
  }

  /** @internal The AKS cluster of the extension (AKS extension mode), else undefined. */
  get _aksExtensionCluster(): AksClusterReference | undefined {
    return this.install.aksExtensionCluster;
  }

  /**
   * The Flux version the cluster runs, which its objects are written and checked for: the install's `fluxVersion`
   * (flux CLI: 2.9 unless set; AKS extension: the extension's Flux, 2.7).
   */
  get fluxVersion(): FluxVersion {
    return this.install.fluxVersion;
  }

  /** @internal */
  get _fluxTarget(): FluxTarget {
    return this.install.fluxTarget;
  }

  /** @internal */
  get _installTakesScpUrl(): boolean {
    return this.install.takesScpUrl;
  }

  /** @internal Called by the source constructs' constructors. */
  _registerSource(source: ITerraformFolderMember): void {
    this.terraformFolder.addSource(source);
  }

  /** @internal The source of this cluster declared before `source` that writes the same file, if any. */
  _sourceWithSameFile(source: ITerraformFolderMember): IConstruct | undefined {
    return this.terraformFolder.sourceWithSameFile(source);
  }

  /**
   * Secret holding the credentials of the cluster's Git repository: `flux-system` (created by flux bootstrap) or
   * aksExtension.localAuthReference; undefined for a public repository in AKS mode.
   */
  get gitCredentialsSecret(): string | undefined {
    return this.install.gitCredentialsSecret;
  }

  /** The promotion stage of this cluster, if it is in a PromotionOrder. */
  get promotion(): { readonly stage: string; readonly order: IConstruct } | undefined {
    const p = this.promotionStage;
    return p ? { stage: p.describe(), order: p.order } : undefined;
  }

  /** @internal Called by PromotionOrder; `describe` gives the annotation text once every object exists. */
  _setPromotionStage(describe: () => string, order: IConstruct, environment?: string): void {
    this.promotionStage ??= { describe, order, environment };
  }

  /** The cluster's environment: the `environment` prop, else its stage's in a PromotionOrder; undefined if neither. */
  get environment(): string | undefined {
    return this.props.environment ?? this.promotionStage?.environment;
  }

  /** Namespaces of this cluster's Terraform objects. */
  get terraformNamespaces(): string[] {
    return [...new Set(this.terraforms.map((t) => t.namespace))].sort();
  }

  private validate(c: PropChecks): void {
    const p = this.props;
    const clusterNameAllowed = "a DNS label: lower-case letters, digits and '-', 1 to 63 characters, starting and ending alphanumeric";
    // Required: unset, the folder would be clusters/undefined/.
    if (c.required("clusterName", p.clusterName, clusterNameAllowed))
      c.pattern("clusterName", p.clusterName, DNS_LABEL, clusterNameAllowed);
    c.oneOf("mode", this.mode, Object.values(FluxInstallMode));
    c.pattern("namespace", this.namespace, DNS_LABEL, "a Kubernetes namespace name (DNS label)");
    checkRepositoryUrl(c, p.repositoryUrl, this.install.repositoryUrlRule);
    GitRef.branch(this.branch)._validate(c, "branch");
    if (p.environment !== undefined) c.pattern("environment", p.environment, ENVIRONMENT_PATTERN, ENVIRONMENT_ALLOWED);
    checkSyncDurations(
      c,
      {
        sourceInterval: this.sourceInterval,
        sourceTimeout: this.sourceTimeout,
        interval: this.interval,
        retryInterval: this.retryInterval,
        timeout: this.timeout,
      },
      this.install.wholeSecondDurations,
    );
    this.tofuController._validate(c);
    checkSops(c, p.sops);
    validateInstallProps(c, this.props, this.mode, this.install);
    const generated = ["kustomization", "tofu-controller", "terraform", "notifications", this.namespace];
    validateEntries(c, "clusterFolder", p.clusterFolder, [...generated, ...this.teamKustomizations.map((k) => k.kustomizationName)]);
    if (p.fluxSystem !== undefined && this.mode === FluxInstallMode.AKS_EXTENSION)
      c.fail(
        "fluxSystem",
        "<set>",
        "unset in AKS extension mode (the extension installs and owns Flux's controllers: there is no flux-system/ folder)",
      );
    else validateEntries(c, "fluxSystem", p.fluxSystem, ["kustomization", "gotk-components", "gotk-sync", "terraform-alerts"]);

    // One folder per cluster, from the per-app registry (a walk of the whole tree per bootstrap made synth quadratic
    // in the number of clusters). Reported on the later bootstraps only: one clash, one message.
    const first = BOOTSTRAPS.first(appOf(this), this.clusterName);
    if (first && first !== this)
      c.fail("clusterName", this.clusterName, `a cluster name no other FluxBootstrap uses (${first.node.path} writes ${this.folder} too)`);
    // Names in the terraform/ folder: the Terraform objects and the sources check their own names (so the message is
    // on the construct and prop that clash), see TerraformControllerCR and _sourceWithSameFile.
  }

  /** @internal */
  _gitOpsFiles(): GitOpsFile[] {
    const owner: ClusterFileOwner = {
      source: this.node.path,
      clusterName: this.clusterName,
      namespace: this.namespace,
      fluxTarget: this._fluxTarget,
    };
    const sourceRef = FluxBootstrap._sourceRef(this.source, this.namespace);
    const terraforms = this.terraforms;
    const alerts = FluxAlerts.of(this);
    const decryption = this.props.sops ? { provider: "sops" as const, secretRef: { name: this.props.sops.secretName } } : undefined;
    const fluxTarget = this._fluxTarget;
    const sync = { sourceRef, interval: this.interval, retryInterval: this.retryInterval, timeout: this.timeout, decryption, fluxTarget };
    const controller = { ...sync, clusterName: this.clusterName, fluxNamespace: this.namespace, source: owner.source };
    const target = { ...controller, terraformNamespaces: this.terraformNamespaces };

    // Root: what the install owns (bootstrap's folder in CLI mode) and the child Kustomizations; never the sub-folders.
    const team = this.teamKustomizations;
    const rootResources = [
      ...this.install.rootResources,
      "tofu-controller.yaml",
      ...(terraforms.length ? ["terraform.yaml"] : []),
      ...(alerts.length ? ["notifications.yaml"] : []),
      ...team.map((k) => k.fileName),
    ];
    const [terraformKustomization, terraformList] = this.terraformFolder.files(owner, sync, terraforms);
    const defaults = { ...sync, sourceRef: (s: ITerraformSource) => FluxBootstrap._sourceRef(s, this.namespace) };
    const terraformAlerts = alerts.some((a) => a._terraformDocuments().length > 0);
    return [
      rootKustomizationFile(owner, rootResources, this.props.clusterFolder),
      ...entryPlaceholders(owner.source, this.folder, this.props.clusterFolder),
      ...team.map((k) => ({ ...clusterYaml(owner, k.fileName, [k._toKube(defaults)]), source: k.node.path })),
      ...(this.mode === FluxInstallMode.FLUX_CLI ? fluxSystemFiles(owner, terraformAlerts, this.props.fluxSystem) : []),
      ...alertFiles(owner, alerts),
      this.tofuController._kustomizationFile(target),
      ...(terraformKustomization ? [terraformKustomization] : []),
      ...this.tofuController._folderFiles(target),
      ...(terraformList ? [terraformList] : []),
    ];
  }
}
