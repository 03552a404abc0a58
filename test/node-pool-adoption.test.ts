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
import * as fs from "fs";
import * as path from "path";
import { GitOpsSynthError, GuardedNodePool, GuardedNodePoolProps, InfrastructureStack, NodePoolAdoption, NodePoolCluster } from "../lib";
import { parseRecord } from "../lib/synth/ownership";
import { CLUSTER_ID, cleanupTempDirs, newApp, SUBSCRIPTION, tempDir, thrownBy, workspace, Workspace } from "./helpers";
import { applyAt, asArticle, creates, deletes, plan, StackJson, terraform, tf, toData, transplant } from "./terraform-data";

jest.mock("cdktf/lib/util", () => ({
  ...jest.requireActual<object>("cdktf/lib/util"),
  terraformBinaryName: `${JSON.stringify(process.execPath)} -e "console.log('OpenTofu v1.9.1')" --`,
}));

afterAll(cleanupTempDirs);

const NODE_POOL = "azurerm_kubernetes_cluster_node_pool";
const ARTICLE_ADDRESS = `${NODE_POOL}.core_pool`;
const POOL_ID = `${CLUSTER_ID}/agentPools/corepool`;

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

  test("importFrom on a pool the committed tree already has: accepted (an addition of a block, no change), and said so", () => {
    const ws = workspace();
    const before = synth(ws);
    const after = synth(ws, { adopt: NodePoolAdoption.importFrom(POOL_ID) });
    expect(after.json.resource).toEqual(before.json.resource);
    expect(after.lines.find((l) => l.includes("adopts the existing pool"))).toContain(
      `the committed tree already has this pool at ${poolAddresses(before.json)[0]}, so once applied it is in that state and ` +
        "Terraform ignores the import block: remove adopt unless that commit never applied",
    );
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

  test("a previous address inside a module or with an instance key is taken as typed; the pool's own address is refused", () => {
    const fromModule = 'module.pools.azurerm_kubernetes_cluster_node_pool.core_pool["corepool"]';
    const { json } = synth(workspace(), { adopt: NodePoolAdoption.fromPreviousAddress(fromModule) });
    expect(json.moved).toEqual([{ from: fromModule, to: poolAddresses(json)[0] }]);

    const ws = workspace();
    const [own] = poolAddresses(synth(ws).json);
    const refused = thrownBy(() => synth(ws, { adopt: NodePoolAdoption.fromPreviousAddress(own) }));
    expect((refused as GitOpsSynthError).problems).toEqual([
      `[infra/corepool] adopt (fromPreviousAddress) = "${own}": allowed is an address other than the one the pool is ` +
        `written at (${own} in infrastructure/infra): nothing moves`,
    ]);
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

if (!terraform) console.warn("terraform is not on the PATH: the terraform_data plans of node-pool-adoption.test.ts are skipped");

(terraform ? describe : describe.skip)("terraform plans the adoption (terraform_data stand-ins)", () => {
  let dir: string;
  /** The article's tree and state: its pool at core_pool, with the attributes the library's pool writes. */
  let articleState: string;
  let library: Synth;

  beforeAll(() => {
    dir = tempDir("gitops-adopt-tf-");
    library = synth(workspace(), { adopt: NodePoolAdoption.fromPreviousAddress(ARTICLE_ADDRESS) });
    const [address] = poolAddresses(library.json);
    articleState = path.join(dir, "article.tfstate");
    expect(applyAt(dir, asArticle(library.raw, address.split(".")[1]), articleState).status).toBe(0); // terraform_data is built in
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
    expect(planned.status).toBe(0);
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
