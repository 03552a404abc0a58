import { Token } from "../core/framework";
import { PropChecks } from "../core/validation";

/**
 * The network and placement settings of a GuardedNodePool (issue #18): BYO subnets, node public IPs and the capacity
 * reservation group, their checks and what is written. Sources are files of hashicorp/terraform-provider-azurerm at
 * the tag, `NP` = internal/services/containers/kubernetes_cluster_node_pool_resource.go; the attributes are the same
 * at v4.55.0 and v4.73.0 (docs/steady-state-audit.md).
 */

/** The props this module reads (GuardedNodePoolProps' fields; structural, so it imports nothing of the construct). */
export interface PoolNetworkProps {
  readonly vnetSubnetId?: string;
  readonly podSubnetId?: string;
  readonly nodePublicIpEnabled?: boolean;
  readonly nodePublicIpPrefixId?: string;
  readonly capacityReservationGroupId?: string;
}

/** The segments of a resource group, and of a resource name, as Azure allows them (no `/`, no `${`). */
const GROUP = "[-\\w._()]{1,90}";
const NAME = "[-\\w.]{1,80}";
const SUBSCRIPTION = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/**
 * A resource id with the provider's spelling of the fixed segments. The provider parses `vnet_subnet_id`,
 * `pod_subnet_id` (commonids.ValidateSubnetID) and `capacity_reservation_group_id` case-sensitively
 * (`parser.Parse(input, false)`, vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonids/subnet.go:34-46@v4.55.0),
 * so `resourcegroups/` is refused at plan; and Read stores the ids as AKS returns them (NP:1204, :1221, :1173,
 * :1224@v4.55.0), so one id in two spellings would be a change.
 */
function resourceId(provider: string, types: readonly string[]): RegExp {
  const tail = types.map((t) => `/${t}/(${NAME})`).join("");
  return new RegExp(`^/subscriptions/(${SUBSCRIPTION})/resourceGroups/(${GROUP})/providers/${provider.replace(".", "\\.")}${tail}$`);
}

const SUBNET_ID = resourceId("Microsoft.Network", ["virtualNetworks", "subnets"]);
const PREFIX_ID = resourceId("Microsoft.Network", ["publicIPPrefixes"]);
const CAPACITY_RESERVATION_GROUP_ID = resourceId("Microsoft.Compute", ["capacityReservationGroups"]);

/** What an id prop allows: `<kind> resource id /subscriptions/<subscription GUID>/resourceGroups/<rg>/providers/<path>`. */
function idRule(kind: string, path: string): string {
  return `${kind} resource id /subscriptions/<subscription GUID>/resourceGroups/<rg>/providers/${path} (segments spelled so), or a reference`;
}

const SUBNET_RULE = idRule("a subnet", "Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>");
const PREFIX_RULE = idRule("a public IP prefix", "Microsoft.Network/publicIPPrefixes/<name>");
const CAPACITY_RULE = idRule("a capacity reservation group", "Microsoft.Compute/capacityReservationGroups/<name>");

/** An id prop: a token (a reference to a resource or variable) is taken as it is, a literal must match. */
function checkId(c: PropChecks, prop: string, value: unknown, re: RegExp, rule: string): boolean {
  if (value === undefined || (typeof value === "string" && Token.isUnresolved(value))) return false;
  const ok = typeof value === "string" && re.test(value);
  c.check(ok, prop, value, rule);
  return ok;
}

/** The virtual network of a literal subnet id (subscription, group, VNet), compared case-insensitively as Azure does. */
function vnetOf(subnetId: string): string {
  return subnetId.slice(0, subnetId.lastIndexOf("/subnets/")).toLowerCase();
}

/** Every network and placement prop. */
export function validatePoolNetwork(c: PropChecks, p: PoolNetworkProps): void {
  const vnetOk = checkId(c, "vnetSubnetId", p.vnetSubnetId, SUBNET_ID, SUBNET_RULE);
  const podOk = checkId(c, "podSubnetId", p.podSubnetId, SUBNET_ID, SUBNET_RULE);
  // AKS's dynamic pod IP allocation takes pod IPs from a subnet of the nodes' VNet other than the nodes' own; the
  // provider sends what it is given (NP:625-637@v4.55.0) and its acceptance configs always set both
  // (kubernetes_cluster_node_pool_resource_test.go:2180-2199@v4.55.0).
  if (p.podSubnetId !== undefined && p.vnetSubnetId === undefined) {
    c.fail("podSubnetId", p.podSubnetId, "set together with vnetSubnetId (a pod subnet is a second subnet of the nodes' VNet)");
  } else if (vnetOk && podOk) {
    const vnet = p.vnetSubnetId as string;
    const pod = p.podSubnetId as string;
    if (vnet.toLowerCase() === pod.toLowerCase())
      c.fail("podSubnetId", pod, "a subnet other than vnetSubnetId (pods and nodes get their IPs from separate subnets)");
    else if (vnetOf(vnet) !== vnetOf(pod))
      c.fail("podSubnetId", pod, `a subnet of the nodes' VNet ${JSON.stringify(vnet.slice(0, vnet.lastIndexOf("/subnets/")))}`);
  }
  c.check(
    p.nodePublicIpEnabled === undefined || typeof p.nodePublicIpEnabled === "boolean",
    "nodePublicIpEnabled",
    p.nodePublicIpEnabled,
    "true or false",
  );
  checkId(c, "nodePublicIpPrefixId", p.nodePublicIpPrefixId, PREFIX_ID, PREFIX_RULE);
  // `node_public_ip_prefix_id` is RequiredWith `node_public_ip_enabled` (NP:260-265@v4.55.0, NP:302-307@v4.73.0):
  // a prefix without public IPs is refused at plan (and false would give the nodes no IP from it).
  if (p.nodePublicIpPrefixId !== undefined && p.nodePublicIpEnabled !== true) {
    c.fail(
      "nodePublicIpPrefixId",
      p.nodePublicIpPrefixId,
      "unset unless nodePublicIpEnabled is true (the prefix is where the nodes' public IPs come from)",
    );
  }
  checkId(c, "capacityReservationGroupId", p.capacityReservationGroupId, CAPACITY_RESERVATION_GROUP_ID, CAPACITY_RULE);
}

/**
 * The distinct subnets a pool joins, node subnet first, then the pod subnet: the scopes the runner needs
 * `Microsoft.Network/virtualNetworks/subnets/join/action` on. Literal ids are compared case-insensitively.
 */
export function subnetIdsOf(p: PoolNetworkProps): readonly string[] {
  const out: string[] = [];
  for (const id of [p.vnetSubnetId, p.podSubnetId]) {
    if (typeof id !== "string" || id === "") continue;
    if (!out.some((o) => o === id || (!Token.isUnresolved(o) && !Token.isUnresolved(id) && o.toLowerCase() === id.toLowerCase())))
      out.push(id);
  }
  return out;
}

/** The written attributes (as the binding's config names them): each as given, nothing when unset. */
export function poolNetworkToWrite(p: PoolNetworkProps): {
  vnetSubnetId?: string;
  podSubnetId?: string;
  nodePublicIpEnabled?: boolean;
  nodePublicIpPrefixId?: string;
  capacityReservationGroupId?: string;
} {
  return {
    vnetSubnetId: p.vnetSubnetId,
    podSubnetId: p.podSubnetId,
    nodePublicIpEnabled: p.nodePublicIpEnabled,
    nodePublicIpPrefixId: p.nodePublicIpPrefixId,
    capacityReservationGroupId: p.capacityReservationGroupId,
  };
}
