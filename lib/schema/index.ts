// The strict schema check of one manifest and the bundled schemas (internal: not re-exported by lib/index.ts).
export * from "./manifest-validator";
