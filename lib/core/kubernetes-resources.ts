/**
 * Container resources (`requests`/`limits` of Kubernetes quantities) as props take them, checked at synth: the syntax
 * the API server accepts, and no request above its limit (the API server refuses such a pod: "must be less than or
 * equal to … limit"). Used by the runner pod and the tofu-controller Deployment (chart value `resources`).
 */
import { PropChecks } from "./validation";

/** A Kubernetes quantity (k8s.io/apimachinery resource.Quantity's syntax). */
export const KUBERNETES_QUANTITY =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** requests and limits, resource name → quantity. */
export interface ResourceQuantities {
  readonly requests?: Readonly<Record<string, string>>;
  readonly limits?: Readonly<Record<string, string>>;
}

/** The value of a quantity (a float: enough to compare a request with a limit), or undefined if it is not one. */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q !== "string" || !KUBERNETES_QUANTITY.test(q)) return undefined;
  const m = /^([+-]?[0-9.]+)(.*)$/.exec(q)!;
  const n = Number(m[1]);
  const suffix = m[2];
  if (suffix in BINARY) return n * BINARY[suffix];
  if (suffix in DECIMAL) return n * DECIMAL[suffix];
  return Number(q); // an exponent (1e3)
}

/**
 * Problems of `resources` as given (shape, quantities); then of the resources in effect (given over `defaults`,
 * part by part as the caller merges them): every request at most its limit.
 * @returns true if the given value had the right shape and quantities
 */
export function checkResources(
  c: PropChecks,
  prop: string,
  given: ResourceQuantities | undefined,
  effective?: (given: ResourceQuantities) => ResourceQuantities,
  defaultsNote = "",
): boolean {
  if (given === undefined) return true;
  if (!c.record(prop, given, "an object { requests, limits }")) return false;
  let ok = true;
  for (const part of ["requests", "limits"] as const) {
    if (!c.record(`${prop}.${part}`, given[part], "an object of quantities")) {
      ok = false;
      continue;
    }
    for (const [k, q] of Object.entries(given[part] ?? {})) {
      const valid = typeof q === "string" && KUBERNETES_QUANTITY.test(q) && !q.startsWith("-");
      c.check(valid, `${prop}.${part}.${k}`, q, `a Kubernetes quantity such as "500m" or "1Gi", not negative`);
      ok &&= valid;
    }
  }
  if (!ok) return false;
  const inEffect = effective ? effective(given) : given;
  for (const [k, limit] of Object.entries(inEffect.limits ?? {})) {
    const request = inEffect.requests?.[k];
    const r = quantityValue(request);
    const l = quantityValue(limit);
    if (r === undefined || l === undefined || r <= l) continue;
    const mine = given.requests?.[k] !== undefined;
    const why = "(Kubernetes refuses a request above its limit)";
    if (mine) {
      const note = given.limits?.[k] === undefined ? defaultsNote : "";
      c.fail(`${prop}.requests.${k}`, request, `at most the ${k} limit ${JSON.stringify(limit)}${note} ${why}`);
    } else c.fail(`${prop}.limits.${k}`, limit, `at least the ${k} request ${JSON.stringify(request)}${defaultsNote} ${why}`);
    ok = false;
  }
  return ok;
}
