/**
 * The Flux versions the library has real CRDs for, so it can write and check objects for them (issue #13 item 4):
 * 2.9 is flux CLI mode's default, 2.8 and 2.7 are selectable, and 2.7 is the AKS `microsoft.flux` extension's Flux
 * (1.24.x ships Flux 2.7.5: ../shared/crds/flux-2.7/SOURCES.md). A version without bundled CRDs (2.10) is refused, not
 * guessed: its schemas could drop or reject fields this library writes.
 */

/** A Flux minor version the library has derived CRD schemas for. */
export type FluxTarget = "2.7" | "2.8" | "2.9";

/** Every target, oldest first (the keys of lib/schema/crd-versions.json). */
export const FLUX_TARGETS: readonly FluxTarget[] = ["2.7", "2.8", "2.9"];
/** flux CLI mode's target unless one is set (the CRDs of lib/schema/crd-schemas.json). */
export const DEFAULT_FLUX_CLI_TARGET: FluxTarget = "2.9";
/** The Flux the AKS extension installs (microsoft.flux 1.24.x = Flux 2.7.5). */
export const AKS_EXTENSION_FLUX_TARGET: FluxTarget = "2.7";

export function isFluxTarget(value: unknown): value is FluxTarget {
  return typeof value === "string" && (FLUX_TARGETS as readonly string[]).includes(value);
}

/** What is wrong with a declared Flux version, or undefined when the library has CRDs for it. */
export function fluxTargetProblem(value: unknown): string | undefined {
  if (isFluxTarget(value)) return undefined;
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  return `${shown}: allowed is ${fluxTargetAllowed(value)}`;
}

/** What a message says is allowed instead of `value` (the targets, and the minor version of a patch version). */
export function fluxTargetAllowed(value: unknown): string {
  const minor = typeof value === "string" ? /^v?(\d+\.\d+)\.\d+$/.exec(value) : null;
  const hint = minor && isFluxTarget(minor[1]) ? ` (write the minor version, "${minor[1]}")` : "";
  return (
    `one of ${FLUX_TARGETS.map((t) => `"${t}"`).join(", ")}${hint}; the library bundles CRD schemas ` +
    `for these Flux versions only and does not guess the API of another one`
  );
}

/**
 * A Flux minor version a cluster runs, as the library writes and checks its objects for (aws-eks `KubernetesVersion`
 * style): `FluxVersion.V2_9`, or `FluxVersion.of("2.9")` for a version this release has no constant for. Any string
 * is accepted here; the bootstrap refuses at synth, with the construct path, a version without bundled CRDs.
 */
export class FluxVersion {
  /** Flux 2.7 (2.7.5): the AKS `microsoft.flux` extension 1.24.x. */
  static readonly V2_7 = new FluxVersion("2.7");
  /** Flux 2.8. */
  static readonly V2_8 = new FluxVersion("2.8");
  /** Flux 2.9 (2.9.4): flux CLI mode's default. */
  static readonly V2_9 = new FluxVersion("2.9");

  /** A Flux minor version such as "2.9" (validated at synth). */
  static of(version: string): FluxVersion {
    return new FluxVersion(version);
  }

  /** True if x is a FluxVersion (a JavaScript caller may pass a plain string instead). */
  static isFluxVersion(x: unknown): x is FluxVersion {
    return x instanceof FluxVersion;
  }

  private constructor(
    /** The minor version, e.g. "2.9". */
    readonly version: string,
  ) {}

  /** @internal The bundled target, or undefined when the library has no CRDs for this version (refused at synth). */
  get _target(): FluxTarget | undefined {
    return isFluxTarget(this.version) ? this.version : undefined;
  }

  toString(): string {
    return this.version;
  }
}

/**
 * The `microsoft.flux` extension versions (major.minor) whose Flux the library knows, and that Flux: 1.24.x installs
 * Flux 2.7.5 (../shared/crds/flux-2.7/SOURCES.md). An extension version not listed is refused when pinned rather than
 * guessed; an unpinned extension (azurerm sets auto_upgrade_minor_version when `version` is empty:
 * internal/services/containers/kubernetes_cluster_extension_resource.go:245@v4.55.0) cannot be checked.
 */
export const AKS_FLUX_EXTENSION_VERSIONS: Readonly<Record<string, FluxTarget>> = { "1.24": "2.7" };

/** The Flux minor version a `microsoft.flux` extension version ("1.24.1") installs, or undefined when not known. */
export function fluxOfExtensionVersion(extensionVersion: string): FluxTarget | undefined {
  const m = /^(\d+\.\d+)\.\d+$/.exec(extensionVersion);
  return m && Object.prototype.hasOwnProperty.call(AKS_FLUX_EXTENSION_VERSIONS, m[1]) ? AKS_FLUX_EXTENSION_VERSIONS[m[1]] : undefined;
}

/** The extension versions the library knows, for messages: `1.24.x (Flux 2.7)`. */
export function knownExtensionVersions(): string {
  return Object.entries(AKS_FLUX_EXTENSION_VERSIONS)
    .map(([v, f]) => `${v}.x (Flux ${f})`)
    .join(", ");
}
