/**
 * Issue #6 item 4: no file of the library (base classes and index included) may load the provider's barrel,
 * `@cdktf/provider-azurerm` (its lib/index.js requires all ~1,500 bindings: ~1 GB and seconds, shared/reference/cdktf.md §4).
 * The library is built with tsconfig.build.json into a temp dir and loaded in fresh Node processes, as a consumer would.
 * (The load time and memory are measured by `npm run bench`, not asserted here.)
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
// @cdktn in the cdktn flavour's run (flavours/cdktn/jest.config.js), whose require hook sends the bindings there.
const BARREL = /[\\/]@cdkt[fn][\\/]provider-azurerm[\\/]lib[\\/]index\.js$/;

let out: string;

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "imports-test-"));
  // Type checking is `npm test`'s tsc --noEmit; here only the emitted JavaScript matters.
  execFileSync(
    process.execPath,
    [
      require.resolve("typescript/bin/tsc"),
      "-p",
      "tsconfig.build.json",
      "--outDir",
      out,
      "--noCheck",
      "--declaration",
      "false",
      "--declarationMap",
      "false",
      "--sourceMap",
      "false",
    ],
    { cwd: ROOT, stdio: "pipe" },
  );
}, 120_000);

afterAll(() => {
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

interface Loaded {
  readonly file: string;
  readonly error?: string;
  /** Provider modules in require.cache right after this file was required. */
  readonly provider: string[];
}

/**
 * Requires the files in order in one fresh process and lists, after each, the provider modules in require.cache.
 * `expect` is stubbed so that the jest-matcher entry point (testing/jest) loads outside jest.
 */
function loadInChild(files: readonly string[]): Loaded[] {
  const script = `
    globalThis.expect = globalThis.expect || { extend() {} };
    const out = [];
    for (const file of JSON.parse(process.argv[1])) {
      let error;
      try { require(file); } catch (e) { error = String(e && e.message || e); }
      const provider = Object.keys(require.cache).filter((k) => /[\\\\/]@cdkt[fn][\\\\/]provider-azurerm[\\\\/]/.test(k));
      out.push({ file, error, provider });
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const stdout = execFileSync(process.execPath, ["-e", script, JSON.stringify(files)], {
    cwd: ROOT,
    // The build lives outside the repo: resolve cdktf, constructs and the provider from the repo's node_modules.
    env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") },
    encoding: "utf8",
    maxBuffer: 16 * 2 ** 20,
  });
  return JSON.parse(stdout) as Loaded[];
}

function jsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? jsFiles(path.join(dir, e.name)) : e.name.endsWith(".js") ? [path.join(dir, e.name)] : []))
    .sort();
}

test("the built index loads without the provider barrel, with deep provider modules only", () => {
  const [index] = loadInChild([path.join(out, "index.js")]);
  expect(index.error).toBeUndefined();
  expect(index.provider.filter((k) => BARREL.test(k))).toEqual([]);
  // It does load the bindings it uses, each from its own lib/<resource>/ folder, and the binding's package.json, where
  // the azurerm pin is read from (lib/azure/provider/version.ts).
  expect(index.provider.length).toBeGreaterThan(0);
  for (const k of index.provider) {
    expect(k).toMatch(/[\\/]@cdkt[fn][\\/]provider-azurerm[\\/](?:lib[\\/][a-z0-9-]+[\\/]index\.js|package\.json)$/);
  }
});

test("no file of the built library loads the provider barrel", () => {
  const files = jsFiles(out);
  expect(files.length).toBeGreaterThan(10);
  const loaded = loadInChild(files);
  expect(loaded.filter((l) => l.error)).toEqual([]);
  // The first file after which the barrel is in require.cache is the one that loaded it.
  const culprit = loaded.find((l) => l.provider.some((k) => BARREL.test(k)));
  expect(culprit?.file && path.relative(out, culprit.file)).toBeUndefined();
});

test("no source file imports the provider root (static check, names the file)", () => {
  const sources = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
  const offenders = sources(path.join(ROOT, "lib")).filter((f) =>
    /(?:from\s+|require\(\s*|import\(\s*)["']@cdktf\/provider-azurerm\/?(?:lib\/?(?:index(?:\.js)?)?)?["']/.test(
      fs.readFileSync(f, "utf8"),
    ),
  );
  expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
});
