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
  const minor = typeof value === "string" ? /^v?(\d+\.\d+)\.\d+$/.exec(value) : null;
  const hint = minor && isFluxTarget(minor[1]) ? ` (write the minor version, "${minor[1]}")` : "";
  return (
    `${shown}: allowed is one of ${FLUX_TARGETS.map((t) => `"${t}"`).join(", ")}${hint}; the library bundles CRD schemas ` +
    `for these Flux versions only and does not guess the API of another one`
  );
}
