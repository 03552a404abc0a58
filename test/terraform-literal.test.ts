/**
 * Terraform JSON means literal values literally (#14): a `${…}` or `%{…}` a user typed as data (a tag, a label) is
 * written escaped, so the runner reads it back as the text typed instead of evaluating it; tokens keep resolving.
 * Terraform itself reads the written file back when it is on the PATH.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { App, Fn, TerraformStack, TerraformVariable } from "cdktf";
import { GuardedNodePool, InfrastructureStack, NodePoolCluster } from "../lib";
import { terraformLiteral, terraformLiteralMap } from "../lib/core/terraform-literal";
import { CLUSTER_ID, cleanupTempDirs, newApp, poolResource, readStackJson, SUBSCRIPTION, tempDir, workspace } from "./helpers";

afterAll(cleanupTempDirs);

const HOSTILE = '${file("/etc/passwd")}';
const TAGS: Record<string, string> = {
  hostile: HOSTILE,
  directive: "%{ if true }yes%{ endif }",
  escapedAlready: "$${x}",
  dollarsOnly: "cost $5, 100%",
  "${path.module}": "key too",
};

function synthTags(tags: Record<string, string>): { tags: Record<string, string> } {
  const ws = workspace();
  const app = newApp(ws);
  const stack = new InfrastructureStack(app, "infra", { subscriptionId: SUBSCRIPTION });
  new GuardedNodePool(stack, "pool", {
    cluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
    name: "apps",
    vmSize: "Standard_D4s_v5",
    minCount: 3,
    maxCount: 6,
    tags,
  });
  app.synth();
  return poolResource(readStackJson(ws.repo, "infra"), "apps");
}

test("literal ${ and %{ in tag keys and values are written as $${ and %%{; text without them is untouched", () => {
  expect(synthTags(TAGS).tags).toEqual({
    hostile: '$${file("/etc/passwd")}',
    directive: "%%{ if true }yes%%{ endif }",
    escapedAlready: "$$${x}",
    dollarsOnly: "cost $5, 100%",
    "$${path.module}": "key too",
  });
});

test("tokens keep resolving: a variable next to literal text, a cdktf function (which escapes its own literals), a token key", () => {
  const stack = new TerraformStack(new App({ outdir: path.join(tempDir(), "cdktf.out") }), "s");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  const env = new TerraformVariable(stack, "env", { type: "string" }).stringValue;
  const tags = { mixed: `env-${env}-${HOSTILE}`, fn: Fn.upper("${x}"), [env]: "%{v}", only: env };
  new ResourceGroup(stack, "rg", { name: "rg", location: "westeurope", tags: terraformLiteralMap(tags) });
  expect(
    (stack.toTerraform() as { resource: { azurerm_resource_group: { rg: { tags: unknown } } } }).resource.azurerm_resource_group.rg.tags,
  ).toEqual({
    mixed: 'env-${var.env}-$${file("/etc/passwd")}',
    fn: '${upper("$${x}")}',
    "${var.env}": "%%{v}",
    only: "${var.env}",
  });
});

test("terraformLiteral leaves undefined, token-only and plain strings as they are", () => {
  expect(terraformLiteral(undefined)).toBeUndefined();
  expect(terraformLiteral("plain $ and % and {}")).toBe("plain $ and % and {}");
  expect(terraformLiteralMap(undefined)).toBeUndefined();
  expect(terraformLiteralMap({ a: "${b}" })).toEqual({ a: "$${b}" });
});

/** terraform on the PATH, or undefined (the round trip below then says so instead of passing silently). */
function terraformBinary(): string | undefined {
  const run = spawnSync("terraform", ["version"], { encoding: "utf8" });
  return run.status === 0 ? "terraform" : undefined;
}

const terraform = terraformBinary();
if (!terraform) console.warn("terraform is not on the PATH: the read-back by Terraform itself (terraform-literal.test.ts) is skipped");

(terraform ? test : test.skip)(
  "terraform reads the written tags back as exactly the text typed (terraform console over the written values)",
  () => {
    const written = synthTags(TAGS).tags;
    const dir = tempDir("gitops-tf-");
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ locals: { tags: written } }));
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    const run = spawnSync(terraform!, ["console"], { cwd: dir, input: "jsonencode(local.tags)\n", encoding: "utf8", env, timeout: 60_000 });
    expect({ status: run.status, stderr: run.status === 0 ? "" : run.stderr }).toEqual({ status: 0, stderr: "" });
    const printed = JSON.parse(run.stdout.trim()) as string; // console prints the HCL string; its JSON form is the same
    expect(JSON.parse(printed)).toEqual(TAGS);
  },
  60_000,
);
