/**
 * Terraform plans of generated stacks with terraform_data stand-ins (no provider download, no Azure): each node pool
 * at `terraform_data.<its name>`, its ForceNew attributes as triggers_replace and its prevent_destroy, with the
 * stack's moved and import blocks of pools. `terraform` is undefined where no binary is on the PATH: the callers skip
 * their plans then and say so.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { replacementRulesForStack } from "../lib/azure/replacement-rules";

export const NODE_POOL = "azurerm_kubernetes_cluster_node_pool";

type Json = Record<string, Record<string, unknown>>;
/** A generated main.tf.json as far as these plans read it. */
export interface StackJson {
  resource: Record<string, Json>;
  import?: { to: string; id: string; provider?: string }[];
  moved?: { from: string; to: string }[];
}

/** terraform on the PATH, or undefined. */
export const terraform: string | undefined = (() => {
  const run = spawnSync("terraform", ["version"], { encoding: "utf8" });
  return run.status === 0 ? "terraform" : undefined;
})();

const env = (() => {
  const e: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  delete e.TF_CLI_CONFIG_FILE;
  return e;
})();

export function tf(dir: string, args: string[]): { status: number | null; output: string } {
  const run = spawnSync(terraform!, [...args, "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A reference (`${data.….id}`) kept as text: the stand-in compares values, it resolves nothing. */
const literal = (text: string): string => text.split("${").join("$${");

export const toData = (a: string): string => a.replace(`${NODE_POOL}.`, "terraform_data.");

/**
 * A generated main.tf.json as terraform_data: each pool at `terraform_data.<its name>` with its ForceNew attributes
 * as triggers_replace (`withTriggers`; an imported terraform_data has none, as nothing reads the live pool here) and
 * its prevent_destroy, and the stack's moved and import blocks of pools.
 */
export function transplant(raw: string, withTriggers = true): string {
  const json = JSON.parse(raw) as StackJson;
  const forceNew = Object.keys(replacementRulesForStack(json)[NODE_POOL] ?? {});
  const data: Record<string, unknown> = {};
  for (const [name, body] of Object.entries(json.resource[NODE_POOL] ?? {})) {
    const triggers = Object.fromEntries(forceNew.filter((a) => body[a] !== undefined).map((a) => [a, literal(JSON.stringify(body[a]))]));
    const lifecycle = body.lifecycle as { prevent_destroy?: boolean } | undefined;
    data[name] = {
      ...(withTriggers ? { triggers_replace: triggers } : {}),
      lifecycle: { prevent_destroy: lifecycle?.prevent_destroy ?? false },
    };
  }
  const moved = (json.moved ?? []).filter((m) => m.to.startsWith(NODE_POOL)).map((m) => ({ from: toData(m.from), to: toData(m.to) }));
  const imports = (json.import ?? []).filter((i) => i.to.startsWith(NODE_POOL)).map((i) => ({ to: toData(i.to), id: i.id }));
  return JSON.stringify({
    resource: { terraform_data: data },
    ...(moved.length ? { moved } : {}),
    ...(imports.length ? { import: imports } : {}),
  });
}

/** The transplanted stack as the article's hand-written main.tf had it: the pool at `terraform_data.core_pool`, no blocks. */
export function asArticle(raw: string, poolName: string): string {
  const json = JSON.parse(transplant(raw)) as { resource: { terraform_data: Record<string, { triggers_replace: unknown }> } };
  // The article's pool had no prevent_destroy; its attributes are those the library writes (an unchanged pool).
  const pool = { triggers_replace: json.resource.terraform_data[poolName].triggers_replace, lifecycle: { prevent_destroy: false } };
  return JSON.stringify({ resource: { terraform_data: { core_pool: pool } } });
}

export interface PlannedChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly change: { readonly actions: string[]; readonly importing?: unknown };
}

/** Plans `config` against `state`; the plan's resource changes and its output. */
export function plan(dir: string, config: string, state: string): { status: number | null; output: string; changes: PlannedChange[] } {
  fs.writeFileSync(path.join(dir, "main.tf.json"), config);
  const planned = tf(dir, ["plan", "-lock=false", `-state=${state}`, "-out=plan.bin"]);
  if (planned.status !== 0) return { ...planned, changes: [] };
  const shown = spawnSync(terraform!, ["show", "-json", "plan.bin"], { cwd: dir, env, encoding: "utf8" });
  const changes = (JSON.parse(shown.stdout) as { resource_changes?: PlannedChange[] }).resource_changes ?? [];
  return { ...planned, changes };
}

/** Applies `config` to a new state at `state` (terraform init first, once per dir). */
export function applyAt(dir: string, config: string, state: string): { status: number | null; output: string } {
  fs.writeFileSync(path.join(dir, "main.tf.json"), config);
  if (!fs.existsSync(path.join(dir, ".terraform.lock.hcl")) && !fs.existsSync(path.join(dir, ".terraform"))) {
    const init = tf(dir, ["init"]);
    if (init.status !== 0) return init;
  }
  return tf(dir, ["apply", "-auto-approve", "-lock=false", `-state=${state}`]);
}

export const creates = (c: readonly PlannedChange[]): string[] =>
  c.filter((x) => x.change.actions.includes("create")).map((x) => x.address);
export const deletes = (c: readonly PlannedChange[]): string[] =>
  c.filter((x) => x.change.actions.includes("delete")).map((x) => x.address);
