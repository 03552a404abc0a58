/**
 * Issue #19: a GuardedNodePool adopts a pool that already exists, by import (`NodePoolAdoption.importFrom(id)`, an
 * `import` block) or from the state it keeps (`NodePoolAdoption.fromPreviousAddress(address)`, a `moved` block), at
 * the address its generation gives it; the synth says what the next plan does and when the block can go; state
 * safety follows the move. The refusals are rows of the bad-input matrix.
 *
 * Where terraform is on the PATH, the generated blocks are transplanted onto terraform_data at the same names and
 * planned against a state that holds the article's address (`terraform_data.core_pool`, standing in for
 * `azurerm_kubernetes_cluster_node_pool.core_pool`): the plan creates and destroys nothing. cdktf's own
 * `terraform version` check at synth (ValidateTerraformVersion >= 1.5, added by importFrom and by moves) runs a
 * stand-in here, as in state-safety-moves.test.ts, so the synths need no binary.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GitOpsSynthError, GuardedNodePool, GuardedNodePoolProps, InfrastructureStack, NodePoolAdoption, NodePoolCluster } from "../lib";
import { replacementRulesForStack } from "../lib/azure/replacement-rules";
import { parseRecord } from "../lib/synth/ownership";
import { CLUSTER_ID, cleanupTempDirs, newApp, SUBSCRIPTION, tempDir, thrownBy, workspace, Workspace } from "./helpers";

jest.mock("cdktf/lib/util", () => ({
  ...jest.requireActual<object>("cdktf/lib/util"),
  terraformBinaryName: `${JSON.stringify(process.execPath)} -e "console.log('OpenTofu v1.9.1')" --`,
}));

afterAll(cleanupTempDirs);

const NODE_POOL = "azurerm_kubernetes_cluster_node_pool";
const ARTICLE_ADDRESS = `${NODE_POOL}.core_pool`;
const POOL_ID = `${CLUSTER_ID}/agentPools/corepool`;

type Json = Record<string, Record<string, unknown>>;
interface StackJson {
  resource: Record<string, Json>;
  import?: { to: string; id: string; provider?: string }[];
  moved?: { from: string; to: string }[];
}

interface Synth {
  readonly lines: string[];
  readonly json: StackJson;
  readonly raw: string;
}

/** One guarded pool "corepool" (construct id `id`) in stack "infra", with the given props. */
function synth(ws: Workspace, props: Partial<GuardedNodePoolProps> = {}, id = "corepool", acknowledgedChanges: string[] = []): Synth {
  const lines: string[] = [];
  const app = newApp(ws, { log: (l) => lines.push(l), acknowledgedChanges });
  const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
  new GuardedNodePool(stack, id, {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    name: "corepool",
    vmSize: "Standard_D2s_v3",
    minCount: 3,
    maxCount: 5,
    ...props,
  });
  app.synth();
  const raw = fs.readFileSync(path.join(ws.repo, "infrastructure/infra/main.tf.json"), "utf8");
  return { lines, raw, json: JSON.parse(raw) };
}

function poolAddresses(json: StackJson): string[] {
  return Object.keys(json.resource[NODE_POOL] ?? {}).map((n) => `${NODE_POOL}.${n}`);
}

describe("what the synth writes and says", () => {
  test("importFrom: an import block to the address the pool is written at, and a notice saying when it can go", () => {
    const ws = workspace();
    const first = synth(ws, { adopt: NodePoolAdoption.importFrom(POOL_ID) });
    const [address] = poolAddresses(first.json);
    expect(first.json.import).toEqual([{ id: POOL_ID, to: address }]);
    expect(first.json.moved).toBeUndefined();
    const notice = first.lines.find((l) => l.includes("adopts the existing pool"));
    expect(notice).toBe(
      `gitops: [infra/corepool] ${address} in infrastructure/infra adopts the existing pool ${POOL_ID} with an import block: ` +
        `the next plan (no Terraform object applies this folder yet) imports it instead of creating it (a difference from the ` +
        `live pool is an in-place update; one that forces a new pool fails the plan, the pool has prevent_destroy); once the ` +
        `Terraform object has applied it, remove adopt and synth again (until then it stays: Terraform ignores the import ` +
        `block once the address is in its state)`,
    );

    // Synthesized again with the block committed: the same bytes, and the notice says it is committed.
    const again = synth(ws, { adopt: NodePoolAdoption.importFrom(POOL_ID) });
    expect(again.raw).toBe(first.raw);
    expect(again.lines.find((l) => l.includes("adopts the existing pool"))).toContain(
      "the import block is already committed: once the Terraform object has applied it, remove adopt and synth again",
    );

    // adopt removed: the block goes, nothing else changes, nothing is refused (an import is an addition, never a change).
    const removed = synth(ws);
    expect(removed.json.import).toBeUndefined();
    expect(removed.json.resource).toEqual(first.json.resource);
    expect(removed.lines.some((l) => l.includes("adopt"))).toBe(false);
  });

  test("fromPreviousAddress: a moved block from the article's address", () => {
    const { json, lines } = synth(workspace(), { adopt: NodePoolAdoption.fromPreviousAddress(ARTICLE_ADDRESS) });
    const [address] = poolAddresses(json);
    expect(json.moved).toEqual([{ from: ARTICLE_ADDRESS, to: address }]);
    expect(json.import).toBeUndefined();
    expect(lines.find((l) => l.includes("takes over"))).toContain(
      `${address} in infrastructure/infra takes over ${ARTICLE_ADDRESS} from the state it keeps with a moved block`,
    );
  });

  test("the adoption lands on the pool's generation address (an adoption after an acknowledged replacement)", () => {
    const ws = workspace();
    synth(ws);
    const asked = /acknowledgedChanges: \["([^"]+)"\]/.exec(
      (thrownBy(() => synth(ws, { name: "corepool2" })) as GitOpsSynthError).problems[0],
    );
    synth(ws, { name: "corepool2" }, "corepool", [asked![1]]);
    const record = parseRecord(fs.readFileSync(path.join(ws.repo, ".gitops-generated.json"), "utf8"));
    expect(Object.values(record.nodePools ?? {})).toEqual([{ generation: 1, guarded: true }]);

    const { json } = synth(ws, { name: "corepool2", adopt: NodePoolAdoption.fromPreviousAddress(ARTICLE_ADDRESS) });
    const [address] = poolAddresses(json);
    expect(address).toMatch(/_g1$/);
    expect(json.moved).toEqual([{ from: ARTICLE_ADDRESS, to: address }]);
  });

  test("state safety follows the move: a pool renamed with fromPreviousAddress needs no acknowledgement", () => {
    const ws = workspace();
    const before = synth(ws, {}, "workers");
    const [oldAddress] = poolAddresses(before.json);
    expect(thrownBy(() => synth(ws, {}, "apps"))).toBeInstanceOf(GitOpsSynthError); // without it: refused
    const after = synth(ws, { adopt: NodePoolAdoption.fromPreviousAddress(oldAddress) }, "apps");
    expect(after.json.moved).toEqual([{ from: oldAddress, to: poolAddresses(after.json)[0] }]);
  });

  test("a cluster given by name is compared with the stack's subscription and the name as typed", () => {
    const ws = workspace();
    const byName = NodePoolCluster.fromClusterName("aks-prod", "rg-aks");
    expect(synth(ws, { cluster: byName, adopt: NodePoolAdoption.importFrom(POOL_ID) }).json.import).toHaveLength(1);
    const upper = POOL_ID.replace("rg-aks", "RG-AKS");
    const refused = thrownBy(() => synth(workspace(), { cluster: byName, adopt: NodePoolAdoption.importFrom(upper) }));
    expect((refused as GitOpsSynthError).problems).toEqual([
      expect.stringContaining(`[infra/corepool] adopt (importFrom) = "${upper}": allowed is a pool of the pool's cluster`),
    ]);
  });
});

// ------------------------------------------------------------------------------------------------ terraform

/** terraform on the PATH, or undefined (the plans below then say so instead of passing silently). */
function terraformBinary(): string | undefined {
  const run = spawnSync("terraform", ["version"], { encoding: "utf8" });
  return run.status === 0 ? "terraform" : undefined;
}

const terraform = terraformBinary();
if (!terraform) console.warn("terraform is not on the PATH: the terraform_data plans of node-pool-adoption.test.ts are skipped");

const env = (() => {
  const e: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  delete e.TF_CLI_CONFIG_FILE;
  return e;
})();

function tf(dir: string, args: string[]): { status: number | null; output: string } {
  const run = spawnSync(terraform!, [...args, "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const toData = (a: string): string => a.replace(`${NODE_POOL}.`, "terraform_data.");

/**
 * A generated main.tf.json as terraform_data: each pool at `terraform_data.<its name>` with its ForceNew attributes
 * as triggers_replace (`withTriggers`; an imported terraform_data has none, as nothing reads the live pool here) and
 * its prevent_destroy, and the stack's moved and import blocks of pools.
 */
function transplant(raw: string, withTriggers = true): string {
  const json = JSON.parse(raw) as StackJson;
  const forceNew = Object.keys(replacementRulesForStack(json)[NODE_POOL] ?? {});
  const data: Record<string, unknown> = {};
  for (const [name, body] of Object.entries(json.resource[NODE_POOL] ?? {})) {
    const triggers = Object.fromEntries(forceNew.filter((a) => body[a] !== undefined).map((a) => [a, JSON.stringify(body[a])]));
    const lifecycle = body.lifecycle as { prevent_destroy?: boolean } | undefined;
    data[name] = {
      ...(withTriggers ? { triggers_replace: triggers } : {}),
      lifecycle: { prevent_destroy: lifecycle?.prevent_destroy ?? false },
    };
  }
  const moved = (json.moved ?? []).map((m) => ({ from: toData(m.from), to: toData(m.to) }));
  const imports = (json.import ?? []).map((i) => ({ to: toData(i.to), id: i.id }));
  return JSON.stringify({
    resource: { terraform_data: data },
    ...(moved.length ? { moved } : {}),
    ...(imports.length ? { import: imports } : {}),
  });
}

interface PlannedChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly change: { readonly actions: string[]; readonly importing?: unknown };
}

/** Plans `config` against `state`; the plan's resource changes and its summary line. */
function plan(dir: string, config: string, state: string): { status: number | null; output: string; changes: PlannedChange[] } {
  fs.writeFileSync(path.join(dir, "main.tf.json"), config);
  const planned = tf(dir, ["plan", "-lock=false", `-state=${state}`, "-out=plan.bin"]);
  if (planned.status !== 0) return { ...planned, changes: [] };
  const shown = spawnSync(terraform!, ["show", "-json", "plan.bin"], { cwd: dir, env, encoding: "utf8" });
  const changes = (JSON.parse(shown.stdout) as { resource_changes?: PlannedChange[] }).resource_changes ?? [];
  return { ...planned, changes };
}

const creates = (c: PlannedChange[]) => c.filter((x) => x.change.actions.includes("create")).map((x) => x.address);
const deletes = (c: PlannedChange[]) => c.filter((x) => x.change.actions.includes("delete")).map((x) => x.address);

(terraform ? describe : describe.skip)("terraform plans the adoption (terraform_data stand-ins)", () => {
  let dir: string;
  /** The article's tree and state: its pool at core_pool, with the attributes the library's pool writes. */
  let articleState: string;
  let library: Synth;

  beforeAll(() => {
    dir = tempDir("gitops-adopt-tf-");
    library = synth(workspace(), { adopt: NodePoolAdoption.fromPreviousAddress(ARTICLE_ADDRESS) });
    const [address] = poolAddresses(library.json);
    const article = transplant(library.raw)
      .replace(`"${address.split(".")[1]}":`, '"core_pool":')
      .replace(/,"moved":\[[^\]]*\]/, "");
    fs.writeFileSync(path.join(dir, "main.tf.json"), article);
    expect(tf(dir, ["init"]).status).toBe(0); // terraform_data is built in: nothing is downloaded
    articleState = path.join(dir, "article.tfstate");
    expect(tf(dir, ["apply", "-auto-approve", "-lock=false", `-state=${articleState}`]).status).toBe(0);
    const state = JSON.parse(fs.readFileSync(articleState, "utf8")) as { resources: { type: string; name: string }[] };
    expect(state.resources.map((r) => `${r.type}.${r.name}`)).toEqual(["terraform_data.core_pool"]);
  });

  test("fromPreviousAddress: the first plan after the switch moves the pool and creates and destroys nothing", () => {
    const [address] = poolAddresses(library.json);
    const planned = plan(dir, transplant(library.raw), articleState);
    expect(planned.status).toBe(0);
    expect(planned.changes).toEqual([
      expect.objectContaining({
        address: toData(address),
        previous_address: "terraform_data.core_pool",
        change: expect.objectContaining({ actions: ["no-op"] }),
      }),
    ]);
  });

  test("without the moved block the same switch would destroy the article's pool and create it again", () => {
    const planned = plan(dir, transplant(library.raw).replace(/,"moved":\[[^\]]*\]/, ""), articleState);
    expect(planned.status).toBe(0); // the article's address has no prevent_destroy, so Terraform plans it
    expect(deletes(planned.changes)).toEqual(["terraform_data.core_pool"]);
    expect(creates(planned.changes)).toEqual([toData(poolAddresses(library.json)[0])]);
  });

  test("importFrom: the plan imports the pool, creates and destroys nothing; once applied, the block changes nothing", () => {
    const imported = synth(workspace(), { adopt: NodePoolAdoption.importFrom(POOL_ID) });
    const config = transplant(imported.raw, false);
    const state = path.join(dir, "import.tfstate");
    const planned = plan(dir, config, state);
    expect(planned.status).toBe(0);
    expect(planned.output).toContain("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.");
    expect(creates(planned.changes)).toEqual([]);
    expect(deletes(planned.changes)).toEqual([]);
    expect(tf(dir, ["apply", "-auto-approve", "-lock=false", `-state=${state}`]).status).toBe(0);
    const again = tf(dir, ["plan", "-detailed-exitcode", "-lock=false", `-state=${state}`]);
    expect({ status: again.status, output: again.status === 0 ? "" : again.output }).toEqual({ status: 0, output: "" });
  });

  test("importFrom into code that disagrees on a ForceNew attribute: the plan fails, nothing is replaced (prevent_destroy)", () => {
    const imported = synth(workspace(), { adopt: NodePoolAdoption.importFrom(POOL_ID) });
    // The imported stand-in has no triggers; the code's triggers differ from it, as a live pool's ForceNew value would.
    const planned = plan(dir, transplant(imported.raw, true), path.join(dir, "import-forcenew.tfstate"));
    expect(planned.status).not.toBe(0);
    expect(planned.output).toMatch(/Instance cannot be destroyed/);
  });
});
