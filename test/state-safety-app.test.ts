/**
 * State safety end to end (issue #5 item 2), through GitOpsApp on a real temp repo: synth a tree, change the app the
 * way a refactoring does, synth again. A change that would destroy or replace real infrastructure, or start a
 * Terraform object from an empty state, is refused with the exact acknowledgement to give, and the repo stays
 * byte-identical; with that acknowledgement it is written. The first synth and an unchanged re-synth never are.
 * (The unit-level rules are in test/state-safety.test.ts.)
 */
import * as fs from "fs";
import * as path from "path";
import {
  ApprovalMode,
  FluxBootstrap,
  GitOpsApp,
  GitOpsAppProps,
  GitOpsSynthError,
  GitRef,
  GitRepositorySource,
  GuardedNodePool,
  InfrastructureStack,
  NodePoolCluster,
  NodePoolOsType,
} from "../lib";
import {
  CLUSTER_ID,
  cleanupTempDirs,
  listFiles,
  newApp,
  readText,
  RUNNER_CREDENTIALS,
  snapshotTree,
  SUBSCRIPTION,
  thrownBy,
  workspace,
  Workspace,
} from "./helpers";

afterAll(cleanupTempDirs);

interface PoolSpec {
  readonly id: string;
  readonly name: string;
  readonly osType?: NodePoolOsType;
  readonly spot?: boolean;
  readonly preventDestroy?: boolean;
}

interface TerraformSpec {
  readonly id?: string;
  readonly name?: string;
  readonly secretSuffix?: string;
  readonly namespace?: string;
  readonly workspace?: string;
  readonly destroyResourcesOnDeletion?: boolean;
}

/** The app code under test: one stack `prod` with pools, reconciled by one Terraform object on cluster aks-prod. */
interface AppSpec {
  readonly folder?: string;
  readonly pools?: readonly PoolSpec[];
  /** null: no Terraform object. */
  readonly terraform?: TerraformSpec | null;
}

const BASE: Required<AppSpec> = { folder: "prod", pools: [{ id: "apps", name: "apps" }], terraform: {} };

function build(app: GitOpsApp, spec: AppSpec): void {
  const s = { ...BASE, ...spec };
  const stack = new InfrastructureStack(app, "prod", { subscriptionId: SUBSCRIPTION, folderName: s.folder });
  for (const p of s.pools) {
    new GuardedNodePool(stack, p.id, {
      cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
      name: p.name,
      vmSize: "Standard_D4s_v5",
      minCount: 3,
      maxCount: 6,
      osType: p.osType,
      spot: p.spot ? {} : undefined,
      preventDestroy: p.preventDestroy,
    });
  }
  const flux = new FluxBootstrap(app, "flux", { clusterName: "aks-prod", repositoryUrl: "https://github.com/example-org/gitops.git" });
  const t = s.terraform;
  if (t) {
    const source = t.namespace
      ? new GitRepositorySource(app, "infra-source", { cluster: flux, ref: GitRef.branch("main"), namespace: t.namespace })
      : undefined;
    flux.addTerraform(t.id ?? "aks", {
      stack,
      approval: ApprovalMode.AUTO,
      name: t.name,
      secretSuffix: t.secretSuffix,
      namespace: t.namespace,
      workspace: t.workspace,
      source,
      destroyResourcesOnDeletion: t.destroyResourcesOnDeletion,
      runnerPod: RUNNER_CREDENTIALS,
    });
  }
}

function synth(ws: Workspace, spec: AppSpec, props: Partial<GitOpsAppProps> = {}): GitOpsApp {
  const app = newApp(ws, props);
  build(app, spec);
  app.synth();
  return app;
}

/** The acknowledgement strings a refusal asks for, in the order of its problems. */
function acknowledgementsOf(err: GitOpsSynthError): string[] {
  return err.problems.map((p) => {
    const m = /acknowledge exactly this change: acknowledgedChanges: \["([^"]+)"\]$/.exec(p);
    if (!m) throw new Error(`not a state-safety refusal: ${p}`);
    return m[1];
  });
}

interface Case {
  readonly what: string;
  readonly before?: AppSpec;
  readonly after: AppSpec;
  /** The acknowledgements asked for, as patterns (one per problem, sorted by string). */
  readonly asks: RegExp[];
  /** A phrase every problem of the refusal contains. */
  readonly says: RegExp;
}

/** Every acknowledgement ends in a digest of exactly the change it accepts. */
const DIGEST = "@[0-9a-f]{16}";
const POOL_ADDRESS = "infrastructure/prod/azurerm_kubernetes_cluster_node_pool\\.apps_pool_[0-9A-F]+";

const cases: Case[] = [
  {
    what: "a pool's construct id renamed (its Terraform address changes)",
    after: { pools: [{ id: "workers", name: "apps" }] },
    asks: [new RegExp(`^destroy:${POOL_ADDRESS}${DIGEST}$`)],
    says: /has prevent_destroy and would be destroyed .*looks renamed to azurerm_kubernetes_cluster_node_pool\.workers_pool_[0-9A-F]+: keep the state with a moved block/,
  },
  {
    what: "a pool's name changed",
    after: { pools: [{ id: "apps", name: "workers" }] },
    asks: [new RegExp(`^replace:${POOL_ADDRESS}${DIGEST}$`)],
    says: /would be replaced .*because name: "apps" → "workers"/,
  },
  {
    what: "a pool's osType changed (with a new name: a guarded pool is replaced blue/green)",
    after: { pools: [{ id: "apps", name: "appsw", osType: NodePoolOsType.WINDOWS }] },
    asks: [new RegExp(`^replace:${POOL_ADDRESS}${DIGEST}$`)],
    says: /would be replaced .*because name: "apps" → "appsw", os_type: "Linux" → "Windows"/,
  },
  {
    what: "a pool's priority changed (Regular → Spot, with a new name)",
    after: { pools: [{ id: "apps", name: "spot", spot: true }] },
    asks: [new RegExp(`^replace:${POOL_ADDRESS}${DIGEST}$`)],
    says: /would be replaced .*because name: "apps" → "spot", priority: "Regular" → "Spot", eviction_policy: undefined → "Delete", spot_max_price: undefined → -1 force a new resource/,
  },
  {
    what: "a Terraform object's secretSuffix changed",
    after: { terraform: { secretSuffix: "prod-pools" } },
    asks: [/^state:aks-prod\/flux-system\/aks@[0-9a-f]{16}$/],
    says: /Terraform object flux-system\/aks \(cluster aks-prod\) would move from state flux-system\/tfstate-default-prod to flux-system\/tfstate-default-prod-pools: the controller would start from an empty state/,
  },
  {
    what: "a Terraform object's workspace changed",
    after: { terraform: { workspace: "blue" } },
    asks: [/^state:aks-prod\/flux-system\/aks@[0-9a-f]{16}$/],
    says: /would move from state flux-system\/tfstate-default-prod to flux-system\/tfstate-blue-prod/,
  },
  {
    what: "a Terraform object moved to another namespace",
    after: { terraform: { namespace: "infra" } },
    asks: [/^state:aks-prod\/flux-system\/aks@[0-9a-f]{16}$/],
    says: /Terraform object flux-system\/aks \(cluster aks-prod\) becomes infra\/aks with state infra\/tfstate-default-prod instead of flux-system\/tfstate-default-prod/,
  },
  {
    what: "a Terraform object renamed while its state suffix came from its name",
    before: { terraform: { secretSuffix: "aks" } },
    after: { terraform: { name: "pools", secretSuffix: "pools" } },
    asks: [/^state:aks-prod\/flux-system\/aks@[0-9a-f]{16}$/],
    says: /Terraform object flux-system\/aks \(cluster aks-prod\) becomes flux-system\/pools with state flux-system\/tfstate-default-pools instead of flux-system\/tfstate-default-aks/,
  },
  {
    what: "a stack folder moved (its pools; the object's state suffix, which defaults to the folder)",
    after: { folder: "production" },
    asks: [new RegExp(`^destroy:${POOL_ADDRESS}${DIGEST}$`), /^state:aks-prod\/flux-system\/aks@[0-9a-f]{16}$/],
    says: /has prevent_destroy and would be destroyed|would move from state flux-system\/tfstate-default-prod to flux-system\/tfstate-default-production/,
  },
  {
    what: "a stack folder moved, the state suffix kept (its pools; the object's path)",
    before: { terraform: { secretSuffix: "prod" } },
    after: { folder: "production", terraform: { secretSuffix: "prod" } },
    asks: [new RegExp(`^destroy:${POOL_ADDRESS}${DIGEST}$`), /^path:aks-prod\/flux-system\/aks@[0-9a-f]{16}$/],
    says: /has prevent_destroy and would be destroyed|would read \.\/infrastructure\/production instead of \.\/infrastructure\/prod with the same state/,
  },
  {
    what: "a Terraform object with destroyResourcesOnDeletion removed",
    before: { terraform: { destroyResourcesOnDeletion: true } },
    after: { terraform: null },
    asks: [/^destroy:aks-prod\/flux-system\/aks@[0-9a-f]{16}$/],
    says: /Terraform object flux-system\/aks \(cluster aks-prod\) is removed and has destroyResourcesOnDeletion: the controller would destroy everything it manages/,
  },
];

describe("a destructive change is refused with its acknowledgement, the repo untouched; acknowledged, it is written", () => {
  test.each(cases.map((c) => [c.what, c] as const))("%s", (_what, c) => {
    const ws = workspace();
    synth(ws, c.before ?? {});
    const before = snapshotTree(ws.repo);

    const app = newApp(ws);
    build(app, c.after);
    const err = thrownBy(() => app.synth()) as GitOpsSynthError;
    expect(err).toBeInstanceOf(GitOpsSynthError);
    expect(err.title).toBe("Synth refused: the generated GitOps tree did not pass its checks");
    const asks = acknowledgementsOf(err).sort();
    expect(asks).toHaveLength(c.asks.length);
    asks.forEach((a, i) => expect(a).toMatch(c.asks[i]));
    for (const p of err.problems) expect(p).toMatch(c.says);
    for (const p of err.problems) expect(p).toMatch(/^\[[^\]]+\] /); // names the construct path
    expect(snapshotTree(ws.repo)).toEqual(before); // byte-identical, no lock or temp file left

    // Acknowledging fewer than all of them is still refused, naming only the rest.
    if (asks.length > 1) {
      const partial = newApp(ws, { acknowledgedChanges: asks.slice(1) });
      build(partial, c.after);
      expect(acknowledgementsOf(thrownBy(() => partial.synth()) as GitOpsSynthError)).toEqual([asks[0]]);
      expect(snapshotTree(ws.repo)).toEqual(before);
    }

    const lines: string[] = [];
    const done = synth(ws, c.after, { acknowledgedChanges: asks, log: (l) => lines.push(l) });
    expect(done.report!.written.length + done.report!.removed.length).toBeGreaterThan(0);
    expect(snapshotTree(ws.repo)).not.toEqual(before);
    expect(lines.join("\n")).not.toMatch(/acknowledged nothing/);

    // The same synth again: nothing left to acknowledge, and the stale acknowledgement is pointed out.
    const again: string[] = [];
    const rerun = synth(ws, c.after, { acknowledgedChanges: asks, log: (l) => again.push(l) });
    expect(rerun.report).toMatchObject({ written: [], removed: [] });
    expect(again).toContain(`gitops: acknowledgedChanges that acknowledged nothing in this synth (remove them): ${asks.join(", ")}`);
  });

  test("acknowledging through the context entry (cdktf.json / --context) works the same", () => {
    const ws = workspace();
    synth(ws, {});
    const err = thrownBy(() => synth(ws, { pools: [{ id: "apps", name: "workers" }] })) as GitOpsSynthError;
    const asks = acknowledgementsOf(err);
    synth(ws, { pools: [{ id: "apps", name: "workers" }] }, { context: { acknowledgedChanges: asks } });
    expect(readText(ws.repo, "infrastructure/prod/main.tf.json")).toContain('"name": "workers"');
  });
});

describe("never refused", () => {
  test("the first synth, with every kind of resource and object, into an empty repo", () => {
    const ws = workspace();
    const app = synth(ws, {
      pools: [
        { id: "apps", name: "apps" },
        { id: "spot", name: "spot", spot: true },
        { id: "win", name: "win", osType: NodePoolOsType.WINDOWS },
      ],
      terraform: { destroyResourcesOnDeletion: true },
    });
    expect(app.report!.written.length).toBeGreaterThan(5);
  });

  test("the first synth into a repo that has files but no ownership record (nothing of ours to protect)", () => {
    const ws = workspace();
    const other = workspace();
    synth(other, {});
    // Its Terraform, but no record: as far as the library knows, nothing there is its own, so nothing is protected.
    for (const f of listFiles(other.repo).filter((f) => f.startsWith("infrastructure/"))) {
      fs.mkdirSync(path.dirname(path.join(ws.repo, f)), { recursive: true });
      fs.copyFileSync(path.join(other.repo, f), path.join(ws.repo, f));
    }
    const app = synth(ws, { folder: "production", pools: [{ id: "workers", name: "workers" }] });
    expect(app.report!.written).toContain("infrastructure/production/main.tf.json");
    expect(listFiles(ws.repo)).toContain("infrastructure/prod/main.tf.json"); // not ours: kept, never removed
  });

  test("an unchanged re-synth, and in-place changes (counts, VM size, a renamed object with a stable state suffix)", () => {
    const ws = workspace();
    synth(ws, {});
    expect(synth(ws, {}).report).toMatchObject({
      written: [],
      removed: [],
      unchanged: expect.arrayContaining(["infrastructure/prod/main.tf.json"]),
    });
    // Renaming the object keeps its state: the suffix is the stack folder, not the object name.
    const renamed = synth(ws, { terraform: { id: "aks", name: "pools" } });
    expect(renamed.report!.written).toContain("clusters/aks-prod/terraform/pools.yaml");
    expect(renamed.report!.removed).toContain("clusters/aks-prod/terraform/aks.yaml");
    // A pool without prevent_destroy may go; lowering the guard is a change of its own, acknowledged exactly.
    const unguarded: AppSpec = { terraform: { name: "pools" }, pools: [{ id: "apps", name: "apps", preventDestroy: false }] };
    const asks = acknowledgementsOf(thrownBy(() => synth(ws, unguarded)) as GitOpsSynthError);
    expect(asks).toEqual([expect.stringMatching(new RegExp(`^unguard:${POOL_ADDRESS}${DIGEST}$`))]);
    synth(ws, unguarded, { acknowledgedChanges: asks });
    const gone = synth(ws, { terraform: { name: "pools" }, pools: [] });
    expect(readText(ws.repo, "infrastructure/prod/main.tf.json")).not.toContain("azurerm_kubernetes_cluster_node_pool");
    expect(gone.report!.written).toEqual(["infrastructure/prod/main.tf.json"]);
  });
});

describe("a decommissioned cluster (issue #13 item 6)", () => {
  test("removing the cluster and its stack: the guarded pool is orphaned, not destroyed; written, the synth prints what to do first", () => {
    const ws = workspace();
    synth(ws, {});
    const empty = (app: GitOpsApp): void => void new InfrastructureStack(app, "other", { subscriptionId: SUBSCRIPTION });
    const refused = thrownBy(() => {
      const app = newApp(ws);
      empty(app);
      app.synth();
    }) as GitOpsSynthError;
    expect(refused.problems).toEqual([
      expect.stringMatching(
        /azurerm_kubernetes_cluster_node_pool\.apps_pool_[0-9A-F]+ in infrastructure\/prod has prevent_destroy and would be orphaned: no Terraform object applies infrastructure\/prod any more, the one that did \(flux-system\/aks \(cluster aks-prod\), state flux-system\/tfstate-default-prod\) goes too/,
      ),
    ]);
    // Shown beside the refusal too: whoever acknowledges the orphaned pool reads what to do first before the write.
    expect(refused.notices).toEqual([expect.stringMatching(/^cluster aks-prod is decommissioned \(.*\); first: .*orphaned/)]);
    expect(refused.message).toContain(`What this change also does (read before acknowledging):\n  ${refused.notices[0]}`);
    const lines: string[] = [];
    const app = newApp(ws, { acknowledgedChanges: acknowledgementsOf(refused), log: (l) => lines.push(l) });
    empty(app);
    app.synth();
    expect(lines.filter((l) => l.includes("decommissioned"))).toEqual([
      expect.stringMatching(
        /^gitops: cluster aks-prod is decommissioned \(clusters\/aks-prod\/ and its Terraform objects disappear\); first: .*the state Secrets flux-system\/tfstate-default-prod stay in the cluster, orphaned.*remove the Terraform objects flux-system\/aks in a commit of their own/,
      ),
    ]);
    expect(fs.existsSync(path.join(ws.repo, "clusters", "aks-prod"))).toBe(false);
  });
});
