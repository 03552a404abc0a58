import { isSshHostKeyAlgosFlag } from "../core/ssh-host-key-algorithms";
import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";
import { BASE64_RUN, isDerPrivateKey, looksRandom, SECRET_SHAPES, secretKeyKind } from "./secret-rules";
import { CheckOptions } from "./tree-check";

/** A value that refers to something else rather than holding it: a Terraform reference or a Flux substitution. */
const REFERENCE = /^\$\{[^}]+\}$/;

/**
 * Refuses to write any file that carries something credential-like: secrets go into Git only as references
 * (`secretRef`, `valueFrom.secretKeyRef`, `local_auth_reference`), never as values. The match itself is never printed.
 */
export function checkNoSecrets(files: readonly RenderedFile[], _repo: RepoView, _options: CheckOptions): string[] {
  return findSecrets(files);
}

/** The secret scan itself, without a repo: also run over a synth that is not written (see runSynthSequence). */
export function findSecrets(files: readonly RenderedFile[]): string[] {
  const problems: string[] = [];
  for (const f of files) {
    const text = f.bytes.toString("utf8");
    const at = (index: number, what: string): void => {
      problems.push(`[${f.source}] ${f.path} line ${lineOf(text, index)}: contains ${what}; ${ADVICE}`);
    };
    for (const { what, re, needs } of TEXT_SHAPES) {
      if (needs !== undefined && !text.includes(needs)) continue;
      const m = re.exec(text);
      if (m) at(m.index, what);
    }
    scanBase64Runs(text, at);
    const roots = f.file.content.format === "json" ? [f.file.content.value] : f.file.content.documents;
    roots.forEach((root) => walk(root, "", (path, what) => problems.push(`[${f.source}] ${f.path} ${path}: ${what}; ${ADVICE}`)));
  }
  return problems;
}

const ADVICE = "secrets never go into Git: keep it in a Kubernetes Secret and reference it (secretRef / valueFrom.secretKeyRef)";

/** Shapes looked for in the whole text, and those looked for in the pieces of long base64 runs. */
const TEXT_SHAPES = SECRET_SHAPES.filter((s) => !s.inRunsSplitBy);
const RUN_SHAPES = SECRET_SHAPES.filter((s) => s.inRunsSplitBy);

/** A token or key base64-encoded (a PAT in a Secret's `data`, a PEM body without its BEGIN line) is still a secret. */
function scanBase64Runs(text: string, at: (index: number, what: string) => void): void {
  for (const m of text.matchAll(BASE64_RUN)) {
    const long = RUN_SHAPES.find(({ re, inRunsSplitBy }) => m[0].split(inRunsSplitBy!).some((piece) => re.test(piece)));
    if (long) at(m.index!, long.what);
    const bytes = Buffer.from(m[0].replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (isDerPrivateKey(bytes)) {
      at(m.index!, "a private key (base64 DER, e.g. a PEM body without its BEGIN line)");
      continue;
    }
    const decoded = bytes.toString("latin1");
    if (!/^[\x20-\x7e\t\r\n]+$/.test(decoded)) continue; // not text: random bytes cannot hide a text token
    const shape = TEXT_SHAPES.find(({ re }) => re.test(decoded));
    if (shape) at(m.index!, `${shape.what}, base64-encoded`);
  }
}

function walk(value: unknown, path: string, report: (path: string, what: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, report));
    return;
  }
  if (value === null || typeof value !== "object") return;
  const o = value as Record<string, unknown>;
  // Container env: {name: ARM_CLIENT_SECRET, value: "…"} must use valueFrom instead.
  if (typeof o.name === "string" && typeof o.value === "string" && credentialKind(o.name, o.value)) {
    report(`${path}.value`, `environment variable ${o.name} has a literal value`);
  }
  for (const [k, v] of Object.entries(o)) {
    const p = path ? `${path}.${k}` : k;
    const kind = typeof v === "string" ? credentialKind(k, v) : undefined;
    if (kind) report(p, `${kind === "secret" ? "a literal value" : "a random-looking literal value"} for ${k}`);
    else walk(v, p, report);
  }
}

/** A literal value under a secret-like name: any value for `password`-like names, a random-looking one for `key`-like names. */
function credentialKind(name: string, value: string): "secret" | "maybe" | undefined {
  if (value === "" || REFERENCE.test(value)) return undefined;
  const kind = secretKeyKind(name);
  // `ssh-host-key-args` of the Flux extension: a flag listing known algorithm names holds no secret.
  return kind === "secret" || (kind === "maybe" && looksRandom(value) && !isSshHostKeyAlgosFlag(value)) ? kind : undefined;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
