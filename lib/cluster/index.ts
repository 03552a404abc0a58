export * from "./flux-bootstrap";
export * from "./promotion-order";
export type { BootstrapStateBackend } from "./flux-extension-stack";
