export * from "./flux-cluster";
export * from "./flux-source";
export * from "./git-repository-source";
export * from "./oci-repository-source";
export * from "./flux-alerts";
