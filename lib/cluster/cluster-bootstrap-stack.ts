import { Construct } from "constructs";
import { RepoTerraformStack } from "../azure/repo-terraform-stack";
import { AzurermBackend } from "../core/framework";
import { BootstrapStateBackend } from "./flux-extension-stack";

export interface ClusterBootstrapStackProps {
  /** Repo-relative folder of the stack's `main.tf.json`, `bootstrap/<cluster>`. */
  readonly repoPath: string;
  readonly subscriptionId: string;
  readonly stateBackend?: BootstrapStateBackend;
}

/**
 * The once-per-cluster Terraform of a flux CLI cluster (`bootstrap/<cluster>/main.tf.json`): what must exist before
 * the cluster's Terraform objects can run and what they must never be able to change themselves, such as the runner
 * identity and its role assignment. Applied from a workstation or pipeline whose identity may grant roles on the
 * cluster (Owner, or User Access Administrator plus Managed Identity Contributor), with
 * `tofu -chdir=bootstrap/<cluster> init && tofu -chdir=bootstrap/<cluster> apply`. No Flux Kustomization and no
 * Terraform object points at `bootstrap/`, so the runner can never apply it: it cannot grant itself rights.
 *
 * In AKS extension mode the same folder holds the extension stack, which receives these resources instead.
 */
export class ClusterBootstrapStack extends RepoTerraformStack {
  readonly subscriptionId: string;

  constructor(scope: Construct, id: string, props: ClusterBootstrapStackProps) {
    super(scope, id, {
      repoPath: props.repoPath,
      // Applied from a workstation or pipeline, so the Azure CLI login is a fine credential here.
      provider: { subscriptionId: props.subscriptionId, resourceProviderRegistrations: "none" },
      keepBackend: props.stateBackend !== undefined,
    });
    this.subscriptionId = props.subscriptionId;
    if (props.stateBackend) new AzurermBackend(this, { ...props.stateBackend, useAzureadAuth: true });
  }
}
