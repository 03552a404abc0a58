// The public API, one barrel per domain folder (see ARCHITECTURE.md for the layers).
export * from "./core";
export * from "./azure";
export * from "./flux";
export * from "./tofu";
export * from "./cluster";
export * from "./app";
export * from "./policy";
