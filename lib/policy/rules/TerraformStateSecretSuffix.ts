import { parse } from "path";
import { IConstruct } from "constructs";
import { RuleCompliance } from "../nag-pack";
import { eachTerraformObject } from "../subjects";

/**
 * A Terraform object on tofu-controller's kubernetes backend sets `backendConfig.secretSuffix`. Without it the
 * state Secret is `tfstate-<workspace>-<object name>` (`stateSecretName` in lib/tofu/state-secret.ts names it), so
 * renaming the object (or its construct id) starts from an empty state and the next plan creates every resource
 * again. Not applicable when the object uses another backend (`backendConfig.disable`, `customConfiguration`, or
 * `cloud`).
 */
export default Object.defineProperty(
  (node: IConstruct): RuleCompliance | string[] =>
    eachTerraformObject(node, (tf) => {
      const backend = (tf.spec?.backendConfig ?? {}) as { disable?: unknown; customConfiguration?: unknown; secretSuffix?: unknown };
      if (backend.disable === true || backend.customConfiguration !== undefined || tf.spec?.cloud !== undefined)
        return RuleCompliance.NOT_APPLICABLE;
      return typeof backend.secretSuffix === "string" && backend.secretSuffix.trim() !== ""
        ? RuleCompliance.COMPLIANT
        : RuleCompliance.NON_COMPLIANT;
    }),
  "name",
  { value: parse(__filename).name },
);
