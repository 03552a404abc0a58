export { default as NodePoolAutoscaling } from "./NodePoolAutoscaling";
export { default as NodePoolMinCountFloor } from "./NodePoolMinCountFloor";
export { default as NodePoolNodeCountIgnored } from "./NodePoolNodeCountIgnored";
export { default as NodePoolPreventDestroy } from "./NodePoolPreventDestroy";
