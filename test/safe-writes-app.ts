/**
 * App code for test/safe-writes.test.ts, shared with the child processes it starts (two synths at once, a synth
 * killed midway): the same variant always declares the same tree.
 */
import { ApprovalMode, FluxBootstrap, GitOpsApp, GuardedNodePool, InfrastructureStack, NodePoolCluster } from "../lib";
import { RUNNER_CREDENTIALS } from "./helpers";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const REPO = "https://github.com/example-org/gitops.git";

export type Variant = "v1" | "v2" | "a" | "b";

/**
 * v1: stacks s0..s3 (one pool each) and a cluster reconciling s0.
 * v2: s0..s2 changed (minCount 4), s3 removed, `added` new, the cluster unchanged: writes, a removal, a new folder.
 * a / b: 20 stacks that differ in every pool (minCount 3 / 4), for two synths at once.
 */
export function buildVariant(app: GitOpsApp, variant: Variant): void {
  const many = variant === "a" || variant === "b";
  const ids = many
    ? Array.from({ length: 20 }, (_, i) => `s${i}`)
    : variant === "v1"
      ? ["s0", "s1", "s2", "s3"]
      : ["s0", "s1", "s2", "added"];
  const minCount = variant === "v1" || variant === "a" ? 3 : 4;
  const stacks = ids.map((id) => {
    const stack = new InfrastructureStack(app, id, { subscriptionId: SUBSCRIPTION });
    new GuardedNodePool(stack, "pool", {
      cluster: NodePoolCluster.fromClusterName(`aks-${id}`, "rg-aks"),
      name: "apps",
      vmSize: "Standard_D4s_v5",
      minCount,
      maxCount: 10,
      preventDestroy: false,
    });
    return stack;
  });
  const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
  flux.addTerraform("s0", { stack: stacks[0], approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
}
