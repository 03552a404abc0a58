/**
 * Policy for a whole org (#17 item 4): the allowed VM sizes (GitOps-NP5) and the max-count ceiling (GitOps-NP6) of
 * the pack apply to every pool of the app — GuardedNodePool, raw KubernetesClusterNodePool, a KubernetesCluster's
 * default node pool — and a pack added with `Aspects.of(app).add(...)` (the cdk-nag habit, which cdktf never runs)
 * is refused with the one line that works.
 */
import { KubernetesCluster } from "@cdktf/provider-azurerm/lib/kubernetes-cluster";
import { KubernetesClusterNodePool } from "@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool";
import { Aspects, TerraformVariable } from "cdktf";
import {
  FluxBootstrap,
  GitOpsApp,
  GitOpsChecks,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolCluster,
  PolicyPack,
  PolicySuppressions,
} from "../../lib";
import { synthGitOps } from "../../lib/testing";
import { CLUSTER_ID, cleanupTempDirs, newApp, refusedProblems, SUBSCRIPTION, workspace } from "../helpers";

afterAll(cleanupTempDirs);

const ORG = { allowedVmSizes: ["Standard_D4s_v5", "Standard_D8s_v5"], maxCountCeiling: 50 };

function findings(fill: (stack: InfrastructureStack) => void, options: ConstructorParameters<typeof GitOpsChecks>[0] = ORG): string[] {
  const app = newApp(workspace());
  const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
  fill(stack);
  PolicyPack.applyTo(app, new GitOpsChecks(options));
  return synthGitOps(app, { allowErrorAnnotations: true })
    .annotations.filter((a) => /^GitOps-NP[56]/.test(a.message))
    .map((a) => `${a.level} ${a.message.split(":")[0]} ${a.constructPath}`);
}

function raw(stack: InfrastructureStack, id: string, vmSize: string, maxCount: number): KubernetesClusterNodePool {
  return new KubernetesClusterNodePool(stack, id, {
    name: id,
    kubernetesClusterId: CLUSTER_ID,
    vmSize,
    autoScalingEnabled: true,
    minCount: 3,
    maxCount,
    lifecycle: { ignoreChanges: ["node_count"], preventDestroy: true },
  });
}

describe("allowed VM sizes and the max-count ceiling, every pool of the app", () => {
  test("the issue's raw Standard_NC96ads_A100_v4 pool with maxCount 1000 is refused twice; an allowed one passes", () => {
    expect(
      findings((s) => {
        raw(s, "gpu", "Standard_NC96ads_A100_v4", 1000);
        raw(s, "ok", "Standard_D4s_v5", 50);
      }),
    ).toEqual(["error GitOps-NP5 prod/gpu", "error GitOps-NP6 prod/gpu"]);
  });

  test("a GuardedNodePool is checked the same way (its own guardrails do not exempt it)", () => {
    expect(
      findings((s) => {
        new GuardedNodePool(s, "corepool", {
          cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
          name: "corepool",
          vmSize: "Standard_E64s_v5",
          minCount: 3,
          maxCount: 51,
        });
      }),
    ).toEqual(["error GitOps-NP5 prod/corepool/pool", "error GitOps-NP6 prod/corepool/pool"]);
  });

  test("a fixed pool's node_count is its count; a size or count from a variable cannot be checked: a finding", () => {
    expect(
      findings((s) => {
        const size = new TerraformVariable(s, "size", { type: "string" });
        new KubernetesClusterNodePool(s, "fixed", {
          name: "fixed",
          kubernetesClusterId: CLUSTER_ID,
          vmSize: size.stringValue,
          nodeCount: 60,
          lifecycle: { preventDestroy: true },
        });
      }),
    ).toEqual(["error GitOps-NP5 prod/fixed", "error GitOps-NP6 prod/fixed"]);
  });

  test("a KubernetesCluster's default node pool is a pool too (finding [default_node_pool])", () => {
    const out = findings((s) => {
      new KubernetesCluster(s, "aks", {
        name: "aks-prod",
        location: "westeurope",
        resourceGroupName: "rg-aks",
        dnsPrefix: "aksprod",
        identity: { type: "SystemAssigned" },
        defaultNodePool: { name: "system", vmSize: "Standard_D2s_v3", autoScalingEnabled: true, minCount: 3, maxCount: 200 },
      });
    });
    expect(out).toEqual(["error GitOps-NP5[default_node_pool] prod/aks", "error GitOps-NP6[default_node_pool] prod/aks"]);
  });

  test("without the options the rules do not apply; a suppression with a reason waives one finding", () => {
    expect(findings((s) => raw(s, "gpu", "Standard_NC96ads_A100_v4", 1000), {})).toEqual([]);
    expect(
      findings((s) => {
        const gpu = raw(s, "gpu", "Standard_NC96ads_A100_v4", 40);
        PolicySuppressions.addResourceSuppressions(gpu, [{ id: "GitOps-NP5", reason: "ML team's approved A100 quota, ticket 812" }]);
      }),
    ).toEqual([]);
  });

  test("bad pack options are refused at synth, all at once, naming the option and what is allowed", () => {
    const problems = refusedProblems((app) => {
      new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
      PolicyPack.applyTo(app, new GitOpsChecks({ allowedVmSizes: [], maxCountCeiling: 0 }));
    });
    expect(problems).toEqual([
      '[app] GitOps allowedVmSizes = []: allowed is a non-empty array of VM size names, e.g. ["Standard_D4s_v5"] (unset: any size)',
      "[app] GitOps maxCountCeiling = 0: allowed is an integer from 1 to 1000 (azurerm's node count limit)",
    ]);
  });
});

describe("Aspects.of(app).add(pack), the cdk-nag habit", () => {
  test("is refused with the one line that works, and nothing is written", () => {
    const problems = refusedProblems((app) => {
      const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
      raw(stack, "gpu", "Standard_NC96ads_A100_v4", 1000);
      Aspects.of(app).add(new GitOpsChecks(ORG));
    });
    expect(problems).toEqual([
      "[app] Aspects.of(app).add(…) = <policy pack GitOps>: allowed is PolicyPack.applyTo(app, pack) instead, after the last stack " +
        "is created: cdktf runs Aspects per stack only, so a pack added to a construct outside every stack would check nothing",
    ]);
  });

  test("on a construct outside stacks (a FluxBootstrap) too; on a stack it runs, so it is not refused", () => {
    const problems = refusedProblems((app) => {
      const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-prod", repositoryUrl: "https://github.com/org/gitops.git" });
      new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
      Aspects.of(flux).add(new GitOpsChecks());
    });
    expect(problems).toEqual([
      expect.stringMatching(/^\[flux\] Aspects\.of\(flux\)\.add\(…\) = <policy pack GitOps>: allowed is PolicyPack\.applyTo/),
    ]);

    const app: GitOpsApp = newApp(workspace());
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    raw(stack, "gpu", "Standard_NC96ads_A100_v4", 10);
    Aspects.of(stack).add(new GitOpsChecks(ORG));
    const found = synthGitOps(app, { allowErrorAnnotations: true }).annotations.map((a) => a.message.split(":")[0]);
    expect(found).toContain("GitOps-NP5");
  });

  test("added with Aspects.of(app) and also applied with applyTo: harmless, it runs", () => {
    const app = newApp(workspace());
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    raw(stack, "gpu", "Standard_NC96ads_A100_v4", 10);
    const pack = new GitOpsChecks(ORG);
    Aspects.of(app).add(pack);
    PolicyPack.applyTo(app, pack);
    expect(synthGitOps(app, { allowErrorAnnotations: true }).annotations.map((a) => a.message.split(":")[0])).toEqual(["GitOps-NP5"]);
  });
});
