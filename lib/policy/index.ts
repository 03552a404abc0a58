export * from "./nag-pack";
export * from "./suppressions";
export * from "./packs/gitops-checks";
export * as rules from "./rules";
