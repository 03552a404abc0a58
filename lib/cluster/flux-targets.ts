import type { IConstruct } from "constructs";
import type { FluxTarget } from "../schema/flux-target";
import { FluxBootstrap } from "./flux-bootstrap";

/** The Flux target of every FluxBootstrap in the construct tree of `scope`, by cluster name (what the checks validate against). */
export function fluxTargetsOf(scope: IConstruct): Map<string, FluxTarget> {
  const targets = new Map<string, FluxTarget>();
  for (const c of scope.node.root.node.findAll()) {
    // The first bootstrap of a name wins; a second one is refused by validation anyway.
    if (FluxBootstrap.isFluxBootstrap(c) && !targets.has(c.clusterName)) targets.set(c.clusterName, c._fluxTarget);
  }
  return targets;
}
