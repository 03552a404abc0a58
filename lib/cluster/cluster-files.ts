import { GitOpsFile } from "../core/gitops-file";
import { clusterFolder } from "../core/repo-layout";
import { FluxAlerts } from "../flux/flux-alerts";
import { fluxSystemAdvice, fluxSystemKustomization, hasTerraformEventPatches, TERRAFORM_ALERTS_FILE } from "../flux/flux-system-patch";
import { kustomizeConfig } from "../kubernetes/kustomize-config";
import type { FluxTarget } from "../schema/flux-target";

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

/** `clusters/<cluster>/kustomization.yaml`: what the cluster folder applies; never the sub-folders themselves. */
export function rootKustomizationFile(owner: ClusterFileOwner, resources: readonly string[]): GitOpsFile {
  return clusterYaml(owner, "kustomization.yaml", [kustomizeConfig([...resources])]);
}

/**
 * The alerts' files: providers and Flux-kind alerts at the root (`notifications.yaml`); the Terraform alerts in
 * bootstrap's folder, next to (and only applied by) the kustomization.yaml that patches the Alert CRD to accept the
 * kind Terraform.
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
  if (terraformAlerts.length) {
    const [ns, flux] = [owner.namespace, owner.fluxTarget];
    files.push({
      ...clusterYaml(owner, `${ns}/kustomization.yaml`, [fluxSystemKustomization(ns, flux)]),
      // flux bootstrap writes this file only when it is missing and keeps it afterwards: the user's own is kept too.
      ifForeign: { warning: fluxSystemAdvice(ns, flux), satisfiedBy: hasTerraformEventPatches(ns, flux) },
    });
    files.push(clusterYaml(owner, `${ns}/${TERRAFORM_ALERTS_FILE}`, terraformAlerts));
  }
  return files;
}
