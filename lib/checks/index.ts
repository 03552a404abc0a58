// The checks of the rendered tree before anything is written. Internal: used by lib/app, not re-exported by
// lib/index.ts. Files inside lib/checks import each other directly.
export * from "./tree-check";
export * from "./crd-schemas";
export * from "./secret-scan";
export * from "./state-safety";
export * from "./pool-rotations";
export * from "./default-checks";
