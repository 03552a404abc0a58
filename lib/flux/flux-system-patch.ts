import { isDeepStrictEqual } from "util";
import { parseAllDocuments, stringify } from "yaml";
import { KustomizePatch, kustomizeConfig } from "../kubernetes/kustomize-config";

/**
 * What makes Flux (2.9) deliver tofu-controller's events to an Alert, as patches in the `flux-system/kustomization.yaml`
 * of `flux bootstrap` (the Flux bootstrap cheatsheet, "Enable notifications for third party controllers"; tofu-controller
 * docs flux-receiver-and-alert.md):
 *
 * - the Alert CRD's `eventSources[].kind` enum gets `Terraform`. Flux 2.9's Alert CRD has one version (v1beta3), so
 *   only `versions/0` is patched: the cheatsheet's second operation on `versions/1` fails on it.
 * - notification-controller's ClusterRole `crd-controller-<namespace>` may read Terraform objects (it looks up the
 *   involved object of an event to match the Alert). Read only: the cheatsheet's `*` on `*` would also let it
 *   change them, which an Alert does not need (a Receiver would, and the library writes none).
 */

/** The file in flux-system/ with the Alerts of Terraform events; applied only with the CRD patch above. */
export const TERRAFORM_ALERTS_FILE = "terraform-alerts.yaml";
/** What `flux bootstrap` writes into flux-system/ (flux2 v2.9.4). */
export const BOOTSTRAP_FILES: readonly string[] = ["gotk-components.yaml", "gotk-sync.yaml"];

const ALERT_KIND_ENUM = "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/eventSources/items/properties/kind/enum/-";

interface JsonPatchOp {
  readonly op: "add";
  readonly path: string;
  readonly value: unknown;
}

function operations(namespace: string): { target: KustomizePatch["target"]; ops: JsonPatchOp[] }[] {
  return [
    {
      target: { kind: "CustomResourceDefinition", name: "alerts.notification.toolkit.fluxcd.io" },
      ops: [{ op: "add", path: ALERT_KIND_ENUM, value: "Terraform" }],
    },
    {
      target: { kind: "ClusterRole", name: `crd-controller-${namespace}` },
      ops: [
        {
          op: "add",
          path: "/rules/-",
          value: { apiGroups: ["infra.contrib.fluxcd.io"], resources: ["terraforms"], verbs: ["get", "list", "watch"] },
        },
      ],
    },
  ];
}

/** The kustomize patches (JSON 6902, as YAML text). */
export function terraformEventPatches(namespace: string): KustomizePatch[] {
  return operations(namespace).map(({ target, ops }) => ({ target, patch: stringify(ops, { lineWidth: 0 }) }));
}

/** The whole `flux-system/kustomization.yaml`: bootstrap's two files, the Terraform Alerts and the patches. */
export function fluxSystemKustomization(namespace: string): Record<string, unknown> {
  return kustomizeConfig([...BOOTSTRAP_FILES, TERRAFORM_ALERTS_FILE], terraformEventPatches(namespace));
}

/** What a kept `flux-system/kustomization.yaml` of the user's must get, as YAML to merge into it. */
export function fluxSystemAdvice(namespace: string): string {
  const add = stringify(
    { resources: [TERRAFORM_ALERTS_FILE], patches: terraformEventPatches(namespace).map((p) => ({ target: p.target, patch: p.patch })) },
    { lineWidth: 0 },
  );
  return (
    `the Terraform Alerts in ${TERRAFORM_ALERTS_FILE} are not applied, and Flux would reject them, until you add this to it ` +
    `(or delete the file if it only lists ${BOOTSTRAP_FILES.join(" and ")}, and synth again: the library then writes it):\n${add}`
  );
}

/** True if a user's `flux-system/kustomization.yaml` lists the Terraform Alerts and has every patch operation. */
export function hasTerraformEventPatches(namespace: string): (current: Buffer) => boolean {
  return (current) => {
    const docs = parseAllDocuments(current.toString("utf8")).map((d) => d.toJS() as { resources?: unknown; patches?: unknown });
    const config = docs.find((d) => d !== null && typeof d === "object");
    if (!config || !Array.isArray(config.resources) || !config.resources.includes(TERRAFORM_ALERTS_FILE)) return false;
    const theirs = (Array.isArray(config.patches) ? config.patches : []) as {
      target?: { kind?: unknown; name?: unknown };
      patch?: unknown;
    }[];
    return operations(namespace).every(({ target, ops }) =>
      ops.every((op) =>
        theirs.some((p) => {
          if (p?.target?.kind !== target.kind || p.target.name !== target.name || typeof p.patch !== "string") return false;
          const parsed = parseAllDocuments(p.patch).map((d) => d.toJS() as unknown)[0];
          return Array.isArray(parsed) && parsed.some((o) => isDeepStrictEqual(o, op));
        }),
      ),
    );
  };
}
