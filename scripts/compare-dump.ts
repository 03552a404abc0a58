/**
 * The dumping half of `npm run compare` (scripts/compare-generated.ts): run inside one checkout of the project, it
 * synthesizes fixed inputs with that checkout's own code and writes what came out as JSON.
 *
 *   node -r ts-node/register/transpile-only scripts/compare-dump.ts <checkout root> <dump.json>
 *
 * The same file drives every checkout (the base commit's worktree and the head), so it reaches a checkout only through
 * entry points that exist at every commit since the bad-input matrix: `lib/index.ts`, `lib/testing/index.ts`,
 * `test/bad-input-matrix.ts`, `examples/fleet.ts`, `main.ts` and `bench/apps/library-app.ts`, each loaded by absolute
 * path from `<checkout root>`. The types below are the head's; the values at run time are the checkout's.
 *
 * What is dumped: for every case, each file of the GitOps repo and of cdktf.out (sha256, size; contents once per
 * sha256 for diff excerpts) and the app's log lines; for every bad-input row, the problem lines, the error message
 * and what was written (nothing, if the library is right); the policy pack's findings.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

type Lib = typeof import("../lib");
type Testing = typeof import("../lib/testing");
type Matrix = typeof import("../test/bad-input-matrix");
type Fleet = typeof import("../examples/fleet");
type GitOpsApp = InstanceType<Lib["GitOpsApp"]>;

/** One generated file: its digest and size. */
export interface DumpedFile {
  readonly sha256: string;
  readonly bytes: number;
}

/** One synthesized case: `repo/<path>` and `cdktf.out/<path>` files, and what the app logged. */
export interface DumpedCase {
  readonly files: Record<string, DumpedFile>;
  readonly log: string[];
}

/** The whole dump of one checkout. */
export interface Dump {
  readonly root: string;
  readonly cases: Record<string, DumpedCase>;
  /** Message lists by key (`bad-input/<row>`, `policy/<case>`), each normalized (temp dirs and the root replaced). */
  readonly messages: Record<string, string[]>;
  /** File contents by sha256 (text), for diff excerpts. */
  readonly contents: Record<string, string>;
}

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TENANT = "00000000-0000-0000-0000-000000000000";
const REPO_URL = "https://github.com/example-org/compare-fleet.git";
const GENERATED_CLUSTERS = 20;
const GENERATED_POOLS = 3;
const BENCH_CLUSTERS = 10;
const BENCH_POOLS = 10;

const root = path.resolve(process.argv[2] ?? ".");
const outFile = path.resolve(process.argv[3] ?? "compare-dump.json");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "compare-dump-"));
const config = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")) as { context: Record<string, unknown> };

/* eslint-disable @typescript-eslint/no-require-imports */
const lib = require(path.join(root, "lib")) as Lib;
const testing = require(path.join(root, "lib", "testing")) as Testing;
/* eslint-enable @typescript-eslint/no-require-imports */

const dump: Dump = { root, cases: {}, messages: {}, contents: {} };

/** Temp dirs and the checkout root differ between the two runs; messages that name them are compared without them. */
function normalize(text: string, dir?: string): string {
  let t = text;
  if (dir) t = t.split(fs.realpathSync(dir)).join("<dir>").split(dir).join("<dir>");
  t = t.split(scratch).join("<scratch>").split(root).join("<root>");
  return t;
}

function walk(dir: string, prefix: string, into: Record<string, DumpedFile>): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, e.name);
    const rel = `${prefix}/${e.name}`;
    if (e.isDirectory()) walk(full, rel, into);
    else {
      const bytes = fs.readFileSync(full);
      const sha256 = crypto.createHash("sha256").update(bytes).digest("hex");
      into[rel] = { sha256, bytes: bytes.length };
      dump.contents[sha256] ??= bytes.toString("utf8");
    }
  }
}

function recordCase(name: string, dir: string, log: readonly string[]): void {
  const files: Record<string, DumpedFile> = {};
  walk(path.join(dir, "repo"), "repo", files);
  walk(path.join(dir, "cdktf.out"), "cdktf.out", files);
  dump.cases[name] = { files, log: log.map((l) => normalize(l, dir)) };
  process.stderr.write(`  ${name}: ${Object.keys(files).length} files\n`);
}

function caseDir(name: string): string {
  const dir = path.join(scratch, name.replace(/[^A-Za-z0-9]+/g, "-"));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs a TypeScript entry point of the checkout as its own process (as `cdktf synth` would run main.ts). */
function runScript(script: string, args: readonly string[], env: Record<string, string>): string[] {
  const r = spawnSync(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), script, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", TS_NODE_PROJECT: path.join(root, "tsconfig.json"), ...env },
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout.split("\n").filter((l) => l !== "" && !l.startsWith("BENCH "));
}

/** An app synthesized twice into the same repo: the second run must find every file unchanged. */
function inProcess(name: string, build: (app: GitOpsApp) => void): void {
  const dir = caseDir(name);
  const log: string[] = [];
  for (const run of ["first synth", "re-synth"]) {
    const app = new lib.GitOpsApp({
      gitopsRoot: path.join(dir, "repo"),
      outdir: path.join(dir, "cdktf.out"),
      context: config.context,
      log: (l) => void log.push(`${run}: ${l}`),
    });
    build(app);
    app.synth();
  }
  recordCase(name, dir, log);
}

// ------------------------------------------------------------------------------------------------ the generated fleet

/** Pools of one cluster: a system pool, a tainted pool with upgrade settings, a Spot or Windows pool. */
function addPools(i: number, stack: InstanceType<Lib["InfrastructureStack"]>, clusterName: string): void {
  const cluster =
    i % 3 === 0
      ? lib.NodePoolCluster.fromClusterId(
          `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-${clusterName}` +
            `/providers/Microsoft.ContainerService/managedClusters/${clusterName}`,
        )
      : lib.NodePoolCluster.fromClusterName(clusterName, `rg-${clusterName}`);
  for (let j = 0; j < GENERATED_POOLS; j++) {
    const common = { cluster, minCount: 3, maxCount: 5 + i + j, tags: { fleet: "compare", cluster: clusterName } };
    if (j === 0) {
      new lib.GuardedNodePool(stack, "system", {
        ...common,
        name: "system",
        vmSize: "Standard_D2s_v5",
        mode: lib.NodePoolMode.SYSTEM,
        zones: ["1", "2", "3"],
        nodeCount: 3,
      });
    } else if (j === 1) {
      new lib.GuardedNodePool(stack, "apps", {
        ...common,
        name: `apps${i}`,
        vmSize: i % 2 ? "Standard_D8s_v5" : "Standard_D4s_v5",
        nodeLabels: { workload: "apps", tier: `t${i % 4}` },
        nodeTaints: [{ key: "dedicated", value: "apps", effect: lib.TaintEffect.NO_SCHEDULE }],
        maxPods: 60 + i,
        osDiskSizeGb: 128,
        osDiskType: i % 2 ? lib.NodePoolOsDiskType.EPHEMERAL : lib.NodePoolOsDiskType.MANAGED,
        osSku: lib.NodePoolOsSku.AZURE_LINUX,
        upgradeSettings: { maxSurge: "33%", drainTimeoutInMinutes: 30, nodeSoakDurationInMinutes: 5 },
        guardrails: { maxCountCeiling: 100 },
      });
    } else if (i % 5 === 4) {
      new lib.GuardedNodePool(stack, "win", {
        ...common,
        name: `win${i % 10}`,
        vmSize: "Standard_D4s_v5",
        osType: lib.NodePoolOsType.WINDOWS,
      });
    } else {
      new lib.GuardedNodePool(stack, "spot", {
        ...common,
        name: "spot",
        vmSize: "Standard_D16s_v5",
        spot: i % 2 ? { evictionPolicy: lib.SpotEvictionPolicy.DEALLOCATE, maxPrice: [0.5, 0.25, 1.125, 0.0625][i % 4] } : {},
        preventDestroy: i % 4 !== 2,
      });
    }
  }
}

/** One cluster: Flux (CLI or AKS extension), its pools' Terraform object, sources, alerts, a runner identity. */
function addCluster(app: GitOpsApp, i: number): void {
  const clusterName = `gen${String(i).padStart(2, "0")}`;
  const stack = new lib.InfrastructureStack(app, `${clusterName}-pools`, { subscriptionId: SUBSCRIPTION });
  addPools(i, stack, clusterName);
  const extension = i % 2 === 1;
  const flux = new lib.FluxBootstrap(app, `flux-${clusterName}`, {
    clusterName,
    repositoryUrl: REPO_URL,
    ...(i % 4 === 2 ? { branch: "fleet" } : {}),
    ...(extension
      ? {
          mode: lib.FluxInstallMode.AKS_EXTENSION,
          aksExtension: {
            subscriptionId: SUBSCRIPTION,
            clusterName,
            resourceGroupName: `rg-${clusterName}`,
            localAuthReference: "git-auth",
          },
        }
      : {}),
    ...(i % 3 === 2 ? { interval: lib.Duration.minutes(5), tofuController: { interval: lib.Duration.hours(1) } } : {}),
  });
  const runnerIdentity =
    i % 4 === 0
      ? new lib.RunnerIdentity(app, `runner-${clusterName}`, {
          cluster: flux,
          aksCluster: lib.NodePoolCluster.fromClusterName(clusterName, `rg-${clusterName}`),
          subscriptionId: SUBSCRIPTION,
          tenantId: TENANT,
          ...(i % 8 === 0 ? { clientId: "00000000-0000-0000-0000-0000000000" + String(10 + i) } : {}),
        })
      : undefined;
  flux.addTerraform("pools", {
    stack,
    approval: lib.ApprovalMode.AUTO,
    interval: lib.Duration.minutes(5 + i),
    ...(runnerIdentity ? { runnerIdentity } : {}),
    ...(i % 5 === 1
      ? {
          vars: { cluster: clusterName, pools: GENERATED_POOLS },
          writeOutputsToSecret: { name: `${clusterName}-outputs` },
          runnerPod: { resources: { requests: { cpu: "200m", memory: "256Mi" } }, nodeSelector: { "kubernetes.io/os": "linux" } },
        }
      : {}),
    ...(i === 7 ? { runnerPod: { env: [{ name: "ARM_USE_MSI", value: "true" }] } } : {}),
  });
  if (i % 3 === 0) addReleaseStack(app, flux, clusterName, i);
  if (i % 3 === 1) {
    flux.addAlerts("alerts", {
      provider:
        i % 2
          ? lib.NotificationProvider.slack({ secretName: "slack-webhook", channel: "#gitops" })
          : lib.NotificationProvider.generic({ secretName: "hook" }),
      eventSeverity: lib.AlertSeverity.ERROR,
    });
  }
}

/** A second stack read from a release branch (manual approval) and an OCI artifact. */
function addReleaseStack(app: GitOpsApp, flux: InstanceType<Lib["FluxBootstrap"]>, clusterName: string, i: number): void {
  const batch = new lib.InfrastructureStack(app, `${clusterName}-batch`, { subscriptionId: SUBSCRIPTION });
  new lib.GuardedNodePool(batch, "batch", {
    cluster: lib.NodePoolCluster.fromClusterName(clusterName, `rg-${clusterName}`),
    name: "batch",
    vmSize: "Standard_D8s_v5",
    minCount: 3,
    maxCount: 30,
  });
  const source =
    i % 2 === 0
      ? new lib.GitRepositorySource(flux, "release", { cluster: flux, ref: lib.GitRef.branch("release"), onlyInfrastructure: true })
      : new lib.OciRepositorySource(flux, "artifact", {
          cluster: flux,
          url: "oci://ghcr.io/example-org/infra",
          ref: lib.OciRef.tag(`v1.${i}.0`),
        });
  new lib.TerraformControllerCR(app, `${clusterName}-batch-tf`, {
    cluster: flux,
    stack: batch,
    source,
    approval: lib.ApprovalMode.MANUAL,
    interval: lib.Duration.minutes(30),
  });
}

function buildGeneratedFleet(app: GitOpsApp): void {
  for (let i = 0; i < GENERATED_CLUSTERS; i++) addCluster(app, i);
}

// ------------------------------------------------------------------------------------------------ policy findings

/** Every rule of the GitOps pack finds something: a raw pool without guardrails, kubelet identity, manual approval. */
function policyFindings(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const providerPool = require(require.resolve("@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool", { paths: [root] })) as {
    KubernetesClusterNodePool: new (scope: unknown, id: string, props: Record<string, unknown>) => unknown;
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  for (const floor of [3, 5]) {
    const app = testing.testApp({ context: config.context });
    const stack = new lib.InfrastructureStack(app, "policy", { subscriptionId: SUBSCRIPTION });
    new lib.GuardedNodePool(stack, "guarded", {
      cluster: lib.NodePoolCluster.fromClusterName("aks-policy", "rg-policy"),
      name: "guarded",
      vmSize: "Standard_D4s_v5",
      minCount: 3,
      maxCount: 6,
      preventDestroy: false,
    });
    new providerPool.KubernetesClusterNodePool(stack, "raw", {
      name: "raw",
      kubernetesClusterId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-policy",
      vmSize: "Standard_D2s_v5",
      nodeCount: 1,
    });
    const flux = new lib.FluxBootstrap(app, "flux", { clusterName: "aks-policy", repositoryUrl: REPO_URL });
    flux.addTerraform("msi", { stack, approval: lib.ApprovalMode.AUTO, runnerPod: { env: [{ name: "ARM_USE_MSI", value: "true" }] } });
    flux.addTerraform("kubelet", {
      stack,
      approval: lib.ApprovalMode.AUTO,
      secretSuffix: "policy-kubelet",
      runnerIdentity: lib.RunnerIdentity.kubeletIdentity({ clientId: "00000000-0000-0000-0000-000000000001" }),
    });
    lib.PolicyPack.applyTo(app, new lib.GitOpsChecks({ minCountFloor: floor }));
    const r = testing.synthGitOps(app, { allowErrorAnnotations: true, includeOwnershipRecord: true });
    dump.messages[`policy/GitOpsChecks minCountFloor ${floor}`] = r.annotations.map((a) => `${a.level} [${a.constructPath}] ${a.message}`);
    const files: Record<string, DumpedFile> = {};
    for (const [p, content] of Object.entries(r.files)) {
      const sha256 = crypto.createHash("sha256").update(content).digest("hex");
      files[`memory/${p}`] = { sha256, bytes: Buffer.byteLength(content) };
      dump.contents[sha256] ??= content;
    }
    dump.cases[`policy app, in memory (synthGitOps), floor ${floor}`] = { files, log: [] };
  }
}

// ------------------------------------------------------------------------------------------------ bad input

function badInput(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const matrix = require(path.join(root, "test", "bad-input-matrix")) as Matrix;
  const seen = new Map<string, number>();
  for (const row of matrix.BAD_INPUT_ROWS) {
    const title = matrix.rowTitle(row);
    const n = (seen.get(title) ?? 0) + 1;
    seen.set(title, n);
    const run = matrix.runRow(row);
    const written: Record<string, DumpedFile> = {};
    walk(run.dir, "", written);
    const lines = [
      ...run.problems.map((p) => `problem: ${p}`),
      `error: ${run.error ? `${run.error.constructor.name}: ${run.error.message}` : "(none)"}`,
      ...Object.keys(written).map((f) => `file in the row dir: ${f}`),
    ];
    dump.messages[`bad-input/${title}${n > 1 ? ` #${n}` : ""}`] = lines.map((l) => normalize(l, run.dir));
    fs.rmSync(run.dir, { recursive: true, force: true });
  }
  process.stderr.write(`  bad-input matrix: ${matrix.BAD_INPUT_ROWS.length} rows\n`);
}

// ------------------------------------------------------------------------------------------------ main

function main(): void {
  process.stderr.write(`dumping ${root}\n`);
  {
    const dir = caseDir("main.ts");
    const env = (run: string): Record<string, string> => ({
      CDKTF_OUTDIR: path.join(dir, "cdktf.out"),
      CDKTF_CONTEXT_JSON: JSON.stringify({ ...config.context, gitopsRoot: path.join(dir, "repo"), run }),
    });
    const log = [
      ...runScript("main.ts", [], env("first")).map((l) => `first synth: ${l}`),
      ...runScript("main.ts", [], env("again")).map((l) => `re-synth: ${l}`),
    ];
    recordCase("main.ts (the worked example)", dir, log);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fleet = require(path.join(root, "examples", "fleet")) as Fleet;
  inProcess("examples/fleet.ts", (app) => fleet.buildFleet(app));
  inProcess(`generated fleet ${GENERATED_CLUSTERS} x ${GENERATED_POOLS}`, buildGeneratedFleet);
  {
    const app = testing.testApp({ context: config.context });
    buildGeneratedFleet(app);
    const r = testing.synthGitOps(app, { includeOwnershipRecord: true });
    const files: Record<string, DumpedFile> = {};
    for (const [p, content] of Object.entries(r.files)) {
      const sha256 = crypto.createHash("sha256").update(content).digest("hex");
      files[`memory/${p}`] = { sha256, bytes: Buffer.byteLength(content) };
      dump.contents[sha256] ??= content;
    }
    dump.cases[`generated fleet, in memory (synthGitOps)`] = {
      files,
      log: r.annotations.map((a) => `${a.level} [${a.constructPath}] ${a.message}`),
    };
  }
  {
    const dir = caseDir("bench");
    const args = ["--clusters", String(BENCH_CLUSTERS), "--pools", String(BENCH_POOLS), "--outdir", path.join(dir, "cdktf.out")];
    const log = runScript(path.join("bench", "apps", "library-app.ts"), [...args, "--gitops", path.join(dir, "repo")], {});
    recordCase(`bench library app ${BENCH_CLUSTERS} x ${BENCH_POOLS}`, dir, log);
  }
  policyFindings();
  badInput();
  fs.writeFileSync(outFile, JSON.stringify(dump));
}

try {
  main();
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
