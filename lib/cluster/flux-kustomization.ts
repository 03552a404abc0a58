import { Construct } from "constructs";
import { Duration } from "../core/duration";
import { DNS_LABEL } from "../core/patterns";
import { CLUSTER_SUBFOLDERS } from "../core/repo-layout";
import { addPropValidation, PropChecks } from "../core/validation";
import type { ITerraformSource } from "../flux/flux-cluster";
import { kustomizationObject } from "../kubernetes/kustomization";
import type { SourceReference } from "../kubernetes/meta";
import { USER_OWNED_COMPONENT } from "./kustomization-entries";

/** A Flux Kustomization that another one can wait for (`spec.dependsOn`): a team's own, or one the library writes. */
export interface IFluxKustomizationRef {
  /** The Kustomization's name. */
  readonly kustomizationName: string;
  /** Its namespace (the cluster's Flux namespace). */
  readonly kustomizationNamespace: string;
  /** Construct path of the cluster it belongs to (a dependency on another cluster's Kustomization is refused). */
  readonly clusterPath: string;
}

/** What a FluxKustomization needs of its cluster (implemented by FluxBootstrap). */
export interface IKustomizationCluster {
  readonly node: Construct["node"];
  readonly clusterName: string;
  readonly namespace: string;
  readonly folder: string;
  readonly source: ITerraformSource;
  /** @internal Names of the Kustomizations the library writes for the cluster (tofu-controller, terraform once it has Terraform objects). */
  readonly _generatedKustomizations: readonly string[];
  /** @internal Why a sourceRef to another namespace is refused on this cluster, if it is. */
  readonly _crossNamespaceSourceRefsDenied?: string;
  /** @internal */
  _registerKustomization(k: FluxKustomization): void;
  /** @internal The team Kustomization declared before `k` with the same name, if any. */
  _kustomizationNamed(name: string, before: FluxKustomization): FluxKustomization | undefined;
}

/** Options of a team's own Flux Kustomization (see FluxBootstrap.addKustomization). */
export interface FluxKustomizationOptions {
  /** Name of the Kustomization, and of its file `clusters/<cluster>/<name>.yaml`. A DNS label. */
  readonly name: string;
  /** Repo path it applies, e.g. `./apps/dev`; never the repo root or the cluster folder itself. */
  readonly path: string;
  /**
   * Kustomizations that must be ready first: your own (`FluxKustomization`) or the library's
   * (`flux.tofuControllerKustomization`, `flux.terraformKustomization`).
   * @default - none
   */
  readonly dependsOn?: IFluxKustomizationRef[];
  /**
   * Source of the manifests.
   * @default - the cluster's own GitRepository
   */
  readonly source?: ITerraformSource;
  /** @default - the cluster's interval */
  readonly interval?: Duration;
  /** @default - the cluster's retryInterval */
  readonly retryInterval?: Duration;
  /** @default - the cluster's timeout */
  readonly timeout?: Duration;
  /** @default true */
  readonly prune?: boolean;
  /** Wait for every applied object to be ready (Flux `spec.wait`). @default true */
  readonly wait?: boolean;
}

/** Props of a FluxKustomization. */
export interface FluxKustomizationProps extends FluxKustomizationOptions {
  /** The cluster (FluxBootstrap) whose folder lists it. */
  readonly cluster: IKustomizationCluster;
}

/** The cluster's sync settings a Kustomization inherits. */
export interface KustomizationDefaults {
  readonly interval: Duration;
  readonly retryInterval: Duration;
  readonly timeout: Duration;
  readonly decryption?: { readonly provider: "sops"; readonly secretRef: { readonly name: string } };
  readonly sourceRef: (source: ITerraformSource) => SourceReference;
}

/** The library's own Kustomization names in the cluster's namespace; `flux-system` is flux bootstrap's. */
const RESERVED_NAMES: readonly string[] = [
  CLUSTER_SUBFOLDERS.tofuController,
  CLUSTER_SUBFOLDERS.terraform,
  "notifications",
  "kustomization",
];

/**
 * A team's own Flux Kustomization (applications, add-ons) beside the library's: written to
 * `clusters/<cluster>/<name>.yaml` and listed in the cluster's generated kustomization.yaml, in both install modes.
 */
export class FluxKustomization extends Construct implements IFluxKustomizationRef {
  readonly kustomizationName: string;
  readonly kustomizationNamespace: string;
  readonly clusterPath: string;
  /** The file, relative to the cluster folder. */
  readonly fileName: string;
  private readonly props: FluxKustomizationProps;

  constructor(scope: Construct, id: string, given: FluxKustomizationProps) {
    super(scope, id);
    const props = given ?? ({} as FluxKustomizationProps);
    this.props = props;
    this.kustomizationName = props.name;
    this.kustomizationNamespace = props.cluster?.namespace;
    this.clusterPath = props.cluster?.node.path;
    this.fileName = `${props.name}.yaml`;
    props.cluster?._registerKustomization(this);
    addPropValidation(this, (c) => this.validate(c));
  }

  private validate(c: PropChecks): void {
    const p = this.props;
    if (!c.required("cluster", p.cluster, "a FluxBootstrap")) return;
    const cluster = p.cluster;
    if (c.pattern("name", p.name, DNS_LABEL, "a DNS label (the Kustomization's name and file name)")) {
      const taken = [...RESERVED_NAMES, cluster.namespace, "flux-system", USER_OWNED_COMPONENT];
      c.check(!taken.includes(p.name), "name", p.name, `a name the library does not use in ${cluster.folder} (${taken.join(", ")})`);
      const earlier = cluster._kustomizationNamed(p.name, this);
      if (earlier) c.fail("name", p.name, `a name no other Kustomization of the cluster uses (${earlier.node.path} has it)`);
    }
    if (c.required("path", p.path, "a repo path starting with ./")) validatePath(c, String(p.path), cluster);
    if (p.dependsOn !== undefined && c.array("dependsOn", p.dependsOn, "an array of Kustomizations")) {
      p.dependsOn.forEach((d, i) => {
        const ok = typeof d?.kustomizationName === "string" && d.clusterPath === cluster.node.path && d !== this;
        const exists = d instanceof FluxKustomization || cluster._generatedKustomizations.includes(d?.kustomizationName);
        c.check(
          ok && exists,
          `dependsOn[${i}]`,
          d?.kustomizationName ?? d,
          `another Kustomization of the same cluster (${cluster.clusterName}) that is written: ` +
            `${[...cluster._generatedKustomizations, "your FluxKustomizations"].join(", ")}`,
        );
      });
    }
    const denied = cluster._crossNamespaceSourceRefsDenied;
    if (denied && p.source && typeof p.source === "object" && p.source.namespace !== cluster.namespace)
      c.fail("source", `${p.source.namespace}/${p.source.name}`, `a source in the cluster's namespace ${cluster.namespace}: ${denied}`);
    for (const prop of ["interval", "retryInterval", "timeout"] as const) if (p[prop] !== undefined) Duration._check(c, prop, p[prop]!);
    for (const prop of ["prune", "wait"] as const)
      if (p[prop] !== undefined) c.check(typeof p[prop] === "boolean", prop, p[prop], "true or false");
  }

  /** @internal The Kustomization object. */
  _toKube(defaults: KustomizationDefaults): Record<string, unknown> {
    const p = this.props;
    return kustomizationObject(
      { name: p.name, namespace: this.kustomizationNamespace },
      {
        interval: (p.interval ?? defaults.interval).toGo(),
        retryInterval: (p.retryInterval ?? defaults.retryInterval).toGo(),
        timeout: (p.timeout ?? defaults.timeout).toGo(),
        path: p.path,
        prune: p.prune ?? true,
        wait: p.wait ?? true,
        sourceRef: defaults.sourceRef(p.source ?? p.cluster.source),
        dependsOn: (p.dependsOn ?? []).map((d) => ({
          name: d.kustomizationName,
          namespace: d.kustomizationNamespace === this.kustomizationNamespace ? undefined : d.kustomizationNamespace,
        })),
        decryption: defaults.decryption,
      },
    );
  }
}

function validatePath(c: PropChecks, path: string, cluster: IKustomizationCluster): void {
  const norm = path.replace(/^\.\//, "").replace(/\/+$/, "");
  const ok = /^\.\/[A-Za-z0-9._/-]+$/.test(path) && !path.split("/").includes("..") && norm !== "" && norm !== ".";
  c.check(ok, "path", path, "a repo path starting with ./ below the repo root (never the root: every YAML in the repo would be applied)");
  const own = [
    cluster.folder,
    ...[CLUSTER_SUBFOLDERS.tofuController, CLUSTER_SUBFOLDERS.terraform, cluster.namespace].map((f) => `${cluster.folder}/${f}`),
  ];
  const inside = own.find((f) => norm === f || (f !== cluster.folder && norm.startsWith(`${f}/`)));
  c.check(
    !ok || inside === undefined,
    "path",
    path,
    `a folder the library's Kustomizations do not apply already (${inside} is the cluster folder or one of its generated folders)`,
  );
}
