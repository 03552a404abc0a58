import { parseAllDocuments } from "yaml";
import { checkStateSafety } from "../lib/checks/state-safety";
import { GitOpsFile } from "../lib/core/gitops-file";
import { OwnershipRecord } from "../lib/synth/ownership";
import { renderFile, RenderedFile } from "../lib/synth/render";
import { RepoView } from "../lib/synth/repo-view";

// Pass-through, counted: the check must parse only files whose bytes differ from what this synth renders.
jest.mock("yaml", () => {
  const actual = jest.requireActual<typeof import("yaml")>("yaml");
  return { ...actual, parseAllDocuments: jest.fn(actual.parseAllDocuments) };
});

const POOL = "azurerm_kubernetes_cluster_node_pool";

function pool(name: string, extra: Record<string, unknown> = {}, preventDestroy = true) {
  return {
    name,
    vm_size: "Standard_D2s_v3",
    os_type: "Linux",
    priority: "Regular",
    min_count: 3,
    max_count: 5,
    lifecycle: { ignore_changes: ["node_count"], prevent_destroy: preventDestroy },
    ...extra,
  };
}
function tf(resources: Record<string, unknown>): GitOpsFile {
  return {
    path: "infrastructure/prod/main.tf.json",
    source: "app/prod",
    content: { format: "json", value: { resource: { [POOL]: resources } } },
  };
}
function cr(name: string, spec: Record<string, unknown> = {}): GitOpsFile {
  const doc = {
    apiVersion: "infra.contrib.fluxcd.io/v1alpha2",
    kind: "Terraform",
    metadata: { name, namespace: "flux-system" },
    spec: {
      interval: "5m",
      path: "./infrastructure/prod",
      sourceRef: { kind: "GitRepository", name: "flux-system" },
      backendConfig: { secretSuffix: "prod", inClusterConfig: true },
      ...spec,
    },
  };
  return { path: `clusters/prod/terraform/${name}.yaml`, source: `app/cluster/${name}`, content: { format: "yaml", documents: [doc] } };
}
/** A repo view holding the given files as the previously generated tree. */
function repoOf(files: GitOpsFile[]): RepoView {
  const rendered = files.map(renderFile);
  const record: OwnershipRecord = { generator: "cdktf-aks-gitops", files: Object.fromEntries(rendered.map((f) => [f.path, f.sha256])) };
  return { record, read: (p) => rendered.find((f) => f.path === p)?.bytes };
}
/** The acknowledgement a refusal asks for. */
function ackIn(problem: string): string {
  const m = /acknowledge exactly this change: acknowledgedChanges: \["([^"]+)"\]$/.exec(problem);
  if (!m) throw new Error(`no acknowledgement in: ${problem}`);
  return m[1];
}
function check(before: GitOpsFile[], after: GitOpsFile[], acknowledged: string[] = []): string[] {
  const next: RenderedFile[] = after.map(renderFile);
  return checkStateSafety(next, repoOf(before), { acknowledged: new Set(acknowledged) });
}

describe("state safety against the tree on disk", () => {
  test("first synth (no tree) and an unchanged tree pass", () => {
    expect(
      checkStateSafety([renderFile(tf({ a: pool("core") }))], { record: undefined, read: () => undefined }, { acknowledged: new Set() }),
    ).toEqual([]);
    expect(check([tf({ a: pool("core") }), cr("aks")], [tf({ a: pool("core") }), cr("aks")])).toEqual([]);
  });

  test("a file on disk with the bytes this synth renders is not parsed again; a changed one is", () => {
    const parse = parseAllDocuments as jest.MockedFunction<typeof parseAllDocuments>;
    parse.mockClear();
    expect(check([tf({ a: pool("core") }), cr("aks"), cr("other")], [tf({ a: pool("core") }), cr("aks"), cr("other")])).toEqual([]);
    expect(parse).not.toHaveBeenCalled();
    const problems = check(
      [tf({ a: pool("core") }), cr("aks"), cr("other")],
      [tf({ a: pool("core") }), cr("aks", { backendConfig: { secretSuffix: "moved", inClusterConfig: true } }), cr("other")],
    );
    expect(parse).toHaveBeenCalledTimes(1);
    expect(problems).toEqual([
      expect.stringContaining(
        "Terraform object flux-system/aks (cluster prod) would move from state flux-system/tfstate-default-prod to flux-system/tfstate-default-moved",
      ),
    ]);
  });

  test("in-place changes pass (min/max counts, vm size rotates, labels)", () => {
    expect(
      check(
        [tf({ a: pool("core") })],
        [tf({ a: pool("core", { min_count: 4, max_count: 9, vm_size: "Standard_D4s_v3", node_labels: { a: "b" } }) })],
      ),
    ).toEqual([]);
  });

  test("a guarded pool whose address disappears is refused, with the acknowledgement to give", () => {
    const problems = check([tf({ a: pool("core") })], [tf({})]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^\[app\/prod\] azurerm_kubernetes_cluster_node_pool\.a in infrastructure\/prod has prevent_destroy and would be destroyed/,
    );
    const ack = ackIn(problems[0]);
    expect(ack).toMatch(/^destroy:infrastructure\/prod\/azurerm_kubernetes_cluster_node_pool\.a@[0-9a-f]{16}$/);
    expect(check([tf({ a: pool("core") })], [tf({})], [ack])).toEqual([]);
  });

  test("a pool without prevent_destroy may go", () => {
    expect(check([tf({ a: pool("core", {}, false) })], [tf({})])).toEqual([]);
  });

  test("a renamed address suggests a moved block", () => {
    const [problem] = check([tf({ a: pool("core") })], [tf({ b: pool("core") })]);
    expect(problem).toMatch(
      /looks renamed to azurerm_kubernetes_cluster_node_pool\.b: keep the state with a moved block instead, which needs no acknowledgement: call moveFromId\("azurerm_kubernetes_cluster_node_pool\.a"\) on the resource now at azurerm_kubernetes_cluster_node_pool\.b .*where only OpenTofu is installed, synth with TERRAFORM_BINARY_NAME=tofu\. If this is intended/,
    );
  });

  describe("moved blocks (issue #13 item 3)", () => {
    const moved = (file: GitOpsFile, blocks: { from: string; to: string }[]): GitOpsFile => {
      const content = file.content as { format: "json"; value: Record<string, unknown> };
      return { ...file, content: { format: "json", value: { ...content.value, moved: blocks } } };
    };
    const a = `${POOL}.a`;
    const b = `${POOL}.b`;

    test("an address that disappears with a moved block to its new address in the same stack is a rename: nothing to acknowledge", () => {
      expect(check([tf({ a: pool("core") })], [moved(tf({ b: pool("core") }), [{ from: a, to: b }])])).toEqual([]);
    });

    test("the moved resource is still compared with what it was: a forced replacement or a lowered guard is refused", () => {
      const replaced = check([tf({ a: pool("core") })], [moved(tf({ b: pool("core", { os_type: "Windows" }) }), [{ from: a, to: b }])]);
      expect(replaced).toEqual([
        expect.stringMatching(/^\[app\/prod\] azurerm_kubernetes_cluster_node_pool\.a .*would be replaced .*because os_type: /),
      ]);
      const unguarded = check([tf({ a: pool("core") })], [moved(tf({ b: pool("core", {}, false) }), [{ from: a, to: b }])]);
      expect(unguarded).toEqual([expect.stringContaining("has prevent_destroy in the committed tree and would lose it")]);
    });

    test("a moved block whose target is not in the stack moves nothing: still refused", () => {
      expect(check([tf({ a: pool("core") })], [moved(tf({}), [{ from: a, to: b }])])).toEqual([
        expect.stringContaining(`${a} in infrastructure/prod has prevent_destroy and would be destroyed`),
      ]);
    });

    test("a move between stacks is not a rename: refused, saying why the moved block there does not count", () => {
      const other: GitOpsFile = { ...moved(tf({ b: pool("core") }), [{ from: a, to: b }]), path: "infrastructure/other/main.tf.json" };
      const problems = check([tf({ a: pool("core") })], [tf({}), other]);
      expect(problems).toEqual([
        expect.stringContaining(
          `${a} in infrastructure/prod has prevent_destroy and would be destroyed (its resource address disappears); the moved ` +
            `block from ${a} in infrastructure/other does not count: a moved block moves state only inside its own stack`,
        ),
      ]);
      expect(check([tf({ a: pool("core") })], [tf({}), other], [ackIn(problems[0])])).toEqual([]);
    });
  });

  test.each([
    ["name", { name: "core2" }],
    ["os_type", { os_type: "Windows" }],
    ["priority", { priority: "Spot" }],
    ["eviction_policy", { eviction_policy: "Deallocate" }],
    [
      "kubernetes_cluster_id",
      { kubernetes_cluster_id: "/subscriptions/x/resourceGroups/y/providers/Microsoft.ContainerService/managedClusters/other" },
    ],
    ["os_sku", { os_sku: "Windows2022" }],
  ])("a change of %s replaces the pool and is refused", (attr, change) => {
    const problems = check([tf({ a: pool("core", { os_sku: "Ubuntu" }) })], [tf({ a: pool("core", { os_sku: "Ubuntu", ...change }) })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`would be replaced .*because ${attr}: `));
    expect(ackIn(problems[0])).toMatch(/^replace:infrastructure\/prod\/azurerm_kubernetes_cluster_node_pool\.a@[0-9a-f]{16}$/);
  });

  test("Ubuntu → AzureLinux is an in-place OS SKU migration", () => {
    expect(check([tf({ a: pool("core", { os_sku: "Ubuntu" }) })], [tf({ a: pool("core", { os_sku: "AzureLinux" }) })])).toEqual([]);
  });

  test("a Terraform object whose secretSuffix, workspace or namespace changes would start an empty state", () => {
    for (const spec of [{ backendConfig: { secretSuffix: "prod2", inClusterConfig: true } }, { workspace: "blue" }]) {
      const problems = check([cr("aks")], [cr("aks", spec)]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        /Terraform object flux-system\/aks \(cluster prod\) would move from state flux-system\/tfstate-default-prod to .*empty state/,
      );
      expect(ackIn(problems[0])).toMatch(/^state:prod\/flux-system\/aks@[0-9a-f]{16}$/);
    }
  });

  test("renaming the object keeps the state when secretSuffix is stable, and is refused when it is not", () => {
    expect(check([cr("aks")], [cr("aks-renamed")])).toEqual([]);
    const noSuffix = (name: string) => cr(name, { backendConfig: undefined });
    const [problem] = check([noSuffix("aks")], [noSuffix("aks-renamed")]);
    expect(problem).toMatch(
      /becomes flux-system\/aks-renamed with state flux-system\/tfstate-default-aks-renamed instead of flux-system\/tfstate-default-aks/,
    );
  });

  test("a path move with the same state is refused", () => {
    const [problem] = check([cr("aks")], [cr("aks", { path: "./infrastructure/other" })]);
    expect(problem).toMatch(/would read \.\/infrastructure\/other instead of \.\/infrastructure\/prod with the same state/);
    expect(check([cr("aks")], [cr("aks", { path: "./infrastructure/other" })], [ackIn(problem)])).toEqual([]);
  });

  test("removing an object with destroyResourcesOnDeletion is refused; without it the state is kept and it passes", () => {
    expect(check([cr("aks", { destroyResourcesOnDeletion: true })], [])[0]).toMatch(/is removed and has destroyResourcesOnDeletion/);
    expect(check([cr("aks")], [])).toEqual([]);
  });
});

describe("Terraform objects of different clusters", () => {
  test("the same namespace/name in two clusters are two objects: an unchanged fleet re-synthesizes", () => {
    const inCluster = (cluster: string, suffix: string): GitOpsFile => {
      const f = cr("pools", { backendConfig: { secretSuffix: suffix, inClusterConfig: true }, path: `./infrastructure/${suffix}` });
      return { ...f, path: `clusters/${cluster}/terraform/pools.yaml` };
    };
    const fleet = [inCluster("aks-a", "a"), inCluster("aks-b", "b")];
    expect(check(fleet, fleet)).toEqual([]);
    const [problem] = check(fleet, [inCluster("aks-a", "a"), inCluster("aks-b", "b2")]);
    expect(problem).toMatch(
      /Terraform object flux-system\/pools \(cluster aks-b\) would move from state flux-system\/tfstate-default-b to flux-system\/tfstate-default-b2/,
    );
    expect(ackIn(problem)).toMatch(/^state:aks-b\/flux-system\/pools@[0-9a-f]{16}$/);
  });
});

describe("acknowledgements are exact (issue #12 item 4)", () => {
  const A = "infrastructure/prod/azurerm_kubernetes_cluster_node_pool.a";

  test("an acknowledgement accepts exactly its change: left behind, it accepts no other change of the same address", () => {
    const [toCore2] = check([tf({ a: pool("core") })], [tf({ a: pool("core2") })]);
    const ack = ackIn(toCore2);
    expect(check([tf({ a: pool("core") })], [tf({ a: pool("core2") })], [ack])).toEqual([]);
    // The same address, another replacement (Linux → Windows): the leftover entry accepts nothing.
    const used = new Set<string>();
    const problems = checkStateSafety([renderFile(tf({ a: pool("core", { os_type: "Windows" }) }))], repoOf([tf({ a: pool("core") })]), {
      acknowledged: new Set([ack]),
      used,
    });
    expect(problems).toHaveLength(1);
    expect(ackIn(problems[0])).not.toBe(ack);
    expect(used.has(ack)).toBe(false); // so the synth reports it as stale
  });

  test("the old form (address only) is refused with the exact form to use instead", () => {
    const problems = check([tf({ a: pool("core") })], [tf({ a: pool("core2") })], [`replace:${A}`]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        `The entry "replace:${A.replace(/[./]/g, "\\$&")}" names only the address, so it would also accept a later, different change of it; if this change is intended, acknowledge exactly this change: acknowledgedChanges: \\["replace:.*@[0-9a-f]{16}"\\]$`,
      ),
    );
  });

  test("lowering prevent_destroy on a pool that had it is itself a change to acknowledge", () => {
    const [problem, ...rest] = check([tf({ a: pool("core") })], [tf({ a: pool("core", {}, false) })]);
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /has prevent_destroy in the committed tree and would lose it: lowering the guard is itself a change to acknowledge/,
    );
    expect(ackIn(problem)).toMatch(/^unguard:infrastructure\/prod\/azurerm_kubernetes_cluster_node_pool\.a@[0-9a-f]{16}$/);
    expect(check([tf({ a: pool("core") })], [tf({ a: pool("core", {}, false) })], [ackIn(problem)])).toEqual([]);
  });

  test("renaming a Terraform object with destroyResourcesOnDeletion is refused: its Azure resources would be destroyed", () => {
    const [problem, ...rest] = check(
      [cr("aks", { destroyResourcesOnDeletion: true })],
      [cr("pools", { destroyResourcesOnDeletion: true })],
    );
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /Terraform object flux-system\/aks \(cluster prod\) is renamed to flux-system\/pools and has destroyResourcesOnDeletion: Flux prunes flux-system\/aks and its finalizer destroys everything it manages, the Azure resources it manages \(\.\/infrastructure\/prod\) would be destroyed/,
    );
    expect(ackIn(problem)).toMatch(/^destroy:prod\/flux-system\/aks@[0-9a-f]{16}$/);
    expect(check([cr("aks", { destroyResourcesOnDeletion: true })], [cr("pools")], [ackIn(problem)])).toEqual([]);
    // Without destroyResourcesOnDeletion a rename that keeps the state is harmless.
    expect(check([cr("aks")], [cr("pools")])).toEqual([]);
  });

  test("the committed tree (repo.base) is what counts, not the working tree", () => {
    const working = repoOf([]); // e.g. rm -rf clusters infrastructure .gitops-generated.json
    const committed = repoOf([tf({ a: pool("core") })]);
    const problems = checkStateSafety(
      [renderFile(tf({ a: pool("core2") }))],
      { ...working, record: undefined, base: committed },
      {
        acknowledged: new Set(),
      },
    );
    expect(problems).toEqual([expect.stringMatching(/would be replaced .*because name: "core" → "core2"/)]);
  });
});

describe("a decommissioned cluster (issue #13 item 6)", () => {
  const bootstrap: GitOpsFile = {
    path: "bootstrap/prod/main.tf.json",
    source: "app/flux/bootstrap",
    content: {
      format: "json",
      value: { resource: { azurerm_role_definition: { role: { name: "aks-prod-node-pools", scope: "/subscriptions/x" } } } },
    },
  };
  function synthOf(before: GitOpsFile[], after: GitOpsFile[], acknowledged: string[] = []): { problems: string[]; notices: string[] } {
    const notices: string[] = [];
    const problems = checkStateSafety(after.map(renderFile), repoOf(before), { acknowledged: new Set(acknowledged), notices });
    return { problems, notices };
  }

  test("its guarded pools are orphaned, not destroyed, when their Terraform object (destroyResourcesOnDeletion: false) goes too", () => {
    const { problems } = synthOf([tf({ a: pool("core") }), cr("aks")], []);
    expect(problems).toEqual([
      expect.stringMatching(
        /^\[app\] azurerm_kubernetes_cluster_node_pool\.a in infrastructure\/prod has prevent_destroy and would be orphaned: no Terraform object applies infrastructure\/prod any more, the one that did \(flux-system\/aks \(cluster prod\), state flux-system\/tfstate-default-prod\) goes too and has destroyResourcesOnDeletion: false, so nothing destroys it: it stays in Azure/,
      ),
    ]);
    expect(problems[0]).not.toContain("would be destroyed");
    expect(synthOf([tf({ a: pool("core") }), cr("aks")], [], [ackIn(problems[0])]).problems).toEqual([]);
  });

  test("a pool whose Terraform object lives on at another path, with the same state, would be destroyed, not orphaned", () => {
    const moved = cr("aks", { path: "./infrastructure/production" });
    const { problems } = synthOf([tf({ a: pool("core") }), cr("aks")], [moved]);
    expect(problems).toEqual([
      expect.stringContaining("has prevent_destroy and would be destroyed (its resource address disappears)"),
      expect.stringContaining("would read ./infrastructure/production instead of ./infrastructure/prod"),
    ]);
  });

  test("a pool whose folder is still applied by a Terraform object (in another cluster) would be destroyed, as before", () => {
    const elsewhere: GitOpsFile = { ...cr("aks"), path: "clusters/other/terraform/aks.yaml" };
    const { problems } = synthOf([tf({ a: pool("core") }), cr("aks")], [elsewhere]);
    expect(problems).toEqual([expect.stringContaining("has prevent_destroy and would be destroyed (its resource address disappears)")]);
  });

  test("one line per decommissioned cluster: the bootstrap stack and its custom role, the orphaned state Secrets, the order of removal", () => {
    const { notices } = synthOf([bootstrap, cr("aks"), cr("pools", { backendConfig: { secretSuffix: "pools" } })], []);
    expect(notices).toHaveLength(1);
    const [line] = notices;
    expect(line).toMatch(/^cluster prod is decommissioned \(clusters\/prod\/ and its Terraform objects disappear\); first: /);
    expect(line).toContain(
      "destroy the bootstrap stack bootstrap/prod (terraform destroy in bootstrap/prod at the committed tree) or hand it over",
    );
    expect(line).toContain(
      "it is the only configuration that can tear down the Flux extension, the runner identity and its role assignment",
    );
    expect(line).toContain('the custom role "aks-prod-node-pools" (azurerm_role_definition)');
    expect(line).toContain(
      "the state Secrets flux-system/tfstate-default-prod, flux-system/tfstate-default-pools stay in the cluster, orphaned",
    );
    expect(line).toContain(
      "remove the Terraform objects flux-system/aks, flux-system/pools in a commit of their own and wait until Flux has pruned them, " +
        "while their source GitRepository flux-system/flux-system is still there",
    );
    expect(line).toContain("a Terraform object pruned in the same pass as its own GitRepository stays Terminating");
  });

  test("no line while the cluster's folder stays, or for a first synth", () => {
    expect(synthOf([bootstrap, cr("aks")], [bootstrap, cr("aks")]).notices).toEqual([]);
    expect(synthOf([bootstrap, cr("aks")], [cr("aks")]).notices).toEqual([]);
    expect(synthOf([], [cr("aks")]).notices).toEqual([]);
  });

  test("a cluster without a bootstrap stack in the tree (flux CLI mode): the line names the Secrets and the order only", () => {
    const [line] = synthOf([cr("aks")], [bootstrap]).notices;
    expect(line).toMatch(/^cluster prod is decommissioned \(.*\); first: the state Secrets flux-system\/tfstate-default-prod stay/);
    expect(line).not.toContain("bootstrap");
    expect(
      synthOf([{ ...bootstrap, path: "clusters/prod/kustomization.yaml", content: { format: "yaml", documents: [] } }], []).notices,
    ).toEqual(["cluster prod is decommissioned (clusters/prod/ disappears)"]);
  });
});
