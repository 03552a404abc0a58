/**
 * YAML every consumer reads the same way (#14): random strings and numbers go through the public props that reach
 * YAML (Terraform `vars`, runner pod labels and annotations, tofu-controller Helm values), the app synthesizes, and
 * `kubectl kustomize` (the YAML stack Flux uses) builds the generated files. Its output, parsed as YAML 1.1, holds
 * exactly the values typed. Many values go into one build: kustomize is a process per run.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { ApprovalMode, FluxBootstrap, InfrastructureStack, TerraformControllerCR } from "../lib";
import { cleanupTempDirs, listFiles, newApp, RUNNER_CREDENTIALS, SUBSCRIPTION, tempDir, workspace } from "./helpers";

afterAll(cleanupTempDirs);

const KUBECTL_CHECK = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
if (KUBECTL_CHECK.status !== 0) {
  throw new Error(
    `kubectl is required by this suite (kubectl kustomize reads the generated YAML back): ${KUBECTL_CHECK.error?.message ?? KUBECTL_CHECK.stderr}`,
  );
}

/** Strings YAML 1.1, YAML 1.2 or go-yaml would read as another type, or that hold characters a reader changes. */
export const AMBIGUOUS = [
  ...["1_000", "0b101", "0o17", "0x1F", "-0o17", "0O17", "+0x1F", "1_", "017", "1e3", "1E3", "-1.5", ".5", "1.", "+1", "1._"],
  ...["2001-12-14", "2001-12-14t21:59:43.10-05:00", "1:20", "-1:20:30", "190:20:30.15"],
  ...["yes", "No", "ON", "off", "y", "N", "yEs", "oFF", "True", "FALSE", "null", "Null", "~", "", "<<", "="],
  ...[".inf", "-.Inf", ".NaN", ".nan", "NaN", "Infinity", "-"],
  ...["tab\there", "bell\u0007", "esc\u001b", "\ufeffbom", "two\nlines", "trail\n", "\n\nlead", " lead", "trail ", "cr\r\nlf"],
  ...["# comment", "key: value", "- item", "[a]", "{a: 1}", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick", "'q'", '"dq"'],
  ...["---", "...", "a #b", "a: b", "?", ":", "\\", "\u00e9\u00e8", "\ud83d\ude00 emoji", "\u0000nul"],
];

/** Label values: what the label syntax allows, biased towards numbers, dates and words a YAML 1.1 reader converts. */
const labelValue = fc.oneof(
  fc.constantFrom(
    "1_000",
    "0b101",
    "0o17",
    "0x1F",
    "2001-12-14",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "True",
    "NULL",
    "1e3",
    "010",
    "1_0.5",
  ),
  fc.stringMatching(/^[0-9][0-9_.eExXoObB-]{0,8}[0-9a-fA-F]$/),
  fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,10}[A-Za-z0-9])?$/),
);
/** What the renderer refuses in YAML (kustomize cannot write it back unchanged); tried in its own test below. */
const REFUSED_IN_YAML = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]/;
/**
 * Where this test's reader is not kustomize's consumers: a lone point (`.`, `-.`) is a float (NaN) to the `yaml`
 * package's YAML 1.1 schema but a string to go-yaml (kubectl, Flux), and kustomize writes it back plain. The renderer
 * quotes it anyway (lib/synth/scalar-safety.ts); the round trip cannot tell, so it is left out of the draw.
 */
const READER_DISAGREES = /^[-+]?\.$/;
const drawable = (s: string): boolean => !REFUSED_IN_YAML.test(s) && !READER_DISAGREES.test(s);
const text = fc.oneof(
  { arbitrary: fc.constantFrom(...AMBIGUOUS), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 12 }).filter(drawable), weight: 2 },
  { arbitrary: fc.string({ unit: "binary-ascii", maxLength: 12 }).filter(drawable), weight: 1 },
  { arbitrary: labelValue, weight: 1 },
);
const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
  fc.constantFrom(0.1, 1e21, 1.5e-7, 2 ** 53, -(2 ** 31)),
);
const leaf = fc.oneof(text, number, fc.boolean(), fc.constant(null));
// "<<" as a key is refused (kustomize drops merge keys): tried in the refusal test.
const value = fc.oneof(
  leaf,
  fc.array(leaf, { maxLength: 3 }),
  fc.dictionary(
    text.filter((k) => k !== "<<"),
    leaf,
    { maxKeys: 3 },
  ),
);

/** One build's worth of values, keyed by position so that keys stay valid names for every prop. */
const payload = fc.record({
  vars: fc.array(value, { minLength: 1, maxLength: 12 }),
  annotations: fc.array(text, { minLength: 1, maxLength: 12 }),
  labels: fc.array(labelValue, { minLength: 1, maxLength: 8 }),
  helm: fc.array(value, { minLength: 1, maxLength: 12 }),
});
type Payload = typeof payload extends fc.Arbitrary<infer T> ? T : never;

const keyed = <T>(prefix: string, values: readonly T[]): Record<string, T> =>
  Object.fromEntries(values.map((v, i) => [`${prefix}${i}`, v]));

/** Synthesizes the values into a fresh repo and returns what kustomize built from its YAML, parsed as YAML 1.1. */
function kustomizeRoundTrip(p: Payload): unknown[] {
  const repo = synthPayload(p);
  // Every generated YAML object, one kustomization over all of them (the generated folders' own kustomizations
  // also pull remote Flux components; their objects are not the point here).
  const dir = tempDir("gitops-kustomize-");
  const resources: string[] = [];
  for (const rel of listFiles(repo).filter((f) => f.endsWith(".yaml") && path.basename(f) !== "kustomization.yaml")) {
    const name = `f${resources.length}.yaml`;
    fs.copyFileSync(path.join(repo, rel), path.join(dir, name));
    resources.push(name);
  }
  return kustomizeBuild(dir, resources);
}

/** A FluxBootstrap with the Helm values and a TerraformControllerCR with the vars, labels and annotations, synthesized. */
function synthPayload(p: Payload): string {
  const ws = workspace();
  const app = newApp(ws);
  const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
  const flux = new FluxBootstrap(app, "flux", {
    clusterName: "aks-dev",
    repositoryUrl: "https://github.com/example-org/gitops.git",
    tofuController: { values: keyed("h", p.helm) },
  });
  new TerraformControllerCR(app, "tf", {
    cluster: flux,
    stack,
    approval: ApprovalMode.AUTO,
    vars: keyed("v", p.vars),
    runnerPod: { ...RUNNER_CREDENTIALS, annotations: keyed("example.com/a", p.annotations), labels: keyed("example.com/l", p.labels) },
  });
  app.synth();
  return ws.repo;
}

function kustomizeBuild(dir: string, resources: readonly string[]): unknown[] {
  fs.writeFileSync(path.join(dir, "kustomization.yaml"), `resources:\n${resources.map((r) => `  - ${r}\n`).join("")}`);
  const run = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`kubectl kustomize failed: ${run.error?.message ?? run.stderr}`);
  return parseAllDocuments(run.stdout, { version: "1.1" }).map((d) => {
    if (d.errors.length) throw new Error(`kustomize output is not YAML 1.1: ${d.errors[0].message}`);
    return d.toJS({ maxAliasCount: -1 });
  });
}

/** The fields of the kustomize output this test reads (Terraform and HelmRelease objects). */
interface BuiltObject {
  readonly kind: string;
  readonly spec: {
    readonly vars: { readonly name: string; readonly value: unknown }[];
    readonly runnerPodTemplate: { readonly metadata: { readonly annotations: unknown; readonly labels: unknown } };
    readonly values: unknown;
  };
}

function find(objects: unknown[], kind: string): BuiltObject {
  const found = objects.filter((o) => (o as { kind?: string }).kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as BuiltObject;
}

/** Tally over all runs, printed at the end: how many values went through kustomize. */
let roundTripped = 0;
let refusedCount = 0;
afterAll(() => console.log(`yaml-roundtrip: ${roundTripped} values round-tripped through kubectl kustomize, ${refusedCount} refused`));

function expectRoundTrip(p: Payload): void {
  const objects = kustomizeRoundTrip(p);
  const tf = find(objects, "Terraform");
  expect(Object.fromEntries(tf.spec.vars.map((v) => [v.name, v.value]))).toEqual(keyed("v", p.vars));
  expect(tf.spec.runnerPodTemplate.metadata.annotations).toEqual(keyed("example.com/a", p.annotations));
  expect(tf.spec.runnerPodTemplate.metadata.labels).toEqual(expect.objectContaining(keyed("example.com/l", p.labels)));
  const values = find(objects, "HelmRelease").spec.values;
  expect(values).toEqual(expect.objectContaining(keyed("h", p.helm)));
  roundTripped += p.vars.length + p.annotations.length + p.labels.length + p.helm.length;
}

test("every ambiguous string, as a var, an annotation and a Helm value, comes back from kustomize as typed", () => {
  expectRoundTrip({
    vars: AMBIGUOUS,
    annotations: AMBIGUOUS,
    labels: ["1_000", "0b101", "2001-12-14", "yes", "NULL", "0x1F"],
    helm: AMBIGUOUS,
  });
}, 60_000);

test("text kustomize cannot write back (DEL, C1 controls, U+2028, U+2029, U+FFFE/U+FFFF) is refused, naming construct and field", () => {
  const refused = ["del\u007f", "nel\u0085", "a\u2028b", "a\u2029b", "c1\u009b", "non\uffff"];
  let message = "";
  try {
    synthPayload({ vars: refused, annotations: ["fine"], labels: ["a"], helm: [1] });
  } catch (e) {
    message = String(e);
  }
  for (let i = 0; i < refused.length; i++)
    expect(message).toMatch(new RegExp(`\\[tf\\] spec\\.vars\\[${i}\\]\\.value = ".*": allowed is text without DEL`));
  expect(message).not.toMatch(/[\u2028\u2029\u0085]/);
  refusedCount += refused.length;
});

test('a "<<" key (a merge key to YAML 1.1 readers; kustomize drops it) is refused, naming construct and field', () => {
  expect(() => synthPayload({ vars: [{ "<<": "x" }], annotations: ["fine"], labels: ["a"], helm: [1] })).toThrow(
    /\[tf\] spec\.vars\[0\]\.value key = "<<": allowed is any key but "<<"/,
  );
  refusedCount += 1;
});

test("random strings and numbers through vars, labels, annotations and Helm values come back from kustomize as typed", () => {
  // A fixed seed: CI must not depend on the draw; change it locally to search wider.
  fc.assert(fc.property(payload, expectRoundTrip), { numRuns: 12, seed: 20261201 });
}, 300_000);
