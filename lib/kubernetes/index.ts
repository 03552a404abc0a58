// Kubernetes and Flux objects as plain typed data, one kind per file (internal: not re-exported by lib/index.ts).
export * from "./git-repository";
export * from "./helm-release";
export * from "./helm-repository";
export * from "./kustomization";
export * from "./kustomize-config";
export * from "./meta";
export * from "./namespace";
export * from "./notification";
export * from "./oci-repository";
export * from "./pod";
export * from "./rbac";
export * from "./terraform";
