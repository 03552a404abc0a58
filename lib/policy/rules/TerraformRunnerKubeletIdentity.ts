import { parse } from "path";
import { IConstruct } from "constructs";
import { RuleCompliance } from "../nag-pack";
import { eachTerraformObject, optedIntoKubeletIdentity } from "../subjects";

/** Go's strconv.ParseBool true values: what the azurerm provider accepts for ARM_USE_MSI. */
const TRUE = ["1", "t", "T", "TRUE", "true", "True"];

/**
 * A Terraform object's runner does not authenticate to Azure with the node's kubelet (managed) identity:
 * `ARM_USE_MSI=true` in the runner env (also when it comes from a Secret or ConfigMap, which the synth cannot read),
 * or a runner identity that opts into kubelet identity. That identity belongs to the node, so every pod on every node
 * of the pool can use it: whatever role it gets to let Terraform manage the cluster's node pools (Contributor on the
 * cluster or its resource group), every workload on those nodes gets too. Use AKS Workload Identity instead
 * (`ARM_USE_AKS_WORKLOAD_IDENTITY` or `ARM_USE_OIDC` with a ServiceAccount federated to a user-assigned identity).
 */
export default Object.defineProperty(
  (node: IConstruct): RuleCompliance | string[] => {
    const optedIn = optedIntoKubeletIdentity(node);
    return eachTerraformObject(node, (tf) => {
      if (optedIn) return RuleCompliance.NON_COMPLIANT;
      const spec = ((tf.spec?.runnerPodTemplate as { spec?: { env?: unknown } } | undefined)?.spec ?? {}) as { env?: unknown };
      const env = Array.isArray(spec.env) ? (spec.env as { name?: unknown; value?: unknown; valueFrom?: unknown }[]) : [];
      const msi = env.some(
        (e) => e?.name === "ARM_USE_MSI" && (e.valueFrom !== undefined || (typeof e.value === "string" && TRUE.includes(e.value.trim()))),
      );
      return msi ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
    });
  },
  "name",
  { value: parse(__filename).name },
);
