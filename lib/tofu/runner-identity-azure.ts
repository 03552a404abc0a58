import { createHash } from "crypto";
import { Construct } from "constructs";
import { federatedCredentialIdentity } from "../azure/federated-credential-identity";
import { GuardedNodePool } from "../azure/guarded-node-pool";
import { InfrastructureStack } from "../azure/infrastructure-stack";
import { ClusterLocation } from "../azure/node-pool-cluster";
import { DataAzurermKubernetesCluster } from "../azure/provider/data-azurerm-kubernetes-cluster";
import { FederatedIdentityCredential } from "../azure/provider/federated-identity-credential";
import { RoleAssignment } from "../azure/provider/role-assignment";
import { RoleDefinition } from "../azure/provider/role-definition";
import { UserAssignedIdentity } from "../azure/provider/user-assigned-identity";
import { AZURERM_PROVIDER_VERSION } from "../azure/provider/version";
import { Token } from "../core/framework";
import { GUID } from "../core/patterns";
import { PropChecks } from "../core/validation";

/**
 * The only actions the runner's role grants, on one cluster: what `azurerm_kubernetes_cluster_node_pool` (create,
 * update, VM-size rotation, destroy) and the `azurerm_kubernetes_cluster` data source need in azurerm 4.55.
 * - `managedClusters/read`: the data source and the node pool's create GET the cluster.
 * - `agentPools/read|write|delete`: the pool itself; delete is needed for the temporary pool of a rotation.
 * - `availableAgentPoolVersions/read`: the provider checks `orchestrator_version` against it.
 *
 * Not granted on purpose: `listClusterUserCredential/action` and `listClusterAdminCredential/action`. The data source
 * calls them but accepts a 403 (it only fills `kube_config`), and they would hand the runner a kubeconfig.
 * `managedClusters/write` (what "Azure Kubernetes Service Contributor Role" has) would let it rewrite the cluster.
 */
export const NODE_POOL_MANAGER_ACTIONS: readonly string[] = [
  "Microsoft.ContainerService/managedClusters/read",
  "Microsoft.ContainerService/managedClusters/agentPools/read",
  "Microsoft.ContainerService/managedClusters/agentPools/write",
  "Microsoft.ContainerService/managedClusters/agentPools/delete",
  "Microsoft.ContainerService/managedClusters/availableAgentPoolVersions/read",
];

/** The audience of a federated credential for AKS workload identity. */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";
/** The Azure resources of a RunnerIdentity. */
export interface AzureSide {
  readonly identity: UserAssignedIdentity;
  readonly federatedCredential: FederatedIdentityCredential;
  readonly roleDefinition: RoleDefinition;
  readonly roleAssignment: RoleAssignment;
}

/** What a RunnerIdentity resolved, as its Azure side needs it. */
export interface RunnerAzureSpec {
  readonly location?: ClusterLocation;
  readonly subscriptionId: string;
  readonly identityName: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly subject: string;
  /** The resourceGroupName prop. */
  readonly resourceGroupName?: string;
  /** The location prop. */
  readonly azureLocation?: string;
  readonly clusterName?: string;
}

/** The Azure side, in the cluster's bootstrap stack: identity, federated credential, node-pool-only role and its assignment. */
export function createRunnerAzureSide(group: Construct, spec: RunnerAzureSpec): AzureSide {
  const cluster = new DataAzurermKubernetesCluster(group, "cluster", {
    name: spec.location?.name ?? "",
    resourceGroupName: spec.location?.resourceGroupName ?? "",
  });
  const resourceGroupName = spec.resourceGroupName ?? spec.location?.resourceGroupName ?? "";
  const identity = new UserAssignedIdentity(group, "identity", {
    name: spec.identityName,
    resourceGroupName,
    location: spec.azureLocation ?? cluster.location,
  });
  const federatedCredential = new FederatedIdentityCredential(group, "federated-credential", {
    name: `${spec.namespace}-${spec.serviceAccountName}`,
    ...federatedCredentialIdentity(AZURERM_PROVIDER_VERSION, identity.id, resourceGroupName),
    issuer: cluster.oidcIssuerUrl,
    subject: spec.subject,
    audience: [WORKLOAD_IDENTITY_AUDIENCE],
    lifecycle: {
      precondition: [
        {
          condition: cluster.oidcIssuerEnabled,
          errorMessage:
            `AKS cluster ${spec.location?.resourceGroupName}/${spec.location?.name} has no OIDC issuer: enable it and workload ` +
            `identity (az aks update --enable-oidc-issuer --enable-workload-identity) before applying the runner identity.`,
        },
      ],
    },
  });
  const key = `${spec.subscriptionId}/${spec.location?.resourceGroupName}/${spec.location?.name}/${spec.identityName}`.toLowerCase();
  const roleDefinition = new RoleDefinition(group, "node-pool-role", {
    name: `aks-node-pools-${spec.location?.name}-${createHash("sha256").update(key).digest("hex").slice(0, 8)}`,
    description:
      `Manage the node pools of AKS cluster ${spec.location?.resourceGroupName}/${spec.location?.name} and nothing else (Terraform ` +
      `runner identity ${spec.identityName}; generated by cdktf-aks-gitops).`,
    scope: cluster.id,
    assignableScopes: [cluster.id],
    permissions: [{ actions: [...NODE_POOL_MANAGER_ACTIONS], notActions: [] }],
  });
  const roleAssignment = new RoleAssignment(group, "node-pool-role-assignment", {
    scope: cluster.id,
    roleDefinitionId: roleDefinition.roleDefinitionResourceId,
    principalId: identity.principalId,
    // A new identity is not yet visible everywhere in Entra ID; the type spares the lookup that would fail on that.
    principalType: "ServicePrincipal",
    skipServicePrincipalAadCheck: true,
    description: `Terraform runner ${spec.subject} on ${spec.clusterName}: node pools only.`,
  });
  return { identity, federatedCredential, roleDefinition, roleAssignment };
}

/**
 * The stack a Terraform object runs must be one the identity's role covers: its provider's subscription is the
 * cluster's, and every pool it manages is on that cluster (or the runner gets 403 at apply).
 */
export function checkStackCoveredByRole(
  c: PropChecks,
  me: string,
  stack: InfrastructureStack,
  subscriptionId: string,
  location: ClusterLocation | undefined,
): void {
  if (
    !Token.isUnresolved(stack.subscriptionId) &&
    GUID.test(subscriptionId) &&
    stack.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()
  ) {
    c.fail(
      "runnerIdentity",
      me,
      `an identity of the stack's subscription ${stack.subscriptionId} (its role is on a cluster in ${subscriptionId}, and the stack's ` +
        `provider reads the cluster there)`,
    );
  }
  // Every pool the stack manages must be on the cluster the role covers, or the runner gets 403 at apply.
  if (!location || !GUID.test(subscriptionId)) return;
  const mine = location.keyIn(subscriptionId);
  for (const pool of stack.node.findAll()) {
    if (!(pool instanceof GuardedNodePool) || pool.cluster.key === undefined) continue;
    const comparable = pool.cluster.key.startsWith("resource:") === mine.startsWith("resource:");
    if (comparable && pool.cluster.key !== mine) {
      c.fail(
        "runnerIdentity",
        me,
        `an identity whose role covers the cluster of every pool in ${stack.repoPath} (${pool.node.path} is on another cluster than ` +
          `${location.resourceGroupName}/${location.name})`,
      );
    }
  }
}
