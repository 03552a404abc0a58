import { IConstruct } from "constructs";

/**
 * Marks the root of a GitOps app, so that constructs below the app (an `InfrastructureStack` in lib/azure) can ask
 * whether their tree is rooted in a `GitOpsApp` without importing lib/app, which sits above them.
 */
const GITOPS_APP = Symbol.for("cdktf-aks-gitops/gitops-app");

/** Marks a construct as a GitOps app (called from the `GitOpsApp` constructor). */
export function markGitOpsApp(app: IConstruct): void {
  Object.defineProperty(app, GITOPS_APP, { value: true });
}

/** True for a construct marked by `markGitOpsApp`, i.e. a `GitOpsApp`. */
export function isGitOpsApp(c: IConstruct): boolean {
  return (c as unknown as Record<symbol, unknown>)[GITOPS_APP] === true;
}
