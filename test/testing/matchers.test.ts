/**
 * The jest matchers of cdktf-aks-gitops/testing: registered through the `testing/jest` entry (which calls
 * setupGitOpsMatchers), passing and failing with messages that name every problem.
 */
import "../../lib/testing/jest";
import { KubernetesClusterNodePool } from "@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool";
import {
  ApprovalMode,
  FluxBootstrap,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolCluster,
  NotificationProvider,
  TerraformControllerCR,
} from "../../lib";
import {
  allNodePoolProblems,
  crdSchemaProblems,
  guardedNodePoolProblems,
  setupGitOpsMatchers,
  synthGitOpsFiles,
  testApp,
} from "../../lib/testing";
import { CLUSTER_ID, RUNNER_CREDENTIALS, SUBSCRIPTION, thrownBy } from "../helpers";

function app() {
  const a = testApp();
  const stack = new InfrastructureStack(a, "prod", { subscriptionId: SUBSCRIPTION });
  const pool = new GuardedNodePool(stack, "corepool", {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    name: "corepool",
    vmSize: "Standard_D2s_v3",
    minCount: 3,
    maxCount: 5,
  });
  const flux = new FluxBootstrap(a, "flux", { clusterName: "dev", repositoryUrl: "https://github.com/example/gitops.git" });
  new TerraformControllerCR(a, "prod-tf", { cluster: flux, stack, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
  return { app: a, stack, pool, flux };
}

/** The failure message of an expectation that must fail. */
function failure(fn: () => void): string {
  return thrownBy(fn).message;
}

const TERRAFORM = {
  apiVersion: "infra.contrib.fluxcd.io/v1alpha2",
  kind: "Terraform",
  metadata: { name: "prod", namespace: "flux-system" },
  spec: { interval: "10m", path: "./infrastructure/prod", sourceRef: { kind: "GitRepository", name: "flux-system" }, approvePlan: "auto" },
};

describe("toMatchCrdSchema", () => {
  test("every YAML file of a synthesized tree matches (kustomization.yaml files are skipped)", () => {
    expect(synthGitOpsFiles(app().app)).toMatchCrdSchema();
    expect(synthGitOpsFiles(app().app, { includeOwnershipRecord: true })).toMatchCrdSchema();
  });

  test("an object and YAML text", () => {
    expect(TERRAFORM).toMatchCrdSchema();
    expect(
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: infra\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n",
    ).toMatchCrdSchema();
  });

  test("fails naming each problem: unknown field, wrong type, unknown kind", () => {
    const bad = { ...TERRAFORM, spec: { ...TERRAFORM.spec, interval: 10, approvePlans: "auto" } };
    const message = failure(() => expect(bad).toMatchCrdSchema());
    expect(message).toContain("Terraform prod (object) field spec.interval: must be string");
    expect(message).toContain(`Terraform prod (object) field spec: unknown field "approvePlans"`);
    expect(crdSchemaProblems({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })).toEqual([
      "Widget w (object) field (object): no schema for example.com/v1 Widget",
    ]);
    expect(bad).not.toMatchCrdSchema();
  });

  test("a file map is checked with its cluster's CRD patches, as the synth checks it (the README's addAlerts line)", () => {
    const { app: a, flux } = app();
    flux.addAlerts("platform-alerts", { provider: NotificationProvider.msteams({ secretName: "msteams-webhook" }) });
    const files = synthGitOpsFiles(a);
    expect(files).toMatchCrdSchema();
    // The Alert watches Terraform events: it is valid only with flux-system/kustomization.yaml's Alert CRD patch.
    const alertPath = Object.keys(files).find((p) => p.startsWith("clusters/dev/") && /\bkind: Alert\b/.test(files[p]));
    expect(alertPath).toBeDefined();
    const alone = crdSchemaProblems(files[alertPath!]);
    expect(alone.join("\n")).toMatch(/^Alert \S+ \(YAML[^)]*\) field spec\.eventSources\[\d+\]\.kind: must be one of: (?!.*Terraform)/m);
    const withoutPatch = Object.fromEntries(Object.entries(files).filter(([p]) => p !== "clusters/dev/flux-system/kustomization.yaml"));
    expect(crdSchemaProblems(withoutPatch).join("\n")).toMatch(/Alert \S+ \(clusters\/dev\/[^)]+\) field spec\.eventSources/);
    // Patches stay within their cluster: the same Alert under another cluster's path is checked unpatched.
    // (two Alerts of Terraform events: the noisy one and the drift-only one, #17)
    expect(crdSchemaProblems({ ...files, "clusters/other/alert.yaml": files[alertPath!] })).toEqual([
      expect.stringMatching(/^Alert \S+-terraform \(clusters\/other\/alert\.yaml document 1\) field spec\.eventSources/),
      expect.stringMatching(/^Alert \S+-drift \(clusters\/other\/alert\.yaml document 2\) field spec\.eventSources/),
    ]);
  });

  test("a CRD patch the check cannot apply is a problem", () => {
    const kustomization = [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      "patches:",
      "  - target: { kind: CustomResourceDefinition, name: alerts.notification.toolkit.fluxcd.io }",
      "    patch: |",
      "      - op: remove",
      "        path: /spec/versions/0/schema/openAPIV3Schema/properties/spec",
      "",
    ].join("\n");
    expect(crdSchemaProblems({ "clusters/dev/flux-system/kustomization.yaml": kustomization })).toEqual([
      expect.stringMatching(/^clusters\/dev\/flux-system\/kustomization\.yaml: the patch remove .* cannot be checked/),
    ]);
  });

  test("YAML that does not parse is a failure, not an exception", () => {
    expect(failure(() => expect("kind: [unclosed").toMatchCrdSchema())).toMatch(/YAML is not valid YAML/);
  });
});

describe("toBeGuardedNodePool", () => {
  test("a GuardedNodePool, its resource, and its block from main.tf.json", () => {
    const { app: a, pool } = app();
    expect(pool).toBeGuardedNodePool();
    expect(pool.resource).toBeGuardedNodePool({ minCountFloor: 3, preventDestroy: true });
    const tf = JSON.parse(synthGitOpsFiles(a)["infrastructure/prod/main.tf.json"]);
    expect(Object.values(tf.resource.azurerm_kubernetes_cluster_node_pool)[0]).toBeGuardedNodePool();
  });

  test("a raw pool without the guardrails fails with one line per missing guardrail", () => {
    const { stack } = app();
    const raw = new KubernetesClusterNodePool(stack, "raw", {
      name: "raw",
      kubernetesClusterId: CLUSTER_ID,
      vmSize: "Standard_D2s_v3",
      nodeCount: 2,
    });
    expect(guardedNodePoolProblems(raw, { preventDestroy: true })).toEqual([
      "auto_scaling_enabled = (unset), expected true",
      "min_count = (unset), expected a number ≥ the floor 3",
      "max_count = (unset), expected a number ≥ min_count ((unset))",
      `lifecycle.ignore_changes = (unset), expected it to contain "node_count"`,
      "lifecycle.prevent_destroy = (unset), expected true",
    ]);
    expect(failure(() => expect(raw).toBeGuardedNodePool())).toMatch(/4 problems:\n {2}auto_scaling_enabled = \(unset\), expected true/);
    expect(raw).not.toBeGuardedNodePool();
  });

  test("the floor is an expectation option", () => {
    const { pool } = app();
    expect(failure(() => expect(pool).toBeGuardedNodePool({ minCountFloor: 4 }))).toContain(
      "min_count = 3, expected a number ≥ the floor 4",
    );
  });

  test("something that is not a node pool fails", () => {
    expect(failure(() => expect({ vmSize: "x" }).toBeGuardedNodePool())).toMatch(/expected a node pool/);
  });
});

describe("toHaveOnlyGuardedNodePools", () => {
  test("every pool of every stack in the tree", () => {
    expect(synthGitOpsFiles(app().app)).toHaveOnlyGuardedNodePools();
  });

  test("names the file and resource of each unguarded pool; a tree without pools fails", () => {
    const { app: a, stack } = app();
    new KubernetesClusterNodePool(stack, "raw", { name: "raw", kubernetesClusterId: CLUSTER_ID, vmSize: "Standard_D2s_v3", nodeCount: 3 });
    const problems = allNodePoolProblems(synthGitOpsFiles(a));
    expect(problems[0]).toBe(
      "infrastructure/prod/main.tf.json azurerm_kubernetes_cluster_node_pool.raw: auto_scaling_enabled = (unset), expected true",
    );
    expect(problems).toHaveLength(4);
    expect(allNodePoolProblems({ "clusters/dev/kustomization.yaml": "resources: []\n" })).toEqual([
      "no azurerm_kubernetes_cluster_node_pool found in the input",
    ]);
  });
});

test("setupGitOpsMatchers without a global expect says what is missing", () => {
  const jestExpect = expect;
  delete (globalThis as { expect?: unknown }).expect;
  let message = "";
  try {
    setupGitOpsMatchers();
  } catch (e) {
    message = (e as Error).message;
  } finally {
    (globalThis as { expect?: unknown }).expect = jestExpect;
  }
  jestExpect(message).toMatch(/needs the global expect of jest/);
});
