import { Annotations } from "../core/framework";
import { GUID } from "../core/patterns";
import { PropChecks } from "../core/validation";
import { KUBELET_IDENTITY_OPT_IN } from "./kubelet-identity-opt-in";
import { IRunnerIdentity, RunnerIdentityKind, RunnerIdentitySettings } from "./runner-identity-kind";
import type { ITerraformObject } from "./terraform-cluster";

/** The kubelet identity of the nodes, as an explicit opt-in (see RunnerIdentity.kubeletIdentity). */
export interface KubeletIdentityProps {
  /** Client id of the cluster's kubelet identity (`az aks show --query identityProfile.kubeletidentity.clientId`). */
  readonly clientId: string;
  /**
   * Entra tenant, written as ARM_TENANT_ID.
   * @default - not written (the provider asks IMDS)
   */
  readonly tenantId?: string;
}

const KUBELET_BLAST_RADIUS =
  "the kubelet identity belongs to the nodes, and every pod on every node the runner can land on can get a token for it from IMDS " +
  "(169.254.169.254): whatever rights Terraform needs on the cluster (agentPools write and delete) go to every workload on those nodes. " +
  "Use a RunnerIdentity (workload identity: a user-assigned identity federated to the runner's ServiceAccount only); if you keep the " +
  "kubelet identity, keep the runner on a pool where nothing else runs and restrict IMDS (az aks update --enable-imds-restriction)";

/** The kubelet identity opt-in. */
export class KubeletRunnerIdentity implements IRunnerIdentity {
  readonly kind = RunnerIdentityKind.KUBELET_IDENTITY;

  constructor(private readonly props: KubeletIdentityProps) {
    // Read by the policy rule GitOps-TF2 (TerraformRunnerKubeletIdentity) through TerraformControllerCR.runnerIdentity.
    Object.defineProperty(this, KUBELET_IDENTITY_OPT_IN, { value: true });
  }

  _attach(cr: ITerraformObject): void {
    Annotations.of(cr).addWarning(
      `Terraform object ${cr.namespace}/${cr.name} authenticates with the nodes' kubelet identity (ARM_USE_MSI, explicit opt-in): ` +
        `${KUBELET_BLAST_RADIUS}.`,
    );
  }

  _validateFor(_cr: ITerraformObject, c: PropChecks): void {
    c.pattern(
      "runnerIdentity (kubelet identity) clientId",
      this.props.clientId,
      GUID,
      "the client id GUID of the kubelet identity (az aks show --query identityProfile.kubeletidentity.clientId)",
    );
    c.pattern("runnerIdentity (kubelet identity) tenantId", this.props.tenantId, GUID, "the Entra tenant GUID");
  }

  _runner(cr: ITerraformObject): RunnerIdentitySettings {
    return {
      labels: {},
      env: [
        { name: "ARM_USE_MSI", value: "true" },
        { name: "ARM_CLIENT_ID", value: this.props.clientId },
        ...(this.props.tenantId !== undefined ? [{ name: "ARM_TENANT_ID", value: this.props.tenantId }] : []),
        { name: "ARM_SUBSCRIPTION_ID", value: cr.stack?.subscriptionId },
      ],
    };
  }
}

/** @internal The warning for a runner env that sets ARM_USE_MSI by hand (without RunnerIdentity.kubeletIdentity). */
export function kubeletIdentityWarning(cr: ITerraformObject): string {
  return (
    `Terraform object ${cr.namespace}/${cr.name} sets ARM_USE_MSI in its runner env, i.e. the nodes' kubelet identity: ` +
    `${KUBELET_BLAST_RADIUS}. Say so explicitly with runnerIdentity: RunnerIdentity.kubeletIdentity({ clientId }), or better use a ` +
    `RunnerIdentity.`
  );
}
