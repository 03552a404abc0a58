/**
 * Every TypeScript snippet of README.md and docs/*.md compiles against the library, and every snippet that builds an
 * app synthesizes (in memory, with synthGitOps) without an error (#16 item 6). How blocks become modules, and how a
 * fragment is marked, is in test/doc-snippets.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as constructs from "constructs";
import * as ts from "typescript";
import * as lib from "../lib";
import * as testing from "../lib/testing";
import { synthGitOps } from "../lib/testing";
import { DocModule, docSnippets, typeCheck } from "./doc-snippets";

// A snippet whose pool adopts (docs/migrating-from-hand-written.md) makes cdktf run `terraform version` during the
// synth (ValidateTerraformVersion >= 1.5 for import and moved blocks): a stand-in, as in state-safety-moves.test.ts.
jest.mock("cdktf/lib/util", () => ({
  ...jest.requireActual<object>("cdktf/lib/util"),
  terraformBinaryName: `${JSON.stringify(process.execPath)} -e "console.log('OpenTofu v1.9.1')" --`,
}));

const ROOT = path.resolve(__dirname, "..");
const DOCS = [
  "README.md",
  ...fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const { modules, skipped } = docSnippets(ROOT, DOCS);
const CONTEXT = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).context;

/** `new GitOpsApp()` of a snippet: in memory (temp dirs, the repo's cdktf.json context); `synth()` only records it. */
function recordingApp(created: lib.GitOpsApp[]): typeof lib.GitOpsApp {
  return class DocApp extends lib.GitOpsApp {
    constructor(props: lib.GitOpsAppProps = {}) {
      const base = fs.mkdtempSync(path.join(os.tmpdir(), "doc-snippet-"));
      super({
        ...props,
        log: () => {},
        stackTraces: false,
        context: { ...CONTEXT, ...props.context },
        outdir: path.join(base, "out"),
        gitopsRoot: path.join(base, "repo"),
      });
      created.push(this);
    }

    override synth(): void {}
  };
}

/** Runs a snippet module as CommonJS; the package names resolve to lib/, `./x` to another module of the same doc. */
function run(m: DocModule, created: lib.GitOpsApp[], cache = new Map<string, unknown>()): unknown {
  if (cache.has(m.fileName)) return cache.get(m.fileName);
  const module = { exports: {} as Record<string, unknown> };
  cache.set(m.fileName, module.exports);
  const js = ts.transpileModule(m.source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const packages: Record<string, () => unknown> = {
    "cdktf-aks-gitops": () => ({ ...lib, GitOpsApp: recordingApp(created) }),
    "cdktf-aks-gitops/testing": () => testing,
    constructs: () => constructs,
    path: () => path,
  };
  const requireFor = (id: string): unknown => {
    if (packages[id]) return packages[id]();
    if (id.startsWith("./")) {
      const target = modules.find((x) => x.fileName === path.join(path.dirname(m.fileName), `${id.slice(2)}.ts`));
      if (!target) throw new Error(`${m.doc}: no snippet module ${id}`);
      run(target, created, cache);
      return cache.get(target.fileName);
    }
    throw new Error(`${m.doc}: the snippet runner does not provide ${id} (add it to the packages above)`);
  };
  new Function("require", "module", "exports", "__filename", "__dirname", js.outputText)(
    requireFor,
    module,
    module.exports,
    m.fileName,
    ROOT,
  );
  cache.set(m.fileName, module.exports);
  return module.exports;
}

describe("README and docs snippets", () => {
  test("the docs hold snippets, the README's app sections are one module, and every skipped one says why", () => {
    const readme = modules.find((m) => m.doc === "README.md" && m.fileName.endsWith("/app.ts"));
    for (const section of ["new GuardedNodePool(", 'new TerraformControllerCR(app, "aks-drift-reconciler"', "flux.addAlerts("]) {
      expect(readme?.source).toContain(section);
    }
    expect(modules.length).toBeGreaterThanOrEqual(5);
    for (const s of skipped) expect(s.reason).toMatch(/^a fragment: /);
  });

  test("every snippet type-checks against the library (one program)", () => {
    expect(typeCheck(ROOT, modules)).toEqual([]);
  });

  const runnable = modules.filter((m) => /new GitOpsApp\(/.test(m.source));
  test.each(runnable.map((m) => [`${m.doc} ${path.basename(m.fileName)}`, m] as const))("%s synthesizes", (_name, m) => {
    const created: lib.GitOpsApp[] = [];
    run(m, created);
    expect(created.length).toBeGreaterThan(0);
    // A duplicate construct id, bad input or a policy error would throw here.
    for (const app of created) expect(() => synthGitOps(app)).not.toThrow();
  });

  test("the README's sections together: one Terraform object aks-drift-reconciler, with the runner identity", () => {
    const created: lib.GitOpsApp[] = [];
    run(
      modules.find((m) => m.doc === "README.md")!,
      created,
    );
    const { files } = synthGitOps(created[0]);
    const cr = files["clusters/aks-gitops-tf/terraform/aks-drift-reconciler.yaml"];
    expect(cr).toContain("serviceAccountName: tf-runner-azure");
    expect(Object.keys(files).filter((f) => f.startsWith("clusters/aks-gitops-tf/terraform/") && f.endsWith(".yaml"))).toEqual([
      "clusters/aks-gitops-tf/terraform/aks-drift-reconciler.yaml",
      "clusters/aks-gitops-tf/terraform/kustomization.yaml",
      "clusters/aks-gitops-tf/terraform/tf-runner-azure.serviceaccount.yaml",
    ]);
  });
});
