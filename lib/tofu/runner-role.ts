import { createHash } from "crypto";
import { Construct, IConstruct } from "constructs";
import { RoleDefinition } from "../azure/provider/role-definition";
import { RepoTerraformStack } from "../azure/repo-terraform-stack";
import { GUID } from "../core/patterns";
import { appOf, Registry } from "../core/registry";
import { terraformLiteral } from "../core/terraform-literal";
import { addPropValidation, PropChecks } from "../core/validation";
import {
  checkRoleActions,
  NODE_POOL_MANAGER_ACTIONS,
  roleActions,
  RunnerRoleActionsProps,
  SUBNET_JOIN_ACTIONS,
} from "./runner-role-actions";
import { isTerraformCluster, ITerraformCluster } from "./terraform-cluster";

/** A custom role for the runners of every cluster of one subscription (`FleetRunnerRole`). */
export interface IFleetRunnerRole extends IConstruct {
  /** The subscription the role is assignable in (its only assignable scope). */
  readonly subscriptionId: string;
  /** The role's name in Entra ID (unique per tenant). */
  readonly roleName: string;
  /** `/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid>`: a literal, known at synth. */
  readonly roleDefinitionResourceId: string;
  /** The same for its subnet-join role (assigned on the VNets of BYO-subnet pools only). */
  readonly subnetJoinRoleDefinitionResourceId: string;
  /** NODE_POOL_MANAGER_ACTIONS and the role's additional actions. */
  readonly actions: readonly string[];
  /** @internal The bootstrap stack that holds the definitions. */
  readonly _stack: RepoTerraformStack | undefined;
  /** @internal The definitions (for a dependency when an assignment is in the same stack). */
  readonly _definitions: readonly RoleDefinition[];
}

/** Props of a FleetRunnerRole. */
export interface FleetRunnerRoleProps extends RunnerRoleActionsProps {
  /**
   * The cluster whose `bootstrap/<cluster>/main.tf.json` holds the role definitions: apply it before the bootstrap
   * stacks of the other clusters (their assignments need the role). Moving the role to another owner keeps its GUID:
   * move it between the two states (`state rm`, `import`) rather than destroying it (docs/runner-identity.md).
   */
  readonly owner: ITerraformCluster;
  /**
   * The subscription of the clusters whose runners use the role: its only assignable scope.
   * @default - the subscription of the owner's bootstrap stack
   */
  readonly subscriptionId?: string;
  /**
   * The role's name (unique in the tenant). Also part of the definition's GUID: changing it replaces the role.
   * @default `aks-node-pools-fleet-<8 hex of the subscription>`
   */
  readonly roleName?: string;
}

/** The fleet roles of each app and subscription (one per subscription). */
const FLEET_ROLES = new Registry<string, FleetRunnerRole>();
const ROLE_NAME = /^[A-Za-z0-9][-A-Za-z0-9_. ]{0,119}$/;

/**
 * One custom role for the runners of all clusters in one subscription, instead of one role per cluster: assignable at
 * the subscription only, defined once in the owner cluster's bootstrap stack, and assigned per cluster on the cluster
 * (`RunnerRole.fleet(role)` on each RunnerIdentity). Its definition GUID is derived from subscription and name, so
 * every cluster's assignment names it as a literal (no reference between bootstrap stacks) and it is stable across
 * synths. A second role with `Microsoft.Network/virtualNetworks/subnets/join/action` (and the subnet and VNet reads)
 * goes beside it, assigned only on the VNets of BYO-subnet pools.
 *
 * Why: Azure allows 5,000 custom roles per tenant, and a role per cluster whose assignable scope is that cluster is a
 * per-resource scope, which Microsoft advises against (docs/runner-identity.md).
 */
export class FleetRunnerRole extends Construct implements IFleetRunnerRole {
  readonly subscriptionId: string;
  readonly roleName: string;
  readonly roleDefinitionResourceId: string;
  readonly subnetJoinRoleDefinitionResourceId: string;
  readonly actions: readonly string[];
  /** The definitions (escape hatches), in the owner's bootstrap stack. */
  readonly roleDefinition: RoleDefinition;
  readonly subnetJoinRoleDefinition: RoleDefinition;
  /** @internal */
  readonly _stack: RepoTerraformStack | undefined;
  /** @internal */
  readonly _definitions: readonly RoleDefinition[];

  constructor(scope: Construct, id: string, given: FleetRunnerRoleProps) {
    super(scope, id);
    const props = given ?? ({} as FleetRunnerRoleProps);
    const owner: unknown = props.owner;
    this.subscriptionId = props.subscriptionId ?? (isTerraformCluster(owner) ? owner._bootstrapSubscriptionId : undefined) ?? "";
    const sub = String(this.subscriptionId).toLowerCase();
    this.roleName = props.roleName ?? `aks-node-pools-fleet-${createHash("sha256").update(sub).digest("hex").slice(0, 8)}`;
    this.actions = roleActions(NODE_POOL_MANAGER_ACTIONS, props);
    const roleGuid = stableGuid(`cdktf-aks-gitops/fleet-runner-role/${sub}/${this.roleName}`);
    const joinGuid = stableGuid(`cdktf-aks-gitops/fleet-runner-role/${sub}/${this.roleName}/subnet-join`);
    const scopeId = `/subscriptions/${this.subscriptionId}`;
    this.roleDefinitionResourceId = `${scopeId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
    this.subnetJoinRoleDefinitionResourceId = `${scopeId}/providers/Microsoft.Authorization/roleDefinitions/${joinGuid}`;
    addPropValidation(this, (c) => this.validate(c, props));
    if (!isTerraformCluster(owner)) {
      this._stack = undefined;
      this._definitions = [];
      this.roleDefinition = this.subnetJoinRoleDefinition = undefined as never;
      return;
    }
    FLEET_ROLES.add(appOf(this), sub, this);
    this._stack = owner._bootstrapStackFor(this.subscriptionId);
    const group = new Construct(this._stack, `fleet-runner-role-${id}`);
    this.roleDefinition = new RoleDefinition(group, "node-pool-role", {
      roleDefinitionId: roleGuid,
      name: terraformLiteral(this.roleName),
      description:
        `Manage the node pools of the AKS clusters of subscription ${this.subscriptionId}, where assigned (on a cluster), and ` +
        `nothing else (fleet runner role; generated by cdktf-aks-gitops).`,
      scope: scopeId,
      assignableScopes: [scopeId],
      permissions: [{ actions: [...this.actions], notActions: [] }],
    });
    this.subnetJoinRoleDefinition = new RoleDefinition(group, "subnet-join-role", {
      roleDefinitionId: joinGuid,
      name: terraformLiteral(`${this.roleName}-subnet-join`),
      description:
        `Join the subnets of a VNet, where assigned (on the VNet of a BYO-subnet node pool), and nothing else (fleet runner ` +
        `role; generated by cdktf-aks-gitops).`,
      scope: scopeId,
      assignableScopes: [scopeId],
      permissions: [{ actions: [...SUBNET_JOIN_ACTIONS], notActions: [] }],
    });
    this._definitions = [this.roleDefinition, this.subnetJoinRoleDefinition];
  }

  private validate(c: PropChecks, props: FleetRunnerRoleProps): void {
    if (!isTerraformCluster(props.owner)) {
      c.fail("owner", props.owner, "a FluxBootstrap (the cluster whose bootstrap stack holds the role)");
      return;
    }
    if (c.literal("subscriptionId", this.subscriptionId)) {
      c.check(
        GUID.test(this.subscriptionId),
        "subscriptionId",
        this.subscriptionId || undefined,
        "the subscription GUID of the fleet's clusters",
      );
    }
    const ownerSub = props.owner._bootstrapSubscriptionId;
    if (ownerSub !== undefined && GUID.test(this.subscriptionId) && ownerSub.toLowerCase() !== this.subscriptionId.toLowerCase()) {
      c.fail(
        "subscriptionId",
        this.subscriptionId,
        `the subscription of ${props.owner.bootstrapStack?.repoPath} (${ownerSub}): its provider creates the role (or name another owner)`,
      );
    }
    c.pattern(
      "roleName",
      props.roleName,
      ROLE_NAME,
      "a role name: 1 to 120 letters, digits, spaces, '-', '_' and '.', starting alphanumeric",
    );
    checkRoleActions(c, props);
    const first = FLEET_ROLES.first(appOf(this), String(this.subscriptionId).toLowerCase());
    if (first && first !== this) {
      c.fail(
        "subscriptionId",
        this.subscriptionId,
        `a subscription no other FleetRunnerRole covers (${first.node.path} does: one fleet role per subscription)`,
      );
    }
  }
}

/**
 * Which custom role a RunnerIdentity's assignment uses: its own, assignable on its cluster only (the default), or a
 * subscription's FleetRunnerRole. Either way the assignment is on the cluster.
 */
export class RunnerRole {
  /** A custom role of this cluster's own, assignable and assigned on the cluster (the default). */
  static perCluster(): RunnerRole {
    return new RunnerRole(undefined);
  }

  /** The subscription's fleet role, assigned on this cluster. */
  static fleet(role: IFleetRunnerRole): RunnerRole {
    return new RunnerRole(role);
  }

  private constructor(
    /** The fleet role, or undefined for a role per cluster. */
    readonly fleetRole: IFleetRunnerRole | undefined,
  ) {}

  /** How the role reads in a message. */
  toString(): string {
    return this.fleetRole ? `RunnerRole.fleet(${this.fleetRole.node.path})` : "RunnerRole.perCluster()";
  }
}

/** A GUID derived from `key` (RFC 4122 layout, version 5 nibble, from sha256): the same key gives the same GUID. */
export function stableGuid(key: string): string {
  const h = createHash("sha256").update(key).digest("hex");
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What a RunnerIdentity declares about its role. */
export interface RunnerRoleChoice extends RunnerRoleActionsProps {
  readonly role?: RunnerRole;
  readonly grantSubnetJoin?: boolean;
}

/**
 * Problems of a RunnerIdentity's role choice: its actions (own role), or none with a fleet role (those hold on every
 * cluster, so the fleet role declares them) and the fleet role of the cluster's subscription.
 */
export function checkRunnerRoleChoice(c: PropChecks, choice: RunnerRoleChoice, subscriptionId: string): void {
  const role: unknown = choice.role;
  const grant: unknown = choice.grantSubnetJoin;
  c.check(grant === undefined || typeof grant === "boolean", "grantSubnetJoin", grant, "true or false");
  if (role !== undefined && !(role instanceof RunnerRole)) {
    c.fail("role", role, "RunnerRole.perCluster() or RunnerRole.fleet(fleetRole)");
    return;
  }
  const fleet = role?.fleetRole;
  if (!fleet) return checkRoleActions(c, choice);
  if (choice.additionalActions !== undefined || choice.acknowledgedWildcardActions !== undefined) {
    c.fail(
      "additionalActions",
      choice.additionalActions ?? choice.acknowledgedWildcardActions,
      `none with a fleet role: its actions hold on every cluster that uses it, so they are declared on ${fleet.node.path} ` +
        `(FleetRunnerRole additionalActions)`,
    );
  }
  if (GUID.test(subscriptionId) && GUID.test(fleet.subscriptionId) && fleet.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) {
    c.fail(
      "role",
      `<${String(role)}>`,
      `a fleet role of the cluster's subscription ${subscriptionId} (${fleet.node.path} is assignable in subscription ` +
        `${fleet.subscriptionId} only, and Azure refuses an assignment outside a role's assignable scopes)`,
    );
  }
}
