/**
 * The flavours' bytes (docs/flavours.md, issue #15 items 1-2), in both legs:
 * - the credential argument the library writes is the one the binding in use has (azurerm >= 4.65:
 *   `user_assigned_identity_id`, federated_identity_credential_resource.go:71-104@v4.73.0; before: `parent_id` and
 *   `resource_group_name`, :66-73@v4.55.0);
 * - the derivation of test/flavour-bytes.ts is the identity for the binding the trees were committed with, and changes
 *   only the pins, the credentials and the record otherwise;
 * - the acceptance of a flavour switch at unit level: state safety, fed the committed cdktf trees (azurerm 4.55.0) as
 *   the base and the same trees as the cdktn binding writes them (4.73.0) as the new ones, refuses nothing; the same
 *   change pinned to 4.55.0 is refused (there `parent_id` and `resource_group_name` are Required+ForceNew), and so is
 *   a credential of another identity at 4.73.0. (The real switch, cdktn synth over a committed cdktf tree, runs in
 *   .ci/run: `npm run flavour -- example cdktn`.)
 */
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { AZURERM_PROVIDER_VERSION } from "../lib";
import {
  compareVersions,
  FEDERATED_CREDENTIAL_RENAME_VERSION,
  namesIdentityInUserAssignedIdentityId,
} from "../lib/azure/federated-credential-identity";
import { checkStateSafety } from "../lib/checks/state-safety";
import { GitOpsFile } from "../lib/core/gitops-file";
import { parseRecord } from "../lib/synth/ownership";
import { renderFile } from "../lib/synth/render";
import { BINDING_HAS_USER_ASSIGNED_IDENTITY_ID, bindingProviderVersion, BindingTraits, treeForBinding } from "./flavour-bytes";
import { listFiles, OWNERSHIP_RECORD, readText } from "./helpers";

const ROOT = path.resolve(__dirname, "..");
const TREES = { "worked example": ROOT, fleet: path.join(ROOT, "examples/fleet-repo") };
const CDKTN_BINDING: BindingTraits = { version: "4.73.0", userAssignedIdentityId: true };

function committedTree(root: string): Map<string, string> {
  const rels = root === ROOT ? [...Object.keys(parseRecord(readText(root, OWNERSHIP_RECORD)).files), OWNERSHIP_RECORD] : listFiles(root);
  return new Map(rels.map((rel) => [rel, readText(root, rel)]));
}

/** A generated file as a synth would hold it before rendering (the marker comes back with renderFile). */
function asGitOpsFile(rel: string, text: string): GitOpsFile {
  if (rel.endsWith(".json")) {
    const { "//": marker, ...value } = JSON.parse(text) as Record<string, unknown> & { "//"?: { source?: string } };
    return { path: rel, source: marker?.source ?? "app", content: { format: "json", value } };
  }
  return { path: rel, source: "app", content: { format: "yaml", documents: parseAllDocuments(text).map((d) => d.toJS()) } };
}

/** State safety's problems for a new tree against a committed one. */
function stateSafety(committed: Map<string, string>, next: Map<string, string>): string[] {
  const files = [...next]
    .filter(([rel]) => rel !== OWNERSHIP_RECORD && /^(infrastructure|bootstrap|clusters)\//.test(rel))
    .map(([rel, text]) => renderFile(asGitOpsFile(rel, text)));
  const view = {
    record: parseRecord(committed.get(OWNERSHIP_RECORD)!),
    read: (p: string) => (committed.has(p) ? Buffer.from(committed.get(p)!) : undefined),
  };
  return checkStateSafety(files, view, { acknowledged: new Set() });
}

test("the binding has user_assigned_identity_id exactly when generated from azurerm 4.65 or later, and the library writes it exactly then", () => {
  const fromRename = compareVersions(bindingProviderVersion(), FEDERATED_CREDENTIAL_RENAME_VERSION) >= 0;
  expect(BINDING_HAS_USER_ASSIGNED_IDENTITY_ID).toBe(fromRename);
  expect(namesIdentityInUserAssignedIdentityId(AZURERM_PROVIDER_VERSION)).toBe(fromRename);
  expect([compareVersions("4.64.9", "4.65.0") < 0, compareVersions("4.65", "4.65.0"), compareVersions("4.100.0", "4.73.0") > 0]).toEqual([
    true,
    0,
    true,
  ]);
});

describe.each(Object.entries(TREES))("the committed %s tree", (_name, root) => {
  const committed = committedTree(root);

  test("its Terraform files re-render to their committed bytes (the derivation starts from the renderer's own form)", () => {
    const tfFiles = [...committed.keys()].filter((rel) => rel.endsWith(".tf.json"));
    expect(tfFiles.length).toBeGreaterThan(0);
    for (const rel of tfFiles)
      expect({ rel, text: renderFile(asGitOpsFile(rel, committed.get(rel)!)).bytes.toString("utf8") }).toEqual({
        rel,
        text: committed.get(rel),
      });
  });

  test("derived for a binding, only the Terraform files and the record change; for the committed binding, nothing", () => {
    const changed = (traits: BindingTraits) =>
      [...treeForBinding(committed, traits)].filter(([rel, text]) => committed.get(rel) !== text).map(([rel]) => rel);
    const tfFiles = [...committed.keys()].filter((rel) => rel.endsWith(".tf.json")).sort();
    expect(changed({ version: "4.55.0", userAssignedIdentityId: false })).toEqual([]);
    expect(changed(CDKTN_BINDING).sort()).toEqual([...tfFiles, OWNERSHIP_RECORD].sort());
  });

  test("switching it to the cdktn binding (azurerm 4.73.0) is not refused by state safety", () => {
    expect(stateSafety(committed, treeForBinding(committed, CDKTN_BINDING))).toEqual([]);
  });

  test("the same rename pinned to 4.55.0 is refused (parent_id is Required+ForceNew there), and so is another identity at 4.73.0", () => {
    const renamedAt455 = treeForBinding(committed, { version: "4.55.0", userAssignedIdentityId: true });
    const credentials = (problems: string[]) => problems.filter((p) => p.includes("azurerm_federated_identity_credential"));
    const bootstraps = [...committed.keys()].filter(
      (rel) => rel.startsWith("bootstrap/") && committed.get(rel)!.includes("azurerm_federated_identity_credential"),
    );
    expect(bootstraps.length).toBeGreaterThan(0);
    expect(credentials(stateSafety(committed, renamedAt455))).toHaveLength(bootstraps.length);
    const otherIdentity = treeForBinding(committed, CDKTN_BINDING);
    for (const rel of bootstraps)
      otherIdentity.set(
        rel,
        otherIdentity.get(rel)!.replace(/("user_assigned_identity_id": "\$\{azurerm_user_assigned_identity\.)/, "$1other-"),
      );
    const problems = credentials(stateSafety(committed, otherIdentity));
    expect(problems).toHaveLength(bootstraps.length);
    expect(problems[0]).toMatch(/would be replaced .*because (parent_id|user_assigned_identity_id): /);
  });
});
