import { PropChecks } from "../core/validation";
import { fluxTargetAllowed, FluxVersion } from "../schema/flux-target";

/** A declared Flux version: a FluxVersion the library has CRDs for. True if it is one (or unset). */
export function validateFluxVersion(c: PropChecks, prop: string, value: unknown): boolean {
  if (value === undefined) return true;
  if (!FluxVersion.isFluxVersion(value)) {
    c.fail(prop, value, `a FluxVersion: FluxVersion.V2_9, FluxVersion.V2_8 or FluxVersion.V2_7 (or FluxVersion.of("2.9"))`);
    return false;
  }
  if (value._target !== undefined) return true;
  c.fail(prop, value.version, fluxTargetAllowed(value.version));
  return false;
}
