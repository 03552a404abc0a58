import { Duration } from "../core/duration";
import { GitOpsFile } from "../core/gitops-file";
import { DNS_LABEL } from "../core/patterns";
import { CLUSTER_SUBFOLDERS, clusterFolder } from "../core/repo-layout";
import { PropChecks } from "../core/validation";
import { helmReleaseObject } from "../kubernetes/helm-release";
import { kustomizationObject, KustomizationSpec } from "../kubernetes/kustomization";
import { kustomizeConfig } from "../kubernetes/kustomize-config";
import { SourceReference } from "../kubernetes/meta";
import { namespaceObject } from "../kubernetes/namespace";
import { fluxApiVersion, forFluxTarget } from "../schema/flux-api-versions";
import type { FluxTarget } from "../schema/flux-target";
import { TofuControllerChartSource } from "./tofu-controller-chart-source";
import { checkTypedValues, deepMerge, TofuControllerTypedValues, typedChartValues } from "./tofu-controller-values";

/** The tofu-controller chart version written by default: 0.16.5, the release the library was checked against. */
export const TOFU_CONTROLLER_CHART_VERSION = "0.16.5";
/** The lowest tofu-controller the library accepts, and why. */
export const TOFU_CONTROLLER_MINIMUM = "0.16.5";
const MINIMUM_WHY =
  "0.16.5 fixes state reset on backendConfig.labels changes (#1774/#1808), runners hanging forever after an OOM or node loss (#1838) " +
  "and every object re-planning after a controller restart (#1857)";
const CHART_VERSION = /^(?:(?<exact>v?\d+\.\d+\.\d+)|(?:>=|~|\^)\s*(?<lower>v?\d+\.\d+\.\d+)(?:\s*,?\s*<=?\s*v?\d+\.\d+\.\d+)?)$/;
/** Name of the HelmRepository, the HelmRelease, the release, its Deployment and the cluster's Kustomization. */
const NAME = "tofu-controller";
/** The controller's folder in `clusters/<cluster>/`. */
const FOLDER = CLUSTER_SUBFOLDERS.tofuController;

/** A tofu-controller chart version (or range), as aws-eks's `AlbControllerVersion`. */
export class TofuControllerVersion {
  /** 0.16.5, the release the library was checked against (the default). */
  static readonly V0_16_5 = new TofuControllerVersion("0.16.5");

  /**
   * Any chart version: an exact version or a range with a lower bound (`>=0.16.5`, `~0.16.5`, `^0.16.5`,
   * `>=0.16.5 <0.17.0`); validation requires the lower bound to be at least TOFU_CONTROLLER_MINIMUM.
   */
  static of(chartVersion: string): TofuControllerVersion {
    return new TofuControllerVersion(chartVersion);
  }

  private constructor(
    /** The chart version (or range) written into the HelmRelease. */
    readonly chartVersion: string,
  ) {}

  toString(): string {
    return this.chartVersion;
  }
}

/**
 * How tofu-controller is installed (a HelmRepository or OCIRepository + HelmRelease in the cluster's
 * `tofu-controller/` folder).
 */
export interface TofuControllerOptions extends TofuControllerTypedValues {
  /**
   * Where the chart comes from: `TofuControllerChartSource.helmRepository({ url, secretName })` (an HTTPS mirror) or
   * `TofuControllerChartSource.oci({ url, provider, verify })` (an OCI registry such as ACR, with verification).
   * @default TofuControllerChartSource.UPSTREAM (https://flux-iac.github.io/tofu-controller)
   */
  readonly chartSource?: TofuControllerChartSource;
  /**
   * Chart version: `TofuControllerVersion.V0_16_5`, `TofuControllerVersion.of("…")`, or the version text itself: an
   * exact version or a range with a lower bound (`>=0.16.5`, `~0.16.5`, `^0.16.5`, `>=0.16.5 <0.17.0`); the lower
   * bound must be at least 0.16.5.
   * @default TOFU_CONTROLLER_CHART_VERSION ("0.16.5")
   */
  readonly chartVersion?: string | TofuControllerVersion;
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
   * Extra chart values, merged over the library's (`awsPackage.install: false`, `runner.grpc.maxMessageSize: 30`) and
   * the typed ones (`resources`, `concurrency`, `runnerImage`: a key set both here and typed is refused); the
   * namespaces of the cluster's Terraform objects are always added to `runner.serviceAccount.allowedNamespaces`.
   * @default - none
   */
  readonly values?: Record<string, unknown>;
}

/** What the installation's files need of the cluster they are written for. */
export interface TofuControllerTarget {
  readonly clusterName: string;
  /** Namespace of the cluster's Flux objects (the HelmRepository, HelmRelease and Kustomization live there). */
  readonly fluxNamespace: string;
  /** Namespaces of the cluster's Terraform objects. */
  readonly terraformNamespaces: readonly string[];
  /** Construct path written into the files' headers (the construct that owns the installation). */
  readonly source: string;
  /** The cluster's own GitRepository, as the Kustomization's sourceRef. */
  readonly sourceRef: SourceReference;
  readonly interval: Duration;
  readonly retryInterval: Duration;
  readonly decryption?: KustomizationSpec["decryption"];
  /** The cluster's Flux target: the apiVersions of the objects. */
  readonly fluxTarget: FluxTarget;
}

/**
 * The tofu-controller installation of one cluster: the `tofu-controller.yaml` Kustomization and the
 * `tofu-controller/` folder (namespaces, HelmRepository, HelmRelease). A plain object owned by the bootstrap, not a
 * construct: its files carry the bootstrap's construct path (as they always did), so a construct of its own would
 * either move no path and own nothing, or change every header.
 */
export class TofuController {
  /** Chart version (or range) written into the HelmRelease. */
  readonly chartVersion: string;
  /** Namespace the controller runs in. */
  readonly namespace: string;
  /** Interval of the HelmRelease. */
  readonly interval: Duration;
  /** Timeout of one Helm action. */
  readonly timeout: Duration;
  /** Where the chart comes from. */
  readonly chartSource: TofuControllerChartSource;

  /** @param prop the prop the options came from, for messages */
  constructor(
    private readonly options: TofuControllerOptions | undefined,
    fluxNamespace: string,
    private readonly prop = "tofuController",
  ) {
    // Typed by the caller, not by the compiler (JavaScript): a non-object is reported by _validate, read as no options.
    if (options === null || typeof options !== "object") options = undefined;
    const v = options?.chartVersion;
    this.chartVersion = v instanceof TofuControllerVersion ? v.chartVersion : (v ?? TOFU_CONTROLLER_CHART_VERSION);
    this.namespace = options?.namespace ?? fluxNamespace;
    this.interval = options?.interval ?? Duration.minutes(30);
    this.timeout = options?.timeout ?? Duration.minutes(5);
    this.chartSource = options?.chartSource ?? TofuControllerChartSource.UPSTREAM;
  }

  /** @internal */
  _validate(c: PropChecks): void {
    const prop = (name: string): string => `${this.prop}.${name}`;
    if (!c.record(this.prop, this.options, "tofu-controller options: an object such as { chartVersion, namespace, values }")) return;
    const v = this.chartVersion;
    if (c.literal(prop("chartVersion"), v)) {
      // Not trimmed: "0.16.5\n" would be written as it is, and Helm reads no such version.
      const m = typeof v === "string" ? CHART_VERSION.exec(v) : null;
      const bound = m ? (m.groups!.exact ?? m.groups!.lower) : undefined;
      if (!bound) {
        c.fail(
          prop("chartVersion"),
          v,
          `an exact chart version (0.16.5) or a range with a lower bound (>=0.16.5, ~0.16.5, ^0.16.5, ">=0.16.5 <0.17.0"), at least ` +
            `${TOFU_CONTROLLER_MINIMUM}`,
        );
      } else {
        c.check(
          compareVersions(bound, TOFU_CONTROLLER_MINIMUM) >= 0,
          prop("chartVersion"),
          v,
          `${TOFU_CONTROLLER_MINIMUM} or later as its lower bound: ${MINIMUM_WHY}`,
        );
      }
    }
    // Checked only when given: the default is the Flux namespace, whose own check already names a bad value.
    c.pattern(prop("namespace"), this.options?.namespace, DNS_LABEL, "a Kubernetes namespace name (DNS label)");
    Duration._check(c, prop("interval"), this.interval);
    Duration._check(c, prop("timeout"), this.timeout);
    const values = this.options?.values;
    if (values !== undefined && c.literal(prop("values"), values)) {
      const isObject = values !== null && typeof values === "object" && !Array.isArray(values);
      c.check(isObject, prop("values"), values, "an object of Helm values");
      if (isObject) c.plainData(prop("values"), values);
    }
    if (this.chartSource instanceof TofuControllerChartSource) this.chartSource._validate(c, prop("chartSource"));
    else
      c.fail(prop("chartSource"), this.chartSource, "a TofuControllerChartSource (.helmRepository({ url }), .oci({ url }) or .UPSTREAM)");
    checkTypedValues(c, this.prop, this.options ?? {}, values);
  }

  /** @internal The cluster's `tofu-controller.yaml`: the Kustomization that applies the folder and waits for the controller. */
  _kustomizationFile(t: TofuControllerTarget): GitOpsFile {
    const folder = clusterFolder(t.clusterName);
    const kustomization = kustomizationObject(
      { name: NAME, namespace: t.fluxNamespace },
      {
        interval: t.interval.toGo(),
        retryInterval: t.retryInterval.toGo(),
        // Long enough for an install or upgrade of the chart (one Helm action) plus the Deployment rollout.
        timeout: Duration.millis(2 * this.timeout.toMilliseconds()).toGo(),
        path: `./${folder}/${FOLDER}`,
        prune: true,
        sourceRef: t.sourceRef,
        // The release and the controller's Deployment: `terraform` waits on this Kustomization being healthy, so the
        // Terraform CRD exists and a controller is running before any Terraform object is applied. (Not `wait: true`:
        // Flux then ignores healthChecks and would not look at the Deployment, which Helm, not this Kustomization, applies.)
        healthChecks: [
          { apiVersion: fluxApiVersion("HelmRelease", t.fluxTarget), kind: "HelmRelease", name: NAME, namespace: t.fluxNamespace },
          { apiVersion: "apps/v1", kind: "Deployment", name: NAME, namespace: this.namespace },
        ],
        decryption: t.decryption,
      },
    );
    return yamlFile(t, `${NAME}.yaml`, [forFluxTarget(kustomization, t.fluxTarget)]);
  }

  /**
   * @internal The `tofu-controller/` folder: kustomization.yaml, [namespaces.yaml], helm-repository.yaml (or
   * oci-repository.yaml), helm-release.yaml.
   */
  _folderFiles(t: TofuControllerTarget): GitOpsFile[] {
    const extraNamespaces = [...new Set([...t.terraformNamespaces, this.namespace])].filter((n) => n !== t.fluxNamespace).sort();
    const sourceFile = this.chartSource._fileName;
    const listed = [...(extraNamespaces.length ? ["namespaces.yaml"] : []), sourceFile, "helm-release.yaml"];
    const files = [yamlFile(t, `${FOLDER}/kustomization.yaml`, [kustomizeConfig(listed)])];
    if (extraNamespaces.length) {
      // Never pruned: deleting a namespace deletes the Terraform state Secrets in it.
      const namespaces = extraNamespaces.map((n) => namespaceObject(n, { "kustomize.toolkit.fluxcd.io/prune": "disabled" }));
      files.push(yamlFile(t, `${FOLDER}/namespaces.yaml`, namespaces));
    }
    const source = this.chartSource._sourceObject({ name: NAME, namespace: t.fluxNamespace }, this.chartVersion);
    files.push(yamlFile(t, `${FOLDER}/${sourceFile}`, [forFluxTarget(source, t.fluxTarget)]));
    files.push(yamlFile(t, `${FOLDER}/helm-release.yaml`, [forFluxTarget(this.helmRelease(t), t.fluxTarget)]));
    return files;
  }

  private helmRelease(t: TofuControllerTarget): Record<string, unknown> {
    const separateNamespace = this.namespace !== t.fluxNamespace;
    return helmReleaseObject(
      { name: NAME, namespace: t.fluxNamespace },
      {
        interval: this.interval.toGo(),
        timeout: this.timeout.toGo(),
        // Fixed, so the chart's Deployment is named `tofu-controller` (the health check above relies on it).
        releaseName: NAME,
        targetNamespace: separateNamespace ? this.namespace : undefined,
        storageNamespace: separateNamespace ? this.namespace : undefined,
        ...this.chartSource._releaseChart(NAME, this.chartVersion),
        install: { crds: "Create", remediation: { retries: 3 } },
        upgrade: { crds: "CreateReplace", remediation: { retries: 3, remediateLastFailure: true } },
        driftDetection: { mode: "enabled" },
        values: this.helmValues(t),
      },
    );
  }

  private helmValues(t: TofuControllerTarget): Record<string, unknown> {
    const user = (this.options?.values ?? {}) as Record<string, unknown>;
    // The chart installs an OCIRepository of AWS modules by default (`awsPackage.install: true`, tofu-controller
    // docs/use-tf-controller/with-the-ready-to-use-aws-package.md); it is of no use on AKS, pulls hourly, and a failed
    // pull fails the release where helm-controller waits for every object.
    const ours: Record<string, unknown> = { awsPackage: { install: false }, runner: { grpc: { maxMessageSize: 30 } } };
    const merged = deepMerge(deepMerge(ours, typedChartValues(this.options ?? {})), user);
    // tf-runner (ServiceAccount + RBAC) must exist in every namespace that holds Terraform objects.
    const runner = (merged.runner ?? {}) as Record<string, unknown>;
    const sa = (runner.serviceAccount ?? {}) as Record<string, unknown>;
    const userNs = Array.isArray(sa.allowedNamespaces) ? (sa.allowedNamespaces as string[]) : [];
    const allowed = [...new Set([...t.terraformNamespaces, t.fluxNamespace, ...userNs])].sort();
    return { ...merged, runner: { ...runner, serviceAccount: { ...sa, allowedNamespaces: allowed } } };
  }
}

function yamlFile(t: TofuControllerTarget, path: string, documents: unknown[]): GitOpsFile {
  return { path: `${clusterFolder(t.clusterName)}/${path}`, source: t.source, content: { format: "yaml", documents } };
}

function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, "").split(".").map(Number);
  const pb = b.replace(/^v/, "").split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}
