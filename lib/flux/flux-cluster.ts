import type { IConstruct } from "constructs";
import type { InfrastructureStack } from "../azure/infrastructure-stack";
import type { FluxTarget } from "../schema/flux-target";

/**
 * What the Flux constructs (sources, alerts) need of the cluster they belong to: its folder, namespace and Git
 * repository, and the members of its `terraform/` folder. `FluxBootstrap` implements it; the constructs name this
 * interface, never the aggregate, so the Flux layer does not depend on the layer above it (aws-eks add-ons take
 * `ICluster` the same way).
 */
export interface IFluxCluster extends IConstruct {
  /** Cluster folder name (`clusters/<clusterName>`). */
  readonly clusterName: string;
  /** The cluster's environment (e.g. `prod`), written into every Alert's `eventMetadata`; undefined when not declared. */
  readonly environment?: string;
  /** Namespace of the cluster's Flux objects. */
  readonly namespace: string;
  /** URL of the GitOps repo as Flux clones it. */
  readonly repositoryUrl: string;
  /** Branch Flux follows for the cluster's manifests. */
  readonly branch: string;
  /** Repo-relative cluster folder, `clusters/<clusterName>`. */
  readonly folder: string;
  /** Secret with the credentials of the cluster's Git repository; undefined for a public repository. */
  readonly gitCredentialsSecret: string | undefined;
  /** The cluster's Terraform objects, in creation order (what a source or an alert needs of them). */
  readonly terraforms: readonly IClusterTerraformObject[];
  /** Namespaces of the cluster's Terraform objects. */
  readonly terraformNamespaces: string[];
  /**
   * @internal The AKS cluster Flux was installed on by the `microsoft.flux` extension, else undefined (the flux CLI
   * install does not know it). The extension owns Flux's CRDs and takes `git@host:path` URLs.
   */
  readonly _aksExtensionCluster: AksClusterReference | undefined;
  /** @internal The Flux version the cluster's objects are written and checked for (its install's fluxVersion). */
  readonly _fluxTarget: FluxTarget;
  /**
   * @internal True if the install takes an scp-like `git@host:path` repositoryUrl, which Flux's own GitRepository
   * does not: a GitRepositorySource defaulting to that URL must then be given its own.
   */
  readonly _installTakesScpUrl: boolean;
  /** @internal Called by the constructs that write a file into the cluster's `terraform/` folder (sources). */
  _registerSource(member: ITerraformFolderMember): void;
  /** @internal The member of the `terraform/` folder declared before `member` that writes the same file, if any. */
  _sourceWithSameFile(member: ITerraformFolderMember): IConstruct | undefined;
}

/** The AKS cluster of an install that knows it. */
export interface AksClusterReference {
  readonly subscriptionId: string;
  readonly clusterName: string;
  readonly resourceGroupName: string;
}

/** Something written into the cluster's `terraform/` folder beside the Terraform objects (a source, a runner identity). */
export interface ITerraformFolderMember extends IConstruct {
  /** @internal File name in the folder. */
  readonly _fileName: string;
  readonly namespace: string;
}

/** What the Flux layer sees of a Terraform object of the cluster. */
export interface IClusterTerraformObject {
  /** Object name. */
  readonly name: string;
  readonly namespace: string;
  /** The stack it reconciles. */
  readonly stack: InfrastructureStack;
  /** The source it reads the stack's code from. */
  readonly source: ITerraformSource;
  /** @internal True if its plans wait for a human's approval (manual approval, not made observe-only by its cluster). */
  readonly _waitsForApproval?: boolean;
}

/** Kinds of Flux source a Terraform object can read its code from. */
export enum TerraformSourceKind {
  GIT_REPOSITORY = "GitRepository",
  OCI_REPOSITORY = "OCIRepository",
}

/**
 * A Flux source a cluster's Terraform objects read their code from: the cluster's own bootstrap GitRepository
 * (`FluxBootstrap.source`), a `GitRepositorySource` or an `OciRepositorySource`.
 */
export interface ITerraformSource {
  /** The cluster whose Flux reconciles this source. */
  readonly cluster: IFluxCluster;
  readonly kind: TerraformSourceKind;
  /** Object name. */
  readonly name: string;
  /** Object namespace; Terraform objects reading it live in the same namespace (cross-namespace refs are denied). */
  readonly namespace: string;
  /**
   * True if every commit of the cluster's own manifests (the Terraform objects themselves) is also a new revision
   * of this source. Manual approval then loops forever (tofu-controller #1878).
   */
  readonly sharesRevisionWithManifests: boolean;
  /** What the source follows, e.g. `https://github.com/org/repo (branch main)`. */
  readonly revisionDescription: string;
  /** @internal Compares what two sources follow: equal keys apply the same commits. */
  readonly _revisionKey: string;
  /** @internal `spec.path` of a Terraform object reconciling the stack from this source. */
  _pathFor(stack: InfrastructureStack): string;
}

/** True if x can be used as the cluster of a source or alerts: a JavaScript caller can pass anything, or nothing. */
export function isFluxClusterLike(x: unknown): x is IFluxCluster {
  return x !== null && typeof x === "object" && typeof (x as IFluxCluster)._registerSource === "function";
}

/** True if x can be read as a Terraform object's source (a JavaScript caller can pass anything). */
export function isTerraformSourceLike(x: unknown): x is ITerraformSource {
  return x !== null && typeof x === "object" && typeof (x as ITerraformSource)._pathFor === "function";
}
