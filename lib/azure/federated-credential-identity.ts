import { FederatedIdentityCredentialConfig } from "./provider/federated-identity-credential";

/**
 * The azurerm version that renamed `azurerm_federated_identity_credential.parent_id` to `user_assigned_identity_id`
 * and deprecated `resource_group_name` (CHANGELOG.md:6@v4.65.0, #31921). Before it, both `parent_id` and
 * `resource_group_name` are Required (federated_identity_credential_resource.go:66-73@v4.55.0); from it, the new
 * name is the argument and the old ones are deprecated, Optional+Computed aliases that go away in 5.0
 * (federated_identity_credential_resource.go:71-104@v4.73.0).
 */
export const FEDERATED_CREDENTIAL_RENAME_VERSION = "4.65.0";

/** How a dotted version compares with another: negative, zero or positive (numeric parts; a missing part is 0). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when the credential at this azurerm version names its identity in `user_assigned_identity_id`. */
export function namesIdentityInUserAssignedIdentityId(azurermVersion: string): boolean {
  return compareVersions(azurermVersion, FEDERATED_CREDENTIAL_RENAME_VERSION) >= 0;
}

/** The identity arguments of a credential as the binding's config takes them (cdktf: 4.55, cdktn: 4.73). */
type IdentityArguments = Pick<FederatedIdentityCredentialConfig, "parentId" | "resourceGroupName">;

/**
 * The arguments that name the credential's identity, for the pinned azurerm version: `parent_id` and
 * `resource_group_name` before 4.65, `user_assigned_identity_id` alone from 4.65 (the deprecated names would warn at
 * every plan and stop working in 5.0). Terraform reads the resource group from the identity's id in both.
 */
export function federatedCredentialIdentity(azurermVersion: string, identityId: string, resourceGroupName: string): IdentityArguments {
  if (!namesIdentityInUserAssignedIdentityId(azurermVersion)) return { parentId: identityId, resourceGroupName };
  // Only a binding generated from 4.65 or later reaches this branch, and its config has the property; the 4.55
  // binding's type (where parentId is required) does not know it, hence the one cast.
  const renamed: { readonly userAssignedIdentityId: string } = { userAssignedIdentityId: identityId };
  return renamed as unknown as IdentityArguments;
}
