#!/usr/bin/env node
import * as fs from "fs";
import * as path from "path";
import { initProject } from "./init";
import { Framework, FRAMEWORK_PINS, frameworkOfPackage, FRAMEWORKS } from "./pins";

/** The package this code runs from (cdktf-aks-gitops or its cdktn flavour cdktn-aks-gitops). */
function ownPackage(): { name: string; version: string } {
  return JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8"));
}

function usage(bin: string, framework: Framework): string {
  return [
    `usage: ${bin} init [dir] [--framework ${FRAMEWORKS.join("|")}] [--library <npm spec>]`,
    `         a new GitOps repo project in dir (default: .); framework default: ${framework} (the one this package is built for)`,
    `       ${bin} validate [dir] [--no-kustomize]`,
    `         checks a GitOps repo without Azure or a cluster: kustomize builds, CRD schemas, ownership record`,
  ].join("\n");
}

interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

function parseArgs(args: readonly string[], withValue: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (!withValue.includes(name)) flags.set(name, true);
    else if (inline !== undefined) flags.set(name, inline);
    else if (i + 1 < args.length) flags.set(name, args[++i]);
    else throw new Error(`--${name} needs a value`);
  }
  return { positional, flags };
}

function checkFlags(parsed: ParsedArgs, allowed: readonly string[], maxPositional: number): void {
  const unknown = [...parsed.flags.keys()].filter((f) => !allowed.includes(f));
  if (unknown.length) throw new Error(`unknown option ${unknown.map((f) => `--${f}`).join(", ")}`);
  if (parsed.positional.length > maxPositional) throw new Error(`unexpected argument ${parsed.positional[maxPositional]}`);
}

function runInit(args: readonly string[], own: { name: string; version: string }): number {
  const parsed = parseArgs(args, ["framework", "library"]);
  checkFlags(parsed, ["framework", "library"], 1);
  const framework = parsed.flags.get("framework") ?? frameworkOfPackage(own.name);
  if (!FRAMEWORKS.includes(framework as Framework)) {
    throw new Error(`--framework = ${String(framework)}: allowed is ${FRAMEWORKS.join(" or ")}`);
  }
  const library = parsed.flags.get("library");
  const dir = path.resolve(parsed.positional[0] ?? ".");
  const written = initProject({
    dir,
    framework: framework as Framework,
    libraryVersion: own.version,
    librarySpec: typeof library === "string" ? library : undefined,
  });
  const cli = FRAMEWORK_PINS[framework as Framework].cli;
  console.log(`init: ${framework} project in ${dir}: ${written.join(", ")}`);
  console.log(`next: cd ${dir} && npm install && npx ${cli} synth   (docs/getting-started.md)`);
  return 0;
}

async function runValidate(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args, []);
  checkFlags(parsed, ["no-kustomize"], 1);
  const dir = path.resolve(parsed.positional[0] ?? ".");
  // Loaded only here: validate needs the library (yaml, the schemas); init needs nothing but node, so
  // `npx cdktf-aks-gitops init` runs before the project has installed anything.
  const { validateRepo } = await import("./validate");
  const { problems, summary } = validateRepo({ dir, kustomize: !parsed.flags.has("no-kustomize") });
  for (const p of problems) console.error(`validate: ${p}`);
  console.log(`validate: ${problems.length ? `${problems.length} problem${problems.length === 1 ? "" : "s"}` : "ok"}: ${summary}`);
  return problems.length ? 1 : 0;
}

/** The command line: `init` and `validate`. Resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const own = ownPackage();
  const [command, ...rest] = argv;
  try {
    if (command === "init") return runInit(rest, own);
    if (command === "validate") return await runValidate(rest);
    const help = command === undefined || command === "help" || command === "--help" || command === "-h";
    (help ? console.log : console.error)(usage(own.name, frameworkOfPackage(own.name)));
    return help ? 0 : 2;
  } catch (e) {
    console.error(`${own.name} ${command}: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
