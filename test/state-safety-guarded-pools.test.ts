/**
 * Acknowledged replacements and destroys of guarded pools (issue #13 item 2), through GitOpsApp on real Git repos:
 * every commit of the change is plannable, whichever commit a controller plans. A guarded pool's acknowledged
 * replacement is written blue/green at its next generation's address (Terraform refuses to replace a prevent_destroy
 * resource in place), the generation and the guard live in the ownership record, so removing the acknowledgement
 * later moves nothing back, and a prevent_destroy lifted by hand in the committed JSON makes no removal pass.
 *
 * Where terraform is on the PATH, the generated lifecycle and moved blocks of each commit are transplanted onto
 * terraform_data resources at the same names (ForceNew attributes as triggers_replace) and applied in sequence,
 * also with a commit skipped (promotion jumping past it).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GitOpsApp, GitOpsAppProps, GitOpsSynthError, GuardedNodePool, InfrastructureStack, NodePoolCluster } from "../lib";
import { replacementRulesForStack } from "../lib/azure/replacement-rules";
import { TerraformOutput } from "../lib/core/framework";
import { parseRecord } from "../lib/synth/ownership";
import {
  CLUSTER_ID,
  cleanupTempDirs,
  newApp,
  readText,
  snapshotTree,
  SUBSCRIPTION,
  tempDir,
  thrownBy,
  workspace,
  Workspace,
  git,
} from "./helpers";

afterAll(cleanupTempDirs);

const NODE_POOL = "azurerm_kubernetes_cluster_node_pool";
const STACK_FILE = "infrastructure/prod/main.tf.json";
const RECORD = ".gitops-generated.json";

function gitWorkspace(): Workspace {
  const ws = workspace();
  fs.mkdirSync(ws.repo, { recursive: true });
  git(ws.repo, "init", "-q", "-b", "main");
  return ws;
}

function commitAll(ws: Workspace, message: string): void {
  git(ws.repo, "add", "-A");
  git(ws.repo, "commit", "-q", "--allow-empty", "-m", message);
}

/** One stack `prod` with the pool `apps` (construct id stays, so its first address stays), or no pool at all. */
function synth(ws: Workspace, pool: { name: string } | null, props: Partial<GitOpsAppProps> = {}): { app: GitOpsApp; lines: string[] } {
  const lines: string[] = [];
  const app = newApp(ws, { log: (l) => lines.push(l), ...props });
  const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
  if (pool) {
    new GuardedNodePool(stack, "apps", {
      cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
      name: pool.name,
      vmSize: "Standard_D4s_v5",
      minCount: 3,
      maxCount: 6,
    });
  }
  app.synth();
  return { app, lines };
}

function refusal(fn: () => unknown): GitOpsSynthError {
  const err = thrownBy(fn) as GitOpsSynthError;
  expect(err).toBeInstanceOf(GitOpsSynthError);
  return err;
}

function acknowledgementIn(problem: string): string {
  const m = /acknowledgedChanges: \["([^"]+)"\]$/.exec(problem);
  if (!m) throw new Error(`no acknowledgement in: ${problem}`);
  return m[1];
}

type Json = Record<string, Record<string, Record<string, unknown>>>;

function poolsOf(tfJson: string): Record<string, Record<string, unknown>> {
  return (JSON.parse(tfJson) as { resource?: Json }).resource?.[NODE_POOL] ?? {};
}

/** The commits of one blue/green replacement and one destroy, as the generated main.tf.json of each. */
interface Commits {
  readonly before: string;
  readonly replaced: string;
  readonly ackRemoved: string;
  readonly destroyed: string;
  readonly firstAddress: string;
}

/** Runs the whole change once (the tests below read its commits); returns what each commit holds. */
function runChange(): Commits & { lines: string[]; asked: string; recordAfter: string; ws: Workspace } {
  const ws = gitWorkspace();
  synth(ws, { name: "apps" });
  commitAll(ws, "a guarded pool");
  const before = readText(ws.repo, STACK_FILE);
  const [firstId] = Object.keys(poolsOf(before));

  const asked = acknowledgementIn(refusal(() => synth(ws, { name: "apps2" })).problems[0]);
  const { lines } = synth(ws, { name: "apps2" }, { acknowledgedChanges: [asked] });
  commitAll(ws, "the acknowledged replacement");
  const replaced = readText(ws.repo, STACK_FILE);
  const recordAfter = readText(ws.repo, RECORD);

  const rerun = synth(ws, { name: "apps2" });
  commitAll(ws, "the acknowledgement removed");
  const ackRemoved = readText(ws.repo, STACK_FILE);
  expect(rerun.app.report).toMatchObject({ written: [], removed: [] });

  const destroyAsk = acknowledgementIn(refusal(() => synth(ws, null)).problems[0]);
  synth(ws, null, { acknowledgedChanges: [destroyAsk] });
  commitAll(ws, "the acknowledged destroy");
  const destroyed = readText(ws.repo, STACK_FILE);
  return { ws, before, replaced, ackRemoved, destroyed, firstAddress: `${NODE_POOL}.${firstId}`, lines, asked, recordAfter };
}

let change: ReturnType<typeof runChange>;
beforeAll(() => {
  change = runChange();
});

describe("an acknowledged replacement of a guarded pool is written blue/green at the next generation", () => {
  test("the refusal says what the acknowledgement does; acknowledged, the pool is at <first address>_g1 with the guard", () => {
    expect(change.asked).toMatch(new RegExp(`^replace:infrastructure/prod/${NODE_POOL}\\.apps_pool_[0-9A-F]+@[0-9a-f]{16}$`));
    const firstId = change.firstAddress.split(".")[1];
    const pools = poolsOf(change.replaced);
    expect(Object.keys(pools)).toEqual([`${firstId}_g1`]);
    expect(pools[`${firstId}_g1`]).toMatchObject({ name: "apps2", lifecycle: { prevent_destroy: true } });
    expect(change.lines.join("\n")).toMatch(
      new RegExp(
        `gitops: \\[prod\\] ${change.firstAddress} in infrastructure/prod \\(pool "apps"\\) ` +
          `will be replaced blue/green at ${change.firstAddress}_g1 \\(pool "apps2"\\)`,
      ),
    );
    expect(parseRecord(change.recordAfter).nodePools).toEqual({
      [`infrastructure/prod/${change.firstAddress}`]: { generation: 1, guarded: true },
    });
  });

  test("removing the acknowledgement changes no byte: the generation comes from the committed record", () => {
    expect(change.ackRemoved).toBe(change.replaced);
  });

  test("the refusal before acknowledging prints the new address; the same name is refused on the pool's name", () => {
    const ws = gitWorkspace();
    synth(ws, { name: "apps" });
    commitAll(ws, "a guarded pool");
    const [problem] = refusal(() => synth(ws, { name: "apps2" })).problems;
    expect(problem).toMatch(
      /acknowledging it replaces the pool blue\/green: it is written at azurerm_kubernetes_cluster_node_pool\.apps_pool_[0-9A-F]+_g1 with prevent_destroy/,
    );

    // A ForceNew change under the same name cannot be carried out blue/green (azurerm refuses an existing name).
    const app = newApp(ws, { log: () => {} });
    const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
    new GuardedNodePool(stack, "apps", {
      cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
      name: "apps",
      vmSize: "Standard_D4s_v5",
      minCount: 3,
      maxCount: 6,
      spot: {},
    });
    const before = snapshotTree(ws.repo);
    const same = refusal(() => app.synth()).problems;
    expect(same).toEqual([
      expect.stringMatching(
        /^\[prod\/apps\] name = "apps": allowed is a name the committed pool does not have, because .*tf\.ImportAsExistsError/,
      ),
    ]);
    expect(snapshotTree(ws.repo)).toEqual(before);
  });

  test("an acknowledgement of a replacement that nothing forces is refused (the pool would move for nothing)", () => {
    const ws = gitWorkspace();
    synth(ws, { name: "apps" });
    commitAll(ws, "a guarded pool");
    const asked = acknowledgementIn(refusal(() => synth(ws, { name: "apps2" })).problems[0]);
    const [problem, ...rest] = refusal(() => synth(ws, { name: "apps" }, { acknowledgedChanges: [asked] })).problems;
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^\[app\] acknowledgedChanges = "replace:[^"]+": allowed is an entry for a change this synth makes, but nothing in it forces a replacement/,
    );
    expect(problem).toContain(asked);
  });
});

test("a pool whose resource was referenced before synth cannot move: the acknowledged replacement is refused, saying why", () => {
  const ws = gitWorkspace();
  synth(ws, { name: "apps" });
  commitAll(ws, "a guarded pool");
  const asked = acknowledgementIn(refusal(() => synth(ws, { name: "apps2" })).problems[0]);
  const app = newApp(ws, { log: () => {}, acknowledgedChanges: [asked] });
  const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
  const pool = new GuardedNodePool(stack, "apps", {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    name: "apps2",
    vmSize: "Standard_D4s_v5",
    minCount: 3,
    maxCount: 6,
  });
  new TerraformOutput(stack, "pool-id", { value: pool.resource.id });
  const before = snapshotTree(ws.repo);
  expect(refusal(() => app.synth()).problems).toEqual([
    expect.stringMatching(
      /^\[prod\/apps\] the pool must be written at azurerm_kubernetes_cluster_node_pool\.apps_pool_[0-9A-F]+_g1 .*but its address was fixed before synth \(a reference such as resource\.id/,
    ),
  ]);
  expect(snapshotTree(ws.repo)).toEqual(before);
});

describe("the guarded set is the library's record", () => {
  test("a prevent_destroy lifted by hand in the committed JSON does not make the removal pass", () => {
    const ws = gitWorkspace();
    synth(ws, { name: "apps" });
    commitAll(ws, "a guarded pool");
    const edited = readText(ws.repo, STACK_FILE).replace('"prevent_destroy": true', '"prevent_destroy": false');
    fs.writeFileSync(path.join(ws.repo, STACK_FILE), edited);
    commitAll(ws, "lift the guard by hand");
    const [problem] = refusal(() => synth(ws, null)).problems;
    expect(problem).toMatch(/has prevent_destroy and would be destroyed .*\(the ownership record lists it as guarded/);
  });

  test("an acknowledged unguard takes the pool out of the set; its later removal then needs no acknowledgement", () => {
    const ws = workspace();
    const guarded = (preventDestroy: boolean, props: Partial<GitOpsAppProps> = {}): GitOpsApp => {
      const app = newApp(ws, props);
      const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION });
      new GuardedNodePool(stack, "apps", {
        cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
        name: "apps",
        vmSize: "Standard_D4s_v5",
        minCount: 3,
        maxCount: 6,
        preventDestroy,
      });
      app.synth();
      return app;
    };
    guarded(true);
    const ask = acknowledgementIn(refusal(() => guarded(false)).problems[0]);
    expect(ask).toMatch(/^unguard:/);
    guarded(false, { acknowledgedChanges: [ask] });
    expect(Object.values(parseRecord(readText(ws.repo, RECORD)).nodePools ?? {})).toEqual([{ generation: 0, guarded: false }]);
    expect(() => synth(ws, null)).not.toThrow();
  });

  test.each([
    ["a generation that is no whole number", { generation: -1, guarded: true }, /has generation -1, not a whole number from 0 to 999/],
    ["a guard that is no boolean", { generation: 0, guarded: "yes" }, /has guarded "yes", not true or false/],
    ["a field the library never writes", { generation: 0, guarded: true, address: "x" }, /has fields the library never writes \(address\)/],
  ])("a committed record entry with %s is refused, naming it; nothing written", (_what, entry, says) => {
    const ws = gitWorkspace();
    synth(ws, { name: "apps" });
    const record = JSON.parse(readText(ws.repo, RECORD));
    const [key] = Object.keys(record.nodePools);
    record.nodePools[key] = entry;
    fs.writeFileSync(path.join(ws.repo, RECORD), JSON.stringify(record, null, 2));
    commitAll(ws, "a hostile record");
    const before = snapshotTree(ws.repo);
    const err = thrownBy(() => synth(ws, { name: "apps" }));
    expect(err.message).toMatch(/^\.gitops-generated\.json has node pool entries the library never writes/);
    expect(err.message).toMatch(says);
    expect(snapshotTree(ws.repo)).toEqual(before);
  });

  test("a record key outside infrastructure/<folder>/<node pool> is refused", () => {
    expect(() =>
      parseRecord(
        JSON.stringify({
          generator: "cdktf-aks-gitops",
          files: {},
          nodePools: { "../x/azurerm_kubernetes_cluster_node_pool.p": { generation: 0, guarded: true } },
        }),
      ),
    ).toThrow(
      /entry "\.\.\/x\/azurerm_kubernetes_cluster_node_pool\.p" is not infrastructure\/<stack folder>\/azurerm_kubernetes_cluster_node_pool\.<name>/,
    );
    expect(() => parseRecord(JSON.stringify({ generator: "cdktf-aks-gitops", files: {}, nodePools: [] }))).toThrow(
      /nodePools is \[\], not an object/,
    );
  });
});

// ------------------------------------------------------------------------------------------------ terraform

/** terraform on the PATH, or undefined (the plans below then say so instead of passing silently). */
function terraformBinary(): string | undefined {
  const run = spawnSync("terraform", ["version"], { encoding: "utf8" });
  return run.status === 0 ? "terraform" : undefined;
}

const terraform = terraformBinary();
if (!terraform) console.warn("terraform is not on the PATH: the terraform_data plans of state-safety-guarded-pools.test.ts are skipped");

/**
 * A generated main.tf.json as terraform_data: each pool at `terraform_data.<its name>`, its ForceNew attributes
 * (the replacement rules' keys) as triggers_replace, its lifecycle (prevent_destroy; ignore_changes names provider
 * attributes terraform_data lacks) and the stack's moved blocks between pools.
 */
function transplant(tfJson: string): string {
  const json = JSON.parse(tfJson) as { resource?: Json; moved?: { from: string; to: string }[] };
  const forceNew = Object.keys(replacementRulesForStack(json)[NODE_POOL] ?? {});
  const data: Record<string, unknown> = {};
  for (const [name, body] of Object.entries(json.resource?.[NODE_POOL] ?? {})) {
    const triggers = Object.fromEntries(forceNew.filter((a) => body[a] !== undefined).map((a) => [a, JSON.stringify(body[a])]));
    const lifecycle = body.lifecycle as { prevent_destroy?: boolean } | undefined;
    data[name] = { triggers_replace: triggers, lifecycle: { prevent_destroy: lifecycle?.prevent_destroy ?? false } };
  }
  const toData = (a: string): string => a.replace(`${NODE_POOL}.`, "terraform_data.");
  const moved = (json.moved ?? []).filter((m) => m.from.startsWith(NODE_POOL)).map((m) => ({ from: toData(m.from), to: toData(m.to) }));
  return JSON.stringify({
    ...(Object.keys(data).length ? { resource: { terraform_data: data } } : {}),
    ...(moved.length ? { moved } : {}),
  });
}

const env = (() => {
  const e: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  delete e.TF_CLI_CONFIG_FILE;
  return e;
})();

function tf(dir: string, args: string[]): { status: number | null; output: string } {
  const run = spawnSync(terraform!, [...args, "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Applies each commit in turn against one local state; returns each apply's result. */
function applySequence(dir: string, state: string, commits: readonly string[]): { status: number | null; output: string }[] {
  return commits.map((c) => {
    fs.writeFileSync(path.join(dir, "main.tf.json"), transplant(c));
    return tf(dir, ["apply", "-auto-approve", "-lock=false", `-state=${state}`]);
  });
}

(terraform ? describe : describe.skip)("terraform plans every commit of the change (terraform_data stand-ins)", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir("gitops-tf-");
    fs.writeFileSync(path.join(dir, "main.tf.json"), transplant(change.before));
    expect(tf(dir, ["init"]).status).toBe(0); // once: terraform_data is built in, nothing is downloaded
  });

  test.each([
    [
      "in order: before, acknowledged replacement, acknowledgement removed, acknowledged destroy",
      ["before", "replaced", "ackRemoved", "destroyed"],
    ],
    ["promotion jumping past the acknowledged commit: before, acknowledgement removed", ["before", "ackRemoved"]],
    ["promotion jumping past everything: before, acknowledged destroy", ["before", "destroyed"]],
    ["jumping from the replacement straight to the destroy", ["before", "replaced", "destroyed"]],
  ] as const)("%s: every apply succeeds", (_what, sequence) => {
    const state = `seq-${sequence.join("-")}.tfstate`;
    const results = applySequence(
      dir,
      state,
      sequence.map((k) => change[k]),
    );
    results.forEach((r, i) =>
      expect({ commit: sequence[i], status: r.status, output: r.status === 0 ? "" : r.output }).toEqual({
        commit: sequence[i],
        status: 0,
        output: "",
      }),
    );
  });

  test("the guard is on the new address: changing its trigger in place is refused by Terraform", () => {
    const state = "guard.tfstate";
    expect(applySequence(dir, state, [change.before, change.replaced]).map((r) => r.status)).toEqual([0, 0]);
    const inPlace = change.replaced.replace('"name": "apps2"', '"name": "apps3"');
    const [refused] = applySequence(dir, state, [inPlace]);
    expect(refused.status).not.toBe(0);
    expect(refused.output).toMatch(
      new RegExp(`Instance cannot be destroyed[\\s\\S]*terraform_data\\.${change.firstAddress.split(".")[1]}_g1`),
    );
  });

  test("the old form fails: the same address with prevent_destroy and a changed trigger", () => {
    const state = "old-form.tfstate";
    const sameAddress = change.before.replace('"name": "apps"', '"name": "apps2"');
    const [first, second] = applySequence(dir, state, [change.before, sameAddress]);
    expect(first.status).toBe(0);
    expect(second.status).not.toBe(0);
    expect(second.output).toMatch(/Instance cannot be destroyed/);
  });
});
