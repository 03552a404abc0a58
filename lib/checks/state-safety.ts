import { NodePoolAddressing } from "../azure/guarded-node-pool-generations";
import { replacementRulesForStack } from "../azure/replacement-rules";
import { terraformFileOf } from "../core/repo-layout";
import { RenderedFile, sha256, stableJson } from "../synth/render";
import { RepoView } from "../synth/repo-view";
import { decommissionNotices } from "./cluster-decommission";
import {
  blueGreenPlan,
  GuardedPools,
  guardedPools,
  misplacedPoolProblems,
  needlessReplacementProblem,
  nextAddressOf,
  sameNameProblem,
} from "./guarded-pools";
import { blueGreenNotice, parseJsonOrNothing } from "./pool-rotations";
import { foreignMoveAdvice, movedBlockAdvice, movesByFolder } from "./resource-moves";
import { committedTerraformObjects, folderOfPath, LocatedTerraformObject, renderedTerraformObjects } from "./terraform-objects";
import { CheckOptions } from "./tree-check";
// Which changes replace a resource, per pinned azurerm version: the audit (docs/steady-state-audit.md) as data.

interface TfResource {
  readonly folder: string;
  readonly address: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
}

/** What a refusal is about: the kind and the address (`replace:<folder>/<address>`), and what exactly changes. */
interface Change {
  readonly kind: "destroy" | "replace" | "unguard" | "state" | "path";
  readonly target: string;
  /** Everything that makes this change this one (old and new values): its digest is part of the acknowledgement. */
  readonly facts: readonly unknown[];
}

/**
 * The acknowledgement of exactly one change: `<kind>:<target>@<digest of the facts>`. An entry left in cdktf.json
 * after its change landed accepts nothing else: a later change of the same address has other facts.
 */
export function acknowledgementOf(change: Change): string {
  const digest = sha256(Buffer.from(stableJson([change.kind, change.target, ...change.facts]))).slice(0, 16);
  return `${change.kind}:${change.target}@${digest}`;
}

/**
 * Compares the tree this synth would write with the committed generated tree (`repo.base`: HEAD or the base ref;
 * the working tree without Git) and refuses changes that make the controller destroy or replace real
 * infrastructure or lose its state, and changes that lower a guard against that, unless acknowledged in code. The
 * first synth (no tree yet) and unchanged trees pass.
 */
export function checkStateSafety(files: readonly RenderedFile[], workingTree: RepoView, options: CheckOptions): string[] {
  const repo = workingTree.base ?? workingTree;
  const owned = Object.keys(repo.record?.files ?? {});
  if (owned.length === 0) return [];
  const problems: string[] = [];
  const sourceOf = new Map(files.map((f) => [f.path, f.source]));
  const fallbackSource = (folder: string): string => files.find((f) => f.path.startsWith(folder))?.source ?? "app";
  const refuse = (change: Change, source: string, message: string): boolean => {
    const ack = acknowledgementOf(change);
    const byAddressOnly = `${change.kind}:${change.target}`;
    if (options.acknowledged.has(ack)) {
      options.used?.add(ack);
      return true;
    }
    let why = "If this is intended";
    if (options.acknowledged.has(byAddressOnly)) {
      options.used?.add(byAddressOnly); // answered here, not stale
      why =
        `The entry ${JSON.stringify(byAddressOnly)} names only the address, so it would also accept a later, different ` +
        `change of it; if this change is intended`;
    }
    problems.push(`[${source}] ${message}. ${why}, acknowledge exactly this change: acknowledgedChanges: [${JSON.stringify(ack)}]`);
    return false;
  };

  // A file on disk with exactly the bytes this synth renders holds exactly the objects it renders: those are used
  // instead of parsing the file again (in a re-synth that is nearly every file; parsing was most of its time).
  const renderedByPath = new Map(files.map((f) => [f.path, f]));
  const unchangedContent = (p: string, bytes: Buffer): RenderedFile["file"]["content"] | undefined => {
    const rendered = renderedByPath.get(p);
    return rendered !== undefined && rendered.bytes.equals(bytes) ? rendered.file.content : undefined;
  };
  const crsBefore = committedTerraformObjects(repo, owned, unchangedContent);
  const crsAfter = renderedTerraformObjects(files);
  const nodePools = options.nodePools ?? [];
  const pools = guardedPools(repo.record?.nodePools, nodePools);
  const notices: string[] = [];
  const context: Context = {
    ...{ files, repo, owned, sourceOf, fallbackSource, unchangedContent, refuse, crsBefore, crsAfter },
    ...{ problems, notices, pools, nodePools, options },
  };
  checkResources(context);
  checkTerraformObjects(context);
  options.notices?.push(...notices, ...decommissionNotices(files, repo, owned, crsBefore));
  return problems;
}

/** What the two halves of the check share. */
interface Context {
  readonly files: readonly RenderedFile[];
  /** The committed tree. */
  readonly repo: RepoView;
  readonly owned: readonly string[];
  readonly sourceOf: ReadonlyMap<string, string>;
  /** The Terraform objects of the committed tree and of this synth. */
  readonly crsBefore: readonly LocatedTerraformObject[];
  readonly crsAfter: readonly LocatedTerraformObject[];
  /** Problems that no acknowledgement accepts, and what an accepted change will do. */
  readonly problems: string[];
  readonly notices: string[];
  readonly pools: GuardedPools;
  readonly nodePools: readonly NodePoolAddressing[];
  readonly options: CheckOptions;
  fallbackSource(folder: string): string;
  unchangedContent(p: string, bytes: Buffer): RenderedFile["file"]["content"] | undefined;
  /** Refuses the change unless acknowledged exactly; true when it is. */
  refuse(change: Change, source: string, message: string): boolean;
}

/** Terraform resources, by folder and address: destroyed guarded resources, lowered guards, forced replacements. */
function checkResources(context: Context): void {
  const { files, repo, owned, unchangedContent } = context;
  const before = new Map<string, TfResource>();
  for (const p of owned.filter((p) => p.endsWith(".tf.json"))) {
    const bytes = repo.read(p);
    if (!bytes) continue;
    const same = unchangedContent(p, bytes);
    const json = same?.format === "json" ? same.value : parseJsonOrNothing(bytes);
    for (const r of tfResources(p, json)) before.set(`${r.folder}/${r.address}`, r);
  }
  const after = new Map<string, TfResource>();
  for (const f of files) {
    if (f.path.endsWith(".tf.json") && f.file.content.format === "json")
      for (const r of tfResources(f.path, f.file.content.value)) after.set(`${r.folder}/${r.address}`, r);
  }
  const moves = movesByFolder(files);
  const renderedByPath = new Map(files.map((f) => [f.path, f]));
  context.problems.push(...misplacedPoolProblems(context.nodePools, (key) => after.has(key)));
  for (const [key, old] of before) checkResource(context, { key, old, before, after, moves, renderedByPath });
}

/** One committed resource and the trees it is compared in. */
interface ResourceCase {
  readonly key: string;
  readonly old: TfResource;
  readonly before: ReadonlyMap<string, TfResource>;
  readonly after: ReadonlyMap<string, TfResource>;
  readonly moves: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly renderedByPath: ReadonlyMap<string, RenderedFile>;
}

function checkResource(context: Context, { key, old, before, after, moves, renderedByPath }: ResourceCase): void {
  const { sourceOf, fallbackSource, refuse, pools } = context;
  // A moved block to an address of the same stack carries the state there: compare with the resource it became;
  // a guarded pool at its next generation is its acknowledged blue/green replacement.
  const movedTo = moves.get(old.folder)?.get(old.address);
  const successor = pools.successors.get(key);
  const next =
    after.get(key) ??
    (movedTo !== undefined ? after.get(`${old.folder}/${movedTo}`) : undefined) ??
    (successor ? after.get(`${successor.folder}/${successor.address}`) : undefined);
  const source = sourceOf.get(terraformFileOf(old.folder)) ?? fallbackSource(old.folder);
  const guarded = preventsDestroy(old) || pools.guardedBefore.has(key);
  if (!next) {
    if (!guarded) return;
    const recordOnly = preventsDestroy(old) ? "" : " (the ownership record lists it as guarded, whatever the committed JSON says)";
    refuse({ kind: "destroy", target: key, facts: [old.body] }, source, disappearance(context, old, before, after, moves) + recordOnly);
    return;
  }
  const stackJson = renderedByPath.get(terraformFileOf(old.folder))?.file.content;
  const rules = replacementRulesForStack(stackJson?.format === "json" ? stackJson.value : undefined)[old.type] ?? {};
  const replaced = Object.entries(rules)
    .filter(([attr, rule]) => {
      const a = old.body[attr];
      const b = next.body[attr];
      if (JSON.stringify(a) === JSON.stringify(b)) return false;
      return rule === true ? true : rule(a, b, { before: old.body, after: next.body });
    })
    .map(([attr]) => `${attr}: ${JSON.stringify(old.body[attr])} → ${JSON.stringify(next.body[attr])}`);
  if (guarded && !preventsDestroy(next)) {
    refuse(
      { kind: "unguard", target: key, facts: [old.body, next.body.lifecycle ?? null] },
      source,
      `${old.address} in ${old.folder} has prevent_destroy in the committed tree and would lose it: lowering the guard ` +
        `is itself a change to acknowledge (a later change could then destroy the resource without a refusal)`,
    );
  }
  if (successor && !replaced.length) {
    const entry = [...context.options.acknowledged].find((a) => a.startsWith(`replace:${key}@`)) ?? `replace:${key}@…`;
    context.options.used?.add(entry); // answered here, not stale
    context.problems.push(needlessReplacementProblem(entry, old, successor));
  }
  if (!replaced.length) return;
  // A guarded pool is replaced blue/green (a new address): that needs a new name, and the refusal says what it does.
  const pool = successor ?? (preventsDestroy(next) ? pools.unmoved.get(key) : undefined);
  const nextAddress = pool && nextAddressOf(pool);
  if (pool && next.body.name === old.body.name) {
    context.problems.push(sameNameProblem(pool, old, replaced));
    return;
  }
  const change: Change = { kind: "replace", target: key, facts: replaced };
  const what = `${old.address} in ${old.folder} would be replaced (destroyed and created again) because ${replaced.join(", ")} force a new resource`;
  const accepted = refuse(change, source, nextAddress === undefined ? what : what + blueGreenPlan(old, nextAddress));
  if (accepted && successor) context.notices.push(blueGreenNotice(source, old, successor, next.body));
}

/**
 * Why a guarded address that disappears is refused, and what would work instead: a moved block where it looks
 * renamed; "orphaned" where its folder loses the last Terraform object that applied it and none destroys on deletion
 * (then nothing runs a plan of the folder any more, so nothing destroys the resource).
 */
function disappearance(
  { crsBefore, crsAfter }: Context,
  old: TfResource,
  before: ReadonlyMap<string, TfResource>,
  after: ReadonlyMap<string, TfResource>,
  moves: ReadonlyMap<string, ReadonlyMap<string, string>>,
): string {
  const appliedBy = (objects: readonly LocatedTerraformObject[]) => objects.filter((o) => folderOfPath(o.path) === old.folder);
  const formerly = appliedBy(crsBefore);
  // Only where each of them is gone: one that lives on with the same state (at another path) plans the pools away.
  const gone = (o: LocatedTerraformObject) =>
    !crsAfter.some((n) => n.cluster === o.cluster && (n.id === o.id || n.stateKey === o.stateKey));
  if (formerly.length > 0 && appliedBy(crsAfter).length === 0 && formerly.every((o) => gone(o) && !o.destroyOnDeletion)) {
    const by = formerly.map((o) => `${o.id}${inCluster(o.cluster)}, state ${o.stateKey}`).join("; ");
    return (
      `${old.address} in ${old.folder} has prevent_destroy and would be orphaned: no Terraform object applies ` +
      `${old.folder} any more, the one that did (${by}) goes too and has destroyResourcesOnDeletion: false, so nothing ` +
      `destroys it: it stays in Azure, unmanaged by this repo`
    );
  }
  const renamedTo = [...after.values()].find(
    (r) =>
      r.folder === old.folder &&
      r.type === old.type &&
      !before.has(`${r.folder}/${r.address}`) &&
      r.body.name !== undefined &&
      r.body.name === old.body.name,
  );
  const hint = renamedTo ? movedBlockAdvice(old.address, renamedTo.address) : foreignMoveAdvice(old.address, old.folder, moves);
  return `${old.address} in ${old.folder} has prevent_destroy and would be destroyed (its resource address disappears)${hint}`;
}

/** Terraform objects: their state, their path, and what their deletion destroys. */
function checkTerraformObjects({ sourceOf, refuse, crsBefore, crsAfter }: Context): void {
  // Terraform objects: their state lives in tfstate-<workspace>-<secretSuffix> in their namespace.
  for (const old of crsBefore) {
    // Objects of different clusters are different objects, whatever their names: their state lives in their own cluster.
    const candidates = crsAfter.filter((n) => n.cluster === old.cluster);
    const sameObject = candidates.find((n) => n.id === old.id);
    const sameState = candidates.find((n) => n.stateKey === old.stateKey);
    const samePath = candidates.find((n) => n.path === old.path);
    const source = sameObject?.source ?? samePath?.source ?? sourceOf.get(old.file) ?? "app";
    const ackId = old.cluster ? `${old.cluster}/${old.id}` : old.id;
    if (sameObject && sameObject.stateKey !== old.stateKey) {
      refuse(
        { kind: "state", target: ackId, facts: [old.stateKey, sameObject.stateKey] },
        source,
        `Terraform object ${old.id}${inCluster(old.cluster)} would move from state ${old.stateKey} to ` +
          `${sameObject.stateKey}: the controller would start from an empty state and try to create everything again`,
      );
    } else if (!sameObject && !sameState && samePath) {
      refuse(
        { kind: "state", target: ackId, facts: [old.stateKey, samePath.id, samePath.stateKey] },
        source,
        `Terraform object ${old.id}${inCluster(old.cluster)} becomes ${samePath.id} with state ${samePath.stateKey} ` +
          `instead of ${old.stateKey}: the controller would start from an empty state and try to create everything again ` +
          `(keep backendConfig.secretSuffix and the namespace stable)`,
      );
    }
    const successor = sameState ?? samePath;
    if (!sameObject && old.destroyOnDeletion) {
      const azure = `the Azure resources it manages (${old.path ?? "its path"}) would be destroyed`;
      refuse(
        { kind: "destroy", target: ackId, facts: [old.stateKey, old.path ?? null, successor?.id ?? null] },
        source,
        successor
          ? `Terraform object ${old.id}${inCluster(old.cluster)} is renamed to ${successor.id} and has destroyResourcesOnDeletion: ` +
              `Flux prunes ${old.id} and its finalizer destroys everything it manages, ${azure}; ` +
              `set destroyResourcesOnDeletion: false and let Flux apply that before the rename`
          : `Terraform object ${old.id}${inCluster(old.cluster)} is removed and has destroyResourcesOnDeletion: the ` +
              `controller would destroy everything it manages, ${azure}`,
      );
    }
    const holder = sameObject ?? sameState;
    if (holder && holder.stateKey === old.stateKey && holder.path !== old.path) {
      refuse(
        { kind: "path", target: ackId, facts: [old.path ?? null, holder.path ?? null] },
        source,
        `Terraform object ${old.id}${inCluster(old.cluster)} would read ${holder.path} instead of ${old.path} with the ` +
          `same state: whatever the old folder created and the new one lacks would be destroyed`,
      );
    }
  }
}

function inCluster(cluster: string): string {
  return cluster ? ` (cluster ${cluster})` : "";
}

function preventsDestroy(r: TfResource): boolean {
  const lifecycle = r.body.lifecycle as { prevent_destroy?: unknown } | undefined;
  return lifecycle?.prevent_destroy === true;
}

function tfResources(filePath: string, json: unknown): TfResource[] {
  const folder = filePath.slice(0, filePath.lastIndexOf("/"));
  const resources = (json as { resource?: Record<string, Record<string, Record<string, unknown>>> })?.resource ?? {};
  return Object.entries(resources).flatMap(([type, byName]) =>
    Object.entries(byName ?? {}).map(([name, body]) => ({ folder, address: `${type}.${name}`, type, body: body ?? {} })),
  );
}
