/**
 * `npm run bench` (issue #6): synth cost of the library against bare cdktf for the same Terraform.
 *
 *   npm run bench                 full run (~10-15 min on 2 cores): fleets of 1/10/100/1000 clusters x 10 pools, the
 *                                 shapes for the per-pool/per-cluster slope, library load cost, app-command comparison
 *   npm run bench -- --quick      short run (~30 s): 1/10/100 clusters, one run each, no app-command comparison
 *   options: --sizes 1,10,100 (or none) --runs 5 --no-shapes --no-app-commands
 *            --write-doc (rewrite the results block of docs/performance.md)
 *
 * Every measured run is a fresh `node --max-old-space-size=4096` process (the heap the cdktf CLI gives the app) on
 * JS compiled by `tsc -p bench/tsconfig.json` (the npm script does that first). Wall time is measured around the
 * child process; peak memory is the child's maximum RSS from `/usr/bin/time -v` when it exists (GNU time), else the
 * child's own `process.resourceUsage().maxRSS`. Results are medians.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { AppReport } from "./apps/fleet";

const REPO = path.resolve(__dirname, "..", "..", "..");
const OUT = path.resolve(__dirname); // bench/.out/bench
const APPS = path.join(OUT, "apps");
const HEAP_FLAG = "--max-old-space-size=4096";
const GNU_TIME = "/usr/bin/time";

// ---------------------------------------------------------------------------------------------------------------
// options

interface Options {
  readonly quick: boolean;
  readonly sizes: number[];
  readonly runs?: number;
  readonly appCommands: boolean;
  readonly shapes: boolean;
  readonly writeDoc: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes("--quick");
  const sizesArg = value("sizes");
  const sizes = sizesArg === "none" ? [] : (sizesArg?.split(",").map(Number) ?? (quick ? [1, 10, 100] : [1, 10, 100, 1000]));
  const runs = value("runs") !== undefined ? Number(value("runs")) : undefined;
  return {
    quick,
    sizes,
    runs,
    appCommands: !quick && !argv.includes("--no-app-commands"),
    shapes: !quick && sizes.length > 0 && !argv.includes("--no-shapes"),
    writeDoc: argv.includes("--write-doc"),
  };
}

/** Runs per size: medians of 5 where a run is short, fewer for the big fleets (said in the report). */
function runsFor(clusters: number, o: Options): number {
  if (o.runs !== undefined) return o.runs;
  if (o.quick) return 1;
  return clusters >= 1000 ? 2 : 5;
}

// ---------------------------------------------------------------------------------------------------------------
// one measured child process

interface Sample {
  readonly wallMs: number;
  /** user + system CPU time of the child (less sensitive than wall time to other load on the machine). */
  readonly cpuMs: number;
  readonly rssKb: number;
  readonly report: AppReport & Record<string, unknown>;
}

const hasGnuTime = ((): boolean => {
  try {
    return spawnSync(GNU_TIME, ["-v", "true"], { encoding: "utf8" }).stderr.includes("Maximum resident set size");
  } catch {
    return false;
  }
})();

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
  for (const k of Object.keys(env)) if (k.startsWith("CDKTF_") || k === "NODE_OPTIONS") delete env[k];
  return env;
}

/**
 * Flushes what earlier runs left to write back (and, on a disk mounted with `discard`, to trim), so that no run
 * pays for the files of the one before it: creating files stalls behind that work, and the library creates 9 files
 * per cluster where bare cdktf creates 1.
 */
function settleDisk(): void {
  spawnSync("sync", [], { stdio: "ignore" });
}

function measure(script: string, args: readonly string[], cwd = os.tmpdir()): Sample {
  settleDisk();
  const nodeArgs = [HEAP_FLAG, script, ...args];
  const [cmd, argv] = hasGnuTime ? [GNU_TIME, ["-v", process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd, env: childEnv(), encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const line = r.stdout?.split("\n").find((l) => l.startsWith("BENCH "));
  if (r.status !== 0 || !line) {
    throw new Error(`${path.basename(script)} ${args.join(" ")} failed (exit ${r.status}):\n${(r.stderr ?? "").slice(-3000)}`);
  }
  const report = JSON.parse(line.slice("BENCH ".length)) as Sample["report"];
  const t = hasGnuTime ? gnuTime(r.stderr) : undefined;
  return { wallMs, cpuMs: t?.cpuMs ?? report.cpuMs, rssKb: t?.rssKb ?? report.maxRssKb, report };
}

/** CPU time and peak RSS from `/usr/bin/time -v` (they cover the waited-for children too, e.g. the app under cdktf synth). */
function gnuTime(stderr: string): { cpuMs: number; rssKb: number } | undefined {
  const num = (label: string): number | undefined => {
    const m = new RegExp(`${label}: ([0-9.]+)`).exec(stderr);
    return m ? Number(m[1]) : undefined;
  };
  const user = num("User time \\(seconds\\)");
  const sys = num("System time \\(seconds\\)");
  const rss = num("Maximum resident set size \\(kbytes\\)");
  return user === undefined || sys === undefined || rss === undefined ? undefined : { cpuMs: (user + sys) * 1000, rssKb: rss };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// ---------------------------------------------------------------------------------------------------------------
// fleets

interface FleetResult {
  readonly clusters: number;
  readonly pools: number;
  readonly runs: number;
  readonly bare: Sample[];
  readonly library: Sample[];
  /** Second synth of the same app into the tree the first one wrote (state-safety check reads the tree). */
  readonly resynth: Sample[];
  readonly files: number;
}

function fleet(clusters: number, pools: number, runs: number): FleetResult {
  const bare: Sample[] = [];
  const library: Sample[] = [];
  const resynth: Sample[] = [];
  let files = 0;
  // Removed after the last run only: deleting thousands of files right before a run slows that run's own writes.
  const dirs: string[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-bench-"));
      dirs.push(dir);
      const shape = ["--clusters", String(clusters), "--pools", String(pools)];
      const runBare = (): void =>
        void bare.push(measure(path.join(APPS, "bare-app.js"), [...shape, "--outdir", path.join(dir, "bare.out")]));
      const runLib = (): void =>
        void library.push(
          measure(path.join(APPS, "library-app.js"), [
            ...shape,
            "--outdir",
            path.join(dir, "lib.out"),
            "--gitops",
            path.join(dir, "repo"),
            "--phases",
          ]),
        );
      // Alternate the order so that neither side always runs on a warmer (or busier) machine.
      if (r % 2 === 0) {
        runBare();
        runLib();
      } else {
        runLib();
        runBare();
      }
      resynth.push(
        measure(path.join(APPS, "library-app.js"), [...shape, "--outdir", path.join(dir, "lib2.out"), "--gitops", path.join(dir, "repo")]),
      );
      files = countFiles(path.join(dir, "repo"));
    }
  } finally {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  return { clusters, pools, runs, bare, library, resynth, files };
}

function countFiles(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// slope: time = a + b * clusters + c * pools, least squares over every fleet shape

interface Fit {
  readonly intercept: number;
  readonly perCluster: number;
  readonly perPool: number;
}

function fit(points: readonly { clusters: number; pools: number; y: number }[]): Fit {
  // Normal equations for y = a + b*x1 + c*x2 (x2 = total pools).
  const rows = points.map((p) => [1, p.clusters, p.clusters * p.pools]);
  const xtx = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
  const xty = [0, 1, 2].map((i) => rows.reduce((s, r, k) => s + r[i] * points[k].y, 0));
  const [a, b, c] = solve3(xtx, xty);
  return { intercept: a, perCluster: b, perPool: c };
}

function solve3(m: number[][], v: number[]): number[] {
  const a = m.map((row, i) => [...row, v[i]]);
  for (let col = 0; col < 3; col++) {
    const pivot = a.slice(col).reduce((best, row, i) => (Math.abs(row[col]) > Math.abs(a[best][col]) ? col + i : best), col);
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let k = col; k < 4; k++) a[r][k] -= f * a[col][k];
    }
  }
  return a.map((row, i) => row[3] / row[i]);
}

// ---------------------------------------------------------------------------------------------------------------
// load cost of the built library (issue #6 item 4)

interface LoadResult {
  readonly label: string;
  readonly ms: number;
  readonly rssDeltaMb: number;
  readonly modules: number;
  readonly providerModules: number;
  readonly providerBarrel: boolean;
}

function loadCost(runs: number): LoadResult[] {
  const lib = path.join(OUT, "..", "lib", "index.js");
  const cases: { label: string; modules: string[] }[] = [
    { label: "cdktf alone (every cdktf app pays it; the provider bindings require it)", modules: ["cdktf"] },
    { label: "the library's index, cdktf already loaded (the library's own cost)", modules: ["cdktf", lib] },
    { label: "the library's index in a fresh process (cdktf included)", modules: [lib] },
  ];
  return cases.map(({ label, modules }) => {
    const samples = Array.from(
      { length: runs },
      () => measure(path.join(APPS, "load-lib.js"), modules, REPO).report as unknown as LoadResult,
    );
    return {
      label,
      ms: median(samples.map((s) => s.ms)),
      rssDeltaMb: median(samples.map((s) => s.rssDeltaMb)),
      modules: samples[0].modules,
      providerModules: samples[0].providerModules,
      providerBarrel: samples.some((s) => s.providerBarrel),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// app commands (issue #6 item 3): end-to-end `cdktf synth` of the worked example vs the same pool with bare cdktf

interface AppCommand {
  readonly name: string;
  /** cdktf.json "app" */
  readonly app: string;
  readonly typeChecks: string;
  /** Files the command needs besides main.ts (written into the scratch project). */
  readonly extraFiles?: Record<string, string>;
  /** Run once before measuring (the warm state a developer loop sees), e.g. to build the incremental cache. */
  readonly warmUp?: boolean;
  readonly requires?: string;
}

const TSCONFIG_APP = JSON.stringify(
  {
    extends: "./tsconfig.json",
    compilerOptions: {
      noEmit: false,
      incremental: true,
      tsBuildInfoFile: ".app/tsbuildinfo",
      outDir: ".app",
      rootDir: ".",
      sourceMap: true,
      types: ["node"],
    },
    include: ["main.ts", "lib/**/*.ts", "lib/**/*.json"],
  },
  null,
  2,
);

function appCommands(tsx: string | undefined): AppCommand[] {
  const tsconfigApp = { "tsconfig.app.json": TSCONFIG_APP };
  const cmds: AppCommand[] = [
    { name: "ts-node (the former app command)", app: "npx ts-node main.ts", typeChecks: "yes" },
    { name: "ts-node --transpile-only", app: "npx ts-node --transpile-only main.ts", typeChecks: "no (tsc --noEmit in npm test)" },
    {
      name: "incremental tsc -p, then node (warm)",
      app: "npx tsc -p tsconfig.app.json && node .app/main.js",
      typeChecks: "yes",
      extraFiles: tsconfigApp,
      warmUp: true,
    },
    // Build mode skips creating the program when nothing changed (an up-to-date check against .app/tsbuildinfo).
    {
      name: "tsc -b, then node (warm; the app command in use)",
      app: "npx tsc -b tsconfig.app.json && node .app/main.js",
      typeChecks: "yes",
      extraFiles: tsconfigApp,
      warmUp: true,
    },
    {
      name: "tsc -b without npx, then node (warm)",
      app: "node node_modules/typescript/bin/tsc -b tsconfig.app.json && node .app/main.js",
      typeChecks: "yes",
      extraFiles: tsconfigApp,
      warmUp: true,
    },
    {
      name: "tsc -b, cold (fresh clone / CI: no .app/ yet)",
      app: "rm -rf .app && npx tsc -b tsconfig.app.json && node .app/main.js",
      typeChecks: "yes",
      extraFiles: tsconfigApp,
    },
  ];
  if (tsx) cmds.push({ name: "tsx", app: `${path.relative(REPO, tsx)} main.ts`, typeChecks: "no (esbuild strips types)" });
  return cmds;
}

interface AppCommandResult {
  readonly name: string;
  readonly app: string;
  readonly typeChecks: string;
  readonly exampleMs: number;
  readonly bareMs: number;
  readonly exampleCpuMs: number;
  readonly bareCpuMs: number;
  readonly exampleRssKb: number;
}

/** A scratch cdktf project: cdktf.json + main.ts (+ lib/ for the example), node_modules linked to the repo's. */
function scratchProject(kind: "example" | "bare", app: string, extraFiles: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gitops-bench-${kind}-`));
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(REPO, "cdktf.json"), "utf8")) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ ...cdktfJson, app: app.replace(/^bench\//, `${REPO}/bench/`) }, null, 2));
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.copyFileSync(path.join(REPO, "tsconfig.json"), path.join(dir, "tsconfig.json"));
  fs.copyFileSync(path.join(REPO, "package.json"), path.join(dir, "package.json"));
  if (kind === "example") {
    fs.copyFileSync(path.join(REPO, "main.ts"), path.join(dir, "main.ts"));
    fs.cpSync(path.join(REPO, "lib"), path.join(dir, "lib"), { recursive: true });
  } else {
    fs.copyFileSync(path.join(REPO, "bench", "apps", "bare-example.ts"), path.join(dir, "main.ts"));
  }
  for (const [f, content] of Object.entries(extraFiles)) fs.writeFileSync(path.join(dir, f), content);
  return dir;
}

/** `npm run synth` is `CHECKPOINT_DISABLE=1 cdktf synth`: the CLI run directly, the same way for both projects. */
function cdktfSynth(dir: string): { ms: number; cpuMs?: number; rssKb?: number } {
  const cli = [path.join(REPO, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf"), "synth"];
  const [cmd, argv] = hasGnuTime ? [GNU_TIME, ["-v", process.execPath, ...cli]] : [process.execPath, cli];
  settleDisk();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, {
    cwd: dir,
    env: { ...childEnv(), CI: "1", FORCE_COLOR: "0" },
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0)
    throw new Error(`cdktf synth in ${dir} failed (exit ${r.status}):\n${(r.stdout ?? "").slice(-2000)}\n${(r.stderr ?? "").slice(-2000)}`);
  const t = hasGnuTime ? gnuTime(r.stderr) : undefined;
  return { ms, cpuMs: t?.cpuMs, rssKb: t?.rssKb };
}

function compareAppCommands(runs: number, log: (s: string) => void): AppCommandResult[] {
  const tsxBin = [
    path.join(REPO, "node_modules", ".bin", "tsx"),
    path.join(REPO, "bench", "scratch", "tools", "node_modules", ".bin", "tsx"),
  ].find((p) => fs.existsSync(p));
  const results: AppCommandResult[] = [];
  for (const c of appCommands(tsxBin)) {
    const dirs = { bare: scratchProject("bare", c.app, c.extraFiles ?? {}), example: scratchProject("example", c.app, c.extraFiles ?? {}) };
    const samples: Record<"example" | "bare", ReturnType<typeof cdktfSynth>[]> = { example: [], bare: [] };
    try {
      if (c.warmUp) for (const d of Object.values(dirs)) cdktfSynth(d);
      // Interleaved, so that load from elsewhere on the machine hits both sides alike.
      for (let i = 0; i < runs; i++) {
        for (const kind of i % 2 === 0 ? (["bare", "example"] as const) : (["example", "bare"] as const)) {
          if (!c.warmUp && i > 0) fs.rmSync(path.join(dirs[kind], ".app"), { recursive: true, force: true });
          samples[kind].push(cdktfSynth(dirs[kind]));
        }
      }
    } finally {
      for (const d of Object.values(dirs)) fs.rmSync(d, { recursive: true, force: true });
    }
    const med = (kind: "example" | "bare", f: (x: ReturnType<typeof cdktfSynth>) => number | undefined): number =>
      median(samples[kind].map((x) => f(x) ?? NaN));
    const r: AppCommandResult = {
      name: c.name,
      app: c.app,
      typeChecks: c.typeChecks,
      exampleMs: med("example", (x) => x.ms),
      bareMs: med("bare", (x) => x.ms),
      exampleCpuMs: med("example", (x) => x.cpuMs),
      bareCpuMs: med("bare", (x) => x.cpuMs),
      exampleRssKb: med("example", (x) => x.rssKb),
    };
    log(
      `  ${c.name}: example ${fmtS(r.exampleMs)}, bare ${fmtS(r.bareMs)}, ratio ` +
        `${(r.exampleMs / r.bareMs).toFixed(2)} (CPU ${(r.exampleCpuMs / r.bareCpuMs).toFixed(2)})`,
    );
    results.push(r);
  }
  if (!tsxBin) log("  tsx: not installed, skipped (npm install --prefix bench/scratch/tools tsx to include it)");
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// report

function fmtS(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
}
function mb(kb: number): string {
  return `${Math.round(kb / 1024)} MB`;
}

/** The file system type of a directory: creating files costs very differently on a disk and in memory. */
function fileSystemOf(dir: string): string {
  const names: Record<number, string> = {
    0xef53: "ext4",
    0x01021994: "tmpfs (memory)",
    0x794c7630: "overlayfs",
    0x58465342: "xfs",
    0x9123683e: "btrfs",
    0x6a656a63: "9p/virtiofs",
  };
  try {
    const type = fs.statfsSync(dir).type;
    return names[type] ?? `file system type 0x${type.toString(16)}`;
  } catch {
    return "file system unknown";
  }
}

function machine(): string {
  const cpus = os.cpus();
  const v = (pkg: string): string =>
    (JSON.parse(fs.readFileSync(path.join(REPO, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  return [
    `- CPU: ${cpus.length} x ${cpus[0]?.model ?? "?"}; memory ${Math.round(os.totalmem() / 2 ** 30)} GB; ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node ${process.version}; cdktf ${v("cdktf")}, cdktf-cli ${v("cdktf-cli")}, @cdktf/provider-azurerm ` +
      `${v("@cdktf/provider-azurerm")}, constructs ${v("constructs")}, TypeScript ${v("typescript")}, yaml ` +
      `${v("yaml")}`,
    `- Scratch directory (cdktf.out and the GitOps repo of every run): ${os.tmpdir()}, ${fileSystemOf(os.tmpdir())} (set TMPDIR to move it)`,
    `- Peak memory from ${hasGnuTime ? "`/usr/bin/time -v` (maximum RSS of the child)" : "the child's own `process.resourceUsage().maxRSS`"}` +
      `${hasGnuTime ? "" : " (no GNU time here)"}; every run a fresh \`node ${HEAP_FLAG}\` process`,
    `- Load average at the start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  ].join("\n");
}

function report(
  o: Options,
  fleets: FleetResult[],
  shapes: FleetResult[],
  load: LoadResult[],
  apps: AppCommandResult[],
  startedAt: Date,
  elapsedMs: number,
): string {
  const lines: string[] = [];
  lines.push(
    `Run ${startedAt.toISOString()} with \`npm run bench${o.quick ? " -- --quick" : ""}\` (${fmtS(elapsedMs)} in all).`,
    "",
    machine(),
    "",
  );
  lines.push(
    "#### Fleets: clusters x 10 pools; library (GitOpsApp: Terraform + Flux folders + Terraform objects) vs bare cdktf (same Terraform)",
    "",
  );
  lines.push(
    "| clusters | pools | runs | files written (library) | bare time | library time | **time ratio** | CPU ratio | " +
      "bare peak RSS | library peak RSS | RSS ratio | library re-synth into its own tree: time (ratio to bare), peak " +
      "RSS |",
  );
  lines.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const f of fleets) {
    const bt = median(f.bare.map((s) => s.wallMs));
    const lt = median(f.library.map((s) => s.wallMs));
    const br = median(f.bare.map((s) => s.rssKb));
    const lr = median(f.library.map((s) => s.rssKb));
    const rt = median(f.resynth.map((s) => s.wallMs));
    const rr = median(f.resynth.map((s) => s.rssKb));
    lines.push(
      `| ${f.clusters} | ${f.clusters * f.pools} | ${f.runs} | ${f.files} | ${fmtS(bt)} | ${fmtS(lt)} | ` +
        `**${(lt / bt).toFixed(2)}** | ` +
        `${(median(f.library.map((s) => s.cpuMs)) / median(f.bare.map((s) => s.cpuMs))).toFixed(2)} | ${mb(br)} | ` +
        `${mb(lr)} | ${(lr / br).toFixed(2)} | ${fmtS(rt)} (${(rt / bt).toFixed(2)}), ${mb(rr)} |`,
    );
  }
  lines.push(
    "",
    "Inside the library process (median ms since process start: modules loaded / tree constructed / synth done; heap used at the end):",
    "",
  );
  lines.push("| clusters | bare load / construct / synth | library load / construct / synth | bare heap | library heap |");
  lines.push("|---:|---:|---:|---:|---:|");
  for (const f of fleets) {
    const phases = (s: Sample[]): string =>
      [
        median(s.map((x) => x.report.loadedMs)),
        median(s.map((x) => x.report.constructedMs - x.report.loadedMs)),
        median(s.map((x) => x.report.synthesizedMs - x.report.constructedMs)),
      ]
        .map((x) => x.toFixed(0))
        .join(" / ");
    lines.push(
      `| ${f.clusters} | ${phases(f.bare)} | ${phases(f.library)} | ` +
        `${median(f.bare.map((s) => s.report.heapUsedMb)).toFixed(0)} MB | ` +
        `${median(f.library.map((s) => s.report.heapUsedMb)).toFixed(0)} MB |`,
    );
  }

  const phaseNames = [
    ...new Set(fleets.flatMap((f) => f.library.flatMap((s) => Object.keys((s.report.phases as Record<string, number> | undefined) ?? {})))),
  ];
  if (phaseNames.length) {
    const phase = (f: FleetResult, name: string): number =>
      median(f.library.map((s) => ((s.report.phases as Record<string, number> | undefined) ?? {})[name] ?? 0));
    lines.push(
      "",
      "Library synth by step (median ms; `--phases` wraps the functions GitOpsApp.synth calls; cdktf synth is the part bare cdktf also does):",
      "",
    );
    lines.push(`| step | ${fleets.map((f) => `${f.clusters} x ${f.pools}`).join(" | ")} |`, `|---|${fleets.map(() => "---:").join("|")}|`);
    for (const name of phaseNames) lines.push(`| ${name} | ${fleets.map((f) => phase(f, name).toFixed(0)).join(" | ")} |`);
    const gitops = ["validateTree", "collect", "render", "checks + plan", "write"];
    const a = fleets.find((f) => f.clusters === 100 && f.pools === 10);
    const b = fleets.find((f) => f.clusters === 1000 && f.pools === 10);
    if (a && b) {
      const per = gitops.map((g) => (phase(b, g) - phase(a, g)) / 900);
      lines.push(
        "",
        `GitOps steps per cluster (9 files: 8 YAML + main.tf.json), from 100 to 1000 clusters: ` +
          `${gitops.map((g, i) => `${g} ${per[i].toFixed(2)} ms`).join(", ")}; ` +
          `${per.reduce((x, y) => x + y, 0).toFixed(1)} ms in all.`,
      );
    }
  }

  const all = [...fleets, ...shapes];
  const pts = (pick: (f: FleetResult) => Sample[], y: (s: Sample) => number): { clusters: number; pools: number; y: number }[] =>
    all.filter((f) => f.clusters >= 10 || f.pools !== 10).map((f) => ({ clusters: f.clusters, pools: f.pools, y: median(pick(f).map(y)) }));
  // The fit separates clusters from pools only with more than one pools-per-cluster shape (the default run has three).
  const fitted = all.filter((f) => f.clusters >= 10 || f.pools !== 10);
  if (fitted.length >= 3 && new Set(fitted.map((f) => f.pools)).size >= 2) {
    const ft = {
      bare: fit(
        pts(
          (f) => f.bare,
          (s) => s.wallMs,
        ),
      ),
      library: fit(
        pts(
          (f) => f.library,
          (s) => s.wallMs,
        ),
      ),
    };
    const fm = {
      bare: fit(
        pts(
          (f) => f.bare,
          (s) => s.rssKb / 1024,
        ),
      ),
      library: fit(
        pts(
          (f) => f.library,
          (s) => s.rssKb / 1024,
        ),
      ),
    };
    lines.push(
      "",
      `#### Slope: least-squares fit of time and peak RSS = a + b x clusters + c x pools over the shapes ${all
        .filter((f) => f.clusters >= 10 || f.pools !== 10)
        .map((f) => `${f.clusters}x${f.pools}`)
        .join(", ")}`,
      "",
    );
    lines.push("| | fixed (a) | per cluster (b) | per pool (c) |", "|---|---:|---:|---:|");
    for (const k of ["bare", "library"] as const) {
      lines.push(`| ${k} time | ${ft[k].intercept.toFixed(0)} ms | ${ft[k].perCluster.toFixed(2)} ms | ${ft[k].perPool.toFixed(2)} ms |`);
    }
    for (const k of ["bare", "library"] as const) {
      lines.push(
        `| ${k} peak RSS | ${fm[k].intercept.toFixed(0)} MB | ${(fm[k].perCluster * 1024).toFixed(0)} kB | ${(fm[k].perPool * 1024).toFixed(0)} kB |`,
      );
    }
    if (shapes.length) {
      lines.push(
        "",
        "Shapes measured only for the fit:",
        "",
        "| clusters x pools | bare time | library time | ratio | bare RSS | library RSS |",
        "|---|---:|---:|---:|---:|---:|",
      );
      for (const f of shapes) {
        const bt = median(f.bare.map((s) => s.wallMs));
        const lt = median(f.library.map((s) => s.wallMs));
        lines.push(
          `| ${f.clusters} x ${f.pools} | ${fmtS(bt)} | ${fmtS(lt)} | ${(lt / bt).toFixed(2)} | ` +
            `${mb(median(f.bare.map((s) => s.rssKb)))} | ${mb(median(f.library.map((s) => s.rssKb)))} |`,
        );
      }
    }
    const big = fleets.find((f) => f.clusters === 1000);
    const mid = fleets.find((f) => f.clusters === 100);
    if (big && mid) {
      const g = (pick: (f: FleetResult) => Sample[]): string =>
        (median(pick(big).map((s) => s.wallMs)) / median(pick(mid).map((s) => s.wallMs))).toFixed(1);
      lines.push("", `Growth from 100 to 1000 clusters (10x the work): bare x${g((f) => f.bare)}, library x${g((f) => f.library)}.`);
    }
  }

  lines.push(
    "",
    "#### Loading the built library (fresh process each, median of 5)",
    "",
    "| what | time | RSS added | modules loaded | provider modules | provider barrel loaded |",
    "|---|---:|---:|---:|---:|---|",
  );
  for (const l of load)
    lines.push(
      `| ${l.label} | ${l.ms.toFixed(0)} ms | ${l.rssDeltaMb.toFixed(0)} MB | ${l.modules} | ${l.providerModules} | ` +
        `${l.providerBarrel ? "**yes**" : "no"} |`,
    );

  if (apps.length) {
    lines.push("", "#### `cdktf synth` end to end: the worked example (main.ts) vs bare cdktf with the same pool, per app command", "");
    lines.push(
      "Median of 3 interleaved runs each; wall time includes the cdktf CLI; CPU is user + system of the CLI and " +
        "everything it ran; peak RSS is the largest single process.",
      "",
    );
    lines.push(
      "| app command | cdktf.json `app` | type checks | example | bare | **ratio** | CPU example / bare | example peak RSS |",
      "|---|---|---|---:|---:|---:|---:|---:|",
    );
    for (const a of apps) {
      lines.push(
        `| ${a.name} | \`${a.app}\` | ${a.typeChecks} | ${fmtS(a.exampleMs)} | ${fmtS(a.bareMs)} | ` +
          `**${(a.exampleMs / a.bareMs).toFixed(2)}** | ${fmtS(a.exampleCpuMs)} / ${fmtS(a.bareCpuMs)} | ` +
          `${Number.isNaN(a.exampleRssKb) ? "-" : mb(a.exampleRssKb)} |`,
      );
    }
  }
  return lines.join("\n");
}

const DOC = path.join(REPO, "docs", "performance.md");
const BEGIN = "<!-- bench-results:begin (npm run bench -- --write-doc rewrites this block) -->";
const END = "<!-- bench-results:end -->";

function writeDoc(md: string): void {
  const text = fs.readFileSync(DOC, "utf8");
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC} has no ${BEGIN} … ${END} block`);
  fs.writeFileSync(DOC, `${text.slice(0, a + BEGIN.length)}\n${md}\n${text.slice(b)}`);
}

// ---------------------------------------------------------------------------------------------------------------

function main(): void {
  const o = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = Date.now();
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  // Fails early, with the reason, if the compiled apps are missing (run through `npm run bench`).
  for (const f of ["bare-app.js", "library-app.js", "load-lib.js"])
    if (!fs.existsSync(path.join(APPS, f))) throw new Error(`${f} missing: run npm run bench`);
  execFileSync(process.execPath, ["-e", "0"]); // warm the binary and the page cache

  const fleets: FleetResult[] = [];
  for (const clusters of o.sizes) {
    const runs = runsFor(clusters, o);
    log(`fleet ${clusters} x 10 (${runs} run${runs > 1 ? "s" : ""})…`);
    fleets.push(fleet(clusters, 10, runs));
    const f = fleets[fleets.length - 1];
    log(`  bare ${fmtS(median(f.bare.map((s) => s.wallMs)))}, library ${fmtS(median(f.library.map((s) => s.wallMs)))}`);
  }
  const shapes: FleetResult[] = [];
  if (o.shapes) {
    for (const [clusters, pools] of [
      [100, 1],
      [10, 100],
    ] as const) {
      log(`shape ${clusters} x ${pools}…`);
      shapes.push(fleet(clusters, pools, o.runs ?? 3));
    }
  }
  log("library load cost…");
  const load = loadCost(o.quick ? 3 : 5);
  let apps: AppCommandResult[] = [];
  if (o.appCommands) {
    log("app commands (cdktf synth end to end)…");
    apps = compareAppCommands(3, log);
  }

  const md = report(o, fleets, shapes, load, apps, startedAt, Date.now() - t0);
  const resultsDir = path.join(REPO, "bench", "results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  fs.writeFileSync(path.join(resultsDir, `${stamp}.md`), `${md}\n`);
  fs.writeFileSync(path.join(resultsDir, `${stamp}.json`), JSON.stringify({ options: o, fleets, shapes, load, apps }, null, 1));
  if (o.writeDoc) writeDoc(md);
  process.stdout.write(`${md}\n`);
  log(`\nwritten to bench/results/${stamp}.md${o.writeDoc ? " and docs/performance.md" : ""}`);
}

main();
