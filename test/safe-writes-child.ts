/**
 * A synth in a child process, for test/safe-writes.test.ts:
 *
 *   node -r ts-node/register/transpile-only test/safe-writes-child.ts '<json options>'
 *
 * It can wait at a barrier (so two children synthesize at the same moment), run several synths in a row, record
 * when each of its renames into the repo happened (to prove two synths never interleave), and kill itself with
 * SIGKILL after a number of renames (a crash midway, with no chance to roll back). Prints a JSON result.
 */
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { GitOpsApp } from "../lib";
import { buildVariant, Variant } from "./safe-writes-app";

interface Options {
  readonly repo: string;
  readonly outdir: string;
  readonly variant: Variant;
  readonly synths?: number;
  /** SIGKILL this process when it is about to do its (n+1)th rename into the repo. */
  readonly killBeforeRename?: number;
  /** SIGKILL this process when it is about to write its (n+1)th temp file of a generated file (while staging). */
  readonly killBeforeTempWrite?: number;
  /** SIGKILL this process right after the journal says "committed". */
  readonly killAfterCommit?: boolean;
  /** Write `<dir>/ready-<name>`, then wait until `<dir>/go` exists. */
  readonly barrier?: { readonly dir: string; readonly name: string };
}

interface SynthResult {
  readonly ok: boolean;
  readonly error?: string;
  /** Absolute times (ms) of the renames into the repo this synth did. */
  readonly renames: number[];
}

const opts = JSON.parse(process.argv[2]) as Options;
fs.mkdirSync(opts.repo, { recursive: true });
const realRepo = fs.realpathSync(opts.repo);
const now = (): number => performance.timeOrigin + performance.now();

let renames = 0;
let current: number[] = [];
// The module object itself (the library reads fs.renameSync from it at each call), not the import's namespace copy.
const nodeFs = require("fs") as { renameSync: typeof fs.renameSync; writeFileSync: typeof fs.writeFileSync };
const realRename = nodeFs.renameSync;
nodeFs.renameSync = (from: fs.PathLike, to: fs.PathLike): void => {
  const inRepo = path.resolve(String(to)).startsWith(realRepo + path.sep);
  if (inRepo && opts.killBeforeRename !== undefined && renames >= opts.killBeforeRename) process.kill(process.pid, "SIGKILL");
  if (inRepo) {
    renames++;
    current.push(now());
  }
  realRename(from, to);
  if (opts.killAfterCommit && String(to).endsWith(".gitops-synth.journal") && fs.readFileSync(to, "utf8").includes('"committed"')) {
    process.kill(process.pid, "SIGKILL");
  }
};

let tempWrites = 0;
const realWriteFile = nodeFs.writeFileSync;
nodeFs.writeFileSync = (file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, options?: fs.WriteFileOptions): void => {
  const staged = typeof file === "string" && file.endsWith(".gitops-tmp") && !file.includes(".gitops-synth.journal");
  if (staged && opts.killBeforeTempWrite !== undefined && tempWrites++ >= opts.killBeforeTempWrite) process.kill(process.pid, "SIGKILL");
  realWriteFile(file, data, options);
};

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

if (opts.barrier) {
  fs.writeFileSync(path.join(opts.barrier.dir, `ready-${opts.barrier.name}`), String(process.pid));
  const deadline = Date.now() + 60_000;
  while (!fs.existsSync(path.join(opts.barrier.dir, "go"))) {
    if (Date.now() > deadline) throw new Error("barrier: no go within 60s");
    sleep(2);
  }
}

const results: SynthResult[] = [];
for (let k = 0; k < (opts.synths ?? 1); k++) {
  current = [];
  try {
    const app = new GitOpsApp({ outdir: `${opts.outdir}-${k}`, gitopsRoot: opts.repo, log: () => {}, stackTraces: false });
    buildVariant(app, opts.variant);
    app.synth();
    results.push({ ok: true, renames: current });
  } catch (e) {
    results.push({ ok: false, error: (e as Error).message, renames: current });
  }
}
process.stdout.write(JSON.stringify(results));
