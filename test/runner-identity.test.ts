/**
 * RunnerIdentity (#4): the identity's Terraform (role actions, scope, federated subject = the runner's namespace and
 * ServiceAccount) in the cluster's bootstrap stack, never in a stack the runner reconciles; the ServiceAccount and the
 * runner settings; the client-id flow (suspended until known); the checks of a cluster defined in the same app; the
 * kubelet identity opt-in and its warning; and each bad input.
 */
import { KubernetesCluster } from "@cdktf/provider-azurerm/lib/kubernetes-cluster";
import {
  ApprovalMode,
  FluxBootstrap,
  FluxInstallMode,
  GitOpsApp,
  GitOpsChecks,
  GitRef,
  GitRepositorySource,
  GuardedNodePool,
  InfrastructureStack,
  NODE_POOL_MANAGER_ACTIONS,
  NodePoolCluster,
  PolicyPack,
  RUNNER_CLIENT_IDS_CONTEXT,
  RunnerIdentity,
  RunnerIdentityProps,
  TerraformControllerCR,
  TerraformControllerCRProps,
} from "../lib";
import { checkNoSecrets } from "../lib/checks/secret-scan";
import { validateManifest } from "../lib/schema/manifest-validator";
import { validateTree } from "../lib/synth/validate-tree";
import { synthGitOps } from "../lib/testing";
import { credentialIdentityForBinding } from "./flavour-bytes";
import { cleanupTempDirs, CLUSTER_ID, newApp, OTHER_SUBSCRIPTION, RUNNER_CREDENTIALS, SUBSCRIPTION, workspace } from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";
const TENANT = "22222222-2222-2222-2222-222222222222";
const CLIENT_ID = "33333333-3333-3333-3333-333333333333";
const AKS = NodePoolCluster.fromClusterName("aks-prod", "rg-aks");

interface Fixture {
  readonly app: GitOpsApp;
  readonly stack: InfrastructureStack;
  readonly flux: FluxBootstrap;
  identity(props?: Partial<RunnerIdentityProps>): RunnerIdentity;
  tf(id: string, props?: Partial<TerraformControllerCRProps>): TerraformControllerCR;
}

function fixture(
  appProps: Parameters<typeof newApp>[1] = {},
  fluxProps: Partial<ConstructorParameters<typeof FluxBootstrap>[2]> = {},
): Fixture {
  const app = newApp(workspace(), appProps);
  const stack = new InfrastructureStack(app, "node-pools", { subscriptionId: SUBSCRIPTION });
  new GuardedNodePool(stack, "core", { cluster: AKS, name: "core", vmSize: "Standard_D4s_v5", minCount: 3, maxCount: 5 });
  const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-prod", repositoryUrl: REPO, ...fluxProps });
  return {
    app,
    stack,
    flux,
    identity: (props = {}) =>
      new RunnerIdentity(app, "runner-identity", {
        cluster: flux,
        aksCluster: AKS,
        subscriptionId: SUBSCRIPTION,
        tenantId: TENANT,
        clientId: CLIENT_ID,
        ...props,
      }),
    tf: (id, props = {}) => new TerraformControllerCR(app, id, { cluster: flux, stack, approval: ApprovalMode.AUTO, ...props }),
  };
}

/** path → parsed content of every generated file (validation must pass first). */
function render(app: GitOpsApp): Map<string, Parsed> {
  expect(validateTree(app)).toEqual([]);
  return new Map(
    app
      .renderGitOpsFiles()
      .map((f) => [f.path, JSON.parse(JSON.stringify(f.file.content.format === "yaml" ? f.file.content.documents : f.file.content.value))]),
  );
}

function only(tf: Parsed, type: string): { address: string; value: Parsed } {
  const entries = Object.entries(tf.resource?.[type] ?? tf.data?.[type] ?? {});
  expect({ type, count: entries.length }).toEqual({ type, count: 1 });
  return { address: entries[0][0], value: entries[0][1] };
}

/** Synth for real, collecting the log. */
function synthLog(app: GitOpsApp, lines: string[]): void {
  app.synth();
  expect(lines[0]).toMatch(/^gitops: \d+ written/);
}

describe("the identity's Terraform", () => {
  test("a user-assigned identity, a federated credential for exactly the runner's ServiceAccount, a node-pool-only role on the cluster", () => {
    const f = fixture();
    const identity = f.identity();
    f.tf("pools", { runnerIdentity: identity });
    const files = render(f.app);
    const tf = files.get("bootstrap/aks-prod/main.tf.json");
    const cluster = only(tf, "azurerm_kubernetes_cluster");
    expect(cluster.value).toMatchObject({ name: "aks-prod", resource_group_name: "rg-aks" });
    const clusterId = `\${data.azurerm_kubernetes_cluster.${cluster.address}.id}`;

    const uami = only(tf, "azurerm_user_assigned_identity");
    expect(uami.value).toMatchObject({
      name: "aks-prod-tf-runner",
      resource_group_name: "rg-aks",
      location: `\${data.azurerm_kubernetes_cluster.${cluster.address}.location}`,
    });

    const role = only(tf, "azurerm_role_definition").value;
    expect(role.permissions).toEqual([{ actions: [...NODE_POOL_MANAGER_ACTIONS], not_actions: [] }]);
    expect(NODE_POOL_MANAGER_ACTIONS).toEqual([
      "Microsoft.ContainerService/managedClusters/read",
      "Microsoft.ContainerService/managedClusters/agentPools/read",
      "Microsoft.ContainerService/managedClusters/agentPools/write",
      "Microsoft.ContainerService/managedClusters/agentPools/delete",
      "Microsoft.ContainerService/managedClusters/availableAgentPoolVersions/read",
    ]);
    // Nothing broader: no wildcard, no cluster write, no credentials.
    for (const a of role.permissions[0].actions) expect(a).not.toMatch(/\*|managedClusters\/write|listCluster|Microsoft\.Authorization/);
    expect(role.scope).toBe(clusterId);
    expect(role.assignable_scopes).toEqual([clusterId]);

    const assignment = only(tf, "azurerm_role_assignment").value;
    expect(assignment).toMatchObject({
      scope: clusterId,
      principal_id: `\${azurerm_user_assigned_identity.${uami.address}.principal_id}`,
      principal_type: "ServicePrincipal",
    });
    expect(assignment.role_definition_id).toMatch(/^\$\{azurerm_role_definition\.[^.]+\.role_definition_resource_id\}$/);
    expect(assignment.role_definition_name).toBeUndefined();

    const credential = only(tf, "azurerm_federated_identity_credential").value;
    const cr = files.get("clusters/aks-prod/terraform/pools.yaml")[0];
    // The identity's arguments as the binding's schema names them (test/flavour-bytes.ts): parent_id and
    // resource_group_name before azurerm 4.65, user_assigned_identity_id alone from it.
    const identityArguments = credentialIdentityForBinding({
      parent_id: `\${azurerm_user_assigned_identity.${uami.address}.id}`,
      resource_group_name: "rg-aks",
    });
    expect(credential).toMatchObject({
      ...identityArguments,
      issuer: `\${data.azurerm_kubernetes_cluster.${cluster.address}.oidc_issuer_url}`,
      audience: ["api://AzureADTokenExchange"],
      subject: `system:serviceaccount:${cr.metadata.namespace}:${cr.spec.serviceAccountName}`,
    });
    const identityKeys = ["parent_id", "resource_group_name", "user_assigned_identity_id"];
    expect(
      Object.keys(credential)
        .filter((k) => identityKeys.includes(k))
        .sort(),
    ).toEqual(Object.keys(identityArguments).sort());
    expect(credential.subject).toBe(identity.subject);
    // An issuer that is not there fails the apply with a message, instead of a credential nobody can use.
    expect(credential.lifecycle.precondition).toEqual([
      {
        condition: `\${data.azurerm_kubernetes_cluster.${cluster.address}.oidc_issuer_enabled}`,
        error_message: expect.stringMatching(/--enable-oidc-issuer --enable-workload-identity/),
      },
    ]);

    expect(tf.output).toEqual({
      [identity.clientIdOutput]: {
        value: `\${azurerm_user_assigned_identity.${uami.address}.client_id}`,
        description: expect.stringContaining(RUNNER_CLIENT_IDS_CONTEXT),
      },
    });
    expect(tf.provider.azurerm).toEqual([{ features: [{}], subscription_id: SUBSCRIPTION, resource_provider_registrations: "none" }]);
    expect(tf.terraform.backend).toBeUndefined();
  });

  test("the stack the runner reconciles holds no identity or role resource: the runner cannot grant itself rights", () => {
    const f = fixture();
    f.tf("pools", { runnerIdentity: f.identity() });
    const files = render(f.app);
    const stackTf = JSON.stringify(files.get("infrastructure/node-pools/main.tf.json"));
    expect(stackTf).not.toMatch(/azurerm_role_|azurerm_user_assigned_identity|azurerm_federated_identity_credential/);
    // No Flux Kustomization and no Terraform object points at bootstrap/.
    for (const [p, docs] of files) if (p.startsWith("clusters/")) expect(JSON.stringify(docs)).not.toMatch(/bootstrap\//);
  });

  test("a cluster by resource id: its subscription and name; pools of that cluster by name match it", () => {
    const f = fixture();
    f.tf("pools", { runnerIdentity: f.identity({ aksCluster: NodePoolCluster.fromClusterId(CLUSTER_ID), subscriptionId: undefined }) });
    const files = render(f.app);
    const tf = files.get("bootstrap/aks-prod/main.tf.json");
    expect(only(tf, "azurerm_kubernetes_cluster").value).toMatchObject({ name: "aks-prod", resource_group_name: "rg-aks" });
    expect(tf.provider.azurerm[0].subscription_id).toBe(SUBSCRIPTION);
  });

  test("AKS extension mode: the identity joins the extension stack in bootstrap/<cluster> and defaults to its cluster", () => {
    const app = newApp(workspace());
    const stack = new InfrastructureStack(app, "pools", { subscriptionId: SUBSCRIPTION });
    const flux = new FluxBootstrap(app, "flux", {
      clusterName: "aks-dev",
      repositoryUrl: REPO,
      mode: FluxInstallMode.AKS_EXTENSION,
      aksExtension: { subscriptionId: SUBSCRIPTION, clusterName: "aks-dev", resourceGroupName: "rg-dev" },
    });
    const identity = new RunnerIdentity(app, "id", { cluster: flux, tenantId: TENANT, clientId: CLIENT_ID });
    flux.addTerraform("pools", { stack, approval: ApprovalMode.AUTO, runnerIdentity: identity });
    const tf = render(app).get("bootstrap/aks-dev/main.tf.json");
    expect(Object.keys(tf.resource).sort()).toEqual([
      "azurerm_federated_identity_credential",
      "azurerm_kubernetes_cluster_extension",
      "azurerm_kubernetes_flux_configuration",
      "azurerm_role_assignment",
      "azurerm_role_definition",
      "azurerm_user_assigned_identity",
    ]);
    const clusters = Object.values(tf.data.azurerm_kubernetes_cluster) as Parsed[];
    for (const c of clusters) expect(c).toMatchObject({ name: "aks-dev", resource_group_name: "rg-dev" });
    expect(identity.subscriptionId).toBe(SUBSCRIPTION);
  });

  test("two identities of one cluster share the bootstrap stack; a second subscription is refused", () => {
    const f = fixture();
    const a = f.identity();
    const b = new RunnerIdentity(f.app, "other", {
      cluster: f.flux,
      aksCluster: AKS,
      subscriptionId: OTHER_SUBSCRIPTION,
      tenantId: TENANT,
      identityName: "other-runner",
      serviceAccountName: "tf-runner-other",
    });
    expect(a.cluster.bootstrapStack).toBe(b.cluster.bootstrapStack);
    expect(validateTree(f.app).join("\n")).toMatch(
      /\[other\] subscriptionId = "11111111-1111-1111-1111-111111111111": allowed is the subscription of bootstrap\/aks-prod/,
    );
  });
});

describe("the runner side", () => {
  test("the ServiceAccount (annotated with the client id) and its RoleBinding to the chart's tf-runner-role, listed in terraform/", () => {
    const f = fixture();
    f.tf("pools", { runnerIdentity: f.identity() });
    const files = render(f.app);
    const [sa, binding] = files.get("clusters/aks-prod/terraform/tf-runner-azure.serviceaccount.yaml");
    expect(sa).toEqual({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "tf-runner-azure", namespace: "flux-system", annotations: { "azure.workload.identity/client-id": CLIENT_ID } },
    });
    expect(binding).toEqual({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "tf-runner-azure-tf-runner", namespace: "flux-system" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "tf-runner-role" },
      subjects: [{ kind: "ServiceAccount", name: "tf-runner-azure", namespace: "flux-system" }],
    });
    for (const doc of [sa, binding]) expect(validateManifest(doc)).toEqual([]);
    expect(files.get("clusters/aks-prod/terraform/kustomization.yaml")[0].resources).toEqual([
      "pools.yaml",
      "tf-runner-azure.serviceaccount.yaml",
    ]);
  });

  test("the Terraform object: that ServiceAccount, the workload identity label, the OIDC env; user env and labels kept", () => {
    const f = fixture();
    f.tf("pools", {
      runnerIdentity: f.identity(),
      runnerPod: { labels: { team: "platform" }, env: [{ name: "TF_REGISTRY_CLIENT_TIMEOUT", value: "30" }] },
    });
    const cr = render(f.app).get("clusters/aks-prod/terraform/pools.yaml")[0];
    expect(validateManifest(cr)).toEqual([]);
    expect(cr.spec.serviceAccountName).toBe("tf-runner-azure");
    expect(cr.spec.suspend).toBeUndefined();
    expect(cr.spec.runnerPodTemplate.metadata).toEqual({ labels: { team: "platform", "azure.workload.identity/use": "true" } });
    expect(cr.spec.runnerPodTemplate.spec.env).toEqual([
      { name: "ARM_USE_OIDC", value: "true" },
      { name: "ARM_OIDC_TOKEN_FILE_PATH", value: "/var/run/secrets/azure/tokens/azure-identity-token" },
      { name: "ARM_CLIENT_ID", value: CLIENT_ID },
      { name: "ARM_TENANT_ID", value: TENANT },
      { name: "ARM_SUBSCRIPTION_ID", value: SUBSCRIPTION },
      { name: "TF_REGISTRY_CLIENT_TIMEOUT", value: "30" },
    ]);
  });

  test("an identity no Terraform object uses writes no YAML (its Azure side is still in bootstrap/)", () => {
    const f = fixture();
    f.identity();
    f.tf("pools", { runnerPod: RUNNER_CREDENTIALS });
    const files = render(f.app);
    expect([...files.keys()].filter((p) => p.includes(".serviceaccount."))).toEqual([]);
    expect(files.has("bootstrap/aks-prod/main.tf.json")).toBe(true);
  });

  test("every generated file passes the secret scan (the client id is an id, not a credential)", () => {
    const f = fixture();
    f.tf("pools", { runnerIdentity: f.identity() });
    expect(validateTree(f.app)).toEqual([]);
    expect(checkNoSecrets(f.app.renderGitOpsFiles(), { record: undefined, read: () => undefined }, { acknowledged: new Set() })).toEqual(
      [],
    );
  });
});

describe("the client id: known only after the bootstrap apply", () => {
  test("from the runnerClientIds context entry, keyed by identity name", () => {
    const f = fixture({ context: { [RUNNER_CLIENT_IDS_CONTEXT]: { "aks-prod-tf-runner": CLIENT_ID } } });
    const identity = f.identity({ clientId: undefined });
    expect(identity.clientId).toBe(CLIENT_ID);
  });

  test("missing: the object is written suspended, the ServiceAccount unannotated, and the synth says exactly what to do", () => {
    const lines: string[] = [];
    const f = fixture({ log: (l) => lines.push(l) });
    f.tf("pools", { runnerIdentity: f.identity({ clientId: undefined }) });
    const files = render(f.app);
    const cr = files.get("clusters/aks-prod/terraform/pools.yaml")[0];
    expect(cr.spec.suspend).toBe(true);
    expect(cr.metadata.annotations["cdktf-aks-gitops/suspended"]).toMatch(
      /has no client id yet: apply bootstrap\/aks-prod, then set runnerClientIds\.aks-prod-tf-runner/,
    );
    expect(cr.spec.runnerPodTemplate.spec.env.map((e: Parsed) => e.name)).not.toContain("ARM_CLIENT_ID");
    expect(validateManifest(cr)).toEqual([]);
    const [sa] = files.get("clusters/aks-prod/terraform/tf-runner-azure.serviceaccount.yaml");
    expect(sa.metadata.annotations).toBeUndefined();

    synthLog(f.app, lines);
    const warning = f.app.report!.warnings.find((w) => w.startsWith("[pools]"));
    expect(warning).toBeDefined();
    expect(warning).toContain("tofu -chdir=bootstrap/aks-prod init && tofu -chdir=bootstrap/aks-prod apply");
    expect(warning).toContain("tofu -chdir=bootstrap/aks-prod output -raw client_id_aks_prod_tf_runner");
    expect(warning).toContain(`"${RUNNER_CLIENT_IDS_CONTEXT}": {"aks-prod-tf-runner": "<client id>"}`);
    expect(lines).toContain(`gitops: warning: ${warning}`);
  });

  test("given later: the same object runs (suspend and the annotation go), nothing else about it changes", () => {
    const before = fixture();
    before.tf("pools", { runnerIdentity: before.identity({ clientId: undefined }) });
    const after = fixture();
    after.tf("pools", { runnerIdentity: after.identity() });
    const a = render(before.app).get("clusters/aks-prod/terraform/pools.yaml")[0];
    const b = render(after.app).get("clusters/aks-prod/terraform/pools.yaml")[0];
    expect(b.spec.suspend).toBeUndefined();
    expect(b.metadata.annotations).toBeUndefined();
    expect({ ...b.spec.backendConfig, path: b.spec.path }).toEqual({ ...a.spec.backendConfig, path: a.spec.path });
  });
});

describe("a cluster defined in the same app", () => {
  function withCluster(oidc: boolean | undefined, workloadIdentity: boolean | undefined): string[] {
    const app = newApp(workspace());
    const base = new InfrastructureStack(app, "cluster", { subscriptionId: SUBSCRIPTION });
    const aks = new KubernetesCluster(base, "aks", {
      name: "aks-prod",
      resourceGroupName: "rg-aks",
      location: "westeurope",
      dnsPrefix: "aks-prod",
      defaultNodePool: { name: "system", vmSize: "Standard_D4s_v5", nodeCount: 3 },
      identity: { type: "SystemAssigned" },
      oidcIssuerEnabled: oidc,
      workloadIdentityEnabled: workloadIdentity,
    });
    const stack = new InfrastructureStack(app, "pools", { subscriptionId: SUBSCRIPTION });
    const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-prod", repositoryUrl: REPO });
    const identity = new RunnerIdentity(app, "runner-identity", {
      cluster: flux,
      aksCluster: NodePoolCluster.fromCluster(aks),
      tenantId: TENANT,
      clientId: CLIENT_ID,
    });
    flux.addTerraform("pools", { stack, approval: ApprovalMode.AUTO, runnerIdentity: identity });
    return validateTree(app);
  }

  test("OIDC issuer and workload identity enabled: accepted (subscription from its stack)", () => {
    expect(withCluster(true, true)).toEqual([]);
  });

  test("either missing: refused, naming the cluster and the setting", () => {
    expect(withCluster(undefined, true)).toEqual([
      '[runner-identity] aksCluster = "KubernetesCluster cluster/aks": allowed is a cluster with oidcIssuerEnabled: ' +
        "true (the federated credential trusts its OIDC issuer)",
    ]);
    expect(withCluster(true, false)).toEqual([
      '[runner-identity] aksCluster = "KubernetesCluster cluster/aks": allowed is a cluster with ' +
        "workloadIdentityEnabled: true (the webhook that mounts the runner's token)",
    ]);
  });
});

describe("bad input", () => {
  test.each<[string, (f: Fixture) => void, RegExp]>([
    [
      "flux CLI mode without aksCluster",
      (f) => f.tf("pools", { runnerIdentity: f.identity({ aksCluster: undefined }) }),
      /\[runner-identity\] aksCluster = \(unset\): allowed is the AKS cluster the runners run on/,
    ],
    [
      "no subscription for a cluster by name",
      (f) => f.tf("pools", { runnerIdentity: f.identity({ subscriptionId: undefined }) }),
      /\[runner-identity\] subscriptionId = \(unset\): allowed is the subscription GUID of the AKS cluster/,
    ],
    [
      "a tenant that is not a GUID",
      (f) => f.tf("pools", { runnerIdentity: f.identity({ tenantId: "contoso.onmicrosoft.com" }) }),
      /\[runner-identity\] tenantId = "contoso.onmicrosoft.com": allowed is the Entra tenant GUID/,
    ],
    [
      "a client id that is not a GUID",
      (f) => f.tf("pools", { runnerIdentity: f.identity({ clientId: "abc" }) }),
      /\[runner-identity\] clientId = "abc": allowed is the client id GUID of the identity \(tofu -chdir=bootstrap\/aks-prod output -raw client_id_aks_prod_tf_runner\)/,
    ],
    [
      "the chart's tf-runner ServiceAccount",
      (f) => f.tf("pools", { runnerIdentity: f.identity({ serviceAccountName: "tf-runner" }) }),
      /serviceAccountName = "tf-runner": allowed is a name other than tf-runner \(the tofu-controller chart creates and owns that ServiceAccount\)/,
    ],
    [
      "a bad identity name",
      (f) => f.tf("pools", { runnerIdentity: f.identity({ identityName: "a" }) }),
      /identityName = "a": allowed is a managed identity name/,
    ],
    [
      "an object in another namespace",
      (f) => f.tf("pools", { runnerIdentity: f.identity({ namespace: "infra" }) }),
      /\[pools\] runnerIdentity = <RunnerIdentity runner-identity>: allowed is a RunnerIdentity whose ServiceAccount is in the object's namespace flux-system/,
    ],
    [
      "an identity of another cluster",
      (f) => {
        const other = new FluxBootstrap(f.app, "other", { clusterName: "aks-other", repositoryUrl: REPO });
        const id = new RunnerIdentity(f.app, "other-id", {
          cluster: other,
          aksCluster: AKS,
          subscriptionId: SUBSCRIPTION,
          tenantId: TENANT,
        });
        f.tf("pools", { runnerIdentity: id });
      },
      /\[pools\] runnerIdentity = <RunnerIdentity other-id>: allowed is a RunnerIdentity of cluster aks-prod \(this one is of aks-other/,
    ],
    [
      "a stack in another subscription",
      (f) => {
        const stack = new InfrastructureStack(f.app, "elsewhere", { subscriptionId: OTHER_SUBSCRIPTION });
        f.tf("pools", { stack, runnerIdentity: f.identity() });
      },
      /\[pools\] runnerIdentity = <RunnerIdentity runner-identity>: allowed is an identity of the stack's subscription 11111111-1111-1111-1111-111111111111/,
    ],
    [
      "a stack with a pool on another cluster",
      (f) => {
        new GuardedNodePool(f.stack, "other", {
          cluster: NodePoolCluster.fromClusterName("aks-other", "rg-aks"),
          name: "other",
          vmSize: "Standard_D4s_v5",
          minCount: 3,
          maxCount: 5,
        });
        f.tf("pools", { runnerIdentity: f.identity() });
      },
      /allowed is an identity whose role covers the cluster of every pool in infrastructure\/node-pools \(node-pools\/other is on another cluster than rg-aks\/aks-prod\)/,
    ],
    [
      "serviceAccountName beside a runner identity",
      (f) => f.tf("pools", { runnerIdentity: f.identity(), serviceAccountName: "mine" }),
      /\[pools\] serviceAccountName = "mine": allowed is unset with a runnerIdentity/,
    ],
    [
      "ARM_CLIENT_ID in runnerPod.env too",
      (f) => f.tf("pools", { runnerIdentity: f.identity(), runnerPod: { env: [{ name: "ARM_CLIENT_ID", value: CLIENT_ID }] } }),
      /\[pools\] runnerPod\.env\[0\]\.name = "ARM_CLIENT_ID": allowed is a name the runnerIdentity does not set/,
    ],
    [
      "ARM_USE_MSI beside a workload identity",
      (f) => f.tf("pools", { runnerIdentity: f.identity(), runnerPod: { env: [{ name: "ARM_USE_MSI", value: "true" }] } }),
      /runnerPod\.env\[0\]\.name = "ARM_USE_MSI": allowed is a name the runnerIdentity does not set/,
    ],
    [
      "the workload identity label switched off",
      (f) => f.tf("pools", { runnerIdentity: f.identity(), runnerPod: { labels: { "azure.workload.identity/use": "false" } } }),
      /runnerPod\.labels\["azure\.workload\.identity\/use"\] = "false": allowed is unset or "true"/,
    ],
    [
      "not an identity",
      (f) => f.tf("pools", { runnerIdentity: {} as never }),
      /\[pools\] runnerIdentity = \{\}: allowed is a RunnerIdentity, or RunnerIdentity\.kubeletIdentity/,
    ],
    [
      "two identities with one ServiceAccount",
      (f) => {
        f.identity();
        new RunnerIdentity(f.app, "again", {
          cluster: f.flux,
          aksCluster: AKS,
          subscriptionId: SUBSCRIPTION,
          tenantId: TENANT,
          identityName: "again-runner",
        });
      },
      /\[again\] serviceAccountName = "tf-runner-azure": allowed is a ServiceAccount no other RunnerIdentity of aks-prod\/flux-system uses \(runner-identity has it\)/,
    ],
    [
      "ServiceAccounts of one name in two namespaces (one file in terraform/)",
      (f) => {
        f.tf("pools", { runnerIdentity: f.identity() });
        const infra = new GitRepositorySource(f.flux, "infra-src", { cluster: f.flux, ref: GitRef.branch("main"), namespace: "infra" });
        const other = new RunnerIdentity(f.app, "infra-id", {
          cluster: f.flux,
          aksCluster: AKS,
          subscriptionId: SUBSCRIPTION,
          tenantId: TENANT,
          identityName: "infra-runner",
          namespace: "infra",
        });
        f.tf("infra-pools", { source: infra, runnerIdentity: other });
      },
      /\[infra-id\] serviceAccountName = "tf-runner-azure": allowed is a name no other file of clusters\/aks-prod\/terraform uses \(runner-identity writes tf-runner-azure\.serviceaccount\.yaml too\)/,
    ],
  ])("%s: one problem, naming it", (_name, build, expected) => {
    const f = fixture();
    build(f);
    expect(validateTree(f.app)).toEqual([expect.stringMatching(expected)]);
  });
});

describe("the kubelet identity: only as an explicit opt-in, with a warning about the blast radius", () => {
  test("RunnerIdentity.kubeletIdentity: ARM_USE_MSI and the kubelet client id, the chart's ServiceAccount, a synth warning", () => {
    const lines: string[] = [];
    const f = fixture({ log: (l) => lines.push(l) });
    f.tf("pools", { runnerIdentity: RunnerIdentity.kubeletIdentity({ clientId: CLIENT_ID }) });
    const cr = render(f.app).get("clusters/aks-prod/terraform/pools.yaml")[0];
    expect(cr.spec.serviceAccountName).toBe("tf-runner");
    expect(cr.spec.runnerPodTemplate.spec.env).toEqual([
      { name: "ARM_USE_MSI", value: "true" },
      { name: "ARM_CLIENT_ID", value: CLIENT_ID },
      { name: "ARM_SUBSCRIPTION_ID", value: SUBSCRIPTION },
    ]);
    expect(f.flux.bootstrapStack).toBeUndefined(); // nothing created in Azure
    synthLog(f.app, lines);
    const [warning] = f.app.report!.warnings;
    expect(warning).toMatch(
      /^\[pools\] Terraform object flux-system\/pools authenticates with the nodes' kubelet identity \(ARM_USE_MSI, explicit opt-in\)/,
    );
    expect(warning).toMatch(/every pod on every node the runner can land on can get a token for it from IMDS/);
    expect(warning).toMatch(/agentPools write and delete/);
    expect(lines).toContain(`gitops: warning: ${warning}`);
  });

  test("the policy rule GitOps-TF2 reports the opt-in", () => {
    const f = fixture();
    f.tf("pools", { runnerIdentity: RunnerIdentity.kubeletIdentity({ clientId: CLIENT_ID }) });
    PolicyPack.applyTo(f.app, new GitOpsChecks());
    const { annotations } = synthGitOps(f.app, { allowErrorAnnotations: true });
    expect(annotations.filter((a) => a.message.includes("GitOps-TF2")).length).toBe(1);
  });

  test("ARM_USE_MSI set by hand in runnerPod.env also gets the warning; a workload identity gets none", () => {
    const f = fixture();
    const manual = f.tf("manual", { secretSuffix: "manual", runnerPod: { env: [{ name: "ARM_USE_MSI", value: "true" }] } });
    const off = f.tf("off", { secretSuffix: "off", runnerPod: { env: [{ name: "ARM_USE_MSI", value: "false" }] } });
    const wi = f.tf("wi", { secretSuffix: "wi", runnerIdentity: f.identity() });
    const warnings = (c: TerraformControllerCR): string[] =>
      c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
    expect(warnings(manual)).toEqual([expect.stringMatching(/sets ARM_USE_MSI in its runner env.*RunnerIdentity\.kubeletIdentity/)]);
    expect(warnings(off)).toEqual([]);
    expect(warnings(wi)).toEqual([]);
  });

  test("a kubelet client id that is not a GUID is refused", () => {
    const f = fixture();
    f.tf("pools", { runnerIdentity: RunnerIdentity.kubeletIdentity({ clientId: "kubelet" }) });
    expect(validateTree(f.app).join("\n")).toMatch(
      /\[pools\] runnerIdentity \(kubelet identity\) clientId = "kubelet": allowed is the client id GUID of the kubelet identity/,
    );
  });
});
