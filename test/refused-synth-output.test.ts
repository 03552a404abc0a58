/**
 * A refused synth leaves no refused content anywhere (#14): cdktf writes `cdktf.out/stacks/<stack>/cdk.tf.json` inside
 * its own synth, before the library's checks; when the checks refuse, that output is removed too.
 */
import * as fs from "fs";
import * as path from "path";
import { Annotations } from "cdktf";
import { GitOpsApp, GitOpsSynthError, GuardedNodePool, InfrastructureStack, NodePoolCluster } from "../lib";
import { CLUSTER_ID, cleanupTempDirs, listFiles, SUBSCRIPTION, workspace } from "./helpers";

afterAll(cleanupTempDirs);

// Built at run time so this file itself holds no token.
const TOKEN = "ghp_" + "Q7w3E9r1T5y8U2i6O4p0A3s7D1f5G9h2J6k4";

function appWithPool(outdir: string, repo: string, tags: Record<string, string>): GitOpsApp {
  const app = new GitOpsApp({ outdir, gitopsRoot: repo, log: () => {}, stackTraces: false });
  const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
  new GuardedNodePool(stack, "pool", {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    name: "apps",
    vmSize: "Standard_D4s_v5",
    minCount: 3,
    maxCount: 6,
    tags,
  });
  return app;
}

/** Every file under dir whose bytes contain the text. */
function filesContaining(dir: string, text: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return listFiles(dir).filter((rel) => fs.readFileSync(path.join(dir, rel), "utf8").includes(text));
}

test("a synth refused by the secret scan leaves zero bytes of the secret in cdktf.out and writes no GitOps file", () => {
  const ws = workspace();
  const app = appWithPool(ws.outdir, ws.repo, { note: TOKEN });
  expect(() => app.synth()).toThrow(GitOpsSynthError);
  expect(() => app.synth()).toThrow(/GitHub token/);
  expect(filesContaining(ws.outdir, TOKEN.slice(4))).toEqual([]);
  expect(fs.existsSync(path.join(ws.outdir, "stacks", "infra"))).toBe(false);
  expect(fs.existsSync(ws.repo) ? listFiles(ws.repo) : []).toEqual([]);
});

test("the same app without the secret writes cdktf.out as usual (the removal is only for refused synths)", () => {
  const ws = workspace();
  appWithPool(ws.outdir, ws.repo, { note: "fine" }).synth();
  expect(fs.existsSync(path.join(ws.outdir, "stacks", "infra", "cdk.tf.json"))).toBe(true);
  expect(fs.existsSync(path.join(ws.outdir, "manifest.json"))).toBe(true);
});

test("a synth refused before cdktf's synth ran (invalid input) leaves an earlier synth's cdktf.out alone", () => {
  const ws = workspace();
  appWithPool(ws.outdir, ws.repo, { note: "fine" }).synth();
  const before = listFiles(ws.outdir);
  expect(() => appWithPool(ws.outdir, ws.repo, { "bad/name": "x" }).synth()).toThrow(/invalid input/);
  expect(listFiles(ws.outdir)).toEqual(before);
});

/** Runs `body` as under `cdktf synth`: error annotations do not throw, the synth goes on (read when a stack is constructed). */
function asUnderCdktfCli(body: () => void): void {
  const before = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true";
  try {
    body();
  } finally {
    if (before === undefined) delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    else process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = before;
  }
}

test("a synth skipped for error annotations (policy findings) leaves no secret in cdktf.out either", () => {
  const ws = workspace();
  asUnderCdktfCli(() => {
    const app = appWithPool(ws.outdir, ws.repo, { note: TOKEN });
    Annotations.of(app.node.findChild("infra")).addError("a policy finding");
    // Under the CLI the refusal is printed once on stdout (no stack, no second copy); the app exits 0 without a
    // manifest, so the CLI fails on its own (lib/app/gitops-app.ts).
    const stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      app.synth();
      expect(stdout.mock.calls.map((c) => String(c[0])).join("")).toMatch(/GitHub token/);
      expect(process.exitCode).toBeUndefined();
    } finally {
      stdout.mockRestore();
      process.exitCode = undefined;
    }
  });
  expect(fs.existsSync(path.join(ws.outdir, "manifest.json"))).toBe(false);
  expect(filesContaining(ws.outdir, TOKEN.slice(4))).toEqual([]);
  expect(fs.existsSync(path.join(ws.outdir, "stacks", "infra"))).toBe(false);
  expect(fs.existsSync(ws.repo) ? listFiles(ws.repo) : []).toEqual([]);
});

test("a synth skipped for error annotations without a secret keeps cdktf.out (the CLI reports the annotations from it)", () => {
  const ws = workspace();
  asUnderCdktfCli(() => {
    const app = appWithPool(ws.outdir, ws.repo, { note: "fine" });
    Annotations.of(app.node.findChild("infra")).addError("a policy finding");
    app.synth();
  });
  expect(fs.existsSync(path.join(ws.outdir, "stacks", "infra", "cdk.tf.json"))).toBe(true);
  expect(fs.existsSync(ws.repo) ? listFiles(ws.repo) : []).toEqual([]);
});
