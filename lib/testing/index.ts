/**
 * Testing helpers for apps built with cdktf-aks-gitops (`import ... from "cdktf-aks-gitops/testing"`): an in-memory
 * synth of the GitOps tree for snapshot tests, and jest matchers for manifests and node pools.
 *
 * Not loaded by the package root. jest is not a dependency: the matchers are registered with the runner's own
 * `expect` by `setupGitOpsMatchers()` or `import "cdktf-aks-gitops/testing/jest"`.
 * @module
 */
export { synthGitOps, synthGitOpsFiles, testApp } from "./synth";
export type { GitOpsAnnotation, GitOpsFileMap, GitOpsSynthResult, SynthGitOpsOptions, TestAppProps } from "./synth";
export { allNodePoolProblems, crdSchemaProblems, guardedNodePoolProblems } from "./matchers";
export type { CrdSchemaOptions, GitOpsSuppression, GuardedNodePoolExpectation } from "./matchers";
export { gitOpsMatchers, setupGitOpsMatchers } from "./jest-matchers";
export type { MatcherContext, MatcherResult } from "./jest-matchers";
