import * as fs from "fs";
import * as path from "path";
import { Framework, FRAMEWORK_PINS, TOOL_PINS } from "./pins";

/** What `init` needs to know. */
export interface InitOptions {
  /** The project directory (created if missing). */
  readonly dir: string;
  readonly framework: Framework;
  /** The version of this library; the project pins it exactly. */
  readonly libraryVersion: string;
  /**
   * The npm spec of the library dependency instead of the exact version, e.g. `file:../cdktf-aks-gitops-0.1.0.tgz`.
   * @default - the exact `libraryVersion`
   */
  readonly librarySpec?: string;
}

/** Where the template files live in the package (lib/cli/templates, beside dist/; in "files" of package.json). */
export const TEMPLATE_DIR = path.resolve(__dirname, "../../lib/cli/templates");

/** Project file → template file. The templates are files of the package; `%%name%%` is replaced by its value. */
const TEMPLATES: readonly (readonly [string, string])[] = [
  ["cdktf.json", "cdktf.json.tmpl"],
  ["tsconfig.json", "tsconfig.json.tmpl"],
  ["tsconfig.app.json", "tsconfig.app.json.tmpl"],
  ["jest.config.js", "jest.config.js.tmpl"],
  // npm drops files named .gitignore from packages, so the template has another name.
  [".gitignore", "gitignore.tmpl"],
  ["app.ts", "app.ts.tmpl"],
  ["main.ts", "main.ts.tmpl"],
  ["gitops.test.ts", "gitops.test.ts.tmpl"],
  [".github/workflows/gitops.yml", "github-workflow.yml.tmpl"],
];

/** The project's package.json: every dependency pinned exactly. */
export function projectPackageJson(name: string, options: InitOptions): string {
  const pins = FRAMEWORK_PINS[options.framework];
  const pkg = {
    name,
    version: "0.0.0",
    private: true,
    scripts: {
      synth: `${pins.cli} synth`,
      test: "tsc --noEmit && jest",
      validate: `${pins.library} validate`,
    },
    engines: { node: pins.engines },
    dependencies: sorted({ ...pins.dependencies, [pins.library]: options.librarySpec ?? options.libraryVersion }),
    devDependencies: sorted({ ...pins.devDependencies, ...TOOL_PINS }),
    ...(pins.overrides ? { overrides: pins.overrides } : {}),
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

/**
 * Writes a new GitOps repo project into `options.dir`. Nothing is overwritten: when any of its files exists, nothing
 * is written and the error names every one of them. Returns the files written, relative to the directory.
 */
export function initProject(options: InitOptions): string[] {
  const dir = path.resolve(options.dir);
  const name = npmName(path.basename(dir));
  const pins = FRAMEWORK_PINS[options.framework];
  const values: Record<string, string> = { library: pins.library, cli: pins.cli, node: pins.node, projectId: name };
  const files = new Map<string, string>([["package.json", projectPackageJson(name, options)]]);
  for (const [target, template] of TEMPLATES) files.set(target, fill(fs.readFileSync(path.join(TEMPLATE_DIR, template), "utf8"), values));

  const existing = [...files.keys()].filter((f) => fs.existsSync(path.join(dir, f)));
  if (existing.length) {
    throw new Error(`not written, these files exist in ${dir} (init never overwrites a file): ${existing.join(", ")}`);
  }
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    // wx: a file that appeared since the check above is still never overwritten.
    fs.writeFileSync(path.join(dir, file), text, { flag: "wx" });
  }
  return [...files.keys()];
}

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/%%(\w+)%%/g, (m, key: string) => {
    if (!(key in values)) throw new Error(`template placeholder ${m} has no value`);
    return values[key];
  });
}

/** A valid npm package name from a directory name. */
function npmName(base: string): string {
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  return name || "gitops-repo";
}

function sorted(deps: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : 1)));
}
