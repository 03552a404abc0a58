import type { PropChecks } from "../core/validation";
import type { ITerraformObject } from "./terraform-cluster";

/** How a Terraform runner authenticates to Azure. */
export enum RunnerIdentityKind {
  /** A user-assigned identity federated to the runner's ServiceAccount (AKS workload identity). */
  WORKLOAD_IDENTITY = "workload-identity",
  /** The node's kubelet identity through IMDS: every pod on the node can use it. */
  KUBELET_IDENTITY = "kubelet-identity",
}

/** How the runner pods of Terraform objects authenticate to Azure: `new RunnerIdentity(…)` or `RunnerIdentity.kubeletIdentity(…)`. */
export interface IRunnerIdentity {
  readonly kind: RunnerIdentityKind;
  /** @internal Called by a Terraform object that uses this identity, from its constructor. */
  _attach(cr: ITerraformObject): void;
  /** @internal Problems of using this identity for that Terraform object. */
  _validateFor(cr: ITerraformObject, c: PropChecks): void;
  /** @internal What the Terraform object's runner gets. */
  _runner(cr: ITerraformObject): RunnerIdentitySettings;
}

/** @internal What a runner identity sets on a Terraform object. */
export interface RunnerIdentitySettings {
  readonly serviceAccountName?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly env: readonly { readonly name: string; readonly value: string }[];
  /** Set when the identity cannot be used yet: the object is written suspended, with this reason. */
  readonly suspendedBecause?: string;
}
