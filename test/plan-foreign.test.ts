/**
 * The planner's "keep a foreign file" capability (GitOpsFile.ifForeign), pure: a file written when absent and owned
 * from then on, a foreign file at its path kept byte for byte, unowned and never removed, with a warning unless it
 * already has what the library needs. Without ifForeign a foreign file still refuses the synth.
 */
import { GitOpsFile } from "../lib/core/gitops-file";
import { emptyRecord, OwnershipRecord } from "../lib/synth/ownership";
import { planWrites } from "../lib/synth/plan";
import { renderFile, sha256 } from "../lib/synth/render";
import { RepoView } from "../lib/synth/repo-view";

const PATH = "clusters/dev/flux-system/kustomization.yaml";

function file(ifForeign?: GitOpsFile["ifForeign"]): GitOpsFile {
  return {
    path: PATH,
    source: "app/flux",
    content: {
      format: "yaml",
      documents: [{ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: ["a.yaml"] }],
    },
    ifForeign,
  };
}

function repo(files: Record<string, string>, record: OwnershipRecord | undefined = emptyRecord()): RepoView {
  return { record, read: (p) => (files[p] === undefined ? undefined : Buffer.from(files[p], "utf8")) };
}

const KEEP = { warning: "add a.yaml to its resources" };

test("absent: written and owned", () => {
  const { plan, problems } = planWrites([renderFile(file(KEEP))], repo({}));
  expect(problems).toEqual([]);
  expect(plan!.writes.map((w) => w.path)).toEqual([PATH]);
  expect(Object.keys(plan!.record.files)).toEqual([PATH]);
  expect(plan!.keptForeign).toEqual([]);
  expect(plan!.warnings).toEqual([]);
});

test("a foreign file: kept (not written, not owned), and the warning names the construct, the path and what to add", () => {
  const { plan, problems } = planWrites([renderFile(file(KEEP))], repo({ [PATH]: "resources: [gotk-components.yaml]\n" }));
  expect(problems).toEqual([]);
  expect(plan!.writes).toEqual([]);
  expect(plan!.unchanged).toEqual([]);
  expect(plan!.record.files).toEqual({});
  expect(plan!.keptForeign).toEqual([PATH]);
  expect(plan!.warnings).toEqual([
    `[app/flux] ${PATH}: a file that cdktf-aks-gitops did not generate is there; it is kept as it is, and add a.yaml to its resources`,
  ]);
});

test("a foreign file that already has what is needed: kept without a warning; a predicate that throws counts as not", () => {
  const satisfied = planWrites(
    [renderFile(file({ ...KEEP, satisfiedBy: (b) => b.toString().includes("a.yaml") }))],
    repo({ [PATH]: "resources: [a.yaml]\n" }),
  );
  expect(satisfied.plan!.keptForeign).toEqual([PATH]);
  expect(satisfied.plan!.warnings).toEqual([]);
  const throwing = planWrites(
    [
      renderFile(
        file({
          ...KEEP,
          satisfiedBy: () => {
            throw new Error("not YAML");
          },
        }),
      ),
    ],
    repo({ [PATH]: ":" }),
  );
  expect(throwing.plan!.warnings).toHaveLength(1);
});

test("a foreign file with exactly our bytes is adopted, as without ifForeign", () => {
  const f = renderFile(file(KEEP));
  const { plan } = planWrites([f], repo({ [PATH]: f.bytes.toString("utf8") }));
  expect(plan!.unchanged).toEqual([PATH]);
  expect(plan!.record.files).toEqual({ [PATH]: f.sha256 });
  expect(plan!.keptForeign).toEqual([]);
});

test("once owned, an edited file is restored (ifForeign only concerns files the library never wrote)", () => {
  const f = renderFile(file(KEEP));
  const record: OwnershipRecord = { generator: "cdktf-aks-gitops", files: { [PATH]: f.sha256 } };
  const { plan } = planWrites([f], repo({ [PATH]: "edited\n" }, record));
  expect(plan!.writes.map((w) => [w.path, w.replaces])).toEqual([[PATH, true]]);
  expect(plan!.restoredAfterHandEdit).toEqual([PATH]);
  expect(plan!.keptForeign).toEqual([]);
});

test("a kept foreign file is never removed, also when no construct wants the path any more", () => {
  const { plan } = planWrites([], repo({ [PATH]: "mine\n" }));
  expect(plan!.removals).toEqual([]);
  const owned: OwnershipRecord = { generator: "cdktf-aks-gitops", files: { [PATH]: sha256(Buffer.from("old")) } };
  expect(planWrites([], repo({ [PATH]: "old" }, owned)).plan!.removals).toEqual([PATH]);
});

test("without ifForeign a foreign file still refuses the synth", () => {
  const { plan, problems } = planWrites([renderFile(file())], repo({ [PATH]: "mine\n" }));
  expect(plan).toBeUndefined();
  expect(problems).toEqual([
    `[app/flux] output path = "${PATH}": a file that cdktf-aks-gitops did not generate is there; it is never ` +
      `overwritten: move it away, or choose another name`,
  ]);
});
