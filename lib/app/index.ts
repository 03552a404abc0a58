export * from "./gitops-app";
