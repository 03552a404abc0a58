/**
 * Concise errors (#16 item 4): a refused synth says each problem once, without a stack trace (GITOPS_DEBUG brings it
 * back), and fails; policy findings carry no stack trace either (cdktf's `stackTraces` app option, which sets the
 * context `@cdktf/disable_stack_trace_in_metadata` read by cdktf 0.21's lib/annotations.js).
 */
import * as fs from "fs";
import * as path from "path";
import { inspect } from "util";
import { GitOpsApp, GitOpsChecks, GitOpsSynthError, GuardedNodePool, InfrastructureStack, NodePoolCluster, PolicyPack } from "../lib";
import { CLUSTER_ID, cleanupTempDirs, SUBSCRIPTION, thrownBy, workspace } from "./helpers";

afterAll(cleanupTempDirs);

function withEnv<T>(name: string, value: string | undefined, body: () => T): T {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return body();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

/** An app with one pool; `vmSize` and `minCount` as given (defaults valid). */
function appWithPool(props: { vmSize?: string; minCount?: number } = {}): GitOpsApp {
  const ws = workspace();
  const app = new GitOpsApp({ outdir: ws.outdir, gitopsRoot: ws.repo, log: () => {} });
  const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
  new GuardedNodePool(stack, "pool", {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    name: "apps",
    vmSize: props.vmSize ?? "Standard_D4s_v5",
    minCount: props.minCount ?? 3,
    maxCount: 6,
    guardrails: { allowedVmSizes: ["Standard_D4s_v5", "Standard_D8s_v5"] },
  });
  return app;
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

const TYPO = '[infra/pool] vmSize = "Standard_D4s-v5": allowed is one of guardrails.allowedVmSizes: Standard_D4s_v5, Standard_D8s_v5';

test("a typo'd VM size with an allow list is one message (not the size pattern's as well)", () => {
  const e = thrownBy(() => appWithPool({ vmSize: "Standard_D4s-v5" }).synth()) as GitOpsSynthError;
  expect(e.problems).toEqual([TYPO]);
});

test("the refusal has no stack frames, and printing it shows each problem once", () => {
  const e = withEnv("GITOPS_DEBUG", undefined, () => thrownBy(() => appWithPool({ vmSize: "Standard_D4s-v5" }).synth()));
  expect(e.stack).toBe(`GitOpsSynthError: ${e.message}`);
  // What Node prints for an uncaught error, and jest for a failed test: the stack, then the own enumerable properties.
  expect(occurrences(inspect(e), TYPO)).toBe(1);
  expect(Object.keys(e)).not.toContain("problems");
  expect((e as GitOpsSynthError).problems).toEqual([TYPO]);
});

test("GITOPS_DEBUG=1 brings the stack trace back", () => {
  const e = withEnv("GITOPS_DEBUG", "1", () => thrownBy(() => appWithPool({ vmSize: "Standard_D4s-v5" }).synth()));
  expect(e.stack).toMatch(/\n {4}at /);
});

test("under cdktf synth the refusal goes to stdout once, the app exits 0 and leaves no manifest (the CLI then fails)", () => {
  // cdktf-cli prints a failing app's stdout and stderr live and again in its error block; an app that exits 0 without
  // a manifest is printed once and still fails the CLI. A manifest of an earlier synth would let the CLI pass.
  const app = appWithPool({ vmSize: "Standard_D4s-v5", minCount: 0 });
  const manifest = path.join(app.outdir, "manifest.json");
  fs.mkdirSync(app.outdir, { recursive: true });
  fs.writeFileSync(manifest, "{}");
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = jest.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
  try {
    withEnv("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS", "true", () => app.synth());
    expect(process.exitCode).toBeUndefined();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
  expect(err).toEqual([]);
  expect(out.join("").split("\n")).toEqual([
    "Synth refused: invalid input (2 problems; nothing was written):",
    expect.stringMatching(/^ {2}\[infra\/pool\] minCount = 0: allowed is/),
    `  ${TYPO}`,
    "(cdktf then reports that the app did not call synth(): this refusal is why; nothing was written)",
    "",
  ]);
  expect(fs.existsSync(manifest)).toBe(false);
});

test("under cdktf synth with GITOPS_DEBUG=1 the refusal is thrown as before", () => {
  withEnv("GITOPS_DEBUG", "1", () =>
    withEnv("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS", "true", () =>
      expect(() => appWithPool({ vmSize: "Standard_D4s-v5" }).synth()).toThrow(GitOpsSynthError),
    ),
  );
});

/** The annotations cdktf wrote into the stack's metadata for a policy finding (what the CLI prints). */
function policyAnnotations(debug: string | undefined): { message: string; stacktrace?: string[] }[] {
  return withEnv("GITOPS_DEBUG", debug, () =>
    withEnv("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS", "true", () => {
      const app = appWithPool();
      const stack = app.node.findChild("infra") as InfrastructureStack;
      new GuardedNodePool(stack, "low", {
        cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
        name: "low",
        vmSize: "Standard_D4s_v5",
        minCount: 1,
        maxCount: 3,
        guardrails: { minCountFloor: 1 },
      });
      PolicyPack.applyTo(app, new GitOpsChecks({ minCountFloor: 3 }));
      app.synth();
      const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8"));
      return manifest.stacks.infra.annotations;
    }),
  );
}

test("a policy finding carries no stack trace; GITOPS_DEBUG=1 brings it back", () => {
  const quiet = policyAnnotations(undefined);
  expect(quiet.length).toBeGreaterThan(0);
  expect(quiet.every((a) => a.stacktrace === undefined)).toBe(true);
  const debug = policyAnnotations("1");
  expect(debug.some((a) => Array.isArray(a.stacktrace) && a.stacktrace.length > 5)).toBe(true);
});
