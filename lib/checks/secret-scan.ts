import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";
import { CheckOptions } from "./tree-check";

/** Credential shapes found in the bytes of a file. The match itself is never printed. */
const PATTERNS: readonly { readonly what: string; readonly re: RegExp }[] = [
  { what: "a GitHub token (ghp_/gho_/ghu_/ghs_/ghr_…)", re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { what: "a GitHub fine-grained token (github_pat_…)", re: /\bgithub_pat_[A-Za-z0-9_]{22,}/ },
  { what: "a private key block", re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  {
    what: "a URL with a user and password or token (scheme://user:secret@host)",
    re: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"'${}]+:[^/\s@"'${}]+@[^\s/"']+/i,
  },
  { what: "an Azure storage account key", re: /AccountKey=[A-Za-z0-9+/]{86}==/ },
  { what: "an Azure SAS signature", re: /[?&]sig=[A-Za-z0-9%+/=]{30,}/ },
  { what: "an Azure AD client secret", re: /\b[A-Za-z0-9_~.-]{3}[78]Q~[A-Za-z0-9_~.-]{31,34}\b/ },
  { what: "a Slack webhook address", re: /hooks\.slack\.com\/services\/[A-Za-z0-9/]+/ },
  {
    what: "a Microsoft Teams webhook address",
    re: /\.(?:webhook\.office\.com|logic\.azure\.com|environment\.api\.powerplatform\.com)[^\s"']*(?:sig=|IncomingWebhook\/)/i,
  },
  { what: "a Discord webhook address", re: /discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{20,}/i },
  // A generic webhook (notification Provider type generic, Azure Functions, …) whose key is in its query string.
  {
    what: "a URL with a key or token in its query (?code=, ?token=, ?key=…)",
    re: /\bhttps?:\/\/[^\s"'?]+\?(?:[^\s"'#]*&)?(?:code|token|access_token|api[-_]?key|apikey|key|secret|password|auth)=[A-Za-z0-9%+/=_~.-]{16,}/i,
  },
];

/** Keys whose literal string value is a credential (YAML and Terraform JSON alike). */
const SECRET_KEY =
  /^(password|passwd|pwd|client_?secret|token|access_?token|api_?key|private_?key|secret_?key|access_?key|account_?key|https_key_base64|ssh_private_key_base64|sas_?token|bearer_?token|webhook_?url)$/i;
/** Environment variable names whose literal value is a credential; paths and ids are fine. */
const SECRET_ENV = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|ACCOUNT_?KEY)(?!.*_(PATH|FILE|FILE_PATH|ID)$)/i;
/** A value that refers to something else rather than holding it: a Terraform reference or a Flux substitution. */
const REFERENCE = /^\$\{[^}]+\}$/;

/**
 * Refuses to write any file that carries something credential-like: secrets go into Git only as references
 * (`secretRef`, `valueFrom.secretKeyRef`, `local_auth_reference`), never as values.
 */
export function checkNoSecrets(files: readonly RenderedFile[], _repo: RepoView, _options: CheckOptions): string[] {
  const problems: string[] = [];
  for (const f of files) {
    const text = f.bytes.toString("utf8");
    for (const { what, re } of PATTERNS) {
      const m = re.exec(text);
      if (m) problems.push(`[${f.source}] ${f.path} line ${lineOf(text, m.index)}: contains ${what}; ${ADVICE}`);
    }
    const roots = f.file.content.format === "json" ? [f.file.content.value] : f.file.content.documents;
    roots.forEach((root) => walk(root, "", (path, what) => problems.push(`[${f.source}] ${f.path} ${path}: ${what}; ${ADVICE}`)));
  }
  return problems;
}

const ADVICE = "secrets never go into Git: keep it in a Kubernetes Secret and reference it (secretRef / valueFrom.secretKeyRef)";

function walk(value: unknown, path: string, report: (path: string, what: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, report));
    return;
  }
  if (value === null || typeof value !== "object") return;
  const o = value as Record<string, unknown>;
  // Container env: {name: ARM_CLIENT_SECRET, value: "…"} must use valueFrom instead.
  if (typeof o.name === "string" && typeof o.value === "string" && o.value !== "" && SECRET_ENV.test(o.name) && !REFERENCE.test(o.value)) {
    report(`${path}.value`, `environment variable ${o.name} has a literal value`);
  }
  for (const [k, v] of Object.entries(o)) {
    const p = path ? `${path}.${k}` : k;
    if (typeof v === "string" && v !== "" && SECRET_KEY.test(k) && !REFERENCE.test(v)) report(p, `a literal value for ${k}`);
    else walk(v, p, report);
  }
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
