import type { InfrastructureStack } from "../azure/infrastructure-stack";
import { IFluxCluster, ITerraformSource, TerraformSourceKind } from "../flux/flux-cluster";
import { normalizeGitUrl, repoRootPath } from "../flux/flux-source";

/** The cluster's own GitRepository: same repo and branch as the Terraform objects' manifests. */
export class BootstrapGitSource implements ITerraformSource {
  readonly kind = TerraformSourceKind.GIT_REPOSITORY;
  readonly sharesRevisionWithManifests = true;
  constructor(
    readonly cluster: IFluxCluster,
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
