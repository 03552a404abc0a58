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
const phases = process.argv.includes("--phases") ? timePhases() : undefined;

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
  // The same name in every cluster, as a fleet would have it (state safety tells them apart by cluster folder).
  // Credentials from a Secret: the runner must be able to authenticate (lib/tofu/runner-credentials.ts).
  flux.addTerraform("pools", { stack, approval: ApprovalMode.AUTO, runnerPod: { envFrom: [{ secretName: "azure-credentials" }] } });
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
  ...(phases ? { phases } : {}),
});

/**
 * `--phases`: times the pipeline steps GitOpsApp.synth calls (cdktf's own synth, validateTree, collect, render, each
 * tree check, planning, writing) by wrapping the module exports it calls through. Cheap and exact, unlike a CPU
 * profile, which inflates the file-system calls several times over.
 */
function timePhases(): Record<string, number> {
  const totals: Record<string, number> = {};
  const wrap = (obj: Record<string, unknown>, key: string, label: string): void => {
    const orig = obj[key] as (...a: unknown[]) => unknown;
    if (typeof orig !== "function") return;
    obj[key] = function (this: unknown, ...a: unknown[]): unknown {
      const t = performance.now();
      try {
        return orig.apply(this, a);
      } finally {
        totals[label] = (totals[label] ?? 0) + performance.now() - t;
      }
    };
  };
  const validate = require("../../lib/synth/validate-tree") as Record<string, unknown>;
  const collect = require("../../lib/synth/collect") as Record<string, unknown>;
  const render = require("../../lib/synth/render-tree") as Record<string, unknown>;
  const checkAndPlan = require("../../lib/app/check-and-plan") as Record<string, unknown>;
  const write = require("../../lib/synth/write") as Record<string, unknown>;
  const checks = require("../../lib/checks/default-checks") as { defaultChecks: ((...a: unknown[]) => unknown)[] };
  const cdktf = require("cdktf") as { App: { prototype: Record<string, unknown> } };
  wrap(cdktf.App.prototype, "synth", "cdktf synth (aspects, validations, cdk.tf.json)");
  wrap(validate, "validateTree", "validateTree");
  wrap(collect, "collectFiles", "collect");
  wrap(render, "renderFiles", "render");
  wrap(checkAndPlan, "checkAndPlan", "checks + plan");
  wrap(write, "applyPlan", "write");
  checks.defaultChecks.forEach((_, i) =>
    wrap(checks.defaultChecks as unknown as Record<string, unknown>, String(i), `check: ${checks.defaultChecks[i].name}`),
  );
  return totals;
}
