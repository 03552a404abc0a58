import type { Duration } from "../core/duration";
import type { SshHostKeyAlgorithm } from "../core/ssh-host-key-algorithms";

/*
 * Typed `configuration_settings` of the AKS `microsoft.flux` extension (issue #18 item 4). The keys are Microsoft's
 * documented ones (MicrosoftDocs/azure-management-docs articles/azure-arc/kubernetes/tutorial-use-gitops-flux2.md:
 * "Control which controllers are deployed", "Using Kubelet identity", "Helm drift detection", "Strict post-build
 * variable substitution", "Vertical scaling", "Helm OOM watch", "Configurable log-level parameters", "Azure DevOps
 * SSH-RSA deprecation", "Configure annotation on Flux extension pods", "Workload identity in AKS clusters";
 * conceptual-gitops-flux2.md "Opt out of multi-tenancy"). azurerm takes them as a map of non-empty strings
 * (internal/services/containers/kubernetes_cluster_extension_resource.go:117-124@v4.55.0, unchanged @v4.73.0) and
 * changes them in place (Update sends them when they change: :318-320@v4.55.0).
 */

/**
 * The release train of the `microsoft.flux` extension (azurerm `release_train`: Optional, Computed, ForceNew, and
 * ConflictsWith `version`: kubernetes_cluster_extension_resource.go:171-178@v4.55.0, same @v4.73.0).
 */
export class FluxExtensionReleaseTrain {
  /** The train AKS installs when none is given. */
  static readonly STABLE = new FluxExtensionReleaseTrain("Stable");
  /** Preview builds: which Flux they carry is not known to the library. */
  static readonly PREVIEW = new FluxExtensionReleaseTrain("Preview");

  /** A train this release has no constant for (validated at synth: letters, digits and '-'). */
  static of(name: string): FluxExtensionReleaseTrain {
    return new FluxExtensionReleaseTrain(name);
  }

  private constructor(
    /** The train's name as azurerm takes it, e.g. "Stable". */
    readonly name: string,
  ) {}

  toString(): string {
    return this.name;
  }
}

/** `<controller>.log-level` of the Flux controllers (since microsoft.flux 1.8.3). */
export enum FluxControllerLogLevel {
  DEBUG = "debug",
  INFO = "info",
  ERROR = "error",
}

/** `fluxconfig-agent.log-level` and `fluxconfig-controller.log-level` take info and error only (since 1.9.1). */
export enum FluxAgentLogLevel {
  INFO = "info",
  ERROR = "error",
}

/** CPU and memory of one controller, as Kubernetes quantities (`500m`, `2`, `300Mi`, `2Gi`). */
export interface FluxResourceQuantities {
  readonly cpu?: string;
  readonly memory?: string;
}

/** `<controller>.resources.{limits,requests}.{cpu,memory}` (vertical scaling, since microsoft.flux 1.12.0). */
export interface FluxControllerResources {
  readonly limits?: FluxResourceQuantities;
  readonly requests?: FluxResourceQuantities;
}

/** Settings every Flux controller of the extension takes. */
export interface FluxExtensionControllerSettings {
  /**
   * `<controller>.enabled`. The library refuses to disable a controller its own objects need.
   * @default - the extension's: source, kustomize, helm and notification on; image-reflector and image-automation off
   */
  readonly enabled?: boolean;
  /** `<controller>.log-level`. @default - the extension's (info) */
  readonly logLevel?: FluxControllerLogLevel;
  /** `<controller>.resources.*`. @default - the extension's */
  readonly resources?: FluxControllerResources;
}

/** source-controller and image-automation-controller also take the SSH host key algorithms. */
export interface FluxGitControllerSettings extends FluxExtensionControllerSettings {
  /**
   * `<controller>.ssh-host-key-args` = `--ssh-hostkey-algos=<a>,<b>`, e.g. `[SshHostKeyAlgorithm.RSA_SHA2_512,
   * SshHostKeyAlgorithm.RSA_SHA2_256]` for Azure DevOps after its SSH-RSA deprecation.
   * @default - the controller's
   */
  readonly sshHostKeyAlgorithms?: SshHostKeyAlgorithm[];
}

/** kustomize-controller's settings. */
export interface FluxKustomizeControllerSettings extends FluxExtensionControllerSettings {
  /** `kustomize-controller.strict-substitution-mode` (since 1.13.1). @default - off */
  readonly strictSubstitution?: boolean;
  /** `kustomize-controller.concurrent`: reconciliations in parallel. @default - the controller's */
  readonly concurrent?: number;
  /** `kustomize-controller.requeue-dependency`, e.g. Duration.seconds(50). @default - the controller's */
  readonly requeueDependency?: Duration;
  /** `kustomize-controller.enable-in-memory-build`. @default - off */
  readonly inMemoryBuild?: boolean;
}

/** helm-controller's Helm OOM watch (since 1.7.5): given, `helm-controller.outOfMemoryWatch.enabled` is true. */
export interface FluxHelmOutOfMemoryWatch {
  /** `…memoryThreshold`, percent of the memory limit (1 to 100). @default - 95 (the extension's) */
  readonly memoryThresholdPercent?: number;
  /** `…interval`, e.g. Duration.millis(700). @default - 500ms (the extension's) */
  readonly interval?: Duration;
}

/** helm-controller's settings. */
export interface FluxHelmControllerSettings extends FluxExtensionControllerSettings {
  /** `helm-controller.detectDrift` (since 1.7.5). @default - off */
  readonly detectDrift?: boolean;
  /** `helm-controller.outOfMemoryWatch.*`. @default - off */
  readonly outOfMemoryWatch?: FluxHelmOutOfMemoryWatch;
}

/** Workload identity for the Flux controllers (since microsoft.flux 1.8.0). */
export interface FluxExtensionWorkloadIdentity {
  /**
   * `workloadIdentity.azureClientId`: client id of the user-assigned identity. Its federated credentials need the
   * subjects `system:serviceaccount:flux-system:source-controller` (and `kustomize-controller`, `image-reflector-controller`).
   */
  readonly clientId: string;
}

/**
 * A value of `configuration_protected_settings`, by reference only: the value is never in the repository.
 */
export class FluxExtensionSecret {
  /**
   * A sensitive Terraform variable of the bootstrap stack (`variable "<name>" { sensitive = true }`), set when
   * applying it (`TF_VAR_<name>`). Terraform keeps the value in the bootstrap stack's state.
   */
  static fromVariable(name: string): FluxExtensionSecret {
    return new FluxExtensionSecret(name);
  }

  private constructor(
    /** The Terraform variable's name. */
    readonly variableName: string,
  ) {}
}

/** Typed `configuration_settings` (and `release_train`) of the `microsoft.flux` extension. */
export interface FluxExtensionSettings {
  /**
   * `release_train`. Conflicts with a pinned `extensionVersion` (azurerm ConflictsWith). Changing it replaces the
   * extension (ForceNew); unset keeps whatever AKS chose (Computed).
   * @default - unset: AKS's train (Stable)
   */
  readonly releaseTrain?: FluxExtensionReleaseTrain;
  /**
   * `multiTenancy.enforce`. Enforced, Flux applies the configuration as the `flux-applier` ServiceAccount and
   * refuses cross-namespace source references (the library writes none; a FluxKustomization whose source lives in
   * another namespace is refused).
   * @default - unset: enforced (the extension's default)
   */
  readonly multiTenancy?: boolean;
  readonly sourceController?: FluxGitControllerSettings;
  readonly kustomizeController?: FluxKustomizeControllerSettings;
  readonly helmController?: FluxHelmControllerSettings;
  readonly notificationController?: FluxExtensionControllerSettings;
  readonly imageReflectorController?: FluxExtensionControllerSettings;
  /** Needs imageReflectorController enabled too (it updates Git from the ImagePolicies the reflector computes). */
  readonly imageAutomationController?: FluxGitControllerSettings;
  /** `fluxconfig-agent.log-level`. @default - info */
  readonly fluxConfigAgentLogLevel?: FluxAgentLogLevel;
  /** `fluxconfig-controller.log-level`. @default - info */
  readonly fluxConfigControllerLogLevel?: FluxAgentLogLevel;
  /**
   * `useKubeletIdentity`: the controllers authenticate as the kubelet identity, which every pod on the nodes can
   * use through IMDS. Prefer `workloadIdentity`; both at once are refused.
   * @default - off
   */
  readonly useKubeletIdentity?: boolean;
  /** `workloadIdentity.enable` and `workloadIdentity.azureClientId`. @default - off */
  readonly workloadIdentity?: FluxExtensionWorkloadIdentity;
  /** `setKubeServiceHostFqdn`: the pods reach the API server by its FQDN behind a layer-7 firewall (since 1.11.1). @default - off */
  readonly setKubeServiceHostFqdn?: boolean;
  /**
   * Further `configuration_settings` the typed options do not cover, as written (keys the typed options cover and
   * keys that name a secret are refused).
   * @default - none
   */
  readonly additionalSettings?: Record<string, string>;
  /**
   * `configuration_protected_settings`, each by reference (FluxExtensionSecret.fromVariable). No documented
   * microsoft.flux setting is a secret; this is for undocumented ones.
   * @default - none
   */
  readonly protectedSettings?: Record<string, FluxExtensionSecret>;
}
