import { IConstruct } from "constructs";
import { App } from "./framework";

/**
 * Which CDK core a construct is built on, from the jsii type information every class of cdktf, cdktn and their
 * provider bindings carries (`static [Symbol.for("jsii.rtti")] = { fqn: "cdktn.App", ... }`, cdktn/lib/app.js). A
 * cdktf construct in a cdktn app (or the reverse) constructs fine, because both cores mark stacks and apps with the
 * same symbols, and then fails deep in the synth (`e._resetResolveDiscoveredProviderFeatureUsage is not a function`):
 * the library refuses it before, naming the construct. Two copies of the same core are no problem and not refused.
 */
const JSII_RTTI = Symbol.for("jsii.rtti");
const CORES = ["cdktf", "cdktn"] as const;
type Core = (typeof CORES)[number];

/** The core this build of the library imports (fixed by the seam lib/core/framework.ts, not guessed). */
export const LIBRARY_CORE: Core = coreOfFqn(rttiOf(App)?.fqn ?? "") ?? "cdktf";
const LIBRARY_PACKAGE = `${LIBRARY_CORE}-aks-gitops`;

interface Origin {
  /** The core the class is built on. */
  readonly core: Core;
  /** The jsii package of the nearest class that has type information: `@cdktf/provider-azurerm`, `cdktf`, ... */
  readonly jsiiPackage: string;
  /** The nearest jsii class, e.g. `ResourceGroup`. */
  readonly jsiiClass: string;
}

function rttiOf(ctor: unknown): { fqn?: string } | undefined {
  const own = ctor ? Object.getOwnPropertyDescriptor(ctor, JSII_RTTI) : undefined;
  return own?.value as { fqn?: string } | undefined;
}

function coreOfFqn(fqn: string): Core | undefined {
  return CORES.find((core) => fqn.startsWith(`${core}.`));
}

/** The origin of a construct's class, or undefined for classes of neither core (constructs' Construct, the user's own). */
function originOf(c: IConstruct): Origin | undefined {
  let nearest: { readonly pkg: string; readonly cls: string } | undefined;
  for (let ctor: unknown = c.constructor; typeof ctor === "function"; ctor = Object.getPrototypeOf(ctor)) {
    const fqn = rttiOf(ctor)?.fqn;
    if (!fqn) continue;
    const parts = fqn.split(".");
    nearest ??= { pkg: parts[0], cls: parts[parts.length - 1] };
    const core = coreOfFqn(fqn);
    if (core) return { core, jsiiPackage: nearest.pkg, jsiiClass: nearest.cls };
  }
  return undefined;
}

/** The same package built for the other core: `@cdktf/provider-azurerm` ↔ `@cdktn/provider-azurerm`, `cdktf` ↔ `cdktn`. */
function counterpart(pkg: string, from: Core, to: Core): string {
  if (pkg === from) return to;
  if (pkg.startsWith(`@${from}/`)) return `@${to}/${pkg.slice(from.length + 2)}`;
  return `a build of ${pkg} for ${to}`;
}

/**
 * The problem with a construct of the other core in this app, if any (one line, `[path] construct = ...: allowed is
 * ...`). The caller names only the outermost foreign construct: what is inside it is the same mistake.
 */
export function foreignCoreProblem(c: IConstruct, path: string): string | undefined {
  const origin = originOf(c);
  if (!origin || origin.core === LIBRARY_CORE) return undefined;
  const install = counterpart(origin.jsiiPackage, origin.core, LIBRARY_CORE);
  const other = `${origin.core}-aks-gitops`;
  return (
    `[${path}] construct = ${c.constructor.name} (${origin.jsiiPackage}.${origin.jsiiClass}, built on ${origin.core}): allowed is a ` +
    `construct built on ${LIBRARY_CORE}, the core of this app (${LIBRARY_PACKAGE}); one app runs on one core. Install ` +
    `${install} and import ${origin.jsiiClass} from it instead of ${origin.jsiiPackage}, or build the whole app on ` +
    `${origin.core} with ${other}`
  );
}
