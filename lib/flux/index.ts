export * from "./flux-cluster";
export * from "./flux-source";
export * from "./git-repository-source";
export * from "./oci-repository-source";
export * from "./flux-alerts";
export { DRIFT_MESSAGE_PATTERN, PLAN_AWAITING_APPROVAL_PATTERN } from "./terraform-alerts";
export type { DriftAlertOptions } from "./terraform-alerts";
