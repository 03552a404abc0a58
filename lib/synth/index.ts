// The pipeline stages, in the order a synth runs them; none knows of the checks (lib/checks reads their types).
// Internal: used by lib/app and lib/testing, not re-exported by lib/index.ts. Files inside lib/synth import each other directly.
export * from "./validate-tree";
export * from "./collect";
export * from "./render";
export * from "./render-tree";
export * from "./repo-view";
export * from "./plan";
export * from "./ownership";
export * from "./repo-paths";
export * from "./write";
export * from "./discard-cdktf-output";
