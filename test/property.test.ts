import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as fc from "fast-check";
import { GitOpsApp, GuardedNodePool, InfrastructureStack, NodePoolCluster, NodePoolMode, NodePoolOsType, SpotEvictionPolicy } from "../lib";
import { validateTree } from "../lib/synth/validate-tree";
import { Parsed } from "./parsed";

/**
 * Random props never end in anything but a validation error or output that holds the guardrails: the property the
 * whole library stands on. Runs without disk writes (validate, then render in memory).
 */
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "prop-"));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

// Weighted so that about half of the runs are valid: a property that is always refused would prove nothing.
const count = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 12 }), weight: 6 },
  { arbitrary: fc.integer({ min: -5, max: 1005 }), weight: 1 },
  { arbitrary: fc.double({ min: -2, max: 20, noNaN: true }), weight: 1 },
  { arbitrary: fc.constantFrom(1000, 1001), weight: 1 },
);
const poolName = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), weight: 5 },
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,13}$/), weight: 2 },
  { arbitrary: fc.constantFrom("", "Core", "core-pool", "corepool", "win1", "abcdefghitmp"), weight: 1 },
);

test("random GuardedNodePool props: refused, or guardrails hold in the Terraform JSON", () => {
  let accepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(
      fc.record({
        name: poolName,
        counts: fc.tuple(count, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 3 }), count).map(([min, delta, pick, wild]) => ({
          minCount: min,
          maxCount: pick === 0 ? wild : min + delta,
          nodeCount: pick === 1 ? undefined : pick === 2 ? wild : min + Math.floor(delta / 2),
        })),
        floor: fc.option(fc.integer({ min: -1, max: 6 }), { nil: undefined, freq: 2 }),
        windows: fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
        system: fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
        spot: fc.option(fc.constantFrom(SpotEvictionPolicy.DELETE, SpotEvictionPolicy.DEALLOCATE), { nil: undefined, freq: 2 }),
        maxPods: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined, freq: 2 }),
      }),
      (p) => {
        const app = new GitOpsApp({ outdir, gitopsRoot: outdir, log: () => {} });
        const stack = new InfrastructureStack(app, "infra", { subscriptionId: "00000000-0000-0000-0000-000000000000" });
        new GuardedNodePool(stack, "pool", {
          cluster: NodePoolCluster.fromClusterName("aks", "rg"),
          name: p.name,
          vmSize: "Standard_D2s_v3",
          ...p.counts,
          osType: p.windows ? NodePoolOsType.WINDOWS : NodePoolOsType.LINUX,
          mode: p.system ? NodePoolMode.SYSTEM : NodePoolMode.USER,
          spot: p.spot ? { evictionPolicy: p.spot } : undefined,
          maxPods: p.maxPods,
          guardrails: p.floor === undefined ? undefined : { minCountFloor: p.floor },
        });
        const problems = validateTree(app);
        if (problems.length > 0) {
          // Every refusal names the construct path and what is allowed.
          for (const msg of problems) expect(msg).toMatch(/^\[infra(\/pool)?\] \S.* = .*: allowed is /);
          refused++;
          return;
        }
        accepted++;
        const files = app.renderGitOpsFiles();
        const tf = JSON.parse(files.find((f) => f.path === "infrastructure/infra/main.tf.json")!.bytes.toString());
        const [res] = Object.values(tf.resource.azurerm_kubernetes_cluster_node_pool) as Record<string, Parsed>[];
        const floor = p.floor ?? 3;
        expect(res.auto_scaling_enabled).toBe(true);
        expect(Number.isInteger(res.min_count) && res.min_count >= floor && res.min_count >= 0).toBe(true);
        expect(Number.isInteger(res.max_count) && res.max_count >= res.min_count && res.max_count >= 1 && res.max_count <= 1000).toBe(true);
        if (res.node_count !== undefined) expect(res.node_count >= res.min_count && res.node_count <= res.max_count).toBe(true);
        expect(res.lifecycle.ignore_changes).toContain("node_count");
        expect(res.lifecycle.prevent_destroy).toBe(true);
        const max = p.windows ? 6 : 12;
        for (const n of [res.name, res.temporary_name_for_rotation]) expect(n).toMatch(new RegExp(`^[a-z][a-z0-9]{0,${max - 1}}$`));
        expect(res.temporary_name_for_rotation).not.toBe(res.name);
        if (res.eviction_policy !== undefined) expect(res.priority).toBe("Spot");
        if (res.mode === "System") expect([res.os_type, res.priority]).toEqual(["Linux", "Regular"]);
      },
    ),
    { numRuns: 300 },
  );
  // Both branches must really be exercised, or the property says nothing.
  expect(accepted).toBeGreaterThan(20);
  expect(refused).toBeGreaterThan(20);
});
