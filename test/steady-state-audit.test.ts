/**
 * The node pool rows of docs/steady-state-audit.md, one test per row the code acts on: what a GuardedNodePool writes
 * so that a plan after apply is empty, and what it refuses because azurerm would refuse it at plan or rotate the pool.
 * (The replacement rows are in test/replacement-rules.test.ts.)
 */
import * as fs from "fs";
import { GitOpsSynthError, GuardedNodePool, GuardedNodePoolProps, InfrastructureStack, NodePoolCluster } from "../lib";
import { canonicalVmSize } from "../lib/azure/node-pool-steady-state";
import { CLUSTER_ID, cleanupTempDirs, newApp, poolResource, readStackJson, re, SUBSCRIPTION, thrownBy, workspace } from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const STACK = "infra";
const at = `\\[${STACK}/pool\\] `;
const SPOT_LABEL = "kubernetes.azure.com/scalesetpriority";
const base = { name: "apps", vmSize: "Standard_D4s_v5", minCount: 3, maxCount: 6 } as const;
type PoolProps = Partial<Omit<GuardedNodePoolProps, "cluster">>;

function build(props: PoolProps) {
  const ws = workspace();
  const app = newApp(ws);
  const stack = new InfrastructureStack(app, STACK, { subscriptionId: SUBSCRIPTION });
  new GuardedNodePool(stack, "pool", { cluster: NodePoolCluster.fromClusterId(CLUSTER_ID), ...base, ...props });
  return { ws, app };
}
function synthPool(props: PoolProps = {}): Parsed {
  const { ws, app } = build(props);
  app.synth();
  return poolResource(readStackJson(ws.repo, STACK), props.name ?? base.name);
}
function refused(props: PoolProps): GitOpsSynthError {
  const { ws, app } = build(props);
  const err = thrownBy(() => app.synth());
  expect(err).toBeInstanceOf(GitOpsSynthError);
  expect(fs.existsSync(ws.repo)).toBe(false);
  return err as GitOpsSynthError;
}

describe("node pool rows: written so that a plan after apply is empty", () => {
  test("upgrade settings default: a Regular pool without upgradeSettings writes max_surge 10% (Optional, not Computed; AKS returns 10%)", () => {
    expect(synthPool().upgrade_settings).toEqual({ max_surge: "10%" });
  });

  test("upgrade settings given: they are written as given, maxSurge 10% only where neither surge nor unavailable is given", () => {
    expect(synthPool({ upgradeSettings: { maxUnavailable: "1" } }).upgrade_settings).toEqual({ max_unavailable: "1" });
    expect(synthPool({ upgradeSettings: { drainTimeoutInMinutes: 30 } }).upgrade_settings).toEqual({
      max_surge: "10%",
      drain_timeout_in_minutes: 30,
    });
  });

  test("spot label: a Spot pool writes node_labels[scalesetpriority] = spot beside its own labels, and no upgrade_settings", () => {
    const pool = synthPool({ spot: {}, nodeLabels: { workload: "batch" } });
    expect(pool.node_labels).toEqual({ workload: "batch", [SPOT_LABEL]: "spot" });
    expect(pool.upgrade_settings).toBeUndefined();
    expect(synthPool({ spot: {} }).node_labels).toEqual({ [SPOT_LABEL]: "spot" });
  });

  test("spot label given: accepted on a Spot pool with the value AKS sets, written once; refused elsewhere", () => {
    expect(synthPool({ spot: {}, nodeLabels: { [SPOT_LABEL]: "spot" } }).node_labels).toEqual({ [SPOT_LABEL]: "spot" });
    const reserved = `allowed is a key outside the reserved prefixes kubernetes.io/, kubernetes.azure.com/`;
    expect(refused({ nodeLabels: { [SPOT_LABEL]: "spot" } }).message).toMatch(
      new RegExp(`${at}${re(`nodeLabels["${SPOT_LABEL}"] = "${SPOT_LABEL}": ${reserved}`)}`),
    );
    expect(refused({ spot: {}, nodeLabels: { [SPOT_LABEL]: "regular" } }).message).toMatch(new RegExp(re(reserved)));
  });

  test("a Regular pool gets no Spot label", () => {
    expect(synthPool({ nodeLabels: { workload: "web" } }).node_labels).toEqual({ workload: "web" });
  });
});

describe("node pool rows: refused at synth where azurerm would refuse or rotate", () => {
  test("Spot pool with upgradeSettings: refused (4.65 CustomizeDiff refuses surge on Spot; 4.55 needs surge in a present block)", () => {
    const err = refused({ spot: {}, upgradeSettings: { maxSurge: "10%" } });
    expect(err.problems).toEqual([
      expect.stringMatching(
        new RegExp(`^${at}${re('upgradeSettings = {"maxSurge":"10%"}: allowed is unset for a Spot pool')}.*azurerm 4\\.65`),
      ),
    ]);
    expect(refused({ spot: {}, upgradeSettings: { drainTimeoutInMinutes: 5 } }).problems).toHaveLength(1);
  });

  test.each([
    ["Standard_D2S_v3", "Standard_D2s_v3"],
    ["Standard_d4s_v5", "Standard_D4s_v5"],
    ["Standard_D4s_V5", "Standard_D4s_v5"],
    ["Standard_ds2_v2", "Standard_DS2_v2"],
  ])("vmSize in another case than Azure's spelling: %s is refused, naming %s", (given, canonical) => {
    const err = refused({ vmSize: given });
    expect(err.problems).toEqual([
      expect.stringMatching(new RegExp(`^${at}${re(`vmSize = "${given}": allowed is Azure's spelling of the size, "${canonical}"`)}`)),
    ]);
  });

  test.each([
    "Standard_D2s_v3",
    "Standard_DS2_v2",
    "Standard_NC24ads_A100_v4",
    "Standard_NV36adms_A10_v5",
    "Standard_B2ms",
    "Standard_DS2_v2_Promo",
  ])("vmSize in Azure's spelling is accepted as written: %s", (size) => {
    expect(canonicalVmSize(size)).toBe(size);
    expect(synthPool({ vmSize: size }).vm_size).toBe(size);
  });
});
