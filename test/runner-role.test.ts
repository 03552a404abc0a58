/**
 * The runner's custom roles (#18): actions added to the cluster's role (wildcards and self-widening rights refused),
 * the subnet join of BYO-subnet pools granted automatically on their VNets, and the fleet role (one per subscription,
 * assigned per cluster), including the switch from per-cluster to fleet against a committed tree.
 */
import * as fs from "fs";
import * as path from "path";
import { Lazy } from "cdktf";
import {
  ApprovalMode,
  FleetRunnerRole,
  FleetRunnerRoleProps,
  FluxBootstrap,
  GitOpsApp,
  GitOpsSynthError,
  GuardedNodePool,
  GuardedNodePoolProps,
  InfrastructureStack,
  NODE_POOL_MANAGER_ACTIONS,
  NodePoolCluster,
  RunnerIdentity,
  RunnerIdentityProps,
  RunnerRole,
  SUBNET_JOIN_ACTIONS,
  TerraformControllerCR,
} from "../lib";
import { validateTree } from "../lib/synth/validate-tree";
import { cleanupTempDirs, git, newApp, OTHER_SUBSCRIPTION, SUBSCRIPTION, thrownBy, workspace } from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";
const TENANT = "22222222-2222-2222-2222-222222222222";
const CLIENT_ID = "33333333-3333-3333-3333-333333333333";
const NET_RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks`;
const VNET_A = `${NET_RG}/vnet-a`;
const VNET_B = `${NET_RG}/vnet-b`;
const clusterId = (name: string, sub = SUBSCRIPTION): string =>
  `/subscriptions/${sub}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/${name}`;

/** One cluster: its FluxBootstrap, a stack with a pool on it, a RunnerIdentity and a Terraform object using it. */
interface Cluster {
  readonly flux: FluxBootstrap;
  readonly stack: InfrastructureStack;
  readonly identity: RunnerIdentity;
}

function cluster(
  app: GitOpsApp,
  name: string,
  opts: { identity?: Partial<RunnerIdentityProps>; pool?: Partial<GuardedNodePoolProps>; sub?: string; poolAfterObject?: boolean } = {},
): Cluster {
  const sub = opts.sub ?? SUBSCRIPTION;
  const aks = NodePoolCluster.fromClusterId(clusterId(name, sub));
  const stack = new InfrastructureStack(app, `${name}-pools`, { subscriptionId: sub });
  const flux = new FluxBootstrap(app, `${name}-flux`, { clusterName: name, repositoryUrl: REPO });
  const addPool = (): GuardedNodePool =>
    new GuardedNodePool(stack, "user", { cluster: aks, name: "user", vmSize: "Standard_D4s_v5", minCount: 3, maxCount: 5, ...opts.pool });
  if (!opts.poolAfterObject) addPool();
  const identity = new RunnerIdentity(app, `${name}-runner`, {
    cluster: flux,
    aksCluster: aks,
    tenantId: TENANT,
    clientId: CLIENT_ID,
    ...opts.identity,
  });
  new TerraformControllerCR(app, `${name}-tf`, { cluster: flux, stack, approval: ApprovalMode.AUTO, runnerIdentity: identity });
  if (opts.poolAfterObject) addPool();
  return { flux, stack, identity };
}

/** path → parsed content of every generated file (validation must pass first). */
function render(app: GitOpsApp): Map<string, Parsed> {
  expect(validateTree(app)).toEqual([]);
  return new Map(
    app.renderGitOpsFiles().map((f) => [f.path, JSON.parse(JSON.stringify(f.file.content.format === "json" ? f.file.content.value : {}))]),
  );
}

const resources = (tf: Parsed, type: string): Parsed[] => Object.values(tf?.resource?.[type] ?? {});

describe("additional actions", () => {
  test("are added after NODE_POOL_MANAGER_ACTIONS, which stay; a repeated base action (any case) is written once", () => {
    const app = newApp(workspace());
    cluster(app, "aks-a", {
      identity: {
        additionalActions: [
          "Microsoft.Compute/diskEncryptionSets/read",
          "microsoft.containerservice/managedclusters/read",
          "Microsoft.Compute/diskEncryptionSets/read",
        ],
      },
    });
    const [role] = resources(render(app).get("bootstrap/aks-a/main.tf.json"), "azurerm_role_definition");
    expect(role.permissions).toEqual([
      { actions: [...NODE_POOL_MANAGER_ACTIONS, "Microsoft.Compute/diskEncryptionSets/read"], not_actions: [] },
    ]);
  });

  test("a wildcard is written only when acknowledged exactly; a self-widening right never, acknowledged or not", () => {
    const accepted = newApp(workspace());
    cluster(accepted, "aks-a", {
      identity: { additionalActions: ["Microsoft.Compute/disks/*"], acknowledgedWildcardActions: ["Microsoft.Compute/disks/*"] },
    });
    const [role] = resources(render(accepted).get("bootstrap/aks-a/main.tf.json"), "azurerm_role_definition");
    expect(role.permissions[0].actions).toContain("Microsoft.Compute/disks/*");

    for (const action of ["*", "Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/*", "*/write"]) {
      const app = newApp(workspace());
      cluster(app, "aks-a", {
        identity: { additionalActions: [action], acknowledgedWildcardActions: action.includes("*") ? [action] : undefined },
      });
      const problems = validateTree(app);
      expect(problems).toEqual([
        expect.stringContaining(`additionalActions[0] = ${JSON.stringify(action)}: allowed is an action that cannot widen`),
      ]);
    }
    // Reads are no escalation, not even of Microsoft.Authorization.
    const reads = newApp(workspace());
    cluster(reads, "aks-a", { identity: { additionalActions: ["Microsoft.Authorization/roleAssignments/read"] } });
    expect(validateTree(reads)).toEqual([]);
  });
});

describe("subnet join for BYO-subnet pools", () => {
  test("a join-only role of the cluster's own, assignable in the subscription, assigned once on each distinct VNet", () => {
    const app = newApp(workspace());
    const c = cluster(app, "aks-a", {
      pool: { vnetSubnetId: `${VNET_B}/subnets/nodes`, podSubnetId: `${VNET_B}/subnets/pods` },
    });
    // A second stack of the same identity: a pool in another VNet, and one in that VNet again (its names in other
    // case; Azure resource names are case-insensitive) that adds no assignment.
    const more = new InfrastructureStack(app, "aks-a-more", { subscriptionId: SUBSCRIPTION });
    const poolIn = (id: string, subnet: string): GuardedNodePool =>
      new GuardedNodePool(more, id, {
        ...{ cluster: NodePoolCluster.fromClusterId(clusterId("aks-a")), name: id, vmSize: "Standard_D4s_v5", minCount: 3, maxCount: 5 },
        vnetSubnetId: subnet,
      });
    poolIn("batch", `${VNET_A}/subnets/batch`);
    poolIn("batch2", `${VNET_A.replace("rg-network", "RG-NETWORK").replace("vnet-a", "VNET-A")}/subnets/batch2`);
    new TerraformControllerCR(app, "aks-a-more-tf", {
      cluster: c.flux,
      stack: more,
      approval: ApprovalMode.AUTO,
      runnerIdentity: c.identity,
    });
    const tf = render(app).get("bootstrap/aks-a/main.tf.json");
    const roles = Object.entries(tf.resource.azurerm_role_definition) as [string, Parsed][];
    expect(roles).toHaveLength(2);
    const [joinAddress, join] = roles.find(([, r]) => r.name.startsWith("aks-subnet-join-aks-a-"))!;
    expect(join).toMatchObject({
      scope: `/subscriptions/${SUBSCRIPTION}`,
      assignable_scopes: [`/subscriptions/${SUBSCRIPTION}`],
      permissions: [{ actions: [...SUBNET_JOIN_ACTIONS], not_actions: [] }],
    });
    const assignments = resources(tf, "azurerm_role_assignment").filter(
      (a) => a.scope !== `\${data.azurerm_kubernetes_cluster.${Object.keys(tf.data.azurerm_kubernetes_cluster)[0]}.id}`,
    );
    expect(assignments.map((a) => a.scope)).toEqual([VNET_A, VNET_B]);
    for (const a of assignments) {
      expect(a.role_definition_id).toBe(`\${azurerm_role_definition.${joinAddress}.role_definition_resource_id}`);
      expect(a.principal_id).toMatch(/^\$\{azurerm_user_assigned_identity\.[^.]+\.principal_id\}$/);
    }
    // The node-pool role is unchanged by the subnets.
    const [, nodePoolRole] = roles.find(([, r]) => r.name.startsWith("aks-node-pools-"))!;
    expect(nodePoolRole.permissions[0].actions).toEqual([...NODE_POOL_MANAGER_ACTIONS]);
  });

  test("a pool declared after the Terraform object counts too (the grant is completed at synth)", () => {
    const app = newApp(workspace());
    cluster(app, "aks-a", { pool: { vnetSubnetId: `${VNET_A}/subnets/nodes` }, poolAfterObject: true });
    const tf = render(app).get("bootstrap/aks-a/main.tf.json");
    expect(resources(tf, "azurerm_role_assignment").map((a) => a.scope)).toContain(VNET_A);
  });

  test("a real synth writes the grant into bootstrap/ and into cdktf's own output alike", () => {
    const ws = workspace();
    const app = newApp(ws);
    cluster(app, "aks-a", { pool: { vnetSubnetId: `${VNET_A}/subnets/nodes` } });
    app.synth();
    const written = JSON.parse(fs.readFileSync(path.join(ws.repo, "bootstrap/aks-a/main.tf.json"), "utf8")) as Parsed;
    const cdktfOut = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks", "aks-a-flux-bootstrap", "cdk.tf.json"), "utf8")) as Parsed;
    for (const tf of [written, cdktfOut]) {
      expect(resources(tf, "azurerm_role_assignment").map((a) => a.scope)).toContain(VNET_A);
      expect(resources(tf, "azurerm_role_definition")).toHaveLength(2);
    }
  });

  test("without BYO subnets, or with grantSubnetJoin: false, nothing is added", () => {
    for (const opts of [{}, { pool: { vnetSubnetId: `${VNET_A}/subnets/nodes` }, identity: { grantSubnetJoin: false } }]) {
      const app = newApp(workspace());
      cluster(app, "aks-a", opts);
      const tf = render(app).get("bootstrap/aks-a/main.tf.json");
      expect(resources(tf, "azurerm_role_definition")).toHaveLength(1);
      expect(resources(tf, "azurerm_role_assignment")).toHaveLength(1);
    }
  });

  test("a token subnet id, or a subnet of another subscription, is refused unless grantSubnetJoin: false", () => {
    const token = Lazy.stringValue({ produce: () => `${VNET_A}/subnets/nodes` });
    const other = `/subscriptions/${OTHER_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/nodes`;
    for (const vnetSubnetId of [token, other]) {
      const refused = newApp(workspace());
      cluster(refused, "aks-a", { pool: { vnetSubnetId } });
      expect(validateTree(refused).filter((p) => p.includes("runnerIdentity ="))).toEqual([
        expect.stringMatching(
          /allowed is an identity that can be granted join on every BYO subnet of infrastructure\/aks-a-pools .*grantSubnetJoin: false/,
        ),
      ]);
      const ownGrant = newApp(workspace());
      cluster(ownGrant, "aks-a", { pool: { vnetSubnetId }, identity: { grantSubnetJoin: false } });
      expect(validateTree(ownGrant).filter((p) => p.includes("runnerIdentity ="))).toEqual([]);
    }
  });
});

describe("the fleet role", () => {
  function fleetApp(
    props: Partial<FleetRunnerRoleProps> = {},
    b: Parameters<typeof cluster>[2] = {},
  ): { app: GitOpsApp; fleet: FleetRunnerRole; files: () => Map<string, Parsed> } {
    const app = newApp(workspace());
    const a = new FluxBootstrap(app, "platform-flux", { clusterName: "platform", repositoryUrl: REPO });
    const fleet = new FleetRunnerRole(app, "fleet-role", { owner: a, subscriptionId: SUBSCRIPTION, ...props });
    const role = RunnerRole.fleet(fleet);
    cluster(app, "aks-a", { identity: { role } });
    cluster(app, "aks-b", { ...b, identity: { role, ...b.identity } });
    return { app, fleet, files: () => render(app) };
  }

  test("defined once in the owner's bootstrap stack, assignable at the subscription; each cluster assigns it on itself", () => {
    const { fleet, files } = fleetApp();
    const f = files();
    const owner = f.get("bootstrap/platform/main.tf.json");
    const defs = resources(owner, "azurerm_role_definition");
    expect(defs.map((d) => d.name)).toEqual([fleet.roleName, `${fleet.roleName}-subnet-join`]);
    expect(fleet.roleName).toMatch(/^aks-node-pools-fleet-[0-9a-f]{8}$/);
    for (const d of defs) {
      expect(d.scope).toBe(`/subscriptions/${SUBSCRIPTION}`);
      expect(d.assignable_scopes).toEqual([`/subscriptions/${SUBSCRIPTION}`]);
      expect(d.role_definition_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(fleet.roleDefinitionResourceId).toBe(
      `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${defs[0].role_definition_id}`,
    );
    expect(defs[0].permissions).toEqual([{ actions: [...NODE_POOL_MANAGER_ACTIONS], not_actions: [] }]);
    for (const name of ["aks-a", "aks-b"]) {
      const tf = f.get(`bootstrap/${name}/main.tf.json`);
      expect(resources(tf, "azurerm_role_definition")).toEqual([]);
      const [assignment] = resources(tf, "azurerm_role_assignment");
      expect(assignment.role_definition_id).toBe(fleet.roleDefinitionResourceId);
      expect(assignment.scope).toMatch(/^\$\{data\.azurerm_kubernetes_cluster\.[^.]+\.id\}$/);
    }
  });

  test("the next step of a member cluster says to apply the owner's bootstrap stack first", () => {
    const lines: string[] = [];
    const app = newApp(workspace(), { log: (l) => lines.push(l) });
    const owner = new FluxBootstrap(app, "platform-flux", { clusterName: "platform", repositoryUrl: REPO });
    const fleet = new FleetRunnerRole(app, "fleet-role", { owner, subscriptionId: SUBSCRIPTION });
    cluster(app, "aks-a", { identity: { role: RunnerRole.fleet(fleet), clientId: undefined } });
    app.synth();
    expect(lines.filter((l) => l.startsWith("gitops: next step for aks-a"))).toEqual([
      expect.stringContaining(
        "commit and push, after bootstrap/platform (it defines the fleet runner role), apply bootstrap/aks-a once with rights",
      ),
    ]);
  });

  test("the definition GUID is stable across apps and follows subscription and name", () => {
    const one = fleetApp().fleet;
    const two = fleetApp().fleet;
    expect(two.roleDefinitionResourceId).toBe(one.roleDefinitionResourceId);
    expect(fleetApp({ roleName: "aks-runners" }).fleet.roleDefinitionResourceId).not.toBe(one.roleDefinitionResourceId);
  });

  test("an identity of the owner cluster depends on the definitions in its own stack", () => {
    const app = newApp(workspace());
    const flux = new FluxBootstrap(app, "aks-a-flux-owner", { clusterName: "aks-o", repositoryUrl: REPO });
    const fleet = new FleetRunnerRole(app, "fleet-role", { owner: flux, subscriptionId: SUBSCRIPTION });
    const aks = NodePoolCluster.fromClusterId(clusterId("aks-o"));
    const stack = new InfrastructureStack(app, "o-pools", { subscriptionId: SUBSCRIPTION });
    new GuardedNodePool(stack, "user", {
      cluster: aks,
      name: "user",
      vmSize: "Standard_D4s_v5",
      minCount: 3,
      maxCount: 5,
      vnetSubnetId: `${VNET_A}/subnets/n`,
    });
    const identity = new RunnerIdentity(app, "o-runner", {
      cluster: flux,
      aksCluster: aks,
      tenantId: TENANT,
      clientId: CLIENT_ID,
      role: RunnerRole.fleet(fleet),
    });
    new TerraformControllerCR(app, "o-tf", { cluster: flux, stack, approval: ApprovalMode.AUTO, runnerIdentity: identity });
    const tf = render(app).get("bootstrap/aks-o/main.tf.json");
    const defAddresses = Object.keys(tf.resource.azurerm_role_definition).map((a) => `azurerm_role_definition.${a}`);
    const assignments = resources(tf, "azurerm_role_assignment");
    expect(assignments.map((a) => a.role_definition_id)).toEqual([
      fleet.roleDefinitionResourceId,
      fleet.subnetJoinRoleDefinitionResourceId,
    ]);
    for (const a of assignments) expect(a.depends_on).toEqual(defAddresses);
  });

  test("BYO subnets of a member cluster are joined with the fleet's join role", () => {
    const { fleet, files } = fleetApp({}, { pool: { vnetSubnetId: `${VNET_A}/subnets/nodes` } });
    const tf = files().get("bootstrap/aks-b/main.tf.json");
    expect(resources(tf, "azurerm_role_definition")).toEqual([]);
    const join = resources(tf, "azurerm_role_assignment").find((a) => a.scope === VNET_A);
    expect(join?.role_definition_id).toBe(fleet.subnetJoinRoleDefinitionResourceId);
    expect(join?.depends_on).toBeUndefined();
  });

  test("refused: a cluster of another subscription, actions on the identity, a second fleet role of the subscription", () => {
    const other = fleetApp({}, { sub: OTHER_SUBSCRIPTION });
    expect(validateTree(other.app)).toContainEqual(
      expect.stringMatching(
        /^\[aks-b-runner\] role = <RunnerRole\.fleet\(fleet-role\)>: allowed is a fleet role of the cluster's subscription 1{8}-/,
      ),
    );
    const actions = fleetApp({}, { identity: { additionalActions: ["Microsoft.Compute/disks/read"] } });
    expect(validateTree(actions.app)).toEqual([expect.stringMatching(/^\[aks-b-runner\] additionalActions = .*declared on fleet-role/)]);
    const two = fleetApp();
    new FleetRunnerRole(two.app, "fleet-role-2", {
      owner: two.fleet.node.scope!.node.findChild("platform-flux") as FluxBootstrap,
      roleName: "x",
    });
    expect(validateTree(two.app)).toEqual([expect.stringMatching(/^\[fleet-role-2\] subscriptionId = .*one fleet role per subscription/)]);
  });

  test("the fleet role's additional actions are declared on it and hold for every member", () => {
    const { fleet, files } = fleetApp({ additionalActions: ["Microsoft.Compute/diskEncryptionSets/read"] });
    const [def] = resources(files().get("bootstrap/platform/main.tf.json"), "azurerm_role_definition");
    expect(def.permissions[0].actions).toEqual([...NODE_POOL_MANAGER_ACTIONS, "Microsoft.Compute/diskEncryptionSets/read"]);
    expect(fleet.actions).toEqual(def.permissions[0].actions);
  });
});

describe("switching a cluster from its own role to the fleet role", () => {
  test("adding an action or a BYO subnet needs no acknowledgement: the definition is updated in place, grants are created", () => {
    const ws = workspace();
    const build = (more: boolean): void => {
      const app = newApp(ws);
      cluster(
        app,
        "aks-a",
        more ? { identity: { additionalActions: ["Microsoft.Compute/disks/read"] }, pool: { vnetSubnetId: `${VNET_A}/subnets/n` } } : {},
      );
      app.synth();
    };
    build(false);
    git(ws.repo, "init", "-q");
    git(ws.repo, "add", "-A");
    git(ws.repo, "commit", "-q", "-m", "base");
    expect(() => build(true)).not.toThrow();
  });

  test("state safety asks for exactly the assignment's replacement; acknowledged, its own role goes and the fleet's is used", () => {
    const ws = workspace();
    const build = (fleet: boolean, acknowledgedChanges: string[] = []): GitOpsApp => {
      const app = newApp(ws, { acknowledgedChanges });
      const owner = new FluxBootstrap(app, "platform-flux", { clusterName: "platform", repositoryUrl: REPO });
      const role = fleet ? RunnerRole.fleet(new FleetRunnerRole(app, "fleet-role", { owner, subscriptionId: SUBSCRIPTION })) : undefined;
      cluster(app, "aks-a", { identity: { role } });
      return app;
    };
    build(false).synth();
    git(ws.repo, "init", "-q");
    git(ws.repo, "add", "-A");
    git(ws.repo, "commit", "-q", "-m", "per-cluster");
    const refusal = thrownBy(() => build(true).synth()) as GitOpsSynthError;
    // One problem: the assignment (role_definition_id is ForceNew); the role definition has no guard, its destroy is no refusal.
    expect(refusal.problems).toEqual([
      expect.stringMatching(
        /^\[aks-a-flux\/aks-a-flux-bootstrap\] azurerm_role_assignment\.\S+_node-pool-role-assignment_\w+ in bootstrap\/aks-a would be replaced .*role_definition_id/,
      ),
    ]);
    const ack = /acknowledgedChanges: \["([^"]+)"\]/.exec(refusal.problems[0])![1];
    expect(ack).toMatch(/^replace:bootstrap\/aks-a\/azurerm_role_assignment\./);
    build(true, [ack]).synth();
    const read = (folder: string): Parsed => JSON.parse(fs.readFileSync(path.join(ws.repo, folder, "main.tf.json"), "utf8")) as Parsed;
    expect(read("bootstrap/aks-a").resource.azurerm_role_definition).toBeUndefined();
    expect(Object.keys(read("bootstrap/platform").resource.azurerm_role_definition)).toHaveLength(2);
  });
});
