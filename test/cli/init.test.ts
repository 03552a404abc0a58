import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { FRAMEWORK_PINS, frameworkOfPackage, initProject, main, TEMPLATE_DIR, TOOL_PINS } from "../../lib/cli";
import { cleanupTempDirs, tempDir } from "../helpers";

afterAll(cleanupTempDirs);

const ROOT = path.resolve(__dirname, "../..");
const repoPackage = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
/** The package the command line runs from: the repo's, or under the cdktn leg flavours/cdktn/build's (cdktn-aks-gitops). */
const runningPackage = (
  JSON.parse(fs.readFileSync(path.resolve(path.dirname(require.resolve("../../lib/cli/main")), "../../package.json"), "utf8")) as {
    name: string;
  }
).name;
const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), "utf8");

describe("init: the starter project", () => {
  test("writes every file of the project, with the library and every peer pinned exactly", () => {
    const dir = path.join(tempDir(), "platform-gitops");
    const written = initProject({ dir, framework: "cdktf", libraryVersion: "1.2.3" });
    expect(written.sort()).toEqual(
      [
        ".github/workflows/gitops.yml",
        ".gitignore",
        "app.ts",
        "cdktf.json",
        "gitops.test.ts",
        "jest.config.js",
        "main.ts",
        "package.json",
        "tsconfig.app.json",
        "tsconfig.json",
      ].sort(),
    );
    const pkg = JSON.parse(read(dir, "package.json"));
    expect(pkg.name).toBe("platform-gitops");
    expect(pkg.dependencies["cdktf-aks-gitops"]).toBe("1.2.3");
    for (const v of [...Object.values(pkg.dependencies), ...Object.values(pkg.devDependencies)]) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies.typescript).toMatch(/^5\.9\./);
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(["jest", "ts-jest", "cdktf-cli"]));
    // No template placeholder is left in any file.
    for (const f of written) expect(read(dir, f)).not.toMatch(/%%\w+%%/);
    expect(read(dir, "app.ts")).toContain('from "cdktf-aks-gitops"');
  });

  test("the cdktf pins are the versions the repo is built and tested with; the cdktn ones the flavour's dev install", () => {
    const dev = repoPackage.devDependencies;
    const cdktf = FRAMEWORK_PINS.cdktf;
    for (const [name, version] of Object.entries({ ...cdktf.dependencies, ...cdktf.devDependencies, ...TOOL_PINS })) {
      expect(`${name}@${dev[name]}`).toBe(`${name}@${version}`);
    }
    const flavour = JSON.parse(fs.readFileSync(path.join(ROOT, "flavours/cdktn/package.json"), "utf8"));
    const cdktn = FRAMEWORK_PINS.cdktn;
    expect({ ...cdktn.dependencies, ...cdktn.devDependencies }).toEqual(flavour.devDependencies);
    expect(cdktn.overrides).toEqual(flavour.overrides);
  });

  test("cdktn: the cdktn flavour's name, core, CLI, override and Node 22", () => {
    const dir = tempDir();
    initProject({ dir, framework: "cdktn", libraryVersion: "1.2.3", librarySpec: "file:/tmp/x.tgz" });
    const pkg = JSON.parse(read(dir, "package.json"));
    expect(pkg.dependencies).toMatchObject({ "cdktn-aks-gitops": "file:/tmp/x.tgz", cdktn: "0.24.0", "@cdktn/provider-azurerm": "16.1.0" });
    expect(pkg.dependencies.cdktf).toBeUndefined();
    expect(pkg.devDependencies["cdktn-cli"]).toBe("0.24.0");
    expect(pkg.overrides).toEqual({ "@cdktn/provider-azurerm": { cdktn: "$cdktn" } });
    expect(pkg.scripts.synth).toBe("cdktn synth");
    expect(read(dir, "gitops.test.ts")).toContain('import "cdktn-aks-gitops/testing/jest"');
    const workflow = parse(read(dir, ".github/workflows/gitops.yml"));
    expect(workflow.jobs.gitops.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/setup-node")).with["node-version"]).toBe(
      "22",
    );
  });

  test("the framework default is the package's own: cdktn-aks-gitops is the cdktn flavour", () => {
    expect(frameworkOfPackage("cdktn-aks-gitops")).toBe("cdktn");
    expect(frameworkOfPackage("cdktf-aks-gitops")).toBe("cdktf");
    expect(frameworkOfPackage(repoPackage.name)).toBe("cdktf");
  });

  test("never overwrites: an existing file is named, and nothing at all is written", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "main.ts"), "// mine\n");
    fs.mkdirSync(path.join(dir, ".github/workflows"), { recursive: true });
    fs.writeFileSync(path.join(dir, ".github/workflows/gitops.yml"), "name: mine\n");
    expect(() => initProject({ dir, framework: "cdktf", libraryVersion: "1.0.0" })).toThrow(
      /not written, these files exist in .* \(init never overwrites a file\): main\.ts, \.github\/workflows\/gitops\.yml$/,
    );
    expect(fs.readdirSync(dir).sort()).toEqual([".github", "main.ts"]);
    expect(read(dir, "main.ts")).toBe("// mine\n");
  });

  test("cdktf.json: the app command of the repo (docs/performance.md) and context placeholders the app reads", () => {
    const dir = tempDir();
    initProject({ dir, framework: "cdktf", libraryVersion: "1.0.0" });
    const cdktf = JSON.parse(read(dir, "cdktf.json"));
    expect(cdktf.app).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).app);
    const app = read(dir, "app.ts");
    for (const key of Object.keys(cdktf.context).filter((k) => k !== "runnerClientIds")) expect(app).toContain(`tryGetContext("${key}")`);
    expect(JSON.parse(read(dir, "tsconfig.app.json")).include).toEqual(["main.ts", "app.ts"]);
    const ignored = read(dir, ".gitignore").split("\n");
    expect(ignored).toEqual(
      expect.arrayContaining(["cdktf.out/", ".app/", ".gitops-synth.journal", ".gitops-synth.lock", "node_modules/"]),
    );
  });

  test("the CI workflow: target branch fetched, synth against it, uncommitted diff fails, tests, validate", () => {
    const dir = tempDir();
    initProject({ dir, framework: "cdktf", libraryVersion: "1.0.0" });
    const steps: { name?: string; run?: string; env?: Record<string, string> }[] = parse(read(dir, ".github/workflows/gitops.yml")).jobs
      .gitops.steps;
    const runs = steps.map((s) => s.run ?? "");
    const at = (re: RegExp) => runs.findIndex((r) => re.test(r));
    const order = [
      /^npm ci$/,
      /git fetch .*refs\/remotes\/origin/,
      /^npx cdktf synth$/,
      /git diff --exit-code/,
      /jest --ci/,
      /cdktf-aks-gitops validate/,
    ];
    const indexes = order.map(at);
    expect(indexes.every((i) => i >= 0)).toBe(true);
    expect([...indexes].sort((a, b) => a - b)).toEqual(indexes);
    expect(runs[at(/git diff --exit-code/)]).toContain("git ls-files --others --exclude-standard");
    // main.ts hands GITOPS_BASE_REF to the app as baseRef.
    expect(steps[at(/^npx cdktf synth$/)].env?.GITOPS_BASE_REF).toContain("origin/");
    expect(read(dir, "main.ts")).toContain("baseRef: process.env.GITOPS_BASE_REF || undefined");
  });

  test("the templates are package files: package.json's files list them", () => {
    expect(repoPackage.files).toContain("lib/cli/templates/*.tmpl");
    expect(repoPackage.bin).toEqual({ "cdktf-aks-gitops": "dist/cli/main.js" });
    expect(fs.readdirSync(TEMPLATE_DIR).every((f) => f.endsWith(".tmpl"))).toBe(true);
  });

  test("the command line: a bad framework is refused with what is allowed, exit 1; no command prints usage, exit 2", async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    try {
      expect(await main(["init", tempDir(), "--framework", "pulumi"])).toBe(1);
      expect(await main(["frobnicate"])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors[0]).toBe(`${runningPackage} init: --framework = pulumi: allowed is cdktf or cdktn`);
    expect(errors[1]).toMatch(new RegExp(`^usage: ${runningPackage} init \\[dir\\]`));
  });

  test("init loads nothing but node's own modules (it runs before the project installed anything)", () => {
    const sources = ["main.ts", "init.ts", "pins.ts"].map((f) => fs.readFileSync(path.join(ROOT, "lib/cli", f), "utf8"));
    const staticImports = sources.flatMap((s) => [...s.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]));
    expect(staticImports.filter((m) => !["fs", "path", "./init", "./pins"].includes(m))).toEqual([]);
  });
});
