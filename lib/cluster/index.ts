export * from "./flux-bootstrap";
export * from "./flux-bootstrap-props";
export * from "./flux-install";
export * from "./flux-installs";
export * from "./flux-cli-install";
export * from "./aks-extension-install";
export * from "./promotion-order";
export type { BootstrapStateBackend } from "./flux-extension-stack";
export { FluxVersion } from "../schema/flux-target";
