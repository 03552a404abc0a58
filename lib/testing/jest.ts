/**
 * `import "cdktf-aks-gitops/testing/jest";` registers the GitOps matchers with jest's global `expect` and brings
 * their types (`toMatchCrdSchema`, `toBeGuardedNodePool`, `toHaveOnlyGuardedNodePools`).
 * @module
 */
import { setupGitOpsMatchers } from "./jest-matchers";

export type { GuardedNodePoolExpectation } from "./matchers";

setupGitOpsMatchers();
