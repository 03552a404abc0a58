import { Construct } from "constructs";
import { DNS_LABEL, InfrastructureStack } from "../azure/infrastructure-stack";
import { Duration } from "../core/duration";
import { GitOpsFile, IGitOpsFileProducer, markFileProducer } from "../core/gitops-file";
import { DNS_SUBDOMAIN } from "../core/patterns";
import { clusterTerraformFile } from "../core/repo-layout";
import { addPropValidation, PropChecks } from "../core/validation";
import { OciRepositoryRef, ociRepositoryObject } from "../kubernetes/oci-repository";
import { forFluxTarget } from "../schema/flux-api-versions";
import { IFluxCluster, isFluxClusterLike, ITerraformSource, TerraformSourceKind } from "./flux-cluster";

const OCI_URL = /^oci:\/\/[^\s@]+$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Which artifact of an OCI repository to follow. */
export class OciRef {
  /** One tag, e.g. `v1.4.0` or `prod`. */
  static tag(tag: string): OciRef {
    return new OciRef("tag", tag);
  }
  /** The highest tag matching a semver range. */
  static semver(range: string): OciRef {
    return new OciRef("semver", range);
  }
  /** One digest, `sha256:…`. */
  static digest(digest: string): OciRef {
    return new OciRef("digest", digest);
  }
  private constructor(
    readonly type: "tag" | "semver" | "digest",
    readonly value: string,
  ) {}
  toString(): string {
    return `${this.type} ${this.value}`;
  }
  /** @internal */
  _toSpec(): OciRepositoryRef {
    return { [this.type]: this.value };
  }
}

/** Registry authentication of the source-controller. */
export enum OciProvider {
  /** Anonymous or a secretRef. */
  GENERIC = "generic",
  /** Azure Container Registry with the source-controller's workload identity. */
  AZURE = "azure",
}

/** Props of an OciRepositorySource: a Flux OCIRepository the Terraform objects read their code from. */
export interface OciRepositorySourceProps {
  /** The cluster whose Flux fetches it; the object goes to `clusters/<cluster>/terraform/<name>.ocirepository.yaml`. */
  readonly cluster: IFluxCluster;
  /** Repository URL, `oci://<registry>/<repository>`. */
  readonly url: string;
  /** Which artifact. */
  readonly ref: OciRef;
  /**
   * Repo folder the artifact was pushed from (`flux push artifact --path=<folder>`); a Terraform object's path is
   * its stack folder relative to it.
   * @default "." (the artifact holds the repo layout, with infrastructure/)
   */
  readonly contentRoot?: string;
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
   * Poll interval.
   * @default Duration.minutes(5)
   */
  readonly interval?: Duration;
  /**
   * Timeout of one pull.
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;
  /**
   * Registry authentication.
   * @default OciProvider.GENERIC
   */
  readonly provider?: OciProvider;
  /**
   * Secret with registry credentials (provider GENERIC).
   * @default - none
   */
  readonly secretName?: string;
}

/**
 * A Flux OCIRepository (source.toolkit.fluxcd.io/v1) for Terraform objects: the code as an artifact CI pushes,
 * separate from the cluster's Git manifests, so manual approval does not loop (tofu-controller #1878).
 */
export class OciRepositorySource extends Construct implements ITerraformSource, IGitOpsFileProducer {
  readonly kind = TerraformSourceKind.OCI_REPOSITORY;
  readonly sharesRevisionWithManifests = false;
  readonly cluster: IFluxCluster;
  readonly name: string;
  readonly namespace: string;
  readonly url: string;
  readonly ref: OciRef;
  /** @internal */
  readonly _fileName: string;
  private readonly props: OciRepositorySourceProps;
  private readonly contentRoot: string;
  private readonly interval: Duration;
  private readonly timeout: Duration;

  constructor(scope: Construct, id: string, given: OciRepositorySourceProps) {
    super(scope, id);
    // A JavaScript caller without props (or without a cluster) gets the validation's messages, not a TypeError here.
    const props = given ?? ({} as OciRepositorySourceProps);
    markFileProducer(this);
    this.props = props;
    this.cluster = props.cluster;
    this.name = props.name ?? id;
    this.namespace = props.namespace ?? props.cluster?.namespace;
    this.url = props.url;
    this.ref = props.ref;
    // "." and "./x" name the repo root and x; only a leading "." segment is dropped ("../x" must stay as it is).
    this.contentRoot = String(props.contentRoot ?? ".")
      .replace(/^\.(\/|$)/, "")
      .replace(/\/+$/, "");
    this.interval = props.interval ?? Duration.minutes(5);
    this.timeout = props.timeout ?? Duration.minutes(1);
    this._fileName = `${this.name}.ocirepository.yaml`;
    if (isFluxClusterLike(props.cluster)) props.cluster._registerSource(this);
    addPropValidation(this, (c) => this.validate(c));
  }

  get revisionDescription(): string {
    return `${this.url} (${this.ref}, OCIRepository ${this.namespace}/${this.name})`;
  }

  /** @internal */
  get _revisionKey(): string {
    return `oci:${this.url}#${this.ref.type}=${this.ref.value}`;
  }

  /** @internal */
  _pathFor(stack: InfrastructureStack): string {
    if (this.contentRoot === "") return `./${stack.repoPath}`;
    const prefix = `${this.contentRoot}/`;
    return stack.repoPath.startsWith(prefix) ? `./${stack.repoPath.slice(prefix.length)}` : `./${stack.repoPath}`;
  }

  /** @internal True if the artifact (by contentRoot) contains the stack's folder. */
  _contains(stack: InfrastructureStack): boolean {
    return this.contentRoot === "" || stack.repoPath === this.contentRoot || stack.repoPath.startsWith(`${this.contentRoot}/`);
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
          `a name no other OciRepositorySource of cluster ${this.cluster.clusterName} uses (${first.node.path} has it, and both would be ` +
            `written to ${clusterTerraformFile(this.cluster.clusterName, this._fileName)})`,
        );
    }
    // Defaulted from the cluster, the namespace is checked there (one mistake, one message).
    c.pattern("namespace", this.props.namespace, DNS_LABEL, "a Kubernetes namespace name (DNS label)");
    const urlAllowed = "an OCI repository URL oci://<registry>/<repository>, without credentials";
    if (c.required("url", this.url, urlAllowed)) c.pattern("url", this.url, OCI_URL, urlAllowed);
    if (!(this.ref instanceof OciRef)) c.fail("ref", this.ref, "an OciRef (OciRef.tag, .semver or .digest)");
    else if (this.ref.type === "tag") c.pattern("ref", this.ref.value, TAG, "an OCI tag");
    else if (this.ref.type === "digest") c.pattern("ref", this.ref.value, DIGEST, "a digest sha256:<64 hex>");
    else
      c.check(typeof this.ref.value === "string" && this.ref.value.trim() !== "", "ref", this.ref.value, "a semver range such as >=1.0.0");
    c.check(
      (this.props.contentRoot === undefined || typeof this.props.contentRoot === "string") &&
        /^[A-Za-z0-9._/-]*$/.test(this.contentRoot) &&
        !this.contentRoot.startsWith("/") &&
        !this.contentRoot.split("/").some((seg) => seg === ".." || seg === "."),
      "contentRoot",
      this.props.contentRoot,
      "a repo folder such as infrastructure, or . (relative, inside the repo)",
    );
    c.oneOf("provider", this.props.provider, Object.values(OciProvider));
    c.pattern("secretName", this.props.secretName, DNS_SUBDOMAIN, "a Secret name in the source's namespace");
    Duration._check(c, "interval", this.interval);
    Duration._check(c, "timeout", this.timeout, { max: Duration.minutes(59), why: "the OCIRepository CRD takes ms, s and m only" });
    for (const t of this.cluster.terraforms) {
      if (t.source === this && !this._contains(t.stack)) {
        c.fail(
          "contentRoot",
          this.props.contentRoot,
          `a folder containing ${t.stack.repoPath} (Terraform object ${t.name} reads it from this artifact)`,
        );
      }
    }
  }

  /** @internal */
  _gitOpsFiles(): GitOpsFile[] {
    const doc = forFluxTarget(
      ociRepositoryObject(
        { name: this.name, namespace: this.namespace },
        {
          url: this.url,
          ref: this.ref._toSpec(),
          interval: this.interval.toGo(),
          timeout: this.timeout.toGo(),
          provider: this.props.provider,
          secretRef: this.props.secretName ? { name: this.props.secretName } : undefined,
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
