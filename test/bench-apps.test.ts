/**
 * The benchmark's two apps (docs/performance.md) still run, and compare like with like: the bare cdktf app writes the
 * same Terraform resources as the library app, attribute for attribute. A library change that writes more (or a
 * check that refuses the bench fleet) breaks this test instead of silently skewing or breaking `npm run bench`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { cleanupTempDirs, workspace } from "./helpers";

afterAll(cleanupTempDirs);

const ROOT = path.resolve(__dirname, "..");

function runApp(app: "library-app" | "bare-app"): { outdir: string; repo: string; bench: { resources: number } } {
  const ws = workspace();
  const out = execFileSync(
    process.execPath,
    [
      require.resolve("ts-node/dist/bin.js"),
      "-T",
      `bench/apps/${app}.ts`,
      "--clusters",
      "2",
      "--pools",
      "2",
      "--outdir",
      ws.outdir,
      "--gitops",
      ws.repo,
    ],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: undefined } },
  );
  const line = out.split("\n").find((l) => l.startsWith("BENCH "));
  expect(line).toBeDefined();
  return { outdir: ws.outdir, repo: ws.repo, bench: JSON.parse(line!.slice("BENCH ".length)) };
}

/** Every resource of every stack in cdktf.out, without cdktf's per-resource metadata. */
function resources(outdir: string): Record<string, unknown> {
  const all: Record<string, unknown> = {};
  for (const stack of fs.readdirSync(path.join(outdir, "stacks")).sort()) {
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
    for (const [type, byName] of Object.entries(tf.resource as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [name, body] of Object.entries(byName)) {
        const rest = { ...body };
        delete rest["//"];
        all[`${stack}/${type}.${name}`] = rest;
      }
    }
  }
  return all;
}

test("the library and the bare app synthesize, and their Terraform resources are the same", () => {
  const library = runApp("library-app");
  const bare = runApp("bare-app");
  expect(library.bench.resources).toBe(4);
  expect(bare.bench.resources).toBe(4);
  expect(fs.existsSync(path.join(library.repo, ".gitops-generated.json"))).toBe(true);
  const ours = resources(library.outdir);
  expect(Object.keys(ours)).toHaveLength(4);
  expect(resources(bare.outdir)).toEqual(ours);
}, 120_000);
