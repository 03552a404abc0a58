/**
 * The replacement rows of docs/steady-state-audit.md: state safety compares the committed tree with the new one
 * through lib/azure/replacement-rules.ts, per pinned azurerm version. One test per row the code acts on.
 */
import { NodePoolOsType } from "../lib";
import { REPLACEMENT_RULES, replacementRulesFor } from "../lib/azure/replacement-rules";
import { checkStateSafety } from "../lib/checks/state-safety";
import { GitOpsFile } from "../lib/core/gitops-file";
import { OwnershipRecord } from "../lib/synth/ownership";
import { renderFile } from "../lib/synth/render";

const POOL = "azurerm_kubernetes_cluster_node_pool";
const CREDENTIAL = "azurerm_federated_identity_credential";

/** A stack file with resources of one type, pinned to an azurerm version like RepoTerraformStack writes it. */
function stack(type: string, resources: Record<string, unknown>, version = "4.55.0"): GitOpsFile {
  return {
    path: "infrastructure/prod/main.tf.json",
    source: "app/prod",
    content: {
      format: "json",
      value: { terraform: { required_providers: { azurerm: { source: "hashicorp/azurerm", version } } }, resource: { [type]: resources } },
    },
  };
}
function pool(extra: Record<string, unknown> = {}) {
  return { name: "core", vm_size: "Standard_D2s_v3", os_type: "Linux", priority: "Regular", min_count: 3, max_count: 5, ...extra };
}
function check(before: GitOpsFile, after: GitOpsFile): string[] {
  const old = renderFile(before);
  const record: OwnershipRecord = { generator: "cdktf-aks-gitops", files: { [old.path]: old.sha256 } };
  return checkStateSafety(
    [renderFile(after)],
    { record, read: (p) => (p === old.path ? old.bytes : undefined) },
    { acknowledged: new Set() },
  );
}
const replaces = (problems: string[], attr: string) =>
  expect(problems).toEqual([expect.stringMatching(new RegExp(`would be replaced .*because ${attr}: `))]);

describe("replacement rows: state safety follows the audit", () => {
  test("drain timeout: non-zero → 0, → unset, or the block removed forces a new pool (ForceNewIfChange)", () => {
    const before = stack(POOL, { a: pool({ upgrade_settings: { max_surge: "10%", drain_timeout_in_minutes: 30 } }) });
    replaces(
      check(before, stack(POOL, { a: pool({ upgrade_settings: { max_surge: "10%", drain_timeout_in_minutes: 0 } }) })),
      "upgrade_settings",
    );
    replaces(check(before, stack(POOL, { a: pool({ upgrade_settings: { max_surge: "10%" } }) })), "upgrade_settings");
    replaces(check(before, stack(POOL, { a: pool() })), "upgrade_settings");
  });

  test("drain timeout: 0 → non-zero, unset → non-zero and a changed surge are in place", () => {
    const unset = stack(POOL, { a: pool({ upgrade_settings: { max_surge: "10%" } }) });
    expect(check(unset, stack(POOL, { a: pool({ upgrade_settings: { max_surge: "33%", drain_timeout_in_minutes: 30 } }) }))).toEqual([]);
    expect(check(stack(POOL, { a: pool() }), unset)).toEqual([]); // the new default block on a committed pool
  });

  test("undrainable node behavior set → unset forces a new pool", () => {
    const before = stack(POOL, { a: pool({ upgrade_settings: { max_surge: "10%", undrainable_node_behavior: "Cordon" } }) });
    replaces(check(before, stack(POOL, { a: pool({ upgrade_settings: { max_surge: "10%" } }) })), "upgrade_settings");
  });

  test.each(["AzureLinux", "AzureLinux3", "Ubuntu2204"])("osSku unset → %s on Linux is an in-place migration", (sku) => {
    expect(check(stack(POOL, { a: pool() }), stack(POOL, { a: pool({ os_sku: sku }) }))).toEqual([]);
  });

  test("osSku set → unset keeps the computed value; unset → a Windows SKU on Windows replaces", () => {
    expect(check(stack(POOL, { a: pool({ os_sku: "AzureLinux" }) }), stack(POOL, { a: pool() }))).toEqual([]);
    const windows = { os_type: NodePoolOsType.WINDOWS };
    replaces(check(stack(POOL, { a: pool(windows) }), stack(POOL, { a: pool({ ...windows, os_sku: "Windows2022" }) })), "os_sku");
  });

  test("schema defaults: os_type Linux and priority Regular written where they were left out is no change", () => {
    const { os_type: _o, priority: _p, ...bare } = pool();
    expect(check(stack(POOL, { a: bare }), stack(POOL, { a: pool() }))).toEqual([]);
  });

  const credential = (ids: Record<string, unknown>) => ({
    name: "flux-system-tf-runner",
    resource_group_name: "rg",
    issuer: "https://issuer",
    subject: "system:serviceaccount:flux-system:tf-runner",
    audience: ["api://AzureADTokenExchange"],
    ...ids,
  });
  const ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/runner";

  test("federated credential at 4.55: a different parent_id replaces it", () => {
    const before = stack(CREDENTIAL, { c: credential({ parent_id: ID }) });
    replaces(check(before, stack(CREDENTIAL, { c: credential({ parent_id: `${ID}2` }) })), "parent_id");
  });

  test("federated credential at 4.73: parent_id → user_assigned_identity_id with the same id, without resource_group_name, is no change", () => {
    const before = stack(CREDENTIAL, { c: credential({ parent_id: ID }) });
    const { resource_group_name: _rg, ...withoutGroup } = credential({ user_assigned_identity_id: ID });
    expect(check(before, stack(CREDENTIAL, { c: withoutGroup }, "4.73.0"))).toEqual([]);
    // the same change planned with 4.55's rules would be refused: the version is read from the stack's pin
    expect(check(before, stack(CREDENTIAL, { c: withoutGroup }, "4.55.0"))).toHaveLength(1);
  });

  test("federated credential at 4.73: another identity replaces it", () => {
    const before = stack(CREDENTIAL, { c: credential({ parent_id: ID }) }, "4.73.0");
    replaces(check(before, stack(CREDENTIAL, { c: credential({ user_assigned_identity_id: `${ID}2` }) }, "4.73.0")), "parent_id");
  });

  test("role assignment: a case change of role_definition_id is no change (CaseDifference); a new description replaces", () => {
    const ra = (extra: Record<string, unknown>) => ({
      scope: "/s",
      principal_id: "p",
      role_definition_id: "/Role/ABC",
      description: "d",
      ...extra,
    });
    expect(
      check(
        stack("azurerm_role_assignment", { r: ra({}) }),
        stack("azurerm_role_assignment", { r: ra({ role_definition_id: "/role/abc" }) }),
      ),
    ).toEqual([]);
    replaces(
      check(stack("azurerm_role_assignment", { r: ra({}) }), stack("azurerm_role_assignment", { r: ra({ description: "e" }) })),
      "description",
    );
  });

  // issue #18's props: ForceNew at both pins (kubernetes_cluster_node_pool_resource.go, 4.55.0 / 4.73.0 lines)
  test.each([
    ["4.55.0", "capacity_reservation_group_id"], // :164 / :206
    ["4.73.0", "capacity_reservation_group_id"],
    ["4.55.0", "gpu_instance"], // :190 / :232
    ["4.73.0", "gpu_instance"],
    ["4.55.0", "node_public_ip_prefix_id"], // :260 / :302
    ["4.73.0", "node_public_ip_prefix_id"],
  ])("at %s a new %s replaces the pool, and so does removing it", (version, attr) => {
    const before = stack(POOL, { a: pool({ [attr]: "/one" }) }, version);
    replaces(check(before, stack(POOL, { a: pool({ [attr]: "/two" }) }, version)), attr);
    replaces(check(before, stack(POOL, { a: pool() }, version)), attr);
    replaces(check(stack(POOL, { a: pool() }, version), before), attr);
  });

  test.each(["4.55.0", "4.73.0"])("at %s gpu_driver: unset → Install on a MIG pool is no change; other changes replace", (version) => {
    const mig = { gpu_instance: "MIG1g" };
    expect(check(stack(POOL, { a: pool(mig) }, version), stack(POOL, { a: pool({ ...mig, gpu_driver: "Install" }) }, version))).toEqual([]);
    replaces(
      check(stack(POOL, { a: pool(mig) }, version), stack(POOL, { a: pool({ ...mig, gpu_driver: "None" }) }, version)),
      "gpu_driver",
    );
    replaces(check(stack(POOL, { a: pool() }, version), stack(POOL, { a: pool({ gpu_driver: "Install" }) }, version)), "gpu_driver");
    replaces(
      check(stack(POOL, { a: pool({ ...mig, gpu_driver: "Install" }) }, version), stack(POOL, { a: pool(mig) }, version)),
      "gpu_driver",
    );
  });

  test.each(["4.55.0", "4.73.0"])(
    "at %s scale_down_mode, host encryption, FIPS, node public IPs and the subnets change without replacement",
    (version) => {
      const vnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets";
      const after = pool({
        scale_down_mode: "Deallocate",
        host_encryption_enabled: true,
        fips_enabled: true,
        node_public_ip_enabled: true,
        vnet_subnet_id: `${vnet}/nodes`,
        pod_subnet_id: `${vnet}/pods`,
      });
      expect(check(stack(POOL, { a: pool() }, version), stack(POOL, { a: after }, version))).toEqual([]);
    },
  );

  test.each(["4.55.0", "4.73.0"])(
    "at %s node_network_profile: new node_public_ip_tags replace the pool; other settings do not",
    (version) => {
      const profile = (extra: Record<string, unknown>) =>
        pool({ node_network_profile: { application_security_group_ids: ["/asg1"], ...extra } });
      const tagged = stack(POOL, { a: profile({ node_public_ip_tags: { RoutingPreference: "Internet" } }) }, version);
      replaces(check(tagged, stack(POOL, { a: profile({}) }, version)), "node_network_profile");
      replaces(check(stack(POOL, { a: pool() }, version), tagged), "node_network_profile");
      expect(
        check(
          stack(POOL, { a: profile({}) }, version),
          stack(POOL, { a: profile({ application_security_group_ids: ["/asg2"] }) }, version),
        ),
      ).toEqual([]);
    },
  );

  test("every recorded version has rules for every resource type the library writes; an unrecorded version is refused", () => {
    const types = [
      POOL,
      CREDENTIAL,
      "azurerm_user_assigned_identity",
      "azurerm_role_definition",
      "azurerm_role_assignment",
      "azurerm_kubernetes_cluster_extension",
      "azurerm_kubernetes_flux_configuration",
    ];
    for (const version of Object.keys(REPLACEMENT_RULES))
      expect(Object.keys(replacementRulesFor(version)).sort()).toEqual([...types].sort());
    expect(() => replacementRulesFor("4.60.0")).toThrow(/No replacement rules recorded for azurerm 4\.60\.0 .*steady-state-audit/);
  });
});
