export { default as NodePoolAutoscaling } from "./NodePoolAutoscaling";
export { default as NodePoolMinCountFloor } from "./NodePoolMinCountFloor";
export { default as NodePoolNodeCountIgnored } from "./NodePoolNodeCountIgnored";
export { default as NodePoolPreventDestroy } from "./NodePoolPreventDestroy";
export { default as TerraformManualApprovalSeparateSource } from "./TerraformManualApprovalSeparateSource";
export { default as TerraformRunnerKubeletIdentity } from "./TerraformRunnerKubeletIdentity";
export { default as TerraformStateSecretSuffix } from "./TerraformStateSecretSuffix";
