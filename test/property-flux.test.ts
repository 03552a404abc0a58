import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as fc from "fast-check";
import {
  ApprovalMode,
  Duration,
  FluxBootstrap,
  FluxInstallMode,
  GitOpsApp,
  GitRef,
  GitRepositorySource,
  InfrastructureStack,
  ITerraformSource,
  OciRef,
  OciRepositorySource,
  RunnerPodOptions,
  TerraformControllerCR,
  VarsFromKind,
} from "../lib";
import { checkAndPlan } from "../lib/app/check-and-plan";
import { defaultChecks } from "../lib/checks/default-checks";
import { validateManifest } from "../lib/schema/manifest-validator";
import { validateTree } from "../lib/synth/validate-tree";

/**
 * Random FluxBootstrap and TerraformControllerCR props (issue #5 item 4) end in a named refusal, or in a tree whose
 * every YAML document passes the strict CRD schemas (validateManifest) and the tree checks, and that holds the
 * guardrails: a state suffix always set and valid, path = ./infrastructure/<folder>, MANUAL never on a source that
 * shares the cluster's own revision, intervals above their floors, no cross-namespace source, every file listed in
 * its folder's kustomization.yaml. Runs in memory (validate, render, check against an empty repo).
 */
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "prop-flux-"));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const REPO = "https://github.com/example-org/gitops.git";
const EMPTY_REPO = { record: undefined, read: () => undefined };

/** Mostly valid, sometimes one of the mistakes a hurried person makes. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: readonly T[], validWeight = 30): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: validWeight }, { arbitrary: fc.constantFrom(...invalid), weight: 1 });
}

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5})?$/).filter((s) => !/-\d+$/.test(s) && s !== "kustomization");
const duration = (validMinutes: [number, number]): fc.Arbitrary<Duration | undefined> =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 20 },
    { arbitrary: fc.integer({ min: validMinutes[0], max: validMinutes[1] }).map((m) => Duration.minutes(m)), weight: 10 },
    { arbitrary: fc.integer({ min: 0, max: 90 }).map((s) => Duration.seconds(s)), weight: 1 },
    { arbitrary: fc.constantFrom("5 minutes", "0s", "-1m", "1h70x", "1h30m", "90s").map((t) => Duration.parse(t)), weight: 1 },
  );

const bootstrapProps = fc.record({
  clusterName: mostly(label, ["", "AKS_Dev", "a".repeat(64), "aks.dev"]),
  repositoryUrl: mostly(fc.constantFrom(REPO, "ssh://git@github.com/example-org/gitops.git", "https://dev.azure.com/org/p/_git/gitops"), [
    "git@github.com:o/r.git",
    "https://u:p@github.com/o/r.git",
    "",
  ]),
  branch: mostly(fc.constantFrom(undefined, "main", "release", "env/dev"), ["my branch", ""]),
  aks: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
  namespace: mostly(fc.constantFrom(undefined, "flux-system", "gitops"), ["Flux", ""]),
  interval: duration([1, 60]),
  retryInterval: duration([1, 10]),
  timeout: duration([1, 20]),
  sourceInterval: duration([1, 10]),
  chartVersion: mostly(fc.constantFrom(undefined, "0.16.5", ">=0.16.5", "^0.16.5", ">=0.16.5 <0.17.0"), ["0.16.4", "*", "latest"]),
  tofuNamespace: mostly(fc.constantFrom(undefined, "tofu-system"), ["Tofu"]),
});

const terraformProps = fc.record({
  name: fc.option(mostly(label, ["stack-1", "Bad_Name", "kustomization"]), { nil: undefined, freq: 3 }),
  approval: mostly(fc.constantFrom(ApprovalMode.AUTO, ApprovalMode.AUTO, ApprovalMode.MANUAL, ApprovalMode.DRIFT_DETECTION_ONLY), [
    undefined as unknown as ApprovalMode,
    "manual" as ApprovalMode,
  ]),
  /** own: the cluster's GitRepository; release/same: a GitRepositorySource on branch release / the cluster's branch; oci */
  source: fc.constantFrom("own", "own", "release", "same", "oci"),
  sourceNamespace: fc.constantFrom(undefined, undefined, "infra"),
  namespaceMismatch: fc.integer({ min: 0, max: 29 }).map((x) => x === 0),
  secretSuffix: fc.option(mostly(label, ["x-1", "A", ""]), { nil: undefined, freq: 2 }),
  workspace: fc.option(mostly(fc.constantFrom("default", "blue"), ["Prod", ""]), { nil: undefined, freq: 2 }),
  interval: duration([1, 60]),
  retryInterval: fc.option(
    fc.integer({ min: 10, max: 300 }).map((s) => Duration.seconds(s)),
    { nil: undefined, freq: 2 },
  ),
  serviceAccountName: fc.option(mostly(fc.constantFrom("tf-runner", "pools-runner"), ["Tf_Runner"]), { nil: undefined, freq: 2 }),
  vars: fc.option(
    fc.dictionary(
      mostly(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), ["cluster id"], 60),
      fc.oneof(fc.integer(), fc.stringMatching(/^[a-z0-9-]{0,8}$/), fc.boolean()),
      { maxKeys: 3 },
    ),
    { nil: undefined, freq: 2 },
  ),
  varsFrom: fc.option(
    fc.array(
      fc.record({
        kind: mostly(fc.constantFrom(VarsFromKind.SECRET, VarsFromKind.CONFIG_MAP), ["Vault" as VarsFromKind]),
        name: mostly(label, ["Bad_Name"]),
      }),
      { maxLength: 2 },
    ),
    { nil: undefined, freq: 3 },
  ),
  outputs: fc.option(mostly(label, ["Outputs"]), { nil: undefined, freq: 3 }),
  destroyResourcesOnDeletion: fc.option(fc.boolean(), { nil: undefined }),
  memory: fc.option(mostly(fc.constantFrom("512Mi", "1Gi", "2Gi"), ["1 GB", "-1Gi"]), { nil: undefined, freq: 3 }),
  /** How the runner authenticates: a Secret of ARM_* variables, OIDC or MSI switched on; sometimes none (refused). */
  credentials: mostly(
    fc.constantFrom<RunnerPodOptions>(
      { envFrom: [{ secretName: "azure-credentials" }] },
      { env: [{ name: "ARM_USE_OIDC", value: "true" }] },
      { env: [{ name: "ARM_USE_MSI", valueFrom: { configMapKeyRef: { name: "auth", key: "msi" } } }] },
    ),
    [{}, { env: [{ name: "ARM_OIDC_TOKEN", valueFrom: { secretKeyRef: { name: "oidc", key: "token" } } }] }],
  ),
});

/** A parsed Go duration (as the library writes it) in ms. */
function ms(go: string): number {
  let total = 0;
  for (const m of go.matchAll(/(\d+)(ms|h|m|s)/g))
    total += Number(m[1]) * { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[m[2] as "h" | "m" | "s" | "ms"];
  return total;
}

test("random FluxBootstrap and TerraformControllerCR props: refused with a named message, or a valid tree that holds the guardrails", () => {
  let accepted = 0;
  let refused = 0;
  fc.assert(
    // Mostly one stack per object; sometimes two objects on one stack (then only distinct suffixes are valid).
    fc.property(
      bootstrapProps,
      fc.array(terraformProps, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 0, max: 5 }),
      (b, terraforms, shared) => {
        const stackCount = shared === 0 ? 1 : terraforms.length;
        const app = new GitOpsApp({ outdir, gitopsRoot: outdir, log: () => {} });
        const stacks = Array.from(
          { length: stackCount },
          (_, i) => new InfrastructureStack(app, `stack${i}`, { subscriptionId: SUBSCRIPTION }),
        );
        const flux = new FluxBootstrap(app, "flux", {
          clusterName: b.clusterName,
          repositoryUrl: b.repositoryUrl,
          branch: b.branch,
          mode: b.aks ? FluxInstallMode.AKS_EXTENSION : undefined,
          aksExtension: b.aks ? { subscriptionId: SUBSCRIPTION, clusterName: "aks-dev", resourceGroupName: "rg-dev" } : undefined,
          namespace: b.namespace,
          interval: b.interval,
          retryInterval: b.retryInterval,
          timeout: b.timeout,
          sourceInterval: b.sourceInterval,
          tofuController: { chartVersion: b.chartVersion, namespace: b.tofuNamespace },
        });
        terraforms.forEach((t, i) => {
          let source: ITerraformSource | undefined;
          if (t.source === "release" || t.source === "same") {
            source = new GitRepositorySource(app, `git${i}`, {
              cluster: flux,
              ref: GitRef.branch(t.source === "release" ? "release" : (b.branch ?? "main")),
              namespace: t.sourceNamespace,
            });
          } else if (t.source === "oci") {
            source = new OciRepositorySource(app, `oci${i}`, {
              cluster: flux,
              url: "oci://example.azurecr.io/infra",
              ref: OciRef.tag("v1.0.0"),
              namespace: t.sourceNamespace,
            });
          }
          new TerraformControllerCR(app, `tf${i}`, {
            cluster: flux,
            stack: stacks[i % stacks.length],
            approval: t.approval,
            name: t.name,
            source,
            namespace: t.namespaceMismatch ? "elsewhere" : undefined,
            secretSuffix: t.secretSuffix,
            workspace: t.workspace,
            interval: t.interval,
            retryInterval: t.retryInterval,
            serviceAccountName: t.serviceAccountName,
            vars: t.vars,
            varsFrom: t.varsFrom,
            writeOutputsToSecret: t.outputs ? { name: t.outputs } : undefined,
            destroyResourcesOnDeletion: t.destroyResourcesOnDeletion,
            runnerPod: { ...t.credentials, ...(t.memory ? { resources: { limits: { memory: t.memory } } } : {}) },
          });
        });

        const problems = validateTree(app);
        if (problems.length > 0) {
          // Every refusal names the construct path, the prop, the value and what is allowed.
          for (const msg of problems) expect(msg).toMatch(/^\[[^\]]+\] \S.* = .+: allowed is \S/s);
          refused++;
          return;
        }
        accepted++;

        const files = app.renderGitOpsFiles();
        // The tree checks a real synth runs before it writes: strict CRD schemas, secret scan, state safety.
        expect(() => checkAndPlan(files, EMPTY_REPO, defaultChecks, { acknowledged: new Set() })).not.toThrow();

        const clusterFolder = `clusters/${b.clusterName}`;
        const docs = files.flatMap((f) =>
          f.file.content.format === "yaml"
            ? f.file.content.documents.map((d) => ({ path: f.path, doc: JSON.parse(JSON.stringify(d)) }))
            : [],
        );
        for (const { path: p, doc } of docs) {
          expect(p.startsWith(`${clusterFolder}/`)).toBe(true);
          if (String(doc.apiVersion).startsWith("kustomize.config.k8s.io/")) continue;
          expect([p, doc.kind, validateManifest(doc)]).toEqual([p, doc.kind, []]);
        }

        const sources = new Map(
          docs
            .filter((d) => ["GitRepository", "OCIRepository"].includes(d.doc.kind))
            .map((d) => [`${d.doc.kind}/${d.doc.metadata.namespace}/${d.doc.metadata.name}`, d.doc]),
        );
        const fluxNamespace = b.namespace ?? "flux-system";
        const objects = docs.filter((d) => d.doc.kind === "Terraform").map((d) => d.doc);
        expect(objects).toHaveLength(terraforms.length);
        const stateKeys = new Set<string>();
        for (const o of objects) {
          const spec = o.spec;
          expect(spec.backendConfig.secretSuffix).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
          expect(spec.backendConfig.secretSuffix).not.toMatch(/-\d+$/);
          expect(spec.backendConfig.inClusterConfig).toBe(true);
          const stateKey = `${o.metadata.namespace}/tfstate-${spec.workspace ?? "default"}-${spec.backendConfig.secretSuffix}`;
          expect(stateKeys.has(stateKey)).toBe(false); // two objects never share a state
          stateKeys.add(stateKey);
          expect(stacks.map((s) => `./infrastructure/${s.folderName}`)).toContain(spec.path);
          expect(ms(spec.interval)).toBeGreaterThanOrEqual(60_000);
          expect(ms(spec.retryInterval)).toBeGreaterThanOrEqual(15_000);
          expect(spec.sourceRef.namespace).toBeUndefined(); // same namespace as its source, never cross-namespace
          expect(spec.serviceAccountName).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
          // The runner can authenticate: use_cli is false, so a Secret of ARM_* variables or a switch is there.
          const pod = spec.runnerPodTemplate.spec;
          expect(pod.envFrom !== undefined || pod.env?.some((e: { name: string }) => /^ARM_USE_(OIDC|MSI)$/.test(e.name))).toBe(true);
          // MANUAL (approvePlan unset or a plan id) never on a source that shares the cluster's own revision.
          if (spec.approvePlan !== "auto" && spec.approvePlan !== "disable") {
            const ns = o.metadata.namespace;
            if (spec.sourceRef.kind === "GitRepository") {
              expect(spec.sourceRef.name).not.toBe(b.aks ? "cluster-config" : "flux-system");
              const src = sources.get(`GitRepository/${ns}/${spec.sourceRef.name}`);
              expect(src.spec.ref).not.toEqual({ branch: b.branch ?? "main" });
            } else {
              expect(spec.sourceRef.kind).toBe("OCIRepository");
            }
          } else if (spec.sourceRef.kind === "GitRepository" && spec.sourceRef.name === (b.aks ? "cluster-config" : "flux-system")) {
            expect(o.metadata.namespace).toBe(fluxNamespace);
          }
        }
        // Each generated folder's kustomization.yaml lists exactly its other generated files.
        const byFolder = new Map<string, string[]>();
        for (const f of files)
          if (f.path.endsWith(".yaml"))
            byFolder.set(path.posix.dirname(f.path), [...(byFolder.get(path.posix.dirname(f.path)) ?? []), path.posix.basename(f.path)]);
        for (const [folder, names] of byFolder) {
          const k = docs.find((d) => d.path === `${folder}/kustomization.yaml`)!.doc;
          const listed = (k.resources as string[]).filter((r) => r.endsWith(".yaml")).sort();
          expect([folder, listed]).toEqual([folder, names.filter((n) => n !== "kustomization.yaml").sort()]);
        }
        // No Flux Kustomization applies the repo root, and tofu-controller is at least 0.16.5.
        for (const { doc } of docs.filter((d) => d.doc.kind === "Kustomization" && d.doc.spec))
          expect(doc.spec.path).toMatch(new RegExp(`^\\./${clusterFolder}/`));
        const release = docs.find((d) => d.doc.kind === "HelmRelease")!.doc;
        expect(release.spec.chart.spec.version).toMatch(/0\.16\.5/);
      },
    ),
    { numRuns: 400 },
  );
  // Both branches must really be exercised, or the property says nothing.
  expect(accepted).toBeGreaterThan(60);
  expect(refused).toBeGreaterThan(60);
});
