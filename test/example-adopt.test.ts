/**
 * The adopt variant of the worked example (examples/adopt.ts, issue #19), synthesized into a temp repo:
 * - it is the worked example's committed tree (main.ts, `npm run synth`) with exactly two differences: the stack's
 *   `moved` block from the article's address and the Terraform object's state suffix, the article object's name
 *   (so its state is `tfstate-default-aks-drift-reconciler` in flux-system, the Secret the hand-written object wrote);
 * - the synth says what the first plan does with the pool and when `adopt` can go;
 * - where terraform is on the PATH, its stack transplanted onto terraform_data plans against a state that holds the
 *   article's address: the pool is moved, nothing is created or destroyed.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { ARTICLE_OBJECT, ARTICLE_POOL_ADDRESS, buildAdoptedArticle } from "../examples/adopt";
import { GitOpsApp } from "../lib";
import { parseRecord } from "../lib/synth/ownership";
import { stateSecretName } from "../lib/tofu/state-secret";
import { treeForBinding } from "./flavour-bytes";
import { cleanupTempDirs, OWNERSHIP_RECORD, tempDir } from "./helpers";
import { applyAt, asArticle, creates, deletes, NODE_POOL, plan, StackJson, terraform, toData, transplant } from "./terraform-data";

// cdktf runs `terraform version` during the synth of a stack with a move: a stand-in (see state-safety-moves.test.ts).
jest.mock("cdktf/lib/util", () => ({
  ...jest.requireActual<object>("cdktf/lib/util"),
  terraformBinaryName: `${JSON.stringify(process.execPath)} -e "console.log('OpenTofu v1.9.1')" --`,
}));

afterAll(cleanupTempDirs);

const PROJECT = path.resolve(__dirname, "..");
const CONFIG = JSON.parse(fs.readFileSync(path.join(PROJECT, "cdktf.json"), "utf8"));
const STACK = "infrastructure/aks-gitops-tf/main.tf.json";
const OBJECT = `clusters/aks-gitops-tf/terraform/${ARTICLE_OBJECT}.yaml`;

const lines: string[] = [];
let repo: string;

beforeAll(() => {
  const dir = tempDir("gitops-adopt-");
  repo = path.join(dir, "repo");
  const app = new GitOpsApp({ gitopsRoot: repo, outdir: path.join(dir, "cdktf.out"), context: CONFIG.context, log: (l) => lines.push(l) });
  buildAdoptedArticle(app);
  app.synth();
});

const read = (root: string, rel: string): string => fs.readFileSync(path.join(root, ...rel.split("/")), "utf8");

test("the worked example's committed tree with two differences: the moved block and the state suffix", () => {
  const committedRecord = parseRecord(read(PROJECT, OWNERSHIP_RECORD));
  const record = parseRecord(read(repo, OWNERSHIP_RECORD));
  const rels = Object.keys(committedRecord.files);
  expect(Object.keys(record.files)).toEqual(rels);
  expect(record.nodePools).toEqual(committedRecord.nodePools); // the same address and generation: adoption moves no pool
  const expected = treeForBinding(new Map(rels.map((rel) => [rel, read(PROJECT, rel)])));
  const differing = rels.filter((rel) => read(repo, rel) !== expected.get(rel));
  expect(differing).toEqual([OBJECT, STACK]);

  const stack = JSON.parse(read(repo, STACK)) as StackJson;
  const { moved, ...rest } = stack as StackJson & Record<string, unknown>;
  expect(rest).toEqual(JSON.parse(expected.get(STACK)!));
  const [address] = Object.keys(stack.resource[NODE_POOL]).map((n) => `${NODE_POOL}.${n}`);
  expect(moved).toEqual([{ from: ARTICLE_POOL_ADDRESS, to: address }]);

  const object = parseDocument(read(repo, OBJECT)).toJS();
  const committed = parseDocument(expected.get(OBJECT)!).toJS();
  expect(object.spec.backendConfig).toEqual({ ...committed.spec.backendConfig, secretSuffix: ARTICLE_OBJECT });
  expect({ ...object, spec: { ...object.spec, backendConfig: undefined } }).toEqual({
    ...committed,
    spec: { ...committed.spec, backendConfig: undefined },
  });
  // The hand-written object's Secret: its name, no workspace, in its namespace.
  expect(object.metadata).toMatchObject({ name: ARTICLE_OBJECT, namespace: "flux-system" });
  expect(object.spec.workspace).toBeUndefined();
  expect(stateSecretName("default", object.spec.backendConfig.secretSuffix)).toBe("tfstate-default-aks-drift-reconciler");
});

test("the synth says what the first plan does and when adopt can go", () => {
  const [address] = Object.keys((JSON.parse(read(repo, STACK)) as StackJson).resource[NODE_POOL]).map((n) => `${NODE_POOL}.${n}`);
  expect(lines).toContainEqual(
    expect.stringMatching(
      new RegExp(
        `^gitops: \\[aks-gitops-tf/corepool\\] ${address.replace(".", "\\.")} in infrastructure/aks-gitops-tf takes over ` +
          `${ARTICLE_POOL_ADDRESS.replace(".", "\\.")} from the state it keeps with a moved block: the next plan by ` +
          `Terraform object flux-system/aks-drift-reconciler \\(cluster aks-gitops-tf\\), state ` +
          `flux-system/tfstate-default-aks-drift-reconciler moves it, and for an unchanged pool creates and destroys nothing`,
      ),
    ),
  );
});

(terraform ? test : test.skip)(
  "terraform: against the article's state, the first plan moves the pool and creates and destroys nothing",
  () => {
    const raw = read(repo, STACK);
    const [name] = Object.keys((JSON.parse(raw) as StackJson).resource[NODE_POOL]);
    const dir = tempDir("gitops-adopt-tf-");
    const state = path.join(dir, "article.tfstate");
    const applied = applyAt(dir, asArticle(raw, name), state);
    expect({ status: applied.status, output: applied.status === 0 ? "" : applied.output }).toEqual({ status: 0, output: "" });
    const planned = plan(dir, transplant(raw), state);
    expect(planned.status).toBe(0);
    expect(creates(planned.changes)).toEqual([]);
    expect(deletes(planned.changes)).toEqual([]);
    expect(planned.changes.map((c) => [c.previous_address, c.address, c.change.actions])).toEqual([
      ["terraform_data.core_pool", toData(`${NODE_POOL}.${name}`), ["no-op"]],
    ]);
  },
);
if (!terraform) console.warn("terraform is not on the PATH: the terraform_data plan of example-adopt.test.ts is skipped");
