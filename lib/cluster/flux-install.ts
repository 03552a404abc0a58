import type { Construct } from "constructs";
import type { RepoTerraformStack } from "../azure/repo-terraform-stack";
import type { Duration } from "../core/duration";
import type { PropChecks } from "../core/validation";
import type { AksClusterReference } from "../flux/flux-cluster";
import type { FluxTarget, FluxVersion } from "../schema/flux-target";
import type { FluxExtensionStack } from "./flux-extension-stack";

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
   * GitRepository and a Kustomization on `./clusters/<cluster>` then pull the rest. Flux 2.7, multi-tenancy enforced
   * unless `settings.multiTenancy` is false (docs/aks-extension.md).
   */
  AKS_EXTENSION = "aks-extension",
}

/**
 * How Flux gets onto a cluster: `FluxInstall.cli()` or `FluxInstall.aksExtension({...})`. A value: the same install
 * can be given to several bootstraps, each binds its own copy. A further mode is a further class implementing this.
 */
export interface IFluxInstall {
  /** The mode, as `FluxBootstrap.mode` reports it. */
  readonly mode: FluxInstallMode;
  /** @internal Called once by the bootstrap's constructor: creates what the install writes (stacks) under it. */
  _bind(context: FluxInstallContext): IBoundFluxInstall;
}

const FLUX_INSTALL = Symbol.for("cdktf-aks-gitops/flux-install");

/** Marks `install` as an IFluxInstall (call it in the constructor of an implementation), so `isFluxInstall` knows it. */
export function markFluxInstall(install: IFluxInstall): void {
  Object.defineProperty(install, FLUX_INSTALL, { value: true });
}

/** True if x was marked by its constructor as an IFluxInstall (a brand, not its shape: JavaScript callers pass anything). */
export function isFluxInstall(x: unknown): x is IFluxInstall {
  return x !== null && typeof x === "object" && (x as Record<symbol, unknown>)[FLUX_INSTALL] === true;
}

/** What an install gets from the bootstrap it is bound to. */
export interface FluxInstallContext {
  /** The bootstrap: the scope of the stacks the install creates. */
  readonly scope: Construct;
  /** The bootstrap's construct id: the install's stack ids derive from it. */
  readonly id: string;
  readonly clusterName: string;
  /** `clusters/<clusterName>`. */
  readonly folder: string;
  /** Namespace of the cluster's Flux objects. */
  readonly namespace: string;
  readonly repositoryUrl: string;
  readonly branch: string;
  readonly sourceInterval: Duration;
  readonly sourceTimeout: Duration;
  /** Reconcile interval, retry interval and timeout of the generated Flux Kustomizations. */
  readonly interval: Duration;
  readonly retryInterval: Duration;
  readonly timeout: Duration;
  /** Timeout of one tofu-controller Helm action (what applies the cluster folder waits twice as long). */
  readonly controllerTimeout: Duration;
  /** Construct paths of the cluster's alerts, at validation (they need Flux's notification-controller). */
  readonly alertPaths: () => readonly string[];
}

/** @internal An install bound to one bootstrap: everything of the cluster that depends on how Flux was installed. */
export interface IBoundFluxInstall {
  /** Name of the cluster's own GitRepository. */
  readonly sourceName: string;
  /** The Flux version the install declares (or its default). */
  readonly fluxVersion: FluxVersion;
  /** The target the cluster's objects are written and checked for (the default while a bad fluxVersion is reported). */
  readonly fluxTarget: FluxTarget;
  /** Secret with the credentials of the cluster's Git repository; undefined for a public repository. */
  readonly gitCredentialsSecret: string | undefined;
  /** The AKS cluster Flux runs on, when the install knows it (see IFluxCluster._aksExtensionCluster). */
  readonly aksExtensionCluster: AksClusterReference | undefined;
  /** What repositoryUrl must match, and how a message says it. */
  readonly repositoryUrlRule: { readonly pattern: RegExp; readonly allowed: string };
  /** True if repositoryUrl may be `git@host:path` (Flux's own GitRepository takes URLs only). */
  readonly takesScpUrl: boolean;
  /** True if the Flux durations must be whole seconds. */
  readonly wholeSecondDurations: boolean;
  /** Entries of the cluster folder's kustomization.yaml that the install owns, listed first. */
  readonly rootResources: readonly string[];
  /** What to run once to connect the cluster. */
  readonly bootstrapInstructions: string;
  /** The cluster's bootstrap stack, once there is one. */
  readonly bootstrapStack: RepoTerraformStack | undefined;
  /** Subscription of the bootstrap stack's provider, once there is one. */
  readonly bootstrapSubscriptionId: string | undefined;
  /** The AKS extension stack, for installs that have one (FluxBootstrap.extensionStack). */
  readonly extensionStack?: FluxExtensionStack;
  /** Why a Kustomization may not reference a source in another namespace, when the install's Flux refuses that. */
  readonly crossNamespaceSourceRefsDenied?: string;
  /** The stack that receives the cluster's runner identities (created on first use where the install has none). */
  bootstrapStackFor(subscriptionId: string): RepoTerraformStack;
  /** Checks the install's settings; `c` reports on the bootstrap. */
  validate(c: PropChecks): void;
}
