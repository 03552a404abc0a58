/**
 * The bad-input matrix (issue #5), one test per row of test/bad-input-matrix.ts: the synth is refused with exactly
 * one problem (a hurried person's single mistake gets one clear message, not a cascade) that names the construct
 * path, the prop, the value and what is allowed, and nothing is written: no GitOps repo, no cdktf.out manifest.
 * docs/bad-input-matrix.md is generated from the same rows and must be current.
 */
import * as fs from "fs";
import * as path from "path";
import { GitOpsSynthError } from "../lib";
import { LIBRARY_CORE } from "../lib/core/framework-origin";
import { renderBadInputTable, TABLE_FILE, tableLineKey } from "../scripts/bad-input-table";
import { BAD_INPUT_ROWS, BadInputRow, rowTitle, runRow } from "./bad-input-matrix";
import { listFiles } from "./helpers";

// A row whose pool adopts (an import or moved block) makes cdktf run `terraform version` during synth
// (ValidateTerraformVersion >= 1.5): a stand-in, so the matrix needs no binary (as in state-safety-moves.test.ts).
jest.mock("cdktf/lib/util", () => ({
  ...jest.requireActual<object>("cdktf/lib/util"),
  terraformBinaryName: `${JSON.stringify(process.execPath)} -e "console.log('OpenTofu v1.9.1')" --`,
}));

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Every problem line has the shape `[construct path] prop = value: allowed is …`. */
const SHAPE = /^\[[^\]]+\] \S.* = .+: allowed is \S/s;

function byTitle(title: string): BadInputRow {
  const found = BAD_INPUT_ROWS.filter((r) => rowTitle(r) === title);
  if (found.length !== 1) throw new Error(`no single row titled ${title}`);
  return found[0];
}

test("row titles are unique (each row is one test and one line of the table)", () => {
  const titles = BAD_INPUT_ROWS.map(rowTitle);
  expect(titles.filter((t, i) => titles.indexOf(t) !== i)).toEqual([]);
});

describe("bad-input matrix: one clear problem per mistake, nothing written", () => {
  test.each(BAD_INPUT_ROWS.map((r) => [rowTitle(r), r] as const))("%s", (_title, row) => {
    const run = runRow(row);
    dirs.push(run.dir);
    if (row.notRefusedWhen?.()) {
      // The input never reached the library (row.cdktnFlavour says how): the synth runs, and nothing it wrote has it.
      expect(run.error).toBeUndefined();
      const written = listFiles(run.repo).map((rel) => fs.readFileSync(path.join(run.repo, rel), "utf8"));
      expect(written.length).toBeGreaterThan(0);
      expect(written.filter((text) => text.includes("\n---\nkind: Secret"))).toEqual([]);
      return;
    }
    expect(run.error).toBeInstanceOf(GitOpsSynthError);
    // A refusal against the committed tree (a row with a committed app) comes from the tree's checks.
    const title = row.committed ? "the generated GitOps tree did not pass its checks" : "invalid input";
    expect(run.error!.message).toMatch(new RegExp(`^Synth refused: ${title} \\(1 problem; nothing was written\\):\\n {2}\\[`));
    expect(run.problems).toEqual([expect.stringMatching(row.expected)]);
    expect(run.problems[0]).toMatch(SHAPE);
    // Nothing written: no GitOps repo (not even its folder or a lock) beyond the committed one, no cdktf output.
    expect(listFiles(run.repo)).toEqual(run.committedFiles);
    expect(fs.existsSync(path.join(run.outdir, "manifest.json"))).toBe(false);
    expect(listFiles(path.join(run.outdir, "stacks"))).toEqual([]);
  });
});

test("several mistakes in one app are all reported in one error, in one synth", () => {
  const rows = [
    'GitOpsApp acknowledgedChanges = ["yes"]',
    "GuardedNodePool minCount = -1",
    'FluxBootstrap clusterName = "AKS_Dev"',
    "PromotionOrder stages = []",
  ].map(byTitle);
  const combined: BadInputRow = {
    construct: "combined",
    prop: "-",
    value: "-",
    appProps: rows[0].appProps,
    build: (app) => rows.slice(1).forEach((r) => r.build(app)),
    expected: /./,
  };
  const run = runRow(combined);
  dirs.push(run.dir);
  expect(run.error).toBeInstanceOf(GitOpsSynthError);
  expect(run.error!.message).toMatch(/^Synth refused: invalid input \(4 problems; nothing was written\)/);
  expect(run.problems).toHaveLength(4);
  for (const r of rows) expect(run.problems.filter((p) => r.expected.test(p))).toHaveLength(1);
  expect(listFiles(run.repo)).toEqual([]);
  expect(fs.existsSync(path.join(run.outdir, "manifest.json"))).toBe(false);
});

test("the matrix covers every public construct", () => {
  const constructs = new Set(BAD_INPUT_ROWS.map((r) => r.construct));
  expect([...constructs].sort()).toEqual(
    [
      "Duration",
      "FleetRunnerRole",
      "FluxAlerts",
      "FluxBootstrap",
      "FluxKustomization",
      "GitOpsApp",
      "GitOpsChecks",
      "GitRepositorySource",
      "GuardedNodePool",
      "InfrastructureStack",
      "ObserveOnly",
      "OciRepositorySource",
      "PolicySuppressions",
      "PromotionOrder",
      "RunnerIdentity",
      "TerraformControllerCR",
    ].sort(),
  );
});

test(`${TABLE_FILE} is current (run npx ts-node scripts/bad-input-table.ts)`, () => {
  const committed = fs.readFileSync(path.resolve(__dirname, "..", TABLE_FILE), "utf8");
  if (LIBRARY_CORE === "cdktf") {
    expect(renderBadInputTable()).toBe(committed);
    return;
  }
  // The committed table is the cdktf flavour's; here every line but those of the rows that say what cdktn does instead.
  const differing = BAD_INPUT_ROWS.filter((r) => r.cdktnFlavour).map(tableLineKey);
  const comparable = (text: string) => text.split("\n").filter((line) => !differing.some((key) => line.startsWith(key)));
  expect(differing.length).toBeGreaterThan(0);
  expect(comparable(renderBadInputTable())).toEqual(comparable(committed));
});
