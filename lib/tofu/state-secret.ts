/**
 * tofu-controller's state naming, in one place: the kubernetes backend it injects keeps a Terraform object's state in
 * the Secret `tfstate-<workspace>-<secretSuffix>` of the object's namespace. The suffix is `backendConfig.secretSuffix`
 * verbatim, or the object name without a backendConfig; the workspace is `spec.workspace`, "default" when unset.
 * Used by TerraformControllerCR (what it writes), the state-safety check (what the committed tree had) and policy.
 */
import { checkLabelValueLength } from "../core/kubernetes-limits";
import { DNS_LABEL } from "../core/patterns";
import { PropChecks } from "../core/validation";

/** The Terraform workspace of an object without `spec.workspace`. */
export const DEFAULT_WORKSPACE = "default";

/** Longest Secret name Kubernetes accepts (a DNS subdomain). */
export const MAX_STATE_SECRET_NAME = 253;

/** Ends in `-<digits>`: Terraform's kubernetes backend refuses such state suffixes (it chunks state into `-<n>` Secrets). */
export const TRAILING_NUMBER = /-\d+$/;

/** The kubernetes backend labels the state Secret with the workspace and the suffix: both are label values (63 at most). */
const BACKEND_LABEL = "the kubernetes backend labels its state Secret with it";

const STATE_SUFFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Name of the state Secret of a Terraform object with that workspace and secret suffix. */
export function stateSecretName(workspace: string, secretSuffix: string): string {
  return `tfstate-${workspace}-${secretSuffix}`;
}

/** What a Terraform object names its state with. */
export interface StateNaming {
  readonly workspace: string;
  readonly secretSuffix: string;
  /** False if the suffix is defaulted: its source (the stack folder) is then checked where it comes from. */
  readonly suffixGiven: boolean;
}

/** Problems of a state naming: suffix and workspace usable in a Secret name, and the name not too long. */
export function checkStateNaming(c: PropChecks, s: StateNaming): void {
  // A defaulted suffix that is not a DNS label is reported on the stack: no second message here.
  let suffixShort = true;
  const suffixChecked = s.suffixGiven || (typeof s.secretSuffix === "string" && DNS_LABEL.test(s.secretSuffix));
  if (
    suffixChecked &&
    c.pattern(
      "secretSuffix",
      s.secretSuffix,
      STATE_SUFFIX,
      "lower-case letters, digits and '-', starting and ending alphanumeric (it ends the state Secret name)",
    )
  ) {
    c.check(
      !TRAILING_NUMBER.test(s.secretSuffix),
      "secretSuffix",
      s.secretSuffix,
      "a suffix not ending in -<digits> (Terraform's kubernetes backend refuses it)",
    );
    suffixShort = checkLabelValueLength(c, "secretSuffix", s.secretSuffix, BACKEND_LABEL);
  }
  const workspaceOk = c.pattern(
    "workspace",
    s.workspace,
    STATE_SUFFIX,
    "lower-case letters, digits and '-' (it is part of the state Secret name)",
  );
  const workspaceShort = workspaceOk && checkLabelValueLength(c, "workspace", s.workspace, BACKEND_LABEL);
  // Both at most 63 keep the name within 253 today; the check stays for when the prefix or the limits change.
  if (workspaceShort && suffixChecked && suffixShort) {
    const name = stateSecretName(s.workspace, s.secretSuffix);
    c.check(
      name.length <= MAX_STATE_SECRET_NAME,
      "secretSuffix",
      s.secretSuffix,
      `a suffix short enough for the state Secret name ${name} (at most ${MAX_STATE_SECRET_NAME} characters)`,
    );
  }
}
