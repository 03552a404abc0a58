import { allNodePoolProblems, crdSchemaProblems, CrdSchemaOptions, GuardedNodePoolExpectation, guardedNodePoolProblems } from "./matchers";

declare global {
  namespace jest {
    // Same type parameters as @types/jest's Matchers, so the declarations merge.
    interface Matchers<R, T = {}> {
      /**
       * The manifest(s) match the bundled CRD schemas (of Flux 2.9 unless `options.fluxVersion` says otherwise,
       * tofu-controller 0.16.5) and built-in schemas, as strictly as a synth checks them. Received: a manifest object,
       * YAML text, or a GitOps file map (checked with each cluster's Flux version and CRD patches, as the synth does).
       */
      toMatchCrdSchema(options?: CrdSchemaOptions): R;
      /**
       * A node pool (GuardedNodePool, KubernetesClusterNodePool, or its `main.tf.json` block) is guarded: autoscaling
       * on, `min_count` ≥ floor (default 3), `max_count` ≥ `min_count`, `node_count` in `ignore_changes`.
       */
      toBeGuardedNodePool(expectation?: GuardedNodePoolExpectation): R;
      /**
       * Every node pool in a GitOps file map, Terraform JSON or `synthGitOps` result is guarded, and there is at least
       * one. Given a `synthGitOps` result, what a policy suppression waives on a pool (GitOps-NP1 to NP4) is not reported.
       */
      toHaveOnlyGuardedNodePools(expectation?: GuardedNodePoolExpectation): R;
    }
  }
}

/** The part of jest's matcher context the matchers use. */
export interface MatcherContext {
  readonly isNot: boolean;
}

/** What a jest matcher returns. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

function result(ctx: MatcherContext, name: string, what: string, problems: readonly string[]): MatcherResult {
  const pass = problems.length === 0;
  return {
    pass,
    message: () =>
      ctx.isNot
        ? `expect(received).not.${name}()\n\nExpected ${what} not to pass, but it did.`
        : `expect(received).${name}()\n\n${problems.length} problem${problems.length === 1 ? "" : "s"}:\n  ${problems.join("\n  ")}`,
  };
}

function run(ctx: MatcherContext, name: string, what: string, check: () => string[]): MatcherResult {
  let problems: string[];
  try {
    problems = check();
  } catch (e) {
    problems = [(e as Error).message];
  }
  return result(ctx, name, what, problems);
}

/** The matchers, for `expect.extend(gitOpsMatchers)` with any jest-compatible `expect`. */
export const gitOpsMatchers = {
  toMatchCrdSchema(this: MatcherContext, received: unknown, options?: CrdSchemaOptions): MatcherResult {
    return run(this, "toMatchCrdSchema", "the manifests", () => crdSchemaProblems(received, options));
  },
  toBeGuardedNodePool(this: MatcherContext, received: unknown, expectation?: GuardedNodePoolExpectation): MatcherResult {
    return run(this, "toBeGuardedNodePool", "the node pool", () => guardedNodePoolProblems(received, expectation));
  },
  toHaveOnlyGuardedNodePools(this: MatcherContext, received: unknown, expectation?: GuardedNodePoolExpectation): MatcherResult {
    return run(this, "toHaveOnlyGuardedNodePools", "the node pools", () => allNodePoolProblems(received, expectation));
  },
};

/**
 * Registers the matchers with jest's global `expect` (`expect.extend`). Call it in a test file or a jest setup file
 * (`setupFilesAfterEnv`), or `import "cdktf-aks-gitops/testing/jest"` which calls it. jest is not a dependency of
 * this package: the matchers use whatever `expect` the test runner provides.
 *
 * @throws Error when there is no global `expect` (not running under jest or a compatible runner)
 */
export function setupGitOpsMatchers(): void {
  const expect = (globalThis as { expect?: { extend?: (m: object) => void } }).expect;
  if (!expect || typeof expect.extend !== "function") {
    throw new Error(
      "setupGitOpsMatchers() needs the global expect of jest (or a compatible runner): call it from a test or a jest setup file",
    );
  }
  expect.extend(gitOpsMatchers);
}
