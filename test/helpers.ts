/**
 * Shared helpers for the synth tests: a temp dir per app, a GitOpsApp that synthesizes into it, and readers for
 * what landed in the GitOps repo. Everything runs on the real pipeline (constructs → render → plan → write).
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ApprovalMode,
  FluxBootstrap,
  GitOpsApp,
  GitOpsAppProps,
  GitOpsSynthError,
  InfrastructureStack,
  RunnerPodOptions,
  TerraformControllerCR,
  TerraformControllerCRProps,
} from "../lib";
import { Parsed } from "./parsed";

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const OTHER_SUBSCRIPTION = "11111111-1111-1111-1111-111111111111";
export const CLUSTER_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
export const OWNERSHIP_RECORD = ".gitops-generated.json";
export const LOCK_FILE = ".gitops-synth.lock";

/**
 * Runner credentials for the Terraform objects of tests that are not about how the runner authenticates: a Secret
 * of ARM_* variables (a service principal's, say), which the library cannot read at synth and takes as given. Without
 * a credential or a runnerIdentity the object is refused (lib/tofu/runner-credentials.ts).
 */
export const RUNNER_CREDENTIALS: RunnerPodOptions = { envFrom: [{ secretName: "azure-credentials" }] };

const created: string[] = [];

/** A fresh temp directory, removed after the test file (see `cleanupTempDirs`). */
export function tempDir(prefix = "gitops-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A workspace: `<dir>/cdktf.out` for cdktf and `<dir>/repo` for the GitOps repo. */
export interface Workspace {
  readonly dir: string;
  readonly outdir: string;
  readonly repo: string;
}

export function workspace(): Workspace {
  const dir = tempDir();
  return { dir, outdir: path.join(dir, "cdktf.out"), repo: path.join(dir, "repo") };
}

/**
 * A GitOpsApp writing into the workspace. Each call gets its own cdktf outdir (cdktf creates it non-recursively,
 * and two apps of one test must not share manifest.json), but they share the repo unless told otherwise.
 */
export function newApp(ws: Workspace, props: Partial<GitOpsAppProps> = {}): GitOpsApp {
  const outdir = fs.mkdtempSync(path.join(ws.dir, "cdktf.out-"));
  return new GitOpsApp({ outdir, gitopsRoot: ws.repo, log: () => {}, stackTraces: false, ...props });
}

/** Every regular file under dir (recursively), as sorted forward-slash relative paths; symlinks are listed, not followed. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(abs, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, "");
  return out.sort();
}

/** path → bytes of every file under dir. */
export function snapshotTree(dir: string): Map<string, Buffer> {
  return new Map(listFiles(dir).map((rel) => [rel, fs.readFileSync(path.join(dir, ...rel.split("/")))]));
}

export function readText(root: string, rel: string): string {
  return fs.readFileSync(path.join(root, ...rel.split("/")), "utf8");
}

/** The parsed `infrastructure/<folder>/main.tf.json` of a repo. */
export function readStackJson(root: string, folder: string): Parsed {
  return JSON.parse(readText(root, `infrastructure/${folder}/main.tf.json`));
}

/** The single `azurerm_kubernetes_cluster_node_pool` resource of a stack's JSON whose `name` is poolName. */
export function poolResource(tf: Parsed, poolName: string): Parsed {
  const all = Object.values(tf.resource?.azurerm_kubernetes_cluster_node_pool ?? {}) as Parsed[];
  const found = all.filter((r) => r.name === poolName);
  if (found.length !== 1) throw new Error(`expected one node pool named ${poolName}, found ${found.length}`);
  return found[0];
}

export function sha256(bytes: Buffer): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

/** Runs fn and returns the error it throws (fails the test if it does not throw). */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the call to throw, it returned");
}

/** Escapes a literal for use inside a RegExp. */
export function re(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The problems of a synth that must be refused, after checking that it wrote nothing. */
export function refusedProblems(build: (app: GitOpsApp) => void): readonly string[] {
  const ws = workspace();
  const app = newApp(ws);
  build(app);
  const err = thrownBy(() => app.synth());
  expect(err).toBeInstanceOf(GitOpsSynthError);
  expect(listFiles(ws.repo)).toEqual([]);
  return (err as GitOpsSynthError).problems;
}

/** Each prop has a `[path] prop = …: allowed is …` message among the problems. */
export function expectPropProblems(problems: readonly string[], constructPath: string, props: readonly string[]): void {
  for (const prop of props)
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^\\[${re(constructPath)}\\] ${re(prop)} = .+: allowed is `)));
}

/** An app with one stack and one Flux cluster, and a factory for Terraform objects reconciling that stack. */
export interface TerraformFixture {
  readonly app: GitOpsApp;
  readonly stack: InfrastructureStack;
  readonly flux: FluxBootstrap;
  tf(id: string, props?: Partial<TerraformControllerCRProps>): TerraformControllerCR;
}

export function terraformFixture(names: { stack: string; cluster: string; repositoryUrl: string }): TerraformFixture {
  const app = newApp(workspace());
  const stack = new InfrastructureStack(app, names.stack, { subscriptionId: SUBSCRIPTION });
  const flux = new FluxBootstrap(app, "flux", { clusterName: names.cluster, repositoryUrl: names.repositoryUrl });
  return {
    app,
    stack,
    flux,
    tf: (id, props = {}) =>
      new TerraformControllerCR(app, id, { cluster: flux, stack, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS, ...props }),
  };
}

/** Runs git in `dir` with a fixed identity and no hooks or signing (a test's own repo, never the user's settings). */
export function git(dir: string, ...args: string[]): string {
  const config = [
    "-c",
    "user.name=test",
    "-c",
    "user.email=test@example.com",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "core.hooksPath=/dev/null",
  ];
  return execFileSync("git", [...config, ...args], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
