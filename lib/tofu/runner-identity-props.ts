import type { NodePoolCluster } from "../azure/node-pool-cluster";
import type { RunnerRole } from "./runner-role";
import type { RunnerRoleActionsProps } from "./runner-role-actions";
import type { ITerraformCluster } from "./terraform-cluster";

/**
 * Props of a RunnerIdentity: the workload identity of a cluster's tofu-controller runners. `additionalActions` extend
 * the cluster's own role; with a fleet role they are declared on the FleetRunnerRole instead.
 */
export interface RunnerIdentityProps extends RunnerRoleActionsProps {
  /**
   * The cluster whose tofu-controller starts the runner pods: the ServiceAccount goes to its `terraform/` folder, the
   * Azure side to its `bootstrap/<cluster>/main.tf.json`.
   */
  readonly cluster: ITerraformCluster;
  /**
   * The AKS cluster the runners run on and whose node pools they manage: its OIDC issuer is trusted by the federated
   * credential, and the role is assigned on it (and on nothing else).
   * @default - in AKS extension mode, the cluster of `aksExtension`; required in flux CLI mode
   */
  readonly aksCluster?: NodePoolCluster;
  /**
   * Subscription of the AKS cluster (provider of the bootstrap stack, ARM_SUBSCRIPTION_ID of the runners).
   * @default - in AKS extension mode `aksExtension.subscriptionId`; the subscription of `aksCluster` when it is a
   * resource id or a cluster resource of an InfrastructureStack; required otherwise
   */
  readonly subscriptionId?: string;
  /** Entra tenant of the identity, written as ARM_TENANT_ID (e.g. from the `tenantId` context entry). */
  readonly tenantId: string;
  /**
   * Name of the user-assigned managed identity (3 to 128 letters, digits, '-' and '_'). Also the key of its client id
   * in the `runnerClientIds` context entry.
   * @default `<clusterName>-tf-runner`
   */
  readonly identityName?: string;
  /**
   * Resource group of the identity.
   * @default - the AKS cluster's resource group
   */
  readonly resourceGroupName?: string;
  /**
   * Azure region of the identity.
   * @default - the AKS cluster's region
   */
  readonly location?: string;
  /**
   * Namespace of the ServiceAccount; only Terraform objects of this namespace can use the identity.
   * @default - the cluster's Flux namespace
   */
  readonly namespace?: string;
  /**
   * The runner ServiceAccount (bound to tofu-controller's `tf-runner-role` in its namespace). Not `tf-runner`: the
   * chart owns that one.
   * @default "tf-runner-azure"
   */
  readonly serviceAccountName?: string;
  /**
   * Client id of the identity, known once the bootstrap stack is applied (its output `client_id_<identity>`). Until it
   * is set, the Terraform objects that use the identity are written suspended, and the synth says what to do.
   * @default - the `runnerClientIds` context entry for `identityName`
   */
  readonly clientId?: string;
  /**
   * The custom role assigned on the cluster: one of the cluster's own, assignable on the cluster only, or the
   * subscription's fleet role (`RunnerRole.fleet(fleetRole)`, for fleets near Azure's 5,000 custom roles per tenant).
   * @default RunnerRole.perCluster()
   */
  readonly role?: RunnerRole;
  /**
   * Grant the runner `subnets/join/action` (and read of subnet and VNet) on the VNet of every BYO subnet
   * (`vnetSubnetId`, `podSubnetId`) of the pools in the stacks it runs. `false`: you grant it yourself (e.g. for a
   * subnet in another subscription, or one whose id is only known at apply).
   * @default true
   */
  readonly grantSubnetJoin?: boolean;
}
