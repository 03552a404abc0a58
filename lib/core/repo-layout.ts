/**
 * The one place that knows the shape of the GitOps repo the library writes. Every producer builds its paths here and
 * every check parses them back here, so moving a folder is a change of this file only.
 *
 * ```
 * infrastructure/<stack>/main.tf.json     what the tofu-controller runner plans and applies
 * bootstrap/<cluster>/main.tf.json        applied once from a workstation or pipeline
 * clusters/<cluster>/                     Flux objects of one cluster (terraform/ holds its Terraform objects)
 * .gitops-generated.json                  the ownership record
 * ```
 */

/** Top-level folders the library writes into; nothing outside them (and the record) is ever written or deleted. */
export const OUTPUT_ROOTS = ["infrastructure", "bootstrap", "clusters"] as const;

/** The Terraform file of a stack folder. */
export const TERRAFORM_FILE = "main.tf.json";

/** `infrastructure/<folder>`: a stack the runner applies. */
export function infrastructureFolder(folderName: string): string {
  return `infrastructure/${folderName}`;
}

/** `bootstrap/<cluster>`: the cluster's bootstrap Terraform, applied once by a person or pipeline. */
export function bootstrapFolder(clusterName: string): string {
  return `bootstrap/${clusterName}`;
}

/** `clusters/<cluster>`: everything Flux applies on one cluster. */
export function clusterFolder(clusterName: string): string {
  return `clusters/${clusterName}`;
}

/**
 * The folders the library writes inside `clusters/<cluster>/`: each is applied by a Kustomization of its own, in order
 * (tofu-controller first, then the Terraform objects), so none may be listed in the cluster's kustomization.yaml.
 */
export const CLUSTER_SUBFOLDERS = { tofuController: "tofu-controller", terraform: "terraform" } as const;

/** `clusters/<cluster>/terraform`: the cluster's Terraform objects, their sources and runner identities. */
export function clusterTerraformFolder(clusterName: string): string {
  return `${clusterFolder(clusterName)}/${CLUSTER_SUBFOLDERS.terraform}`;
}

/** `clusters/<cluster>/terraform/<file>`. */
export function clusterTerraformFile(clusterName: string, fileName: string): string {
  return `${clusterTerraformFolder(clusterName)}/${fileName}`;
}

/** `<folder>/main.tf.json`. */
export function terraformFileOf(folder: string): string {
  return `${folder}/${TERRAFORM_FILE}`;
}

/** The cluster name of a repo path under `clusters/<cluster>/`, or undefined outside clusters/. */
export function clusterNameOf(repoPath: string): string | undefined {
  const m = /^clusters\/([^/]+)\//.exec(repoPath);
  return m ? m[1] : undefined;
}
