export * from "./gitops-app";
export * from "./infrastructure-stack";
export * from "./node-pool-cluster";
export * from "./guarded-node-pool";
export { GitOpsSynthError } from "./private/validation";
export * from "./policy";
