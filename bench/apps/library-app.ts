/**
 * Benchmark app, library flavour: a GitOpsApp with, per cluster, one InfrastructureStack holding `pools`
 * GuardedNodePools, a FluxBootstrap (the Flux folder clusters/<cluster>/) and a TerraformControllerCR that reconciles
 * the stack there. Written into a GitOps repo (`--gitops`) besides cdktf.out (`--outdir`).
 * Run by bench/run.ts as `node --max-old-space-size=4096 library-app.js --clusters N --pools P --outdir D --gitops G`.
 */
import { performance } from "perf_hooks";
import { ApprovalMode, FluxBootstrap, GitOpsApp, GuardedNodePool, InfrastructureStack, NodePoolCluster } from "../../lib";
import { clusterName, parseArgs, poolSpec, report, REPOSITORY_URL, RESOURCE_GROUP, SUBSCRIPTION_ID } from "./fleet";

const loadedMs = performance.now();
const args = parseArgs(process.argv);

const app = new GitOpsApp({ outdir: args.outdir, gitopsRoot: args.gitopsRoot, log: () => {} });
let resources = 0;
for (let i = 0; i < args.clusters; i++) {
  const name = clusterName(i);
  const stack = new InfrastructureStack(app, name, { subscriptionId: SUBSCRIPTION_ID });
  const cluster = NodePoolCluster.fromClusterName(name, RESOURCE_GROUP);
  for (let j = 0; j < args.pools; j++) {
    const spec = poolSpec(name, j);
    new GuardedNodePool(stack, spec.name, { cluster, ...spec });
    resources++;
  }
  const flux = new FluxBootstrap(app, `flux-${name}`, { clusterName: name, repositoryUrl: REPOSITORY_URL });
  // Named after the cluster: with one name ("pools") in every cluster, the state-safety check of the second synth
  // matches objects across clusters by namespace/name only and refuses an unchanged tree (reported in docs/performance.md).
  flux.addTerraform(`${name}-pools`, { stack, approval: ApprovalMode.AUTO });
}
const constructedMs = performance.now();
app.synth();
const synthesizedMs = performance.now();

report({
  loadedMs,
  constructedMs,
  synthesizedMs,
  maxRssKb: process.resourceUsage().maxRSS,
  heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
  resources,
});
