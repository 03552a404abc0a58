import { DNS_SUBDOMAIN, URL_WITH_CREDENTIALS } from "../core/patterns";
import { PropChecks } from "../core/validation";
import { OciProvider } from "../flux/oci-repository-source";
import { HelmReleaseSpec } from "../kubernetes/helm-release";
import { helmRepositoryObject } from "../kubernetes/helm-repository";
import { ObjectMeta } from "../kubernetes/meta";
import { ociRepositoryObject, OciRepositoryVerification } from "../kubernetes/oci-repository";

/** HTTPS Helm repository of the tofu-controller chart. */
export const TOFU_CONTROLLER_HELM_REPOSITORY = "https://flux-iac.github.io/tofu-controller";
/** OCI repository the tofu-controller chart is also pushed to (`helm push`, .github/workflows/helm-release.yaml@v0.16.5), unsigned. */
export const TOFU_CONTROLLER_OCI_REPOSITORY = "oci://ghcr.io/flux-iac/charts/tofu-controller";

const HTTPS_URL = /^https:\/\/[^\s/@]+(\/[^\s]*)?$/;
const OCI_URL = /^oci:\/\/[^\s/@]+(\/[^\s/:@]+)+$/;
const CHART_NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;
/** The layer of a Helm chart in an OCI artifact (Helm's HelmChartContentLayerMediaType), kept as pushed. */
const HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
const SECRET_NAME = "a Secret name in the Flux namespace";

/** One identity a keyless cosign signature must carry: Go regular expressions for the certificate's issuer and subject. */
export interface OidcIdentityMatch {
  /** Issuer, e.g. `^https://token.actions.githubusercontent.com$`. */
  readonly issuer: string;
  /** Subject, e.g. `^https://github.com/my-org/charts/.github/workflows/mirror.yaml@refs/heads/main$`. */
  readonly subject: string;
}

/** How source-controller verifies the chart artifact before helm-controller installs it (OCIRepository `spec.verify`). */
export class ChartVerification {
  /** cosign with public keys (`*.pub` keys of a Secret). */
  static cosignKeys(secretName: string): ChartVerification {
    return new ChartVerification({ provider: "cosign", secretRef: { name: secretName } });
  }

  /** cosign keyless (Fulcio certificate, Rekor): any of the identities must match. */
  static cosignKeyless(identities: readonly OidcIdentityMatch[]): ChartVerification {
    return new ChartVerification({ provider: "cosign", matchOIDCIdentity: identities });
  }

  /** Notary Project signatures (a Secret with the trust policy and CA certificates). */
  static notation(secretName: string): ChartVerification {
    return new ChartVerification({ provider: "notation", secretRef: { name: secretName } });
  }

  private constructor(private readonly spec: OciRepositoryVerification) {}

  /** @internal */
  _toSpec(): OciRepositoryVerification {
    return this.spec;
  }

  /** @internal */
  _validate(c: PropChecks, prop: string): void {
    if (this.spec.secretRef) c.pattern(prop, this.spec.secretRef.name, DNS_SUBDOMAIN, SECRET_NAME);
    const ids: unknown = this.spec.matchOIDCIdentity;
    if (ids === undefined) return;
    if (!Array.isArray(ids) || ids.length === 0) {
      c.fail(prop, ids, "at least one { issuer, subject } identity (keyless cosign accepts a signature only from a listed identity)");
      return;
    }
    (ids as OidcIdentityMatch[]).forEach((m, i) => {
      for (const k of ["issuer", "subject"] as const) {
        const v: unknown = m?.[k];
        c.check(typeof v === "string" && v.trim() !== "" && isRegExp(v), `${prop}[${i}].${k}`, v, "a regular expression (Go syntax)");
      }
    });
  }
}

/** A HelmRepository serving the chart over HTTPS (the upstream index, or a mirror such as Artifactory or Nexus). */
export interface HelmRepositoryChartSourceOptions {
  /** The repository URL (`https://…`, the folder holding `index.yaml`), without credentials. */
  readonly url: string;
  /**
   * Secret with `username` and `password` for basic auth (never embedded in the URL).
   * @default - anonymous
   */
  readonly secretName?: string;
  /**
   * Secret with `ca.crt` (a private CA) and/or `tls.crt`/`tls.key` (client certificate).
   * @default - the system CAs, no client certificate
   */
  readonly certSecretName?: string;
  /**
   * Name of the chart in the repository.
   * @default "tofu-controller"
   */
  readonly chart?: string;
}

/** An OCI repository holding the chart (`oci://<registry>/<path>/tofu-controller`), e.g. a mirror in Azure Container Registry. */
export interface OciChartSourceOptions {
  /** The chart's repository, without a tag (the chart version picks it): e.g. `oci://myacr.azurecr.io/charts/tofu-controller`. */
  readonly url: string;
  /**
   * Registry authentication: OciProvider.AZURE uses source-controller's workload identity (ACR), GENERIC a
   * `secretName` or anonymous.
   * @default OciProvider.GENERIC
   */
  readonly provider?: OciProvider;
  /**
   * Secret of type `kubernetes.io/dockerconfigjson` with the registry login (provider GENERIC).
   * @default - anonymous
   */
  readonly secretName?: string;
  /**
   * Secret with `ca.crt` and/or `tls.crt`/`tls.key`.
   * @default - the system CAs
   */
  readonly certSecretName?: string;
  /**
   * Signature verification of the chart artifact. The upstream chart is pushed unsigned; sign your mirror's copy.
   * @default - none
   */
  readonly verify?: ChartVerification;
}

/**
 * Where helm-controller gets the tofu-controller chart from, as cdk8s-plus value classes are written: the upstream
 * HTTPS repository (the default), any HTTPS HelmRepository, or an OCI repository. An OCI chart is an OCIRepository
 * read by the HelmRelease's `chartRef` (served by Flux 2.7, 2.8 and 2.9; the HelmRepository `type: oci` is in
 * maintenance mode), which is also the only source Flux verifies: HelmRelease `chart.spec.verify` "is only
 * supported for OCI sources" (helm.toolkit.fluxcd.io_helmreleases.yaml), and it has no keyless identities.
 */
export class TofuControllerChartSource {
  /** The upstream HTTPS repository, `https://flux-iac.github.io/tofu-controller` (the default). */
  static readonly UPSTREAM = TofuControllerChartSource.helmRepository({ url: TOFU_CONTROLLER_HELM_REPOSITORY });

  /** An HTTPS HelmRepository. No verification: Flux verifies charts from OCI sources only. */
  static helmRepository(options: HelmRepositoryChartSourceOptions): TofuControllerChartSource {
    return new TofuControllerChartSource("helmRepository", options);
  }

  /** An OCI repository (OCIRepository + HelmRelease `chartRef`), optionally verified. */
  static oci(options: OciChartSourceOptions): TofuControllerChartSource {
    return new TofuControllerChartSource("oci", options);
  }

  private constructor(
    /** Which kind of source. */
    readonly type: "helmRepository" | "oci",
    private readonly options: HelmRepositoryChartSourceOptions | OciChartSourceOptions,
  ) {}

  /** The repository URL. */
  get url(): string {
    return this.options?.url;
  }

  /** @internal The source object's file in the `tofu-controller/` folder. */
  get _fileName(): string {
    return this.type === "oci" ? "oci-repository.yaml" : "helm-repository.yaml";
  }

  /** @internal */
  _validate(c: PropChecks, prop: string): void {
    const o = this.options as Partial<HelmRepositoryChartSourceOptions & OciChartSourceOptions>;
    const shape = "chart source options: an object such as { url }";
    if (!c.required(prop, o, shape) || !c.record(prop, o, shape)) return;
    if (!c.literal(prop, o)) return;
    const url = `${prop}.url`;
    if (this.type === "helmRepository") {
      const allowed =
        "an HTTPS Helm repository URL https://<host>/<path>, without credentials (secretName names them); an oci:// " +
        "repository is TofuControllerChartSource.oci(…), and plain http is refused (nothing verifies an index fetched in the clear)";
      if (c.required(url, o.url, allowed))
        c.check(typeof o.url === "string" && HTTPS_URL.test(o.url) && !URL_WITH_CREDENTIALS.test(o.url), url, o.url, allowed);
      c.pattern(`${prop}.chart`, o.chart, CHART_NAME, "a Helm chart name: lower-case letters, digits, '-', '_' and '.'");
      // A JavaScript caller (or an options object shared with oci) can hand over `verify`: refused, not ignored.
      if (o.verify !== undefined)
        c.fail(
          `${prop}.verify`,
          "<set>",
          "unset for an HTTPS HelmRepository: Flux verifies chart signatures only from OCI sources (HelmRelease chart.spec.verify " +
            '"is only supported for OCI sources"); mirror the chart to an OCI registry and use TofuControllerChartSource.oci({ verify })',
        );
    } else {
      const allowed = "the chart's OCI repository oci://<registry>/<path>/<chart>, without a tag (chartVersion picks it) or credentials";
      if (c.required(url, o.url, allowed)) c.pattern(url, o.url, OCI_URL, allowed);
      c.oneOf(`${prop}.provider`, o.provider, Object.values(OciProvider));
      if (o.provider === OciProvider.AZURE && o.secretName !== undefined)
        c.fail(`${prop}.secretName`, o.secretName, "unset with provider AZURE (source-controller's workload identity logs in)");
      if (o.verify !== undefined) {
        if (o.verify instanceof ChartVerification) o.verify._validate(c, `${prop}.verify`);
        else c.fail(`${prop}.verify`, o.verify, "a ChartVerification (ChartVerification.cosignKeys, .cosignKeyless or .notation)");
      }
    }
    c.pattern(`${prop}.secretName`, o.secretName, DNS_SUBDOMAIN, SECRET_NAME);
    c.pattern(`${prop}.certSecretName`, o.certSecretName, DNS_SUBDOMAIN, SECRET_NAME);
  }

  /** @internal The source object (HelmRepository or OCIRepository) for the chart version (or range). */
  _sourceObject(meta: ObjectMeta, chartVersion: string): Record<string, unknown> {
    const o = this.options as Partial<HelmRepositoryChartSourceOptions & OciChartSourceOptions>;
    const secretRef = o.secretName !== undefined ? { name: o.secretName } : undefined;
    const certSecretRef = o.certSecretName !== undefined ? { name: o.certSecretName } : undefined;
    if (this.type === "helmRepository")
      return helmRepositoryObject(meta, { url: o.url!, interval: "1h", timeout: "1m", secretRef, certSecretRef });
    // The chart's OCI tag is its version without a leading v (helm push tags 0.16.5); a range is a semver ref.
    const exact = /^v?\d+\.\d+\.\d+$/.test(chartVersion);
    return ociRepositoryObject(meta, {
      url: o.url!,
      ref: exact ? { tag: chartVersion.replace(/^v/, "") } : { semver: chartVersion },
      interval: "1h",
      timeout: "1m",
      provider: o.provider,
      secretRef,
      certSecretRef,
      layerSelector: { mediaType: HELM_CHART_LAYER, operation: "copy" },
      verify: o.verify instanceof ChartVerification ? o.verify._toSpec() : undefined,
    });
  }

  /** @internal The HelmRelease's `chart` (HelmRepository) or `chartRef` (OCIRepository). */
  _releaseChart(name: string, chartVersion: string): Pick<HelmReleaseSpec, "chart" | "chartRef"> {
    if (this.type === "oci") return { chartRef: { kind: "OCIRepository", name } };
    const chart = (this.options as HelmRepositoryChartSourceOptions).chart ?? "tofu-controller";
    return { chart: { chart, version: chartVersion, sourceRef: { kind: "HelmRepository", name } } };
  }
}

function isRegExp(v: string): boolean {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
}
