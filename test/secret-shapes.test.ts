/**
 * Every secret shape of test/secret-shapes.ts is refused by the rule the docs table names, and no message prints it;
 * docs/secret-scan.md is current.
 */
import * as fs from "fs";
import * as path from "path";
import { SECRET_SHAPES } from "../lib/checks/secret-rules";
import { checkNoSecrets } from "../lib/checks/secret-scan";
import { emptyRecord } from "../lib/synth/ownership";
import { renderFile } from "../lib/synth/render";
import { RepoView } from "../lib/synth/repo-view";
import { renderSecretScanTable, SECRET_TABLE_FILE } from "../scripts/secret-scan-table";
import { SECRET_CASES, SecretCase } from "./secret-shapes";

const noRepo: RepoView = { record: emptyRecord(), read: () => undefined };

/** The problems the scan reports for one case, in a file of its format. */
export function scanCase(c: SecretCase): string[] {
  const file =
    c.format === "json"
      ? { path: "infrastructure/a/main.tf.json", source: "app/a", content: { format: "json" as const, value: c.content() } }
      : { path: "clusters/dev/x.yaml", source: "app/dev/x", content: { format: "yaml" as const, documents: [c.content()] } };
  return checkNoSecrets([renderFile(file)], noRepo, { acknowledged: new Set() });
}

/** The rule ids a problem line names: a shape (by its message), or a key-name rule. */
export function rulesOf(problem: string): string[] {
  if (problem.includes("(base64 DER")) return ["base64-der-private-key"];
  const shapes = SECRET_SHAPES.filter((s) => problem.includes(`contains ${s.what}`)).map((s) => s.id);
  if (shapes.length) return shapes;
  if (/: environment variable \S+ has a literal value/.test(problem)) return ["env-name"];
  if (/: a random-looking literal value for /.test(problem)) return ["key-entropy"];
  if (/: a literal value for /.test(problem)) return ["key-name"];
  return [];
}

test.each(SECRET_CASES.map((c) => [c.shape, c] as const))("refuses %s, by its rule, without printing it", (_shape, c) => {
  const problems = scanCase(c);
  expect(problems.flatMap(rulesOf)).toContain(c.rule);
  expect(problems.join("\n")).not.toContain(c.secret());
});

test("every shape rule of the scan is tried by at least one case", () => {
  const tried = new Set(SECRET_CASES.map((c) => c.rule));
  expect(SECRET_SHAPES.map((s) => s.id).filter((id) => !tried.has(id))).toEqual([]);
});

test("near misses pass: pointers to secrets, settings about them, words that only contain a secret word, public values", () => {
  const ordinary = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x", annotations: { "example.com/token-audience": "api://AzureADTokenExchange" } },
    data: {
      secretName: "git-credentials",
      passwordSecretRef: "db",
      ARM_OIDC_TOKEN_FILE_PATH: "/var/run/secrets/azure/tokens/azure-identity-token",
      bypass: "true",
      keyboard: "de-DE-nodeadkeys-2024",
      key: "secret",
      secretSuffix: "aks-gitops-tf",
      image: "ghcr.io/flux-iac/tf-runner:v0.16.5@sha256:b758204b4213128fdc6fb5dd8acfdb90e7746307a37c6815734d88002b810302",
      ssh: "ssh://git@github.com/org/repo.git",
      scp: "git@github.com:org/repo.git",
      digestHash: "b758204b4213128fdc6fb5dd8acfdb90e7746307a37c6815734d88002b810302",
      id: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks",
      // The Flux extension's setting: known algorithm names only (lib/core/ssh-host-key-algorithms.ts).
      "source-controller.ssh-host-key-args": "--ssh-hostkey-algos=rsa-sha2-512,rsa-sha2-256",
      publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcI2Q5Rk2yJ0sX0m1bq3nVZqZ0e2fYzG9i8fJYpH0Qb ci@example",
    },
  };
  const c: SecretCase = { shape: "ordinary", format: "yaml", content: () => ordinary, secret: () => "", rule: "" };
  expect(scanCase(c)).toEqual([]);
});

test(`${SECRET_TABLE_FILE} is current (npx ts-node scripts/secret-scan-table.ts)`, () => {
  expect(fs.readFileSync(path.join(__dirname, "..", SECRET_TABLE_FILE), "utf8")).toBe(renderSecretScanTable());
});
