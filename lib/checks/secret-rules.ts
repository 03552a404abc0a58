/**
 * The secret scan's rules, as data: credential shapes looked for in the bytes of every file (and in the text of
 * every base64 run in them), and the key names whose literal values are credentials. `docs/secret-scan.md` lists
 * each shape tried and the rule (by id) that catches it; a test keeps the two in step.
 */

export interface SecretShape {
  /** Stable id, named in docs/secret-scan.md. */
  readonly id: string;
  /** What was found, as the refusal message says it. */
  readonly what: string;
  readonly re: RegExp;
  /** Looked for only in files that contain this text (a cheap test first: most files hold no "@"). */
  readonly needs?: string;
  /**
   * Matched against the pieces of each base64 run (split by this pattern) instead of the whole text: long runs are
   * rare, so the long patterns run on a few short strings (`re` is then anchored).
   */
  readonly inRunsSplitBy?: RegExp;
}

/** Not preceded by a letter or digit: a token glued to other text (`xghp_…`) still counts, a longer word does not. */
const B = "(?<![A-Za-z0-9])";
/** Not followed by a letter or digit. */
const E = "(?![A-Za-z0-9])";

export const SECRET_SHAPES: readonly SecretShape[] = [
  // A prefix glued to a letter (`xghp_…`) is still the token: GitHub's prefixes are matched anywhere.
  { id: "github-token", what: "a GitHub token (ghp_/gho_/ghu_/ghs_/ghr_…)", re: /gh[pousr]_[A-Za-z0-9]{36,}/ },
  { id: "github-fine-grained", what: "a GitHub fine-grained token (github_pat_…)", re: /github_pat_[A-Za-z0-9_]{22,}/ },
  { id: "gitlab-token", what: "a GitLab token (glpat-…)", re: /gl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,}/ },
  { id: "slack-token", what: "a Slack token (xoxb-/xoxp-/xapp-…)", re: /xox[abeoprs]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,}/ },
  { id: "aws-access-key", what: "an AWS access key id (AKIA…)", re: new RegExp(`${B}(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}${E}`) },
  { id: "npm-token", what: "an npm token (npm_…)", re: /npm_[A-Za-z0-9]{36}/ },
  {
    id: "jwt",
    what: "a JSON Web Token (eyJ….eyJ….…)",
    re: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
  },
  { id: "private-key-block", what: "a private key block", re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  {
    id: "url-userinfo-password",
    what: "a URL with a user and password or token (scheme://user:secret@host)",
    re: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"'${}]+:(?:[^/\s@"'${}]|\$(?!\{))+@[^\s/"']+/i,
    needs: "@",
  },
  {
    id: "url-userinfo-token",
    what: "a URL with a token as its user (https://<token>@host)",
    re: /\bhttps?:\/\/[A-Za-z0-9_\-.~%]{20,}@[^\s/"']+/i,
    needs: "@",
  },
  {
    id: "free-text-user-password",
    what: "a user and password in text (user:password@host)",
    re: new RegExp(`${B}[A-Za-z0-9._%+-]+:(?:[^\\s@/:"'$\\{\\}]|\\$(?!\\{)){3,}@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}${E}`),
    needs: "@",
  },
  { id: "azure-storage-connection", what: "an Azure storage account key", re: /AccountKey=[A-Za-z0-9+/]{86}==/ },
  // Storage account keys are 64 random bytes: 86 base64 characters and "==", found bare too.
  {
    id: "azure-storage-key",
    what: "an Azure storage account key (88 base64 characters)",
    re: /^[A-Za-z0-9+/]{86}==$/,
    inRunsSplitBy: /[-_]/,
  },
  { id: "azure-sas", what: "an Azure SAS signature", re: /[?&]sig=[A-Za-z0-9%+/=]{30,}/ },
  { id: "azure-ad-client-secret", what: "an Azure AD client secret", re: /\b[A-Za-z0-9_~.-]{3}[78]Q~[A-Za-z0-9_~.-]{31,34}\b/ },
  {
    id: "azure-devops-pat",
    what: "an Azure DevOps personal access token",
    // 52 base32 characters (the classic format), or 84 with the AZDO signature (the format since 2024).
    re: /^(?:[a-z2-7]{52}|[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})$/,
    inRunsSplitBy: /[^A-Za-z0-9]/,
  },
  { id: "slack-webhook", what: "a Slack webhook address", re: /hooks\.slack\.com\/(?:services|triggers|workflows)\/[A-Za-z0-9/_-]+/ },
  {
    id: "teams-webhook",
    what: "a Microsoft Teams webhook address",
    re: /\.(?:webhook\.office\.com|logic\.azure\.com|environment\.api\.powerplatform\.com)[^\s"']*(?:sig=|IncomingWebhook\/)/i,
  },
  { id: "discord-webhook", what: "a Discord webhook address", re: /discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{20,}/i },
  // A generic webhook (notification Provider type generic, Azure Functions, …) whose key is in its query string.
  {
    id: "url-query-secret",
    what: "a URL with a key or token in its query (?code=, ?token=, ?key=…)",
    re: /\bhttps?:\/\/[^\s"'?]+\?(?:[^\s"'#]*&)?(?:code|token|access_token|api[-_]?key|apikey|key|secret|password|auth)=[A-Za-z0-9%+/=_~.-]{16,}/i,
  },
];

/**
 * A run of base64 (or base64url) long enough to hide a token; its decoded text is scanned too. Matched only from the
 * start of a run (the lookbehind), so the engine does not retry at every character inside one.
 */
export const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,2}/g;

/**
 * A DER private key, as the body of a PEM block without its BEGIN line decodes: a SEQUENCE holding an INTEGER version
 * 0 or 1 first (PKCS#1, PKCS#8, SEC1 EC keys; a certificate starts with a SEQUENCE instead), or an OpenSSH key.
 */
export function isDerPrivateKey(bytes: Buffer): boolean {
  if (bytes.subarray(0, 15).toString("latin1") === "openssh-key-v1\0") return true;
  if (bytes.length < 32 || bytes[0] !== 0x30) return false;
  const lengthBytes = bytes[1] < 0x80 ? 0 : bytes[1] - 0x80;
  if (lengthBytes > 3) return false;
  const i = 2 + lengthBytes;
  return bytes[i] === 0x02 && bytes[i + 1] === 0x01 && (bytes[i + 2] === 0x00 || bytes[i + 2] === 0x01);
}

/** Words (anywhere in a key, any case, any separator: `DB_PASSWORD`, `dbPassword`, `db-password`) whose literal value is a credential. */
const SECRET_WORDS = /password|passwd|passphrase|secret|token|apikey|privatekey|accesskey|accountkey|connectionstring|credential/;
/** Short words that count only as whole words of the key (`DB_PASS`, not `bypass`). */
const SECRET_SHORT_WORDS = new Set(["pass", "pwd", "pw", "sas", "pat"]);
/** Whole words whose value is a credential if it looks random (the entropy check): `signingKey`, `auth`, not `keyboard`. */
const MAYBE_SECRET_WORDS = new Set(["key", "keys", "auth", "authorization", "sig", "signature", "hmac", "cookie", "session", "salt"]);
/** Last words that make the key a pointer to a secret, or a setting about one, not the secret itself. */
const NOT_A_VALUE = new Set([
  ...["ref", "refs", "reference", "name", "names", "path", "paths", "file", "id", "ids", "suffix", "prefix", "type", "types"],
  ...["namespace", "enabled", "disabled", "policy", "version", "audience", "mode", "store", "provider", "ttl", "expiry"],
  ...["expiration", "length", "selector", "template", "format", "kind", "header", "field", "fields", "url", "urls"],
  ...["endpoint", "issuer", "rotation", "hash", "digest", "vault"],
]);

/** How a key name is classified: its value is a credential, may be one (check the value), or neither. */
export function secretKeyKind(key: string): "secret" | "maybe" | undefined {
  // Memoized: a synth checks the same few hundred keys (apiVersion, metadata, name…) in every file.
  if (KIND_OF.has(key)) return KIND_OF.get(key);
  const kind = classify(key);
  if (KIND_OF.size < 10_000) KIND_OF.set(key, kind);
  return kind;
}

const KIND_OF = new Map<string, "secret" | "maybe" | undefined>();

function classify(key: string): "secret" | "maybe" | undefined {
  const words = key
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  if (words.length === 0) return undefined;
  if (NOT_A_VALUE.has(words[words.length - 1])) return undefined;
  if (SECRET_WORDS.test(words.join("")) || words.some((w) => SECRET_SHORT_WORDS.has(w))) return "secret";
  return words.some((w) => MAYBE_SECRET_WORDS.has(w)) ? "maybe" : undefined;
}

/** Bits of Shannon entropy per character. */
export function entropyPerChar(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** A value that looks random: 16+ characters, no spaces, letters and digits mixed, 3.5+ bits of entropy a character. */
export function looksRandom(value: string): boolean {
  return value.length >= 16 && !/\s/.test(value) && /[A-Za-z]/.test(value) && /[0-9]/.test(value) && entropyPerChar(value) >= 3.5;
}
