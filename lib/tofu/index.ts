export * from "./terraform-cluster";
export * from "./terraform-controller-cr";
export * from "./runner-identity";
export * from "./approval";
export * from "./runner-pod-options";
export { VarsFromKind } from "./stack-inputs";
export type { TerraformVarsFromSource, WriteOutputsToSecret } from "./stack-inputs";
export * from "./tofu-controller";
