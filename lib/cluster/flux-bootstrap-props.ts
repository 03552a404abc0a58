import type { Duration } from "../core/duration";
import type { FluxVersion } from "../schema/flux-target";
import type { TofuControllerOptions } from "../tofu/tofu-controller";
import type { AksFluxExtensionOptions } from "./aks-extension-install";
import type { BootstrapStateBackend } from "./flux-extension-stack";
import type { FluxInstallMode, IFluxInstall } from "./flux-install";
import type { KustomizationEntries } from "./kustomization-entries";

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
   * The cluster's environment, e.g. `prod`: written into every Alert's `spec.eventMetadata` (key `environment`, beside
   * `cluster`), so alerts of several clusters can be told apart. A label value (letters, digits, `-`, `_`, `.`).
   * @default - the cluster's environment in its PromotionOrder (`environments`), else none
   */
  readonly environment?: string;
  /**
   * How Flux gets onto the cluster, with its settings: `FluxInstall.cli({...})` or `FluxInstall.aksExtension({...})`.
   * Replaces `mode`, `aksExtension` and `bootstrapStateBackend`, which must then be unset.
   * @default - from `mode` (FluxInstallMode.FLUX_CLI unless set)
   */
  readonly install?: IFluxInstall;
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
  /**
   * Flux CLI mode with `mode`: the Flux version flux bootstrap installs (as `FluxInstall.cli({ fluxVersion })`).
   * AKS extension mode uses `aksExtension.fluxVersion`.
   * @default FluxVersion.V2_9
   */
  readonly fluxVersion?: FluxVersion;
  /**
   * Your own entries in `clusters/<cluster>/kustomization.yaml` (resources, patches, a user-owned Component), so that
   * nothing has to be added to the generated file by hand (a hand edit is restored). Both install modes. Your own
   * Flux Kustomizations: `addKustomization`.
   * @default - none
   */
  readonly clusterFolder?: KustomizationEntries;
  /**
   * flux CLI mode: your own entries in `clusters/<cluster>/<namespace>/kustomization.yaml`, bootstrap's folder (say a
   * patch of kustomize-controller's Deployment). The library then writes that file when it is missing (as for
   * Terraform-event alerts), with empty placeholders of the files `flux bootstrap` writes later; one that bootstrap
   * wrote first is kept, and every synth prints what to add. Refused in AKS extension mode.
   * @default - none
   */
  readonly fluxSystem?: KustomizationEntries;
}

/** SOPS decryption (`decryption: {provider: sops, secretRef}`) of the manifests a Flux Kustomization applies. */
export interface SopsDecryption {
  /** Secret in the Flux namespace with the decryption keys (`*.agekey`, `*.asc`, or cloud KMS credentials). */
  readonly secretName: string;
}
