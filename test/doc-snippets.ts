/**
 * The TypeScript snippets of README.md and docs/*.md as modules (#16 item 6). A ```ts block is a module of its own,
 * unless an HTML comment on the line before it says otherwise:
 *
 *   <!-- snippet: continues -->          appended to the module of the previous block (a section that goes on with the
 *                                        same app); its imports are merged with that module's
 *   <!-- snippet: continues=<name>.ts --> appended to the module <name>.ts of the same doc (other blocks between)
 *   <!-- snippet: file=<name>.ts -->     the module is the file <name>.ts beside the doc, so `./<name>` imports it
 *   <!-- snippet: skip <reason> -->      not compiled; the reason says why (a fragment of a user's own code)
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export interface DocModule {
  /** Virtual file name, e.g. `docs/testing.md/app.ts` (the folder is the doc: `./app` resolves inside it). */
  readonly fileName: string;
  readonly doc: string;
  /** 1-based line of the first block in the doc. */
  readonly line: number;
  readonly source: string;
}

export interface DocSnippets {
  readonly modules: DocModule[];
  readonly skipped: { doc: string; line: number; reason: string }[];
}

interface Block {
  readonly line: number;
  readonly code: string;
  readonly marker?: string;
}

const MARKER = /^<!-- snippet: (.*) -->$/;

function blocksOf(text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```ts") continue;
    const start = i;
    const end = lines.findIndex((l, j) => j > i && l.trim() === "```");
    if (end < 0) throw new Error(`unterminated \`\`\`ts block at line ${i + 1}`);
    const before = start > 0 ? MARKER.exec(lines[start - 1].trim()) : null;
    const indent = /^\s*/.exec(lines[start])![0].length;
    blocks.push({
      line: start + 2,
      code: lines
        .slice(start + 1, end)
        .map((l) => l.slice(indent))
        .join("\n"),
      marker: before?.[1],
    });
    i = end;
  }
  return blocks;
}

/** Splits a block into its import declarations and the rest. */
function splitImports(code: string): { imports: ts.ImportDeclaration[]; rest: string; sf: ts.SourceFile } {
  const sf = ts.createSourceFile("block.ts", code, ts.ScriptTarget.ES2022, true);
  const imports = sf.statements.filter(ts.isImportDeclaration);
  const rest = sf.statements
    .filter((s) => !ts.isImportDeclaration(s))
    .map((s) => code.slice(s.getFullStart(), s.getEnd()))
    .join("");
  return { imports, rest, sf };
}

/** Joins blocks into one module: every named import of a specifier once, side-effect imports kept, then the code. */
function joinBlocks(blocks: readonly string[]): string {
  const named = new Map<string, Set<string>>();
  const other: string[] = [];
  const bodies: string[] = [];
  for (const code of blocks) {
    const { imports, rest, sf } = splitImports(code);
    for (const imp of imports) {
      const from = (imp.moduleSpecifier as ts.StringLiteral).text;
      const bindings = imp.importClause?.namedBindings;
      if (imp.importClause && !imp.importClause.name && bindings && ts.isNamedImports(bindings)) {
        const set = named.get(from) ?? new Set<string>();
        for (const el of bindings.elements) set.add(el.getText(sf));
        named.set(from, set);
      } else {
        other.push(imp.getText(sf));
      }
    }
    bodies.push(rest);
  }
  const merged = [...named].map(([from, names]) => `import { ${[...names].join(", ")} } from ${JSON.stringify(from)};`);
  return [...new Set(other), ...merged, ...bodies].join("\n") + "\n";
}

/** The modules of the docs, relative to the repo root. */
export function docSnippets(root: string, docs: readonly string[]): DocSnippets {
  const modules: DocModule[] = [];
  const skipped: DocSnippets["skipped"] = [];
  for (const doc of docs) {
    const groups: { name: string; line: number; codes: string[] }[] = [];
    for (const block of blocksOf(fs.readFileSync(path.join(root, doc), "utf8"))) {
      const m = block.marker ?? "";
      if (m.startsWith("skip")) {
        const reason = m.slice(4).trim();
        if (reason.length < 10) throw new Error(`${doc}:${block.line}: a skipped snippet needs a reason`);
        skipped.push({ doc, line: block.line, reason });
      } else if (m === "continues" || m.startsWith("continues=")) {
        const group = m === "continues" ? groups[groups.length - 1] : groups.find((g) => g.name === m.slice("continues=".length));
        if (!group) throw new Error(`${doc}:${block.line}: "${m}" without the block it continues`);
        group.codes.push(block.code);
      } else if (m.startsWith("file=")) {
        groups.push({ name: m.slice(5), line: block.line, codes: [block.code] });
      } else if (m === "") {
        groups.push({ name: `snippet-${block.line}.ts`, line: block.line, codes: [block.code] });
      } else {
        throw new Error(`${doc}:${block.line}: unknown snippet marker "${m}"`);
      }
    }
    for (const g of groups) modules.push({ fileName: path.join(root, doc, g.name), doc, line: g.line, source: joinBlocks(g.codes) });
  }
  return { modules, skipped };
}

/** The library as a user imports it: the package names mapped onto lib/. */
export function compilerOptions(root: string): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node", "jest"],
    typeRoots: [path.join(root, "node_modules/@types")],
    baseUrl: root,
    paths: {
      "cdktf-aks-gitops": ["lib/index.ts"],
      "cdktf-aks-gitops/testing": ["lib/testing/index.ts"],
      "cdktf-aks-gitops/testing/jest": ["lib/testing/jest.ts"],
    },
  };
}

/** One type-check of every module (with the library sources); returns one line per error in a snippet. */
export function typeCheck(root: string, modules: readonly DocModule[]): string[] {
  const options = compilerOptions(root);
  const virtual = new Map(modules.map((m) => [m.fileName, m.source]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) =>
    virtual.has(name) ? ts.createSourceFile(name, virtual.get(name)!, lang, true) : getSourceFile(name, lang, onError, create);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  const dirs = new Set(modules.map((m) => path.dirname(m.fileName)));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (dir) => dirs.has(dir) || (directoryExists ? directoryExists(dir) : fs.existsSync(dir));
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return [...virtual.keys()].flatMap((name) => {
    const sf = program.getSourceFile(name)!;
    const m = modules.find((x) => x.fileName === name)!;
    return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => {
      const { line } = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0 };
      const text = d.file?.text.split("\n")[line]?.trim() ?? "";
      return `${m.doc} (module ${path.basename(name)}, from line ${m.line}): ${ts.flattenDiagnosticMessageText(d.messageText, " ")}: ${text}`;
    });
  });
}
