import { PropChecks } from "../core/validation";

/*
 * The tofu-controller v0.16.5 events the Terraform Alerts select. notification-controller filters an Alert's events by
 * involved object (eventSources), severity, and Go regular expressions on the event *message* (inclusionList: at
 * least one must match; exclusionList: none may) — the reason is not matchable, so the messages are:
 * - drift: Warning, reason DriftDetected, message "Drift detected.\n<plan output>"
 *   (controllers/tf_controller_drift_detect.go@v0.16.5:142-143);
 * - a plan waiting for manual approval: Normal (so only an `info` Alert sees it), reason TerraformPlanSucceed, message
 *   "Planned.\nPlan generated: set approvePlan: \"<plan id>\" to approve this plan."
 *   (controllers/tf_controller_plan.go@v0.16.5:146-152, api/planid/plain_id.go@v0.16.5:52).
 */

/** Selects tofu-controller's drift events (their message starts with "Drift detected"). */
export const DRIFT_MESSAGE_PATTERN = "^Drift detected";

/** Selects tofu-controller's "plan awaiting approval" events. */
export const PLAN_AWAITING_APPROVAL_PATTERN = 'set approvePlan: "[^"]+" to approve this plan';

/** An environment name (`FluxBootstrapProps.environment`, `PromotionOrderProps.environments`): a non-empty label value. */
export const ENVIRONMENT_PATTERN = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
export const ENVIRONMENT_ALLOWED = "a label value, e.g. prod (1 to 63 letters, digits, '-', '_', '.', starting and ending alphanumeric)";

/** Keys of `spec.eventMetadata` the library sets on every Alert. */
export const CLUSTER_METADATA_KEY = "cluster";
export const ENVIRONMENT_METADATA_KEY = "environment";

/** Options of the drift-only Alert (`FluxAlertsProps.driftAlert`). */
export interface DriftAlertOptions {
  /**
   * Go regular expressions on the event message; an event is sent if one matches.
   * @default ["^Drift detected"] (tofu-controller's drift message; replacing it can let other events through)
   */
  readonly inclusionList?: string[];
  /**
   * Go regular expressions on the event message; an event that matches one is not sent (e.g. a resource address whose
   * drift is expected).
   * @default - none
   */
  readonly exclusionList?: string[];
}

/** Go's RE2 has no lookaround and no backreferences; JavaScript would accept them and Flux would refuse the Alert. */
const NOT_RE2 = /\(\?<?[=!]|\\[1-9]|\\k</;

/** Problems of a list of Go regular expressions (an Alert's inclusionList or exclusionList). */
export function checkMessagePatterns(c: PropChecks, prop: string, list: unknown): void {
  if (list === undefined) return;
  if (!c.array(prop, list, "an array of Go regular expressions on the event message")) return;
  (list as unknown[]).forEach((re, i) => {
    const allowed = "a Go (RE2) regular expression on the event message: no lookaround, no backreferences";
    if (typeof re !== "string" || re === "" || NOT_RE2.test(re)) {
      c.fail(`${prop}[${i}]`, re, allowed);
      return;
    }
    try {
      new RegExp(re);
    } catch (e) {
      c.fail(`${prop}[${i}]`, re, `${allowed} (${(e as Error).message})`);
    }
  });
}

/**
 * What the synth says once for an AKS extension cluster with Terraform objects: Terraform events reach no Alert
 * there, and the route that works instead (docs/drift.md, "AKS extension clusters").
 */
export function aksDriftRouteNotice(clusterName: string): string {
  return (
    `Terraform drift on cluster ${clusterName} reaches no Flux Alert: the microsoft.flux extension owns the Alert CRD, which does not ` +
    `accept the kind Terraform, and notification-controller drops events no Alert matches. tofu-controller also records each drift as a ` +
    `Kubernetes Warning Event (reason DriftDetected, kind Terraform): alert on it with Container Insights (KubeEvents | where ObjectKind == ` +
    `"Terraform" and Reason == "DriftDetected") or kube-state-metrics, see docs/drift.md`
  );
}
