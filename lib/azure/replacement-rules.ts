import { nodePoolConfigRotationRules } from "./node-pool-config-rules";
import { AZURERM_PROVIDER_VERSION } from "./repo-terraform-stack";

/**
 * Which attribute changes make Terraform replace a resource the library writes (destroy + create), per azurerm
 * version: the "FN / FNIC" columns of docs/steady-state-audit.md as data. State safety compares the committed tree
 * with the new one through these rules. Sources are files of hashicorp/terraform-provider-azurerm at the tag.
 */

/** azurerm versions whose rules are recorded: the cdktf flavour pins 4.55.0, the cdktn flavour 4.73.0. */
export type AzurermVersion = "4.55.0" | "4.73.0";

/** The two resource bodies (as written in `.tf.json`) a rule may look at beyond the attribute itself. */
export interface ReplacementContext {
  readonly before: Readonly<Record<string, unknown>>;
  readonly after: Readonly<Record<string, unknown>>;
}

/**
 * `true`: any change of the attribute replaces the resource. A function: called only when the written values differ,
 * it says whether this change does.
 */
export type ReplacementRule = true | ((before: unknown, after: unknown, context: ReplacementContext) => boolean);

/** Rules per resource type, then per top-level attribute of the resource body. */
export type ReplacementRules = Readonly<Record<string, Readonly<Record<string, ReplacementRule>>>>;

/** A changed value replaces unless both sides mean the same once the schema Default fills an unset side. */
function changedWithDefault(defaultValue: unknown): ReplacementRule {
  return (a, b) => JSON.stringify(a ?? defaultValue) !== JSON.stringify(b ?? defaultValue);
}

/** Optional+Computed: leaving it out keeps the value in state (no change); only a different value set is a change. */
const changedWhenSet: ReplacementRule = (_a, b) => b !== undefined;

/** `os_sku` FNIC (kubernetes_cluster_node_pool_resource.go:69-83@v4.55.0): Ubuntu* ↔ AzureLinux* migrates in place. */
function migratesInPlace(sku: unknown): boolean {
  return typeof sku === "string" && (sku.startsWith("Ubuntu") || sku.startsWith("AzureLinux"));
}

const osSkuRule: ReplacementRule = (a, b, { before }) => {
  // Optional+Computed (:301-313): unset in the new config keeps the value in state, nothing changes.
  if (b === undefined) return false;
  // Unset in the old config means the computed default: Ubuntu on Linux, Windows2019 on Windows
  // (website/docs/r/kubernetes_cluster_node_pool.html.markdown:127@v4.55.0).
  const old = a ?? ((before.os_type ?? "Linux") === "Windows" ? "Windows2019" : "Ubuntu");
  return !(migratesInPlace(old) && migratesInPlace(b));
};

/** A MaxItems-1 block's setting (`upgrade_settings`, `node_network_profile`): cdktf writes an object, Terraform JSON also allows a list. */
function upgradeSetting(block: unknown, key: string): unknown {
  const b = Array.isArray(block) ? block[0] : block;
  return b && typeof b === "object" ? (b as Record<string, unknown>)[key] : undefined;
}

/**
 * FNIC on `upgrade_settings.0.drain_timeout_in_minutes` (non-zero → 0; unset and a removed block read as 0) and on
 * `upgrade_settings.0.undrainable_node_behavior` (set → unset): kubernetes_cluster_node_pool_resource.go:84-90@v4.55.0,
 * unchanged at :85-90@v4.73.0.
 */
const upgradeSettingsRule: ReplacementRule = (a, b) => {
  const drain = (x: unknown): number => Number(upgradeSetting(x, "drain_timeout_in_minutes") ?? 0);
  const undrainable = (x: unknown): string => String(upgradeSetting(x, "undrainable_node_behavior") ?? "");
  return (drain(a) !== 0 && drain(b) === 0) || (undrainable(a) !== "" && undrainable(b) === "");
};

/**
 * `node_network_profile.0.node_public_ip_tags` is ForceNew inside the block (kubernetes_nodepool.go:662-669@v4.55.0,
 * :664-671@v4.73.0); the block's other settings are updated in place. Escape hatch only (docs/node-pool-surface.md).
 */
const nodeNetworkProfileRule: ReplacementRule = (a, b) => {
  const tags = (x: unknown): string => {
    const t = upgradeSetting(x, "node_public_ip_tags");
    return t && typeof t === "object" ? JSON.stringify(Object.entries(t).sort(([k1], [k2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : 0))) : "[]";
  };
  return tags(a) !== tags(b);
};

/** DiffSuppressFunc `suppress.CaseDifference` (role_assignment_resource.go:87, :96@v4.55.0): a case change is none. */
const caseInsensitive: ReplacementRule = (a, b) => b !== undefined && String(a).toLowerCase() !== String(b).toLowerCase();

/** `location` DiffSuppressFunc (commonschema/location.go:18@v4.55.0) compares normalised names: "West Europe" = "westeurope". */
const locationRule: ReplacementRule = (a, b) => normaliseLocation(a) !== normaliseLocation(b);

function normaliseLocation(v: unknown): string {
  return String(v ?? "")
    .replace(/\s/g, "")
    .toLowerCase();
}

/**
 * `gpu_driver` is ForceNew (:203-208@v4.55.0, :245-250@v4.73.0), but AKS returns `Install` for a GPU pool created
 * without it (lib/azure/node-pool-host-settings.ts, gpuDriverToWrite): on a MIG pool (`gpu_instance` set on both
 * sides) unset → `Install` is the value already in state, no change. Every other change replaces.
 */
const gpuDriverRule: ReplacementRule = (a, b, { before, after }) =>
  !(a === undefined && b === "Install" && before.gpu_instance !== undefined && before.gpu_instance === after.gpu_instance);

const NODE_POOL_4_55: Readonly<Record<string, ReplacementRule>> = {
  // ForceNew in the schema, kubernetes_cluster_node_pool_resource.go@v4.55.0 (line of the attribute).
  name: true, // :125
  kubernetes_cluster_id: true, // :132
  os_type: changedWithDefault("Linux"), // :315, Default Linux
  priority: changedWithDefault("Regular"), // :332, Default Regular
  eviction_policy: true, // :171
  // :356, Default -1. Kept as any change: the library writes it exactly on Spot pools, so the Default only matters
  // beside a priority change, which replaces anyway (and the refusal's wording stays as it was).
  spot_max_price: true,
  host_group_id: true, // :156
  capacity_reservation_group_id: true, // :164
  proximity_placement_group_id: true, // :343
  gpu_instance: true, // :190
  gpu_driver: gpuDriverRule, // :203
  node_public_ip_prefix_id: true, // :260, RequiredWith node_public_ip_enabled
  windows_profile: true, // :394
  node_network_profile: nodeNetworkProfileRule,
  os_sku: osSkuRule,
  upgrade_settings: upgradeSettingsRule,
};

const RULES_4_55: ReplacementRules = {
  azurerm_kubernetes_cluster_node_pool: NODE_POOL_4_55,
  // kubernetes_cluster_extension_resource.go@v4.55.0: name :83, cluster_id :93, extension_type :100, plan :126 are
  // ForceNew; release_train :171, release_namespace :180, target_namespace :189 are Optional+Computed+ForceNew;
  // version :198 is Optional+ForceNew.
  azurerm_kubernetes_cluster_extension: {
    name: true,
    cluster_id: true,
    extension_type: true,
    release_train: changedWhenSet,
    release_namespace: changedWhenSet,
    target_namespace: changedWhenSet,
    version: true,
    plan: true,
  },
  // kubernetes_flux_configuration_resource.go@v4.55.0: name :161, cluster_id :171, namespace :292; scope :588 has
  // Default "namespace".
  azurerm_kubernetes_flux_configuration: { name: true, cluster_id: true, namespace: true, scope: changedWithDefault("namespace") },
  // federated_identity_credential_resource.go@v4.55.0: name :61, resource_group_name :66 (commonschema, ForceNew),
  // parent_id :67.
  azurerm_federated_identity_credential: { name: true, resource_group_name: true, parent_id: true },
  // user_assigned_identity_resource.go@v4.55.0: location :63, name :64, resource_group_name :69.
  azurerm_user_assigned_identity: { name: true, resource_group_name: true, location: locationRule },
  // role_definition_resource.go@v4.55.0: role_definition_id :50 (Optional+Computed), scope :64; name is updated in place.
  azurerm_role_definition: { scope: true, role_definition_id: changedWhenSet },
  // role_assignment_resource.go@v4.55.0: every argument but skip_service_principal_aad_check is ForceNew.
  azurerm_role_assignment: {
    name: changedWhenSet, // :53
    scope: true, // :61
    role_definition_id: caseInsensitive, // :81
    role_definition_name: caseInsensitive, // :90
    principal_id: true, // :100
    principal_type: changedWhenSet, // :106
    delegated_managed_identity_resource_id: true, // :124
    description: true, // :131
    condition: true, // :138
    condition_version: changedWhenSet, // :145
  },
};

/**
 * At 4.73 (renamed in 4.65, #31921) the credential names its identity in `user_assigned_identity_id`; `parent_id` stays
 * as a deprecated alias. Both are Optional+Computed+ForceNew with ExactlyOneOf, and Read sets both to the same id
 * (federated_identity_credential_resource.go:85-103, :185-195@v4.73.0): only a different identity replaces.
 * `resource_group_name` became Optional+Computed and is no longer ForceNew (commonschema
 * ResourceGroupNameDeprecatedComputed, resource_group_name.go:29-37@v4.73.0).
 */
function identityOf(body: Readonly<Record<string, unknown>>): unknown {
  return body.user_assigned_identity_id ?? body.parent_id;
}

const sameIdentity: ReplacementRule = (_a, _b, { before, after }) =>
  identityOf(after) !== undefined && identityOf(before) !== identityOf(after);

const RULES_4_73: ReplacementRules = {
  // The node pool's ForceNew attributes are the same at 4.73 (kubernetes_cluster_node_pool_resource.go@v4.73.0:
  // host_group_id :198, capacity_reservation_group_id :206, eviction_policy :213, gpu_instance :232, gpu_driver :245,
  // node_public_ip_prefix_id :302, priority :380, proximity_placement_group_id :391, spot_max_price :404).
  ...RULES_4_55,
  azurerm_federated_identity_credential: { name: true, parent_id: sameIdentity, user_assigned_identity_id: sameIdentity },
};

/** The replacement rules per pinned azurerm version. */
export const REPLACEMENT_RULES: Readonly<Record<AzurermVersion, ReplacementRules>> = {
  "4.55.0": RULES_4_55,
  "4.73.0": RULES_4_73,
};

/** The rules for an azurerm version; a version without recorded rules is an error, not a guess. */
export function replacementRulesFor(version: string): ReplacementRules {
  const rules = (REPLACEMENT_RULES as Record<string, ReplacementRules | undefined>)[version];
  if (!rules) {
    throw new Error(
      `No replacement rules recorded for azurerm ${version} (known: ${Object.keys(REPLACEMENT_RULES).join(", ")}): ` +
        `audit the provider source (docs/steady-state-audit.md) and add them to lib/azure/replacement-rules.ts`,
    );
  }
  return rules;
}

/** A set attribute (TypeSet): the order is no change. */
const setChange: ReplacementRule = (a, b) => JSON.stringify(sortedList(a)) !== JSON.stringify(sortedList(b));

function sortedList(v: unknown): unknown {
  return Array.isArray(v) ? [...v].map((x) => JSON.stringify(x)).sort() : (v ?? []);
}

/**
 * Node pool attributes whose in-place change AKS carries out by rotating the pool through `temporary_name_for_rotation`
 * (`cycleNodePoolProperties`, kubernetes_cluster_node_pool_resource.go:960-975@v4.55.0, the same list at
 * :1008-1024@v4.73.0): a temporary pool is created, the pool deleted and created again with the new settings, the
 * temporary pool deleted (:993-1056@v4.55.0); every node is drained and recreated. A rule says whether a change of
 * the written value is a change to Terraform: Optional+Computed attributes left out keep their value, an unset bool
 * is false, `os_disk_type` defaults to Managed, `zones` is a set. (`os_sku` rotates only outside the Ubuntu and
 * AzureLinux families, :981-991, where its ForceNewIfChange already replaces the pool.) `kubelet_config` and
 * `linux_os_config` are in the list too; their rules depend on the version: nodePoolRotationRulesFor below.
 */
export const NODE_POOL_ROTATION_RULES: Readonly<Record<string, ReplacementRule>> = {
  fips_enabled: changedWithDefault(false), // :185
  host_encryption_enabled: changedWithDefault(false), // :432
  kubelet_disk_type: changedWhenSet, // :210, Optional+Computed
  max_pods: changedWhenSet, // :226, Optional+Computed
  node_public_ip_enabled: changedWithDefault(false), // :427
  os_disk_size_gb: changedWhenSet, // :284, Optional+Computed
  os_disk_type: changedWithDefault("Managed"), // :291, Default Managed
  pod_subnet_id: true, // :326, Optional (not C): set → unset sends "" (:872-874)
  snapshot_id: true,
  ultra_ssd_enabled: changedWithDefault(false), // :380, Default false
  vm_size: changedWhenSet, // :148, Optional+Computed, compared case-sensitively
  vnet_subnet_id: true, // :386, Optional (not C): set → unset sends nothing and keeps the subnet (:900-908)
  zones: setChange, // :420, a set
};

/**
 * The rules for one stack's rendered `main.tf.json`: those of the azurerm version it pins
 * (`terraform.required_providers.azurerm.version`, the version Terraform will plan with), else of the library's pin.
 */
export function replacementRulesForStack(tfJson: unknown): ReplacementRules {
  return replacementRulesFor(azurermVersionOfStack(tfJson));
}

/** The azurerm version a stack's `main.tf.json` pins when its rules are recorded, else the library's pin. */
export function azurermVersionOfStack(tfJson: unknown): string {
  const pinned = (tfJson as { terraform?: { required_providers?: { azurerm?: { version?: unknown } } } } | undefined)?.terraform
    ?.required_providers?.azurerm?.version;
  return typeof pinned === "string" && pinned in REPLACEMENT_RULES ? pinned : AZURERM_PROVIDER_VERSION;
}

// ------------------------------------------------------------------ kubelet_config and linux_os_config (issue #18)

/**
 * The rotating attributes of a node pool at an azurerm version: NODE_POOL_ROTATION_RULES, with `kubelet_config` and
 * `linux_os_config` compared setting by setting (lib/azure/node-pool-config-rules.ts: defaults, sets and
 * Optional+Computed settings are no change; `container_log_max_line` is Optional+Computed at 4.73 only). Neither block
 * is a replacement at either version, so neither is in the replacement rules above.
 */
export function nodePoolRotationRulesFor(version: string): Readonly<Record<string, ReplacementRule>> {
  if (!(version in REPLACEMENT_RULES)) replacementRulesFor(version); // throws: no rules recorded for it
  return { ...NODE_POOL_ROTATION_RULES, ...nodePoolConfigRotationRules(version as AzurermVersion) };
}
