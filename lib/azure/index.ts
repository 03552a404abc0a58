export * from "./infrastructure-stack";
export * from "./node-pool-cluster";
export * from "./guarded-node-pool";
