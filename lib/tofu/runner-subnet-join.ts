import { createHash } from "crypto";
import { Construct } from "constructs";
import { GuardedNodePool } from "../azure/guarded-node-pool";
import { InfrastructureStack } from "../azure/infrastructure-stack";
import { RoleAssignment } from "../azure/provider/role-assignment";
import { RoleDefinition } from "../azure/provider/role-definition";
import { UserAssignedIdentity } from "../azure/provider/user-assigned-identity";
import { TerraformStack, Token } from "../core/framework";
import { GUID } from "../core/patterns";
import { PropChecks } from "../core/validation";
import type { IFleetRunnerRole } from "./runner-role";
import { SUBNET_JOIN_ACTIONS } from "./runner-role-actions";

const SUBNET_ID =
  /^(\/subscriptions\/([^/]+)\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\/[^/]+$/i;

/** The VNet id and subscription of a subnet resource id; undefined when it is not one (the pool's validation says so). */
export function vnetOf(subnetId: string): { readonly vnetId: string; readonly subscriptionId: string } | undefined {
  const m = SUBNET_ID.exec(subnetId);
  return m ? { vnetId: m[1], subscriptionId: m[2] } : undefined;
}

/** The pools of `stack` with BYO subnets. */
function poolsWithSubnets(stack: InfrastructureStack): GuardedNodePool[] {
  return stack.node.findAll().filter((p): p is GuardedNodePool => p instanceof GuardedNodePool && p.subnetIds.length > 0);
}

/**
 * The join right on every BYO subnet of the stack's pools can be granted from the bootstrap stack: the subnet id is
 * a literal (a reference into another stack cannot be written there) in the runner's subscription (the roles are
 * assignable there only; Azure refuses an assignment outside a role's assignable scopes).
 */
export function checkSubnetJoinable(
  c: PropChecks,
  me: string,
  identityPath: string,
  stack: InfrastructureStack,
  subscriptionId: string,
): void {
  const yourself =
    `, or set grantSubnetJoin: false on ${identityPath} and grant the runner Microsoft.Network/virtualNetworks/subnets/join/action ` +
    `with read of the subnet and its VNet yourself`;
  for (const pool of poolsWithSubnets(stack)) {
    for (const subnetId of pool.subnetIds) {
      if (Token.isUnresolved(subnetId)) {
        c.fail(
          "runnerIdentity",
          me,
          `an identity that can be granted join on every BYO subnet of ${stack.repoPath} (${pool.node.path} has a subnet id that is a ` +
            `token: the grant is written to the bootstrap stack, which cannot reference another stack's values): give the subnet ` +
            `resource id as a literal${yourself}`,
        );
        continue;
      }
      const vnet = vnetOf(subnetId);
      if (vnet && GUID.test(subscriptionId) && vnet.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) {
        c.fail(
          "runnerIdentity",
          me,
          `an identity that can be granted join on every BYO subnet of ${stack.repoPath} (${pool.node.path} uses a subnet of ` +
            `subscription ${vnet.subscriptionId}; the runner's roles are assignable in ${subscriptionId} only)${yourself}`,
        );
      }
    }
  }
}

/** The distinct VNets (sorted, case-insensitively distinct) of the BYO subnets of the stacks' pools, in the subscription. */
export function vnetsToJoin(stacks: Iterable<InfrastructureStack>, subscriptionId: string): string[] {
  const byKey = new Map<string, string>();
  for (const stack of new Set(stacks)) {
    for (const pool of poolsWithSubnets(stack)) {
      for (const subnetId of pool.subnetIds) {
        const vnet = Token.isUnresolved(subnetId) ? undefined : vnetOf(subnetId);
        if (!vnet || vnet.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) continue;
        if (!byKey.has(vnet.vnetId.toLowerCase())) byKey.set(vnet.vnetId.toLowerCase(), vnet.vnetId);
      }
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, id]) => id);
}

/** What the join grant of one identity needs. */
export interface SubnetJoinSpec {
  /** The stacks the identity's Terraform objects run. */
  readonly stacks: readonly unknown[];
  readonly identity: UserAssignedIdentity;
  readonly subscriptionId: string;
  /** The fleet role whose subnet-join role the assignments use; else a join role of the identity's own. */
  readonly fleet?: IFleetRunnerRole;
  /** What makes the identity's own join role name unique in the tenant. */
  readonly roleNameKey: string;
  readonly clusterName: string;
  readonly subject: string;
}

/**
 * The join right on each VNet of the stacks' BYO-subnet pools, in the identity's bootstrap group: with a role per
 * cluster a small role of its own (assignable in the subscription, so a new VNet adds an assignment and never edits
 * the definition), else the fleet's. Each assignment is on one VNet and grants exactly SUBNET_JOIN_ACTIONS there.
 */
export function grantSubnetJoin(group: Construct, spec: SubnetJoinSpec): void {
  const stacks = spec.stacks.filter((s): s is InfrastructureStack => s instanceof InfrastructureStack);
  const vnetIds = vnetsToJoin(stacks, spec.subscriptionId);
  if (vnetIds.length === 0) return;
  const fleet = spec.fleet;
  let roleId = fleet?.subnetJoinRoleDefinitionResourceId;
  if (roleId === undefined) {
    const hash = createHash("sha256").update(spec.roleNameKey.toLowerCase()).digest("hex").slice(0, 8);
    const scope = `/subscriptions/${spec.subscriptionId}`;
    roleId = new RoleDefinition(group, "subnet-join-role", {
      name: `aks-subnet-join-${spec.clusterName}-${hash}`,
      description:
        `Join the subnets of a VNet, where assigned (the VNets of the BYO-subnet node pools of AKS cluster ${spec.clusterName}), ` +
        `and nothing else (generated by cdktf-aks-gitops).`,
      scope,
      assignableScopes: [scope],
      permissions: [{ actions: [...SUBNET_JOIN_ACTIONS], notActions: [] }],
    }).roleDefinitionResourceId;
  }
  const sameStack = fleet?._stack !== undefined && fleet._stack === TerraformStack.of(group);
  for (const vnetId of vnetIds) {
    const key = createHash("sha256").update(vnetId.toLowerCase()).digest("hex").slice(0, 8);
    new RoleAssignment(group, `subnet-join-${key}`, {
      scope: vnetId,
      roleDefinitionId: roleId,
      principalId: spec.identity.principalId,
      principalType: "ServicePrincipal",
      skipServicePrincipalAadCheck: true,
      description: `Terraform runner ${spec.subject} on ${spec.clusterName}: join the subnets of this VNet for BYO-subnet node pools.`,
      dependsOn: sameStack ? [...(fleet?._definitions ?? [])] : undefined,
    });
  }
}
