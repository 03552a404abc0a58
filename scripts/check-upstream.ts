/**
 * CI only (`npm run check:upstream`, run by .ci/run after `npm test`): what can only be checked against the upstream CRDs
 * in ../shared/crds (or argv[2]), which a user's clone does not have. `npm test` reads only what is committed.
 *
 * - lib/schema/crd-schemas.json is exactly what scripts/derive-crd-schemas.ts derives from the upstream CRDs; so every
 *   check `npm test` makes against it (the example trees, every generated object) is a check against upstream.
 * - every CRD fixture of test/fixtures/derived-crds/ is exactly what it derives (the Alert CRD `npm test` patches with
 *   kubectl kustomize, and whose version list flux-alerts.test.ts checks).
 * - the per-target schemas (lib/schema/crd-schemas.flux-<target>.json), the CRD version order (crd-versions.json) and
 *   the per-target CRD fixtures are exactly what it derives from flux-2.7/, flux-2.8/ and the flat (2.9) files.
 * - for every Flux target, the library's flux-system patch for that target, applied by `kubectl kustomize` to the
 *   target's real upstream Alert CRD, builds, and adds `Terraform` to the eventSources kind enum of every served
 *   version that has one, the Alert version the library writes among them.
 * - every microsoft.flux extension version the library maps to a Flux (AKS_FLUX_EXTENSION_VERSIONS) is the one the
 *   target's SOURCES.md records ("The AKS `microsoft.flux` extension 1.24.x is Flux 2.7.5").
 *
 * Fails (exit 1, every problem listed) when the CRDs are missing: CI must never pass by skipping.
 *
 *   npx ts-node scripts/check-upstream.ts [crdDir]
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments, stringify } from "yaml";
import { terraformEventPatches } from "../lib/flux/flux-system-patch";
import { kustomizeConfig } from "../lib/kubernetes/kustomize-config";
import { NOTIFICATION_API_VERSION } from "../lib/kubernetes/notification";
import { AKS_FLUX_EXTENSION_VERSIONS, FLUX_TARGETS, FluxTarget } from "../lib/schema/manifest-validator";
import {
  CRD_VERSIONS_FILE,
  deriveCrdVersions,
  deriveEntries,
  deriveTargetSchemas,
  deriveTargetTestCrds,
  deriveTestCrds,
  FLUX_TARGET_DIRS,
  schemaFileOf,
} from "./derive-crd-schemas";

const ALERT_CRD_FILE = "notification.toolkit.fluxcd.io_alerts.yaml";
/** The Alert version the library writes (v1beta3); every other served version with the enum must get Terraform too. */
const ALERT_VERSION = NOTIFICATION_API_VERSION.split("/")[1];
const REGENERATE = "run `npm run crd-schemas` (scripts/derive-crd-schemas.ts) and commit the result";

/** Top-level keys whose values differ between two JSON texts (crd-schemas.json has one per CRD version). */
function differingEntries(a: string, b: string): string[] {
  const [x, y] = [JSON.parse(a) as Record<string, unknown>, JSON.parse(b) as Record<string, unknown>];
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k])).sort();
}

/** Problems with the committed derived files: empty when each is exactly what the upstream CRDs give. */
function checkDerivedFiles(crdDir: string, repoRoot: string): string[] {
  const problems: string[] = [];
  const expected = new Map<string, string>();
  const pieces: [string, () => Map<string, string>][] = [
    ...FLUX_TARGETS.map((t): [string, () => Map<string, string>] => [
      `the Flux ${t} schemas`,
      () => new Map([[schemaFileOf(t), deriveTargetSchemas(crdDir, t)]]),
    ]),
    ["the CRD version order", () => new Map([[CRD_VERSIONS_FILE, deriveCrdVersions(crdDir)]])],
    ["the CRD fixtures", () => new Map([...deriveTestCrds(crdDir), ...deriveTargetTestCrds(crdDir)])],
  ];
  for (const [what, derive] of pieces) {
    try {
      for (const [rel, content] of derive()) expected.set(rel, content);
    } catch (e) {
      problems.push(`${what} cannot be derived from ${crdDir}: ${(e as Error).message}`);
    }
  }
  for (const [rel, content] of expected) {
    const abs = path.join(repoRoot, ...rel.split("/"));
    const committed = fs.existsSync(abs) ? fs.readFileSync(abs, "utf8") : undefined;
    if (committed === undefined) problems.push(`${rel} is missing: ${REGENERATE}`);
    else if (committed !== content) {
      const where = rel.endsWith(".json") ? ` (entries that differ: ${differingEntries(committed, content).join(", ")})` : "";
      problems.push(`${rel} is not what ${crdDir} derives${where}, stale or edited by hand: ${REGENERATE}`);
    }
  }
  return problems;
}

function kubectlKustomize(dir: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", timeout: 60_000 });
  if (run.error) throw new Error(`kubectl is required by the upstream check (kubectl kustomize): ${run.error.message}`);
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The value at `keys` below `node`, or undefined where a step is missing. */
function dig(node: unknown, ...keys: string[]): unknown {
  for (const key of keys) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

function kindEnum(crd: unknown, version: string): unknown {
  const versions = dig(crd, "spec", "versions");
  const v = Array.isArray(versions) ? versions.find((x) => dig(x, "name") === version) : undefined;
  return dig(v, "schema", "openAPIV3Schema", "properties", "spec", "properties", "eventSources", "items", "properties", "kind", "enum");
}

/** The served versions of a CRD object that have the eventSources kind enum. */
function versionsWithKindEnum(crd: unknown): string[] {
  const versions = dig(crd, "spec", "versions");
  return (Array.isArray(versions) ? versions : [])
    .filter((v) => dig(v, "served") === true && Array.isArray(kindEnum(crd, String(dig(v, "name")))))
    .map((v) => String(dig(v, "name")));
}

/** The library's Alert CRD patch for one target, built by kubectl kustomize onto that target's real upstream Alert CRD. */
function checkAlertPatch(crdDir: string, target: FluxTarget = "2.9"): string[] {
  const file = path.join(FLUX_TARGET_DIRS[target], ALERT_CRD_FILE);
  const upstream = fs.readFileSync(path.join(crdDir, file), "utf8");
  const original = parseAllDocuments(upstream).map((d) => d.toJS())[0];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-upstream-"));
  try {
    const clusterRole = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "crd-controller-flux-system" },
    };
    fs.writeFileSync(path.join(dir, "crd.yaml"), upstream);
    fs.writeFileSync(path.join(dir, "clusterrole.yaml"), stringify({ ...clusterRole, rules: [] }));
    const config = kustomizeConfig(["crd.yaml", "clusterrole.yaml"], terraformEventPatches("flux-system", target));
    fs.writeFileSync(path.join(dir, "kustomization.yaml"), stringify(JSON.parse(JSON.stringify(config))));
    const out = kubectlKustomize(dir);
    if (out.status !== 0) return [`the library's Alert CRD patch (Flux ${target}) does not apply to ${file}: ${out.stderr.trim()}`];
    const patched = parseAllDocuments(out.stdout)
      .map((d) => d.toJS())
      .find((d) => d?.kind === "CustomResourceDefinition");
    const versions = versionsWithKindEnum(original);
    if (!versions.includes(ALERT_VERSION))
      return [`${file}: ${ALERT_VERSION}, the Alert version the library writes, has no eventSources kind enum`];
    const problems: string[] = [];
    for (const version of versions) {
      const before = kindEnum(original, version) as unknown[];
      const after = kindEnum(patched, version);
      if (before.includes("Terraform"))
        problems.push(`${file} ${version}: expected an eventSources kind enum without Terraform, found ${JSON.stringify(before)}`);
      else if (JSON.stringify(after) !== JSON.stringify([...before, "Terraform"]))
        problems.push(`${file}: the patch does not add Terraform to ${version}'s kind enum (it is ${JSON.stringify(after)})`);
    }
    return problems;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The extension → Flux table against what each target's SOURCES.md records about the microsoft.flux extension. */
function checkExtensionTable(crdDir: string): string[] {
  return Object.entries(AKS_FLUX_EXTENSION_VERSIONS).flatMap(([extension, target]) => {
    const file = path.join(crdDir, FLUX_TARGET_DIRS[target], "SOURCES.md");
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const said = new RegExp(
      `microsoft\\.flux\` extension ${extension.replace(".", "\\.")}\\.x is Flux ${target.replace(".", "\\.")}\\.\\d+`,
    );
    return said.test(text)
      ? []
      : [`${file} does not say that microsoft.flux ${extension}.x is Flux ${target} (AKS_FLUX_EXTENSION_VERSIONS)`];
  });
}

/** Every problem, or [] when the committed derived data and the library's patch agree with the upstream CRDs in crdDir. */
export function checkUpstream(crdDir: string, repoRoot: string): string[] {
  const yamls = fs.existsSync(crdDir) ? fs.readdirSync(crdDir).filter((f) => f.endsWith(".yaml")) : [];
  if (yamls.length === 0) {
    return [
      `no upstream CRDs at ${crdDir}: the upstream check needs the Flux and tofu-controller CRDs there ` +
        `(CI checks out shared/ beside the clone; or pass the folder: npx ts-node scripts/check-upstream.ts <crdDir>)`,
    ];
  }
  if (!yamls.includes(ALERT_CRD_FILE)) return [`${crdDir} has no ${ALERT_CRD_FILE}`];
  deriveEntries(crdDir); // throws on a CRD that does not parse
  const targets = FLUX_TARGETS.filter((t) => fs.existsSync(path.join(crdDir, FLUX_TARGET_DIRS[t], ALERT_CRD_FILE)));
  const missing = FLUX_TARGETS.filter((t) => !targets.includes(t)).map(
    (t) => `${crdDir} has no ${FLUX_TARGET_DIRS[t]}/${ALERT_CRD_FILE} (Flux ${t})`,
  );
  return [
    ...checkDerivedFiles(crdDir, repoRoot),
    ...missing,
    ...targets.flatMap((t) => checkAlertPatch(crdDir, t)),
    ...checkExtensionTable(crdDir),
  ];
}

function main(): void {
  const repoRoot = path.resolve(__dirname, "..");
  const crdDir = path.resolve(process.argv[2] ?? path.join(repoRoot, "..", "shared", "crds"));
  let problems: string[];
  try {
    problems = checkUpstream(crdDir, repoRoot);
  } catch (e) {
    problems = [(e as Error).message];
  }
  if (problems.length > 0) {
    process.stderr.write(`check:upstream FAILED (${problems.length}):\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
    process.exit(1);
  }
  process.stdout.write(`check:upstream: the derived CRD data and the Alert CRD patch agree with ${crdDir}\n`);
}

if (require.main === module) main();
