/**
 * What the flavour under test writes, derived from the bytes the cdktf flavour committed (docs/flavours.md). The
 * committed trees (clusters/, infrastructure/, bootstrap/, examples/fleet-repo/) and the jest snapshots are the cdktf
 * flavour's output (azurerm 4.55.0). A synth with another binding differs only where the provider version requires it,
 * and each difference is derived here from the binding in use, not from the library's own decision:
 * - every Terraform file pins the version the binding was generated from (its provider class's generator metadata);
 * - a federated identity credential names its identity the way the binding's schema does: `user_assigned_identity_id`
 *   alone when the binding has that argument (azurerm >= 4.65), else `parent_id` and `resource_group_name`;
 * - the ownership record holds the hashes of the files so derived.
 * Under the cdktf flavour every derivation is the identity (test/flavour-bytes.test.ts checks both ways).
 */
import { FederatedIdentityCredential } from "../lib/azure/provider/federated-identity-credential";
import { AzurermProvider } from "../lib/azure/provider/provider";
import { App, TerraformStack } from "../lib/core/framework";
import { renderRecord, parseRecord } from "../lib/synth/ownership";
import { sha256, stableJson } from "../lib/synth/render";
import { OWNERSHIP_RECORD } from "./helpers";

/** The azurerm version the binding in use was generated from, as its provider class records it. */
export function bindingProviderVersion(): string {
  const provider = new AzurermProvider(new TerraformStack(new App(), "pin"), "azurerm", { features: [{}] });
  const version = provider.terraformGeneratorMetadata?.providerVersion;
  if (!version) throw new Error("the azurerm binding records no provider version");
  return version;
}

/** True when the binding's credential has `user_assigned_identity_id` (generated from azurerm 4.65 or later). */
export const BINDING_HAS_USER_ASSIGNED_IDENTITY_ID =
  Object.getOwnPropertyDescriptor(FederatedIdentityCredential.prototype, "userAssignedIdentityId") !== undefined;

/** What a binding writes differently: the azurerm version it pins, and whether its credential has the renamed argument. */
export interface BindingTraits {
  readonly version: string;
  readonly userAssignedIdentityId: boolean;
}

/** The binding in use. */
export function bindingTraits(): BindingTraits {
  return { version: bindingProviderVersion(), userAssignedIdentityId: BINDING_HAS_USER_ASSIGNED_IDENTITY_ID };
}

/** The attributes a credential written for a binding has for its identity, given how the cdktf flavour wrote them. */
export function credentialIdentityForBinding(
  committed: { parent_id: unknown; resource_group_name: unknown },
  traits: Pick<BindingTraits, "userAssignedIdentityId"> = { userAssignedIdentityId: BINDING_HAS_USER_ASSIGNED_IDENTITY_ID },
): Record<string, unknown> {
  return traits.userAssignedIdentityId
    ? { user_assigned_identity_id: committed.parent_id }
    : { parent_id: committed.parent_id, resource_group_name: committed.resource_group_name };
}

type TfJson = {
  terraform?: { required_providers?: { azurerm?: { version?: string } } };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
};

/** A committed Terraform file as a binding writes it. */
function terraformForBinding(text: string, traits: BindingTraits): string {
  const tf = JSON.parse(text) as TfJson;
  const pin = tf.terraform?.required_providers?.azurerm;
  if (pin) pin.version = traits.version;
  for (const [address, body] of Object.entries(tf.resource?.azurerm_federated_identity_credential ?? {})) {
    const { parent_id, resource_group_name, ...rest } = body;
    tf.resource!.azurerm_federated_identity_credential[address] = {
      ...rest,
      ...credentialIdentityForBinding({ parent_id, resource_group_name }, traits),
    };
  }
  return stableJson(tf);
}

/**
 * The committed files of one tree (repo-relative path → text) as a binding (default: the one in use) writes them: the
 * Terraform files derived, then the ownership record's hashes of the files that changed.
 */
export function treeForBinding(committed: ReadonlyMap<string, string>, traits: BindingTraits = bindingTraits()): Map<string, string> {
  const out = new Map<string, string>();
  for (const [rel, text] of committed) out.set(rel, rel.endsWith(".tf.json") ? terraformForBinding(text, traits) : text);
  const recordText = committed.get(OWNERSHIP_RECORD);
  if (recordText !== undefined) {
    const record = parseRecord(recordText);
    const files: Record<string, string> = { ...record.files };
    for (const rel of Object.keys(files)) {
      const text = out.get(rel);
      if (text !== undefined) files[rel] = sha256(Buffer.from(text, "utf8"));
    }
    out.set(OWNERSHIP_RECORD, renderRecord({ ...record, files }));
  }
  return out;
}
