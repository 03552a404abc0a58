import { isDeepStrictEqual } from "util";
import { parseAllDocuments, stringify } from "yaml";
import { GitOpsFile } from "../core/gitops-file";
import { clusterFolder } from "../core/repo-layout";
import {
  BOOTSTRAP_FILES,
  fluxSystemAdvice,
  hasTerraformEventPatches,
  terraformEventPatches,
  TERRAFORM_ALERTS_FILE,
} from "../flux/flux-system-patch";
import { kustomizeConfig, KustomizePatch } from "../kubernetes/kustomize-config";
import type { ClusterFileOwner } from "./cluster-files";
import { entriesOf, entryPlaceholders, KustomizationEntries, placeholderFile } from "./kustomization-entries";

/**
 * flux CLI mode: `clusters/<cluster>/<namespace>/`, flux bootstrap's folder. The library writes its kustomization.yaml
 * (bootstrap's two files, the Terraform Alerts and their CRD patches, the team's `fluxSystem` entries) when it is
 * missing, and empty placeholders of bootstrap's files: `flux bootstrap` builds this kustomization.yaml to install the
 * components before it writes gotk-sync.yaml (flux2 v2.9.4 pkg/bootstrap/bootstrap_plain_git.go:201-206 applies the
 * folder's kustomization.yaml when there is one; gotk-sync.yaml is written only at :324-335), so without a placeholder
 * the first bootstrap fails (`accumulating resources from 'gotk-sync.yaml': no such file`). Bootstrap then overwrites
 * the placeholders; they are never owned, so no synth restores them.
 */
export function fluxSystemFiles(
  owner: ClusterFileOwner,
  terraformAlerts: boolean,
  entries: KustomizationEntries | undefined,
): GitOpsFile[] {
  const [ns, flux] = [owner.namespace, owner.fluxTarget];
  const team = entriesOf(entries);
  if (!terraformAlerts && team.resources.length + team.patches.length + team.components.length === 0) return [];
  const folder = `${clusterFolder(owner.clusterName)}/${ns}`;
  const resources = [...BOOTSTRAP_FILES, ...(terraformAlerts ? [TERRAFORM_ALERTS_FILE] : []), ...team.resources];
  const patches = [...(terraformAlerts ? terraformEventPatches(ns, flux) : []), ...team.patches];
  const config: GitOpsFile = {
    path: `${folder}/kustomization.yaml`,
    source: owner.source,
    content: { format: "yaml", documents: [kustomizeConfig(resources, patches, team.components)] },
    // flux bootstrap writes this file only when it is missing and keeps it afterwards: the user's own is kept too.
    ifForeign: {
      warning:
        terraformAlerts && team.patches.length + team.resources.length === 0
          ? fluxSystemAdvice(ns, flux)
          : teamAdvice(resources, patches, team.components),
      satisfiedBy: (current) =>
        (!terraformAlerts || hasTerraformEventPatches(ns, flux)(current)) &&
        hasEntries(current, team.resources, team.patches, team.components),
    },
    handEditAdvice:
      `add entries with FluxBootstrap's fluxSystem prop (resources, patches), or hand-written ones in ${folder}/user-owned/ ` +
      "(fluxSystem: { userOwnedComponent: true })",
  };
  return [
    config,
    ...BOOTSTRAP_FILES.map((f) => placeholderFile(owner.source, `${folder}/${f}`)),
    ...entryPlaceholders(owner.source, folder, entries),
  ];
}

function teamAdvice(resources: readonly string[], patches: readonly KustomizePatch[], components: readonly string[]): string {
  const add = stringify(
    {
      resources,
      components: components.length ? [...components] : undefined,
      patches: patches.map((p) => ({ target: p.target, patch: p.patch })),
    },
    { lineWidth: 0 },
  );
  return (
    `the fluxSystem entries (and the Terraform Alerts, if any) are not applied until you add this to it ` +
    `(or delete the file if it only lists ${BOOTSTRAP_FILES.join(" and ")}, and synth again: the library then writes it):\n${add}`
  );
}

/** True if a kustomization.yaml of the user's lists every resource, component and patch (same target, same text). */
function hasEntries(
  current: Buffer,
  resources: readonly string[],
  patches: readonly KustomizePatch[],
  components: readonly string[],
): boolean {
  const config = parseAllDocuments(current.toString("utf8"))
    .map((d) => d.toJS() as { resources?: unknown; components?: unknown; patches?: unknown })
    .find((d) => d !== null && typeof d === "object");
  if (!config) return resources.length + patches.length + components.length === 0;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  return (
    resources.every((r) => list(config.resources).includes(r)) &&
    components.every((c) => list(config.components).includes(c)) &&
    patches.every((p) =>
      list(config.patches).some((q) => isDeepStrictEqual(q, JSON.parse(JSON.stringify({ target: p.target, patch: p.patch })))),
    )
  );
}
