import { Duration } from "../core/duration";
import { DNS_SUBDOMAIN, URL_WITH_CREDENTIALS } from "../core/patterns";
import { PropChecks } from "../core/validation";

// FluxBootstrap's checks of the props it keeps itself (the install's are in install-props.ts): plain functions of the
// values, so that the construct stays the place where the cluster is wired.

/** The repository URL: the install's form (HTTPS, SSH or scp-like), without credentials. */
export function checkRepositoryUrl(c: PropChecks, url: unknown, rule: { readonly pattern: RegExp; readonly allowed: string }): void {
  if (!c.literal("repositoryUrl", url)) return;
  c.check(typeof url === "string" && rule.pattern.test(url), "repositoryUrl", url, rule.allowed);
  c.check(
    !URL_WITH_CREDENTIALS.test(String(url)),
    "repositoryUrl",
    "<a URL with user:password@>",
    "a URL without credentials (they go into a Secret: the bootstrap's, or aksExtension.localAuthReference)",
  );
}

/** The durations of the cluster's source and Kustomizations. */
export interface SyncDurations {
  readonly sourceInterval: Duration;
  readonly sourceTimeout: Duration;
  readonly interval: Duration;
  readonly retryInterval: Duration;
  readonly timeout: Duration;
}

/** Valid Go durations; Flux's minimum interval; whole seconds where the install (the flux configuration) takes seconds. */
export function checkSyncDurations(c: PropChecks, d: SyncDurations, wholeSeconds: boolean): void {
  for (const [prop, value] of [
    ["sourceInterval", d.sourceInterval],
    ["sourceTimeout", d.sourceTimeout],
    ["retryInterval", d.retryInterval],
    ["timeout", d.timeout],
  ] as const) {
    if (Duration._check(c, prop, value) && wholeSeconds) checkWholeSeconds(c, prop, value);
  }
  const interval = Duration._check(c, "interval", d.interval, { min: Duration.minutes(1), why: "Flux's minimum for Kustomizations" });
  if (interval && wholeSeconds) checkWholeSeconds(c, "interval", d.interval);
}

/** The SOPS decryption Secret of the cluster's Kustomizations. */
export function checkSops(c: PropChecks, sops: { readonly secretName: string } | undefined): void {
  if (sops === undefined || !c.record("sops", sops, "{ secretName } of a Secret holding the SOPS keys") || !c.literal("sops", sops)) return;
  // A JavaScript caller may leave the name out: reported, never a TypeError.
  const secretName: string | undefined = sops.secretName;
  c.pattern("sops.secretName", secretName, DNS_SUBDOMAIN, "the name of a Secret in the Flux namespace holding the SOPS keys");
  c.check(secretName !== undefined, "sops.secretName", undefined, "the name of a Secret in the Flux namespace holding the SOPS keys");
}

function checkWholeSeconds(c: PropChecks, prop: string, d: Duration): void {
  c.check(d.toMilliseconds() % 1000 === 0, prop, d.toGo(), "whole seconds (the flux configuration takes seconds)");
}
