import { metadata, ObjectMeta } from "./meta";

export const HELM_RELEASE_API_VERSION = "helm.toolkit.fluxcd.io/v2";

export type CrdPolicy = "Skip" | "Create" | "CreateReplace";

export interface HelmReleaseRemediation {
  readonly retries: number;
  readonly remediateLastFailure?: boolean;
}

/** `spec.chart.spec`: a chart of a HelmRepository, by name and version. */
export interface HelmReleaseChartTemplate {
  readonly chart: string;
  readonly version: string;
  readonly sourceRef: { readonly kind: "HelmRepository"; readonly name: string };
}

/** `spec.chartRef`: the chart an OCIRepository holds (its ref picks the version). */
export interface HelmReleaseChartRef {
  readonly kind: "OCIRepository";
  readonly name: string;
}

/**
 * The fields of a Flux HelmRelease (helm.toolkit.fluxcd.io/v2) the library writes. Only fields helm-controller
 * v1.4 (Flux 2.7, the AKS extension) serves: no `install/upgrade.strategy`, `waitStrategy`, `healthCheckExprs`,
 * `postRenderStrategy`, `*.serverSideApply`, `valuesFrom[].literal`. Exactly one of `chart` and `chartRef` (the
 * CRD's CEL rule "either chart or chartRef must be set", served by 2.7, 2.8 and 2.9).
 */
export interface HelmReleaseSpec {
  readonly interval: string;
  readonly timeout?: string;
  readonly releaseName: string;
  readonly targetNamespace?: string;
  readonly storageNamespace?: string;
  readonly chart?: HelmReleaseChartTemplate;
  readonly chartRef?: HelmReleaseChartRef;
  readonly install: { readonly crds: CrdPolicy; readonly createNamespace?: boolean; readonly remediation?: HelmReleaseRemediation };
  readonly upgrade: { readonly crds: CrdPolicy; readonly remediation?: HelmReleaseRemediation };
  readonly driftDetection?: { readonly mode: "enabled" | "warn" | "disabled" };
  readonly values?: Readonly<Record<string, unknown>>;
}

export function helmReleaseObject(meta: ObjectMeta, spec: HelmReleaseSpec): Record<string, unknown> {
  return {
    apiVersion: HELM_RELEASE_API_VERSION,
    kind: "HelmRelease",
    metadata: metadata(meta),
    spec: {
      interval: spec.interval,
      timeout: spec.timeout,
      releaseName: spec.releaseName,
      targetNamespace: spec.targetNamespace,
      storageNamespace: spec.storageNamespace,
      chart: spec.chart
        ? { spec: { chart: spec.chart.chart, version: spec.chart.version, sourceRef: { ...spec.chart.sourceRef } } }
        : undefined,
      chartRef: spec.chartRef ? { ...spec.chartRef } : undefined,
      install: { ...spec.install },
      upgrade: { ...spec.upgrade },
      driftDetection: spec.driftDetection,
      values: spec.values,
    },
  };
}
