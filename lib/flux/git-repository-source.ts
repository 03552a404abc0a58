import { Construct } from "constructs";
import { DNS_LABEL, InfrastructureStack } from "../azure/infrastructure-stack";
import { Duration } from "../core/duration";
import { GitOpsFile, IGitOpsFileProducer, markFileProducer } from "../core/gitops-file";
import { DNS_SUBDOMAIN, URL_WITH_CREDENTIALS } from "../core/patterns";
import { clusterTerraformFile } from "../core/repo-layout";
import { addPropValidation, PropChecks } from "../core/validation";
import { gitRepositoryObject } from "../kubernetes/git-repository";
import { forFluxTarget } from "../schema/flux-api-versions";
import { IFluxCluster, isFluxClusterLike, ITerraformSource, TerraformSourceKind } from "./flux-cluster";
import { GitRef, normalizeGitUrl, repoRootPath } from "./flux-source";

const FLUX_GIT_URL = /^(https?|ssh):\/\/[^\s]+$/;
const SCP_GIT_URL = /^[^@/\s]+@[^:/\s]+:\S+$/;
/** Artifact holds only `infrastructure/` (the Terraform); .gitignore syntax, replaces Flux's default exclusions. */
export const ONLY_INFRASTRUCTURE_IGNORE = "/*\n!/infrastructure/\n";

/** Props of a GitRepositorySource: a Flux GitRepository the Terraform objects read their code from. */
export interface GitRepositorySourceProps {
  /** The cluster whose Flux fetches it; the object goes to `clusters/<cluster>/terraform/<name>.gitrepository.yaml`. */
  readonly cluster: IFluxCluster;
  /**
   * What to follow. Promotion: `GitRef.branch("release")` or `GitRef.semver(">=1.0.0")` for a later stage while
   * the first stage follows the cluster's own branch.
   */
  readonly ref: GitRef;
  /**
   * Repository URL (`https://…` or `ssh://…`, no credentials).
   * @default - the cluster's repositoryUrl
   */
  readonly url?: string;
  /**
   * Object name. A DNS label.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace; the Terraform objects reading it live there too.
   * @default - the cluster's Flux namespace
   */
  readonly namespace?: string;
  /**
   * Fetch interval.
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;
  /**
   * Timeout of one fetch (at most 59m: the CRD takes no hours here).
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;
  /**
   * Secret with the Git credentials, in the same namespace.
   * @default - for the cluster's own repository in the cluster's namespace, the cluster's credentials (`flux-system`
   * from flux bootstrap, or aksExtension.localAuthReference); otherwise none (a public repository)
   */
  readonly secretName?: string;
  /**
   * Put only `infrastructure/` into the artifact (smaller, and manifests changes elsewhere are not in it).
   * @default true
   */
  readonly onlyInfrastructure?: boolean;
}

/**
 * A Flux GitRepository (source.toolkit.fluxcd.io/v1) for Terraform objects, written to the cluster's `terraform/`
 * folder: a separate source for the code, e.g. a `release` branch a later promotion stage applies from, which also
 * makes manual approval safe (approving commits to the cluster's branch, not to this ref).
 */
export class GitRepositorySource extends Construct implements ITerraformSource, IGitOpsFileProducer {
  readonly kind = TerraformSourceKind.GIT_REPOSITORY;
  readonly cluster: IFluxCluster;
  readonly name: string;
  readonly namespace: string;
  readonly url: string;
  readonly ref: GitRef;
  /** @internal */
  readonly _fileName: string;
  private readonly props: GitRepositorySourceProps;
  private readonly interval: Duration;
  private readonly timeout: Duration;

  constructor(scope: Construct, id: string, given: GitRepositorySourceProps) {
    super(scope, id);
    // A JavaScript caller without props (or without a cluster) gets the validation's messages, not a TypeError here.
    const props = given ?? ({} as GitRepositorySourceProps);
    markFileProducer(this);
    this.props = props;
    this.cluster = props.cluster;
    this.name = props.name ?? id;
    this.namespace = props.namespace ?? props.cluster?.namespace;
    this.url = props.url ?? props.cluster?.repositoryUrl;
    this.ref = props.ref;
    this.interval = props.interval ?? Duration.minutes(1);
    this.timeout = props.timeout ?? Duration.minutes(1);
    this._fileName = `${this.name}.gitrepository.yaml`;
    if (isFluxClusterLike(props.cluster)) props.cluster._registerSource(this);
    addPropValidation(this, (c) => this.validate(c));
  }

  /** True if this is the cluster's own repository and branch: every manifest commit is a new revision of it. */
  get sharesRevisionWithManifests(): boolean {
    return this.sameRepository && this.ref.type === "branch" && this.ref.value === this.cluster.branch;
  }

  get revisionDescription(): string {
    return `${this.url} (${this.ref}, GitRepository ${this.namespace}/${this.name})`;
  }

  /** @internal */
  get _revisionKey(): string {
    return `git:${normalizeGitUrl(this.url)}#${this.ref.type}=${this.ref.value}`;
  }

  /** @internal */
  _pathFor(stack: InfrastructureStack): string {
    return repoRootPath(stack);
  }

  private get sameRepository(): boolean {
    return normalizeGitUrl(this.url) === normalizeGitUrl(this.cluster.repositoryUrl);
  }

  private get secretName(): string | undefined {
    if (this.props.secretName !== undefined) return this.props.secretName;
    if (!this.sameRepository || this.namespace !== this.cluster.namespace) return undefined;
    return this.cluster.gitCredentialsSecret;
  }

  private validate(c: PropChecks): void {
    if (!isFluxClusterLike(this.cluster)) {
      c.fail("cluster", this.cluster, "a FluxBootstrap (the cluster whose Flux reconciles the source)");
      return; // the name, namespace and URL defaults are the cluster's
    }
    if (c.pattern("name", this.name, DNS_LABEL, "a DNS label: lower-case letters, digits and '-', 1 to 63 characters")) {
      const first = this.cluster._sourceWithSameFile(this);
      if (first)
        c.fail(
          "name",
          this.name,
          `a name no other GitRepositorySource of cluster ${this.cluster.clusterName} uses (${first.node.path} has it, and both would be ` +
            `written to ${clusterTerraformFile(this.cluster.clusterName, this._fileName)})`,
        );
    }
    // Defaulted from the cluster, the namespace and the URL are checked there (one mistake, one message).
    c.pattern("namespace", this.props.namespace, DNS_LABEL, "a Kubernetes namespace name (DNS label)");
    if (this.props.url !== undefined && c.literal("url", this.url)) {
      c.check(
        typeof this.url === "string" && FLUX_GIT_URL.test(this.url),
        "url",
        this.url,
        "a Git URL starting with https://, http:// or ssh:// (git@host:path is not accepted by Flux)",
      );
      c.check(
        !URL_WITH_CREDENTIALS.test(String(this.url)),
        "url",
        "<a URL with user:password@>",
        "a URL without credentials (use secretName)",
      );
    } else if (
      this.props.url === undefined &&
      this.cluster._installTakesScpUrl &&
      typeof this.url === "string" &&
      SCP_GIT_URL.test(this.url)
    ) {
      // The AKS extension takes git@host:path for the cluster; Flux's GitRepository, which this is, does not.
      c.fail(
        "url",
        this.url,
        "a Git URL starting with https://, http:// or ssh://: the cluster's repositoryUrl is git@host:path, which Flux's GitRepository does not accept, so give url explicitly",
      );
    }
    if (!(this.ref instanceof GitRef)) c.fail("ref", this.ref, "a GitRef (GitRef.branch, .tag, .semver or .commit)");
    else this.ref._validate(c, "ref");
    c.pattern("secretName", this.props.secretName, DNS_SUBDOMAIN, "a Secret name in the source's namespace");
    Duration._check(c, "interval", this.interval);
    Duration._check(c, "timeout", this.timeout, { max: Duration.minutes(59), why: "the GitRepository CRD takes ms, s and m only" });
    const only = this.props.onlyInfrastructure;
    if (only !== undefined) c.check(typeof only === "boolean", "onlyInfrastructure", only, "true or false");
  }

  /** @internal */
  _gitOpsFiles(): GitOpsFile[] {
    const secret = this.secretName;
    const doc = forFluxTarget(
      gitRepositoryObject(
        { name: this.name, namespace: this.namespace },
        {
          url: this.url,
          ref: this.ref._toSpec(),
          interval: this.interval.toGo(),
          timeout: this.timeout.toGo(),
          secretRef: secret ? { name: secret } : undefined,
          ignore: this.props.onlyInfrastructure === false ? undefined : ONLY_INFRASTRUCTURE_IGNORE,
        },
      ),
      this.cluster._fluxTarget,
    );
    return [
      {
        path: clusterTerraformFile(this.cluster.clusterName, this._fileName),
        source: this.node.path,
        content: { format: "yaml", documents: [doc] },
      },
    ];
  }
}
