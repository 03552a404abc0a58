import { PropChecks } from "../core/validation";

/** What the dependency checks read of a Terraform object (a TerraformControllerCR). */
export interface TerraformObjectNode {
  readonly name: string;
  readonly namespace: string;
  readonly node: { readonly path: string };
  readonly cluster: { readonly clusterName: string };
  readonly dependsOn: readonly TerraformObjectNode[];
}

/** Problems of an object's `dependsOn`: other objects only, of its cluster and namespace, and no cycle. */
export function checkDependencies(c: PropChecks, self: TerraformObjectNode): void {
  for (const d of self.dependsOn) {
    const what = `${d.namespace}/${d.name}`;
    if (d === self) c.fail("dependsOn", what, "other Terraform objects (not itself)");
    else if (d.cluster !== self.cluster)
      c.fail("dependsOn", what, `Terraform objects of cluster ${self.cluster.clusterName} (${d.node.path} is on ${d.cluster.clusterName})`);
    else if (d.namespace !== self.namespace)
      c.fail("dependsOn", what, `Terraform objects in namespace ${self.namespace} (tofu-controller denies cross-namespace dependencies)`);
  }
  // A cycle is one mistake: reported once, on its member with the last construct path (a self-dependency is reported above).
  const cycle = findCycle(self);
  if (cycle && cycle.length > 2 && cycle.every((x) => x.node.path <= self.node.path))
    c.fail(
      "dependsOn",
      cycle.map((x) => x.name).join(" → "),
      "dependencies without a cycle (the objects would wait for each other forever)",
    );
}

/** A dependency cycle through `start`, as the list of objects, or undefined. */
function findCycle(start: TerraformObjectNode): TerraformObjectNode[] | undefined {
  const walk = (node: TerraformObjectNode, trail: TerraformObjectNode[]): TerraformObjectNode[] | undefined => {
    for (const d of node.dependsOn) {
      if (d === start) return [...trail, d];
      if (trail.includes(d)) continue;
      const found = walk(d, [...trail, d]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [start]);
}
