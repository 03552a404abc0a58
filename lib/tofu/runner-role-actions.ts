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

/**
 * What the runner needs on the VNet of a pool's BYO subnet (`vnetSubnetId`, `podSubnetId`), granted by a small role of
 * its own assigned on that VNet, never by the node-pool role:
 * - `subnets/join/action`: AKS places the pool's NICs (or pod IPs) in the subnet with the caller's rights (a linked
 *   access check), so a caller without it gets `LinkedAuthorizationFailed`.
 * - `subnets/read` and `virtualNetworks/read`: after the create, azurerm polls the subnet and then its VNet until both
 *   are `Succeeded` (`kubernetes_cluster_node_pool_resource.go:716-729@v4.55.0`, `:766,774@v4.73.0`;
 *   `network/helpers.go:36-66@v4.55.0` GETs the VNet, `virtual_network_resource.go:1294-1299@v4.55.0` fails on any
 *   error). A subnet-scoped assignment does not cover its VNet, hence the VNet scope.
 */
export const SUBNET_JOIN_ACTIONS: readonly string[] = [
  "Microsoft.Network/virtualNetworks/read",
  "Microsoft.Network/virtualNetworks/subnets/read",
  "Microsoft.Network/virtualNetworks/subnets/join/action",
];

/** Actions the runner's role may gain beyond NODE_POOL_MANAGER_ACTIONS. */
export interface RunnerRoleActionsProps {
  /**
   * Control-plane actions added to the runner's role, on top of NODE_POOL_MANAGER_ACTIONS (which stay): each
   * `<Provider>/<resource>[/…]/<read|write|delete|action>`, e.g. `Microsoft.Compute/diskEncryptionSets/read`. They
   * hold where the role is assigned (the cluster). A `*` is refused unless listed in `acknowledgedWildcardActions`;
   * rights that would let the runner widen its own (Microsoft.Authorization writes, federated credentials, a `*`
   * provider) are always refused. The subnet join a BYO-subnet pool needs is granted automatically: do not list it.
   * @default - none
   */
  readonly additionalActions?: readonly string[];
  /**
   * The exact wildcard actions of `additionalActions` accepted on purpose (e.g. `Microsoft.Compute/disks/*`). A
   * wildcard also grants every action its provider adds later, so the role's rights are no longer what Git shows.
   * @default - none: a wildcard is refused
   */
  readonly acknowledgedWildcardActions?: readonly string[];
}

const SEGMENT = String.raw`(?:\*|[A-Za-z0-9][-A-Za-z0-9._]*)`;
// `*`, or `<Provider>[/<resource>…]/<verb>` with a provider namespace (`Company.Service`) or a `*` provider, e.g. the
// Reader role's `*/read` or `Microsoft.Support/*`.
const ACTION = new RegExp(
  String.raw`^(?:\*|(?:\*|[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+)(?:/${SEGMENT})*/(?:read|write|delete|action|\*))$`,
  "i",
);
const ACTION_RULE =
  "an Azure RBAC control-plane action <Provider>/<resource>[/…]/<read|write|delete|action>, e.g. " +
  "Microsoft.Compute/diskEncryptionSets/read";

/**
 * Rights with which the runner could widen its own: role assignments and definitions (Microsoft.Authorization, except
 * reads), federated credentials of identities (trusting another issuer), and anything under a `*` provider.
 */
export function escalatesRunner(action: string): boolean {
  const parts = action.toLowerCase().split("/");
  const provider = parts[0];
  const verb = parts[parts.length - 1];
  if (verb === "read") return false;
  if (provider === "*" || provider === "microsoft.authorization") return true;
  return provider === "microsoft.managedidentity" && parts.some((p) => p === "*" || p === "federatedidentitycredentials");
}

/** The base actions and the valid additional ones, without duplicates (Azure compares actions case-insensitively). */
export function roleActions(base: readonly string[], props: RunnerRoleActionsProps | undefined): string[] {
  const out = [...base];
  const seen = new Set(base.map((a) => a.toLowerCase()));
  for (const a of Array.isArray(props?.additionalActions) ? props.additionalActions : []) {
    if (typeof a !== "string" || seen.has(a.toLowerCase())) continue;
    seen.add(a.toLowerCase());
    out.push(a);
  }
  return out;
}

/** Problems of `additionalActions` and `acknowledgedWildcardActions`, each on its own element. */
export function checkRoleActions(c: PropChecks, props: RunnerRoleActionsProps | undefined): void {
  const actions: unknown = props?.additionalActions;
  const acknowledged: unknown = props?.acknowledgedWildcardActions;
  if (!c.array("additionalActions", actions, "a list of Azure RBAC action strings")) return;
  if (!c.array("acknowledgedWildcardActions", acknowledged, "a list of the exact wildcard actions of additionalActions")) return;
  const accepted = new Set(Array.isArray(acknowledged) ? acknowledged : []);
  const list: unknown[] = Array.isArray(actions) ? actions : [];
  list.forEach((a, i) => {
    const prop = `additionalActions[${i}]`;
    if (!c.literal(prop, a)) return;
    if (typeof a !== "string" || !ACTION.test(a)) return c.fail(prop, a, ACTION_RULE);
    if (escalatesRunner(a)) {
      return c.fail(
        prop,
        a,
        "an action that cannot widen the runner's own rights (Microsoft.Authorization writes, federated identity credentials " +
          "and a '*' provider can; grant those outside the runner's role, from the pipeline that applies bootstrap/)",
      );
    }
    if (a.includes("*") && !accepted.has(a)) {
      c.fail(
        prop,
        a,
        "an action without '*' (a wildcard also grants every action its provider adds later, so the role no longer says in Git " +
          `what the runner may do): list the actions, or accept exactly this one with acknowledgedWildcardActions: [${JSON.stringify(a)}]`,
      );
    }
  });
  (Array.isArray(acknowledged) ? (acknowledged as unknown[]) : []).forEach((w, i) => {
    c.check(
      typeof w === "string" && w.includes("*") && list.includes(w),
      `acknowledgedWildcardActions[${i}]`,
      w,
      "a wildcard action that additionalActions lists, exactly as written there",
    );
  });
}
