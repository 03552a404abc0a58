/**
 * Issue #11 item 2: the dependency check of `npm run lint` (.dependency-cruiser.cjs) must see type-only imports.
 * eslint-plugin-import-x's `no-cycle` skips `import type`, and the library's old cycle was made only of type imports.
 *
 * Each case writes a small lib/ tree into a temp directory (never into this repo's lib/), copies the repo's config
 * there, and runs the dependency-cruiser CLI on it, as `npm run lint` does on the repo.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { cleanupTempDirs, tempDir } from "./helpers";

const ROOT = path.resolve(__dirname, "..");
const DEPCRUISE = path.join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string; readonly severity: string };
  readonly cycle?: readonly { readonly name: string }[];
}
interface CruiseResult {
  readonly violations: readonly Violation[];
  /** Dependency types of each edge, keyed `from -> to`. */
  readonly edges: ReadonlyMap<string, readonly string[]>;
}

/** A stand-in for @cdktf/provider-azurerm: the barrel (lib/index.js) and one deep resource path. */
const FAKE_PROVIDER: Record<string, string> = {
  "node_modules/@cdktf/provider-azurerm/package.json": JSON.stringify({ name: "@cdktf/provider-azurerm", main: "lib/index.js" }),
  "node_modules/@cdktf/provider-azurerm/lib/index.js": 'exports.resourceGroup = require("./resource-group");\n',
  "node_modules/@cdktf/provider-azurerm/lib/resource-group/index.js": "exports.ResourceGroup = class ResourceGroup {};\n",
};

/** A fresh temp repo with this repo's config, the fake provider and `files` (repo-relative path → text). */
function tempRepo(files: Record<string, string>): string {
  const dir = tempDir("dependency-rules-");
  for (const config of [".dependency-cruiser.cjs", "tsconfig.json"]) fs.copyFileSync(path.join(ROOT, config), path.join(dir, config));
  for (const [rel, text] of Object.entries({ ...FAKE_PROVIDER, ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** Runs the dependency-cruiser CLI over the temp repo's lib/ as `npm run lint` does (plus any extra arguments). */
function depcruise(dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [DEPCRUISE, "lib", "--config", ".dependency-cruiser.cjs", ...args], { cwd: dir, encoding: "utf8" });
}

/** The violations and edges dependency-cruiser finds in a temp repo made of `files`. */
function cruise(files: Record<string, string>): CruiseResult {
  const run = depcruise(tempRepo(files), "--output-type", "json");
  if (!run.stdout) throw new Error(`dependency-cruiser printed nothing (exit ${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout) as {
    modules: { source: string; dependencies: { resolved: string; dependencyTypes: string[] }[] }[];
    summary: { violations: Violation[] };
  };
  const edges = new Map<string, string[]>();
  for (const m of result.modules) for (const d of m.dependencies) edges.set(`${m.source} -> ${d.resolved}`, d.dependencyTypes);
  return { violations: result.summary.violations, edges };
}

const names = (r: CruiseResult): string[] => r.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();

afterAll(() => cleanupTempDirs());

describe("the dependency check counts type-only imports", () => {
  const TYPE_ONLY_CYCLE = {
    "lib/core/a.ts": 'import type { B } from "./b";\nexport interface A {\n  readonly b?: B;\n}\n',
    "lib/core/b.ts": 'import type { A } from "./a";\nexport interface B {\n  readonly a?: A;\n}\n',
  };

  test("a cycle made only of `import type` is a no-circular error", () => {
    const result = cruise(TYPE_ONLY_CYCLE);
    // Both edges are there although neither survives compilation to JavaScript.
    expect(result.edges.get("lib/core/a.ts -> lib/core/b.ts")).toContain("type-only");
    expect(result.edges.get("lib/core/b.ts -> lib/core/a.ts")).toContain("type-only");
    expect(names(result)).toEqual(["no-circular: lib/core/a.ts -> lib/core/b.ts"]);
    expect(result.violations[0].rule.severity).toBe("error");
    expect(result.violations[0].cycle?.map((m) => m.name)).toEqual(["lib/core/b.ts", "lib/core/a.ts"]);
  });

  test("run as `npm run lint` runs it, the seeded cycle fails the run", () => {
    const run = depcruise(tempRepo(TYPE_ONLY_CYCLE));
    expect(run.stdout).toMatch(/error no-circular: lib\/core\/a\.ts →\s+lib\/core\/b\.ts →\s+lib\/core\/a\.ts/);
    expect(run.status).not.toBe(0);
  });

  test("the same two files without the cycle pass", () => {
    const result = cruise({
      "lib/core/a.ts": 'import type { B } from "./b";\nexport interface A {\n  readonly b?: B;\n}\n',
      "lib/core/b.ts": "export interface B {\n  readonly name: string;\n}\n",
    });
    expect(result.edges.get("lib/core/a.ts -> lib/core/b.ts")).toContain("type-only");
    expect(names(result)).toEqual([]);
  });
});

describe("the layer and import rules", () => {
  test("an upward type-only import, lib importing test/, and the provider barrel are errors", () => {
    const result = cruise({
      "lib/core/duration.ts": 'import type { GitOpsApp } from "../app/gitops-app";\nexport type App = GitOpsApp;\n',
      "lib/app/gitops-app.ts": 'import { fixture } from "../../test/helpers";\nexport class GitOpsApp {\n  readonly f = fixture;\n}\n',
      "lib/azure/stack.ts": 'import { resourceGroup } from "@cdktf/provider-azurerm";\nexport const rg = resourceGroup;\n',
      "test/helpers.ts": "export const fixture = 1;\n",
    });
    expect(names(result)).toEqual([
      "layer-core: lib/core/duration.ts -> lib/app/gitops-app.ts",
      "no-azurerm-provider-barrel: lib/azure/stack.ts -> node_modules/@cdktf/provider-azurerm/lib/index.js",
      "no-test-code-in-lib: lib/app/gitops-app.ts -> test/helpers.ts",
    ]);
  });

  test("downward imports, the root barrel importing every folder, and deep provider paths pass", () => {
    const result = cruise({
      "lib/core/duration.ts": "export class Duration {}\n",
      "lib/app/gitops-app.ts": 'import type { Duration } from "../core/duration";\nexport type Interval = Duration;\n',
      "lib/azure/stack.ts":
        'import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";\nexport const rg = ResourceGroup;\n',
      "lib/index.ts": 'export * from "./app/gitops-app";\nexport * from "./azure/stack";\nexport * from "./core/duration";\n',
    });
    expect(result.edges.get("lib/azure/stack.ts -> node_modules/@cdktf/provider-azurerm/lib/resource-group/index.js")).toBeDefined();
    expect(names(result)).toEqual([]);
  });
});
