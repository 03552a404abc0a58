/**
 * Builds a flavour of the library from the one source tree (docs/flavours.md). Only `cdktn` needs building: the cdktf
 * flavour is the repo itself (`npm run build`).
 *
 *   npx ts-node scripts/flavour.ts install cdktn   npm ci in flavours/cdktn (its own package.json and lock, Node 22)
 *   npx ts-node scripts/flavour.ts build cdktn     flavours/cdktn/build/lib (lib/ with the cdktn seams laid over it)
 *                                                  -> flavours/cdktn/build/package (dist/, lib/, package.json, docs)
 *   npx ts-node scripts/flavour.ts pack cdktn      build, then `npm pack` the package into flavours/cdktn/build
 *   npx ts-node scripts/flavour.ts example cdktn   build, then `cdktn synth` the worked example (main.ts) on Node 22 in
 *                                                  flavours/cdktn/build/example, a Git repo holding the committed
 *                                                  (cdktf) tree: refused by state safety, or any change but the azurerm
 *                                                  pin, the credential's identity arguments and the record's hashes, fails
 *
 * The build swaps only the seam modules (scripts/route-through-seams.ts writes both flavours' seams) and refuses when
 * any other file still names the cdktf core or bindings, or when the seams are stale.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const FLAVOUR_DIR = path.join(ROOT, "flavours/cdktn");
const SEAMS = path.join(FLAVOUR_DIR, "seams/lib");
const BUILD = path.join(FLAVOUR_DIR, "build");
const BUILD_LIB = path.join(BUILD, "lib");
const PACKAGE = path.join(BUILD, "package");
/** What the cdktn flavour requires (cdktn-cli needs 22.19: `markAsUncloneable`); its peers, read from the dev install's pins. */
const CDKTN_ENGINE = ">=22.19.0";
const DOCS = [
  "README.md",
  "CHANGELOG.md",
  "LICENSE",
  "docs/testing.md",
  "docs/policy.md",
  "docs/migration-cdktn.md",
  "docs/flavours.md",
  "docs/getting-started.md",
];
const CDKTF_NAMES = /(?:from\s+|require\(\s*|import\(\s*)["'](?:cdktf|@cdktf\/provider-azurerm)(?:\/[^"']*)?["']/;

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
    .sort();
}

function fail(message: string): never {
  console.error(`flavour: ${message}`);
  process.exit(1);
}

function node22(): string {
  return execFileSync("bash", [path.join(ROOT, "scripts/node22.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

function install(): void {
  const node = node22();
  // npm itself runs on Node 22 (PATH), so engine checks and install scripts see the Node the flavour runs on.
  const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` };
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: FLAVOUR_DIR, env, stdio: "inherit" });
}

/** Copies lib/ and lays the cdktn seams over it; every seam must replace a cdktf seam of the same path. */
function assembleSources(): void {
  const libFiles = filesUnder(path.join(ROOT, "lib"));
  const seamFiles = filesUnder(SEAMS);
  const cdktfSeams = libFiles.filter((f) => f === "core/framework.ts" || f.startsWith("azure/provider/"));
  if (seamFiles.join("\n") !== cdktfSeams.join("\n")) {
    fail(`the cdktn seams (${seamFiles.length}) do not mirror lib/'s (${cdktfSeams.length}): run \`npm run seams\``);
  }
  fs.rmSync(BUILD, { recursive: true, force: true });
  for (const file of libFiles) {
    const from = seamFiles.includes(file) ? path.join(SEAMS, file) : path.join(ROOT, "lib", file);
    fs.mkdirSync(path.dirname(path.join(BUILD_LIB, file)), { recursive: true });
    fs.copyFileSync(from, path.join(BUILD_LIB, file));
  }
  const leftovers = libFiles.filter((f) => f.endsWith(".ts") && CDKTF_NAMES.test(fs.readFileSync(path.join(BUILD_LIB, f), "utf8")));
  if (leftovers.length > 0) fail(`these files import cdktf outside the seams: ${leftovers.join(", ")}; run \`npm run seams\``);
}

function compile(): void {
  const rootConfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8"));
  const tsconfig = {
    extends: path.join(ROOT, "tsconfig.json"),
    compilerOptions: {
      ...rootConfig.compilerOptions,
      outDir: path.join(PACKAGE, "dist"),
      rootDir: BUILD_LIB,
      // @types/node of the repo's dev install; the flavour's node_modules may hold other @types.
      typeRoots: [path.join(ROOT, "node_modules/@types")],
    },
    include: [`${BUILD_LIB}/**/*.ts`, `${BUILD_LIB}/**/*.json`],
    exclude: [],
  };
  fs.writeFileSync(path.join(BUILD, "tsconfig.json"), JSON.stringify(tsconfig, null, 2) + "\n");
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", path.join(BUILD, "tsconfig.json")], {
    stdio: "inherit",
  });
}

function devPin(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(FLAVOUR_DIR, "node_modules", name, "package.json"), "utf8")).version;
}

function writePackage(): void {
  const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const cdktnPeers = JSON.parse(fs.readFileSync(path.join(FLAVOUR_DIR, "node_modules/cdktn/package.json"), "utf8")).peerDependencies;
  const pkg = {
    name: "cdktn-aks-gitops",
    version: root.version,
    description: root.description.replace("CDK for Terraform", "CDK Terrain (cdktn)"),
    license: root.license,
    keywords: root.keywords.map((k: string) => (k === "cdktf" ? "cdktn" : k)),
    main: root.main,
    // The same command line under the flavour's name (`npx cdktn-aks-gitops init`); its framework default is cdktn.
    bin: { "cdktn-aks-gitops": root.bin["cdktf-aks-gitops"] },
    types: root.types,
    exports: root.exports,
    typesVersions: root.typesVersions,
    files: root.files.filter((f: string) => f.startsWith("dist/") || f.startsWith("lib/")).concat(DOCS),
    engines: { node: CDKTN_ENGINE },
    peerDependencies: {
      "@cdktn/provider-azurerm": `^${devPin("@cdktn/provider-azurerm")}`,
      cdktn: `^${devPin("cdktn")}`,
      // The range cdktn itself accepts: one constructs for the app, cdktn and the bindings.
      constructs: cdktnPeers.constructs,
    },
    dependencies: root.dependencies,
  };
  fs.writeFileSync(path.join(PACKAGE, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  // Also beside build/lib, as the repo's package.json is beside lib/: code that reads its own package (the command
  // line's name and framework default) finds the flavour's when the unit suite runs it from build/lib.
  fs.writeFileSync(path.join(BUILD, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  // lib/ beside dist/ so that the declaration and source maps point at the flavour's own sources.
  fs.cpSync(BUILD_LIB, path.join(PACKAGE, "lib"), { recursive: true });
  for (const doc of DOCS) {
    if (!fs.existsSync(path.join(ROOT, doc))) continue;
    fs.mkdirSync(path.dirname(path.join(PACKAGE, doc)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, doc), path.join(PACKAGE, doc));
  }
}

function build(): void {
  if (!fs.existsSync(path.join(FLAVOUR_DIR, "node_modules/cdktn"))) fail("no cdktn dev install: run `npm run flavour -- install cdktn`");
  const start = Date.now();
  assembleSources();
  compile();
  writePackage();
  console.log(`flavour cdktn: ${path.relative(ROOT, PACKAGE)} built in ${((Date.now() - start) / 1000).toFixed(1)} s`);
}

function pack(): void {
  build();
  const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", BUILD], { cwd: PACKAGE, encoding: "utf8" });
  console.log(path.join(BUILD, out.trim().split("\n").pop()!));
}

/** The committed GitOps tree of the worked example (cdktf flavour) that the cdktn synth starts from. */
const EXAMPLE_TREE = ["infrastructure", "clusters", "bootstrap", ".gitops-generated.json"];
/**
 * The lines a switch of binding may change (docs/flavours.md): the azurerm pin, the federated credential's identity
 * arguments (renamed in azurerm 4.65) and the ownership record's hashes. Anything else is a difference the provider
 * versions do not require.
 */
const PROVIDER_LINES = [
  /^\s*"version": "\d+\.\d+\.\d+",?$/,
  /^\s*"(parent_id|user_assigned_identity_id|resource_group_name)": "[^"]*",?$/,
  /^\s*"[^"]+": "[0-9a-f]{64}",?$/,
];

function git(cwd: string, ...args: string[]): string {
  const identity = ["-c", "user.name=flavour", "-c", "user.email=flavour@example.invalid", "-c", "commit.gpgsign=false"];
  return execFileSync("git", [...identity, ...args], { cwd, encoding: "utf8" });
}

/** The example folder as a Git repo whose HEAD is the committed (cdktf) tree, so that state safety compares with it. */
function prepareExample(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of EXAMPLE_TREE) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  git(dir, "init", "-q");
  git(dir, "add", "--", ...EXAMPLE_TREE);
  git(dir, "commit", "-q", "-m", "the cdktf flavour's tree");
}

/** Fails unless the synth changed only what the provider versions require; lists the changed lines. */
function checkSwitchDiff(dir: string): void {
  const untracked = git(dir, "status", "--porcelain", "--", ...EXAMPLE_TREE)
    .split("\n")
    .filter((l) => l.startsWith("??"));
  const diff = git(dir, "diff", "-U0", "--", ...EXAMPLE_TREE);
  const changed = diff.split("\n").filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));
  // A line that only gains or loses its trailing comma (its neighbour was removed or added) is no change of its own.
  const text = (l: string) => l.slice(1).replace(/,$/, "");
  const onOtherSide = (l: string) => changed.some((o) => o[0] !== l[0] && text(o) === text(l));
  const unexpected = changed.filter((l) => !PROVIDER_LINES.some((re) => re.test(l.slice(1))) && !onOtherSide(l));
  console.log(
    `the cdktn synth over the committed cdktf tree changed ${git(dir, "diff", "--stat", "--", ...EXAMPLE_TREE).trim() || "nothing"}`,
  );
  console.log(changed.join("\n"));
  if (untracked.length || unexpected.length) {
    fail(`changes the provider versions do not require:\n${[...untracked, ...unexpected].join("\n")}`);
  }
}

/**
 * The worked example with the cdktn CLI over the committed cdktf tree (the acceptance of a flavour switch): same
 * main.ts and cdktf.json context, the flavour's sources and Node 22; the synth must not be refused (state safety
 * compares with HEAD, the cdktf tree) and may change only the lines in PROVIDER_LINES.
 */
function example(): void {
  build();
  const dir = path.join(BUILD, "example");
  prepareExample(dir);
  fs.cpSync(BUILD_LIB, path.join(dir, "lib"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "main.ts"), path.join(dir, "main.ts"));
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8"));
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ ...config, app: "node .app/main.js" }, null, 2) + "\n");
  const tsconfig = {
    extends: path.join(ROOT, "tsconfig.json"),
    compilerOptions: {
      noEmit: false,
      outDir: path.join(dir, ".app"),
      rootDir: dir,
      types: ["node"],
      typeRoots: [path.join(ROOT, "node_modules/@types")],
    },
    include: [`${dir}/main.ts`, `${dir}/lib/**/*.ts`, `${dir}/lib/**/*.json`],
  };
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2) + "\n");
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", path.join(dir, "tsconfig.json")], {
    stdio: "inherit",
  });
  const node = node22();
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` };
  const start = Date.now();
  execFileSync(path.join(FLAVOUR_DIR, "node_modules/.bin/cdktn"), ["synth"], { cwd: dir, env, stdio: "inherit" });
  console.log(`cdktn synth of main.ts: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  checkSwitchDiff(dir);
}

const COMMANDS: Record<string, () => void> = { install, build, pack, example };
const [command, flavour] = process.argv.slice(2);
if (!COMMANDS[command] || flavour !== "cdktn") fail("usage: scripts/flavour.ts install|build|pack|example cdktn");
COMMANDS[command]();
