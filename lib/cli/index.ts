// The command line (`npx cdktf-aks-gitops init|validate`, bin in package.json): the top layer, above testing.
// Internal: not re-exported by lib/index.ts.
export * from "./init";
export * from "./pins";
export * from "./validate";
export { main } from "./main";
