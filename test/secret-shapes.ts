/**
 * Every secret shape tried against the scan (issue #14's table plus the Azure ones), as data: where it sits in a file
 * and the rule expected to catch it. `test/secret-shapes.test.ts` runs each one; `scripts/secret-scan-table.ts`
 * renders them into docs/secret-scan.md. The secrets are built at run time (repeat, base64, a fresh key pair), so
 * no file of this repo holds one.
 */
import { generateKeyPairSync } from "crypto";

export interface SecretCase {
  /** The shape, as the docs table names it. */
  readonly shape: string;
  /** Where it sits: `yaml` (a document) or `json` (Terraform JSON). */
  readonly format: "yaml" | "json";
  readonly content: () => unknown;
  /** The secret itself, which no message may print. */
  readonly secret: () => string;
  /** The rule expected to catch it: a shape id of lib/checks/secret-rules.ts, or `key-name`, `key-entropy`, `env-name`. */
  readonly rule: string;
}

const cm = (data: Record<string, string>) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data });
const alnum = (n: number, seed = 7): string => {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let s = "";
  for (let i = 0, x = seed; i < n; i++) s += chars[(x = (x * 1103515245 + 12345) % 2147483648) % 62];
  return s;
};
const base64Key = (bytes: number, seed: number): string => Buffer.from(alnum(bytes, seed)).toString("base64");
const ghp = () => "ghp_" + alnum(36, 1);
const jwt = () =>
  [Buffer.from('{"alg":"HS256","typ":"JWT"}'), Buffer.from('{"sub":"1234567890","name":"ci"}'), Buffer.from(alnum(32, 2))]
    .map((b) => b.toString("base64url"))
    .join(".");
const storageKey = () => base64Key(64, 3); // 64 bytes: 86 characters and "=="
const adoPat = () =>
  alnum(52, 4)
    .toLowerCase()
    .replace(/[0189]/g, "q");
const adoPat2024 = () => alnum(76, 5) + "AZDO" + alnum(4, 6);
const pemBody = (type: "rsa" | "ec", format: "pkcs8" | "pkcs1" | "sec1"): string => {
  const { privateKey } =
    type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 1024 }) : generateKeyPairSync("ec", { namedCurve: "P-256" });
  const der = privateKey.export({ type: format, format: "der" }) as Buffer;
  return der.toString("base64").replace(/(.{64})/g, "$1\n");
};
const pkcs8 = memo(() => pemBody("rsa", "pkcs8"));
const pkcs1 = memo(() => pemBody("rsa", "pkcs1"));
const sec1 = memo(() => pemBody("ec", "sec1"));

function memo(f: () => string): () => string {
  let v: string | undefined;
  return () => (v ??= f());
}

export const SECRET_CASES: readonly SecretCase[] = [
  { shape: "GitHub classic token (`ghp_…`)", format: "yaml", content: () => cm({ t: ghp() }), secret: ghp, rule: "github-token" },
  {
    shape: "GitHub token glued to a letter (`xghp_…`)",
    format: "yaml",
    content: () => cm({ t: "x" + ghp() }),
    secret: ghp,
    rule: "github-token",
  },
  {
    shape: "GitHub fine-grained token (`github_pat_…`)",
    format: "yaml",
    content: () => cm({ t: "github_pat_11" + alnum(80, 8) }),
    secret: () => alnum(80, 8),
    rule: "github-fine-grained",
  },
  {
    shape: "GitHub token, base64-encoded (a Secret's `data`)",
    format: "yaml",
    content: () => ({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { t: Buffer.from(ghp()).toString("base64") } }),
    secret: () => Buffer.from(ghp()).toString("base64"),
    rule: "github-token",
  },
  {
    shape: "GitLab token (`glpat-…`)",
    format: "yaml",
    content: () => cm({ t: "glpat-" + alnum(20, 9) }),
    secret: () => alnum(20, 9),
    rule: "gitlab-token",
  },
  {
    shape: "Slack bot token (`xoxb-…`)",
    format: "yaml",
    content: () => cm({ t: "xoxb-1234567890-" + alnum(24, 10) }),
    secret: () => alnum(24, 10),
    rule: "slack-token",
  },
  {
    shape: "AWS access key id (`AKIA…`)",
    format: "json",
    content: () => ({ locals: { k: "AKIA" + alnum(16, 11).toUpperCase() } }),
    secret: () => alnum(16, 11).toUpperCase(),
    rule: "aws-access-key",
  },
  {
    shape: "npm token (`npm_…`)",
    format: "yaml",
    content: () => cm({ npmrc: "//registry.npmjs.org/:_authToken=npm_" + alnum(36, 12) }),
    secret: () => alnum(36, 12),
    rule: "npm-token",
  },
  { shape: "JSON Web Token", format: "yaml", content: () => cm({ bearer: "Bearer " + jwt() }), secret: jwt, rule: "jwt" },
  {
    shape: "private key block (`-----BEGIN … PRIVATE KEY-----`)",
    format: "yaml",
    content: () => cm({ k: "-----BEGIN " + "PRIVATE KEY-----\n" + pkcs8() + "\n-----END PRIVATE KEY-----\n" }),
    secret: () => pkcs8().slice(0, 64),
    rule: "private-key-block",
  },
  {
    shape: "PKCS#8 key body without its BEGIN line",
    format: "yaml",
    content: () => cm({ k: pkcs8() }),
    secret: () => pkcs8().slice(0, 64),
    rule: "base64-der-private-key",
  },
  {
    shape: "PKCS#1 RSA key body without its BEGIN line",
    format: "yaml",
    content: () => cm({ k: pkcs1() }),
    secret: () => pkcs1().slice(0, 64),
    rule: "base64-der-private-key",
  },
  {
    shape: "EC (SEC1) key body without its BEGIN line",
    format: "json",
    content: () => ({ locals: { k: sec1() } }),
    secret: () => sec1().slice(0, 64),
    rule: "base64-der-private-key",
  },
  {
    shape: "URL with user and password (`https://user:secret@host`)",
    format: "yaml",
    content: () => ({
      kind: "GitRepository",
      metadata: { name: "r" },
      spec: { url: "https://bob:" + alnum(12, 13) + "@github.com/org/repo.git" },
    }),
    secret: () => alnum(12, 13),
    rule: "url-userinfo-password",
  },
  {
    shape: "Azure DevOps PAT as the user of a repository URL (`https://<PAT>@dev.azure.com/…`)",
    format: "yaml",
    content: () => ({
      kind: "GitRepository",
      metadata: { name: "r" },
      spec: { url: `https://${adoPat()}@dev.azure.com/org/project/_git/repo` },
    }),
    secret: adoPat,
    rule: "url-userinfo-token",
  },
  {
    shape: "`user:pa$$w0rd@host` in free text",
    format: "yaml",
    content: () => ({ metadata: { name: "x", annotations: { note: "connect as admin:pa$$w0rd@db.example.com then run it" } } }),
    secret: () => "pa$$w0rd",
    rule: "free-text-user-password",
  },
  {
    shape: "Azure storage connection string (`AccountKey=…`)",
    format: "yaml",
    content: () => cm({ c: `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${storageKey()};EndpointSuffix=core.windows.net` }),
    secret: storageKey,
    rule: "azure-storage-connection",
  },
  {
    shape: "Azure storage account key, bare (88 characters)",
    format: "json",
    content: () => ({ locals: { k: storageKey() } }),
    secret: storageKey,
    rule: "azure-storage-key",
  },
  {
    shape: "Azure SAS token (`?sv=…&sig=…`)",
    format: "yaml",
    content: () =>
      cm({
        u: `https://acct.blob.core.windows.net/c/f?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01&sig=${encodeURIComponent(base64Key(32, 14))}`,
      }),
    secret: () => encodeURIComponent(base64Key(32, 14)),
    rule: "azure-sas",
  },
  {
    shape: "Azure AD client secret (`…8Q~…`)",
    format: "json",
    content: () => ({ locals: { s: "abc8Q~" + alnum(34, 15) } }),
    secret: () => alnum(34, 15),
    rule: "azure-ad-client-secret",
  },
  {
    shape: "Azure DevOps PAT, classic (52 base32 characters)",
    format: "yaml",
    content: () => cm({ t: adoPat() }),
    secret: adoPat,
    rule: "azure-devops-pat",
  },
  {
    shape: "Azure DevOps PAT, 2024 format (84 characters, `AZDO`)",
    format: "yaml",
    content: () => cm({ t: adoPat2024() }),
    secret: adoPat2024,
    rule: "azure-devops-pat",
  },
  {
    shape: "Microsoft Teams webhook (Workflows, `logic.azure.com…sig=`)",
    format: "yaml",
    content: () =>
      cm({
        u: `https://prod-01.westeurope.logic.azure.com:443/workflows/0a1b/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${alnum(43, 16)}`,
      }),
    secret: () => alnum(43, 16),
    rule: "teams-webhook",
  },
  {
    shape: "Microsoft Teams webhook (Office 365 connector, `webhook.office.com…IncomingWebhook/`)",
    format: "yaml",
    content: () => cm({ u: `https://org.webhook.office.com/webhookb2/${alnum(36, 17)}@tenant/IncomingWebhook/${alnum(32, 18)}/x` }),
    secret: () => alnum(32, 18),
    rule: "teams-webhook",
  },
  {
    shape: "Slack webhook (`hooks.slack.com/services/…`)",
    format: "yaml",
    content: () => cm({ u: "https://hooks.slack.com/services/T000/B000/" + alnum(24, 19) }),
    secret: () => alnum(24, 19),
    rule: "slack-webhook",
  },
  {
    shape: "Slack workflow webhook (`hooks.slack.com/triggers/…`)",
    format: "yaml",
    content: () => cm({ u: "https://hooks.slack.com/triggers/T000/1234/" + alnum(32, 20) }),
    secret: () => alnum(32, 20),
    rule: "slack-webhook",
  },
  {
    shape: "Discord webhook",
    format: "yaml",
    content: () => cm({ u: "https://discord.com/api/webhooks/123456789012345678/" + alnum(64, 21) }),
    secret: () => alnum(64, 21),
    rule: "discord-webhook",
  },
  {
    shape: "generic webhook with its key in the query (`?code=…`)",
    format: "yaml",
    content: () => cm({ u: "https://alerts.example.com/api/notify?code=" + alnum(40, 22) }),
    secret: () => alnum(40, 22),
    rule: "url-query-secret",
  },
  {
    shape: "`password:` with a literal value",
    format: "yaml",
    content: () => cm({ password: "hunter2hunter2" }),
    secret: () => "hunter2hunter2",
    rule: "key-name",
  },
  {
    shape: "`windows_profile.admin_password` (a JavaScript caller's extra prop)",
    format: "json",
    content: () => ({
      resource: { azurerm_x: { y: { windows_profile: [{ admin_username: "azureuser", admin_password: "Tr1cky!pass" }] } } },
    }),
    secret: () => "Tr1cky!pass",
    rule: "key-name",
  },
  {
    shape: "provider `client_certificate_password`",
    format: "json",
    content: () => ({ provider: { azurerm: [{ client_certificate_password: "c3rtpass" }] } }),
    secret: () => "c3rtpass",
    rule: "key-name",
  },
  {
    shape: "provider `client_secret`",
    format: "json",
    content: () => ({ provider: { azurerm: [{ client_secret: "x~y" }] } }),
    secret: () => "x~y",
    rule: "key-name",
  },
  {
    shape: "a `db-password` tag",
    format: "json",
    content: () => ({ resource: { r: { p: { tags: { "db-password": "letmein" } } } } }),
    secret: () => "letmein",
    rule: "key-name",
  },
  {
    shape: "`DB_PASS` in a ConfigMap",
    format: "yaml",
    content: () => cm({ DB_PASS: "letmein" }),
    secret: () => "letmein",
    rule: "key-name",
  },
  {
    shape: "environment variable `DB_PASS` with a literal value",
    format: "yaml",
    content: () => ({ spec: { runnerPodTemplate: { spec: { env: [{ name: "DB_PASS", value: "letmein" }] } } } }),
    secret: () => "letmein",
    rule: "env-name",
  },
  {
    shape: "environment variable `ARM_CLIENT_SECRET` with a literal value",
    format: "yaml",
    content: () => ({ spec: { runnerPodTemplate: { spec: { env: [{ name: "ARM_CLIENT_SECRET", value: "abc.def" }] } } } }),
    secret: () => "abc.def",
    rule: "env-name",
  },
  {
    shape: "random-looking value of a key-like name (`signingKey`)",
    format: "yaml",
    content: () => cm({ signingKey: alnum(24, 23) }),
    secret: () => alnum(24, 23),
    rule: "key-entropy",
  },
];
