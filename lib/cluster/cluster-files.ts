import { GitOpsFile } from "../core/gitops-file";
import { clusterFolder } from "../core/repo-layout";
import { FluxAlerts } from "../flux/flux-alerts";
import { TERRAFORM_ALERTS_FILE } from "../flux/flux-system-patch";
import { kustomizeConfig } from "../kubernetes/kustomize-config";
import type { FluxTarget } from "../schema/flux-target";
import { entriesOf, KustomizationEntries, USER_OWNED_COMPONENT } from "./kustomization-entries";

/** Who writes a cluster's files: the construct path in their headers, and the cluster folder. */
export interface ClusterFileOwner {
  /** Construct path written into the files' headers. */
  readonly source: string;
  readonly clusterName: string;
  /** Namespace of the cluster's Flux objects. */
  readonly namespace: string;
  /** The cluster's Flux target: which Alert CRD versions the flux-system patch adds to. */
  readonly fluxTarget: FluxTarget;
}

/** A YAML file at `clusters/<cluster>/<path>`. */
export function clusterYaml(owner: ClusterFileOwner, path: string, documents: unknown[]): GitOpsFile {
  return { path: `${clusterFolder(owner.clusterName)}/${path}`, source: owner.source, content: { format: "yaml", documents } };
}

/**
 * `clusters/<cluster>/kustomization.yaml`: what the cluster folder applies (never the sub-folders themselves), then the
 * team's own entries (`clusterFolder`: resources, patches, the user-owned Component).
 */
export function rootKustomizationFile(owner: ClusterFileOwner, resources: readonly string[], entries?: KustomizationEntries): GitOpsFile {
  const team = entriesOf(entries);
  return {
    ...clusterYaml(owner, "kustomization.yaml", [kustomizeConfig([...resources, ...team.resources], team.patches, team.components)]),
    handEditAdvice:
      "add Kustomizations with flux.addKustomization(…), other entries with FluxBootstrap's clusterFolder prop (resources, patches), " +
      `or hand-written ones in ${clusterFolder(owner.clusterName)}/${USER_OWNED_COMPONENT}/ (clusterFolder: { userOwnedComponent: true })`,
  };
}

/**
 * The alerts' files: providers and Flux-kind alerts at the root (`notifications.yaml`); the Terraform alerts in
 * bootstrap's folder, next to (and only applied by) the kustomization.yaml that patches the Alert CRD to accept the
 * kind Terraform (fluxSystemFiles).
 */
export function alertFiles(owner: ClusterFileOwner, alerts: readonly FluxAlerts[]): GitOpsFile[] {
  const files: GitOpsFile[] = [];
  if (alerts.length)
    files.push(
      clusterYaml(
        owner,
        "notifications.yaml",
        alerts.flatMap((a) => a._fluxDocuments()),
      ),
    );
  const terraformAlerts = alerts.flatMap((a) => a._terraformDocuments());
  if (terraformAlerts.length) files.push(clusterYaml(owner, `${owner.namespace}/${TERRAFORM_ALERTS_FILE}`, terraformAlerts));
  return files;
}
