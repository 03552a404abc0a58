/**
 * Issue #13 item 3: a `moved` block counts. A guarded pool whose construct id changes is a rename when the stack
 * carries `resource.moveFromId(old)`: no acknowledgement, the moved block is written as cdktf 0.21 writes it. cdktf
 * runs `<TERRAFORM_BINARY_NAME> version` during synth of a stack with a move (synthesize/synthesizer.js,
 * ValidateTerraformVersion >= 1.5); here that binary is a stand-in printing an OpenTofu version, so the test needs
 * neither terraform nor tofu on the PATH, and shows that an OpenTofu-only machine passes the check.
 */
import * as fs from "fs";
import * as path from "path";
import { GitOpsSynthError, GuardedNodePool, InfrastructureStack, NodePoolCluster } from "../lib";
import { CLUSTER_ID, cleanupTempDirs, newApp, SUBSCRIPTION, thrownBy, workspace, Workspace } from "./helpers";

// cdktf reads TERRAFORM_BINARY_NAME once, when lib/util.js loads; the validation reads this export when it is created.
jest.mock("cdktf/lib/util", () => ({
  ...jest.requireActual<object>("cdktf/lib/util"),
  terraformBinaryName: `${JSON.stringify(process.execPath)} -e "console.log('OpenTofu v1.9.1')" --`,
}));

afterAll(cleanupTempDirs);

const POOL = "azurerm_kubernetes_cluster_node_pool";

/** One guarded pool "apps" under construct id `id`; `movedFrom` adds moveFromId on it. */
function synth(ws: Workspace, id: string, movedFrom?: string, acknowledgedChanges: string[] = []): string[] {
  const lines: string[] = [];
  const app = newApp(ws, { log: (l) => lines.push(l), acknowledgedChanges });
  const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
  const pool = new GuardedNodePool(stack, id, {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    name: "apps",
    vmSize: "Standard_D4s_v5",
    minCount: 3,
    maxCount: 6,
  });
  if (movedFrom) pool.resource.moveFromId(movedFrom);
  app.synth();
  return lines;
}

function stackJson(ws: Workspace): { resource: Record<string, Record<string, unknown>>; moved?: unknown } {
  return JSON.parse(fs.readFileSync(path.join(ws.repo, "infrastructure/infra/main.tf.json"), "utf8"));
}

test("a renamed guarded pool is refused with advice that, followed exactly, passes without an acknowledgement", () => {
  const ws = workspace();
  synth(ws, "workers");
  const [oldAddress] = Object.keys(stackJson(ws).resource[POOL]).map((name) => `${POOL}.${name}`);

  const refused = thrownBy(() => synth(ws, "apps"));
  expect(refused).toBeInstanceOf(GitOpsSynthError);
  const [problem] = (refused as GitOpsSynthError).problems;
  const advised = new RegExp(`call moveFromId\\("${oldAddress.replace(/\./g, "\\.")}"\\) on the resource now at (${POOL}\\.\\S+) `).exec(
    problem,
  );
  expect(advised).not.toBeNull();
  expect(problem).toContain("where only OpenTofu is installed, synth with TERRAFORM_BINARY_NAME=tofu");

  synth(ws, "apps", oldAddress); // no acknowledgement
  const written = stackJson(ws);
  const newAddress = advised![1];
  expect(Object.keys(written.resource[POOL]).map((name) => `${POOL}.${name}`)).toEqual([newAddress]);
  expect(written.moved).toEqual([{ from: oldAddress, to: newAddress }]); // the shape cdktf 0.21 writes
});
