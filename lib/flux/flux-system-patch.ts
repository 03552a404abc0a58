import { isDeepStrictEqual } from "util";
import { parseAllDocuments, stringify } from "yaml";
import { KustomizePatch, kustomizeConfig } from "../kubernetes/kustomize-config";
import { crdSchemaKey, crdVersionOrder, DEFAULT_FLUX_CLI_TARGET, FluxTarget } from "../schema/manifest-validator";
import { crds } from "../schema/schema-registry";

/**
 * What makes Flux (2.9) deliver tofu-controller's events to an Alert, as patches in the `flux-system/kustomization.yaml`
 * of `flux bootstrap` (the Flux bootstrap cheatsheet, "Enable notifications for third party controllers"; tofu-controller
 * docs flux-receiver-and-alert.md):
 *
 * - the Alert CRD's `eventSources[].kind` enum gets `Terraform`, in every served version of the target's Alert CRD that
 *   has the enum (alertKindEnumPaths): Flux 2.9's has one version (v1beta3), so only `versions/0` is patched there (the
 *   cheatsheet's second operation on `versions/1` fails on it); 2.7 and 2.8 get `versions/0` (v1beta2) and `versions/1`.
 * - notification-controller's ClusterRole `crd-controller-<namespace>` may read Terraform objects (it looks up the
 *   involved object of an event to match the Alert). Read only: the cheatsheet's `*` on `*` would also let it
 *   change them, which an Alert does not need (a Receiver would, and the library writes none).
 */

/** The file in flux-system/ with the Alerts of Terraform events; applied only with the CRD patch above. */
export const TERRAFORM_ALERTS_FILE = "terraform-alerts.yaml";
/** What `flux bootstrap` writes into flux-system/ (flux2 v2.9.4). */
export const BOOTSTRAP_FILES: readonly string[] = ["gotk-components.yaml", "gotk-sync.yaml"];

const ALERT_CRD = "alerts.notification.toolkit.fluxcd.io";
/** Inside a version's openAPIV3Schema: the Alert's event source kinds. */
const KIND_ENUM_PATH = ["properties", "spec", "properties", "eventSources", "items", "properties", "kind", "enum"];

/**
 * The JSON pointers of the kind enum of every served Alert version that has one, in the target's CRD order: Flux 2.9's
 * Alert CRD has only v1beta3 (`versions/0`), 2.7's and 2.8's have v1beta2 first and v1beta3 second, so both are
 * patched there (an Alert stored as either version must accept `Terraform`).
 */
export function alertKindEnumPaths(target: FluxTarget = DEFAULT_FLUX_CLI_TARGET): string[] {
  const paths: string[] = [];
  (crdVersionOrder(target)[ALERT_CRD] ?? []).forEach((_version, index) => {
    const key = crdSchemaKey(ALERT_CRD, index, target); // only served versions have a schema
    if (key !== undefined && Array.isArray(dig(crds(target)[key].schema, KIND_ENUM_PATH)))
      paths.push(`/spec/versions/${index}/schema/openAPIV3Schema/${KIND_ENUM_PATH.join("/")}/-`);
  });
  if (paths.length === 0) throw new Error(`the Alert CRD of Flux ${target} has no served version with an eventSources kind enum`);
  return paths;
}

function dig(node: unknown, keys: readonly string[]): unknown {
  for (const key of keys) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

interface JsonPatchOp {
  readonly op: "add";
  readonly path: string;
  readonly value: unknown;
}

function operations(namespace: string, flux: FluxTarget): { target: NonNullable<KustomizePatch["target"]>; ops: JsonPatchOp[] }[] {
  return [
    {
      target: { kind: "CustomResourceDefinition", name: ALERT_CRD },
      ops: alertKindEnumPaths(flux).map((path): JsonPatchOp => ({ op: "add", path, value: "Terraform" })),
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
export function terraformEventPatches(namespace: string, flux: FluxTarget = DEFAULT_FLUX_CLI_TARGET): KustomizePatch[] {
  return operations(namespace, flux).map(({ target, ops }) => ({ target, patch: stringify(ops, { lineWidth: 0 }) }));
}

/** The whole `flux-system/kustomization.yaml`: bootstrap's two files, the Terraform Alerts and the patches. */
export function fluxSystemKustomization(namespace: string, flux: FluxTarget = DEFAULT_FLUX_CLI_TARGET): Record<string, unknown> {
  return kustomizeConfig([...BOOTSTRAP_FILES, TERRAFORM_ALERTS_FILE], terraformEventPatches(namespace, flux));
}

/** What a kept `flux-system/kustomization.yaml` of the user's must get, as YAML to merge into it. */
export function fluxSystemAdvice(namespace: string, flux: FluxTarget = DEFAULT_FLUX_CLI_TARGET): string {
  const add = stringify(
    {
      resources: [TERRAFORM_ALERTS_FILE],
      patches: terraformEventPatches(namespace, flux).map((p) => ({ target: p.target, patch: p.patch })),
    },
    { lineWidth: 0 },
  );
  return (
    `the Terraform Alerts in ${TERRAFORM_ALERTS_FILE} are not applied, and Flux would reject them, until you add this to it ` +
    `(or delete the file if it only lists ${BOOTSTRAP_FILES.join(" and ")}, and synth again: the library then writes it):\n${add}`
  );
}

/** True if a user's `flux-system/kustomization.yaml` lists the Terraform Alerts and has every patch operation. */
export function hasTerraformEventPatches(namespace: string, flux: FluxTarget = DEFAULT_FLUX_CLI_TARGET): (current: Buffer) => boolean {
  return (current) => {
    const docs = parseAllDocuments(current.toString("utf8")).map((d) => d.toJS() as { resources?: unknown; patches?: unknown });
    const config = docs.find((d) => d !== null && typeof d === "object");
    if (!config || !Array.isArray(config.resources) || !config.resources.includes(TERRAFORM_ALERTS_FILE)) return false;
    const theirs = (Array.isArray(config.patches) ? config.patches : []) as {
      target?: { kind?: unknown; name?: unknown };
      patch?: unknown;
    }[];
    return operations(namespace, flux).every(({ target, ops }) =>
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
