import { parseAllDocuments } from "yaml";
import { replacementRulesForStack } from "../azure/replacement-rules";
import { clusterNameOf, terraformFileOf } from "../core/repo-layout";
import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";
import { stateSecretName } from "../tofu/state-secret";
import { CheckOptions } from "./tree-check";
// Which changes replace a resource, per pinned azurerm version: the audit (docs/steady-state-audit.md) as data.

interface TfResource {
  readonly folder: string;
  readonly address: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
}

interface TerraformObject {
  readonly id: string; // namespace/name
  readonly stateKey: string; // namespace/tfstate-<workspace>-<suffix>
  readonly path: string | undefined;
  readonly destroyOnDeletion: boolean;
}

/**
 * Compares the tree this synth would write with the generated tree on disk and refuses changes that make the
 * controller destroy or replace real infrastructure or lose its state, unless acknowledged in code. The first
 * synth (no tree yet) and unchanged trees pass.
 */
export function checkStateSafety(files: readonly RenderedFile[], repo: RepoView, options: CheckOptions): string[] {
  const owned = Object.keys(repo.record?.files ?? {});
  if (owned.length === 0) return [];
  const problems: string[] = [];
  const sourceOf = new Map(files.map((f) => [f.path, f.source]));
  const fallbackSource = (folder: string): string => files.find((f) => f.path.startsWith(folder))?.source ?? "app";
  const refuse = (ack: string, source: string, message: string): void => {
    if (options.acknowledged.has(ack)) options.used?.add(ack);
    else {
      problems.push(
        `[${source}] ${message}. If this is intended, acknowledge exactly this change: acknowledgedChanges: [${JSON.stringify(ack)}]`,
      );
    }
  };

  // A file on disk with exactly the bytes this synth renders holds exactly the objects it renders: those are used
  // instead of parsing the file again (in a re-synth that is nearly every file; parsing was most of its time).
  const renderedByPath = new Map(files.map((f) => [f.path, f]));
  const unchangedContent = (p: string, bytes: Buffer): RenderedFile["file"]["content"] | undefined => {
    const rendered = renderedByPath.get(p);
    return rendered !== undefined && rendered.bytes.equals(bytes) ? rendered.file.content : undefined;
  };

  // Terraform resources, by folder and address.
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

  for (const [key, old] of before) {
    const next = after.get(key);
    const source = sourceOf.get(terraformFileOf(old.folder)) ?? fallbackSource(old.folder);
    if (!next) {
      if (!preventsDestroy(old)) continue;
      const renamedTo = [...after.values()].find(
        (r) =>
          r.folder === old.folder &&
          r.type === old.type &&
          !before.has(`${r.folder}/${r.address}`) &&
          r.body.name !== undefined &&
          r.body.name === old.body.name,
      );
      const hint = renamedTo
        ? `; it looks renamed to ${renamedTo.address}: keep the state with a moved block (cdktf: resource.moveFromId("${old.address}")) instead`
        : "";
      refuse(
        `destroy:${key}`,
        source,
        `${old.address} in ${old.folder} has prevent_destroy and would be destroyed (its resource address disappears)${hint}`,
      );
      continue;
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
    if (replaced.length) {
      refuse(
        `replace:${key}`,
        source,
        `${old.address} in ${old.folder} would be replaced (destroyed and created again) because ${replaced.join(", ")} force a new resource`,
      );
    }
  }

  // Terraform objects: their state lives in tfstate-<workspace>-<secretSuffix> in their namespace.
  const crsBefore = owned
    .filter((p) => p.endsWith(".yaml"))
    .flatMap((p) => {
      const bytes = repo.read(p);
      if (!bytes) return [];
      const same = unchangedContent(p, bytes);
      const documents = same?.format === "yaml" ? same.documents : parseYaml(bytes.toString("utf8"));
      return terraformObjects(documents).map((o) => ({ ...o, file: p, cluster: clusterOf(p) }));
    });
  const crsAfter = files.flatMap((f) =>
    f.file.content.format === "yaml"
      ? terraformObjects(f.file.content.documents).map((o) => ({ ...o, file: f.path, source: f.source, cluster: clusterOf(f.path) }))
      : [],
  );
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
        `state:${ackId}`,
        source,
        `Terraform object ${old.id}${inCluster(old.cluster)} would move from state ${old.stateKey} to ` +
          `${sameObject.stateKey}: the controller would start from an empty state and try to create everything again`,
      );
    } else if (!sameObject && !sameState && samePath) {
      refuse(
        `state:${ackId}`,
        source,
        `Terraform object ${old.id}${inCluster(old.cluster)} becomes ${samePath.id} with state ${samePath.stateKey} ` +
          `instead of ${old.stateKey}: the controller would start from an empty state and try to create everything again ` +
          `(keep backendConfig.secretSuffix and the namespace stable)`,
      );
    } else if (!sameObject && !sameState && old.destroyOnDeletion) {
      refuse(
        `destroy:${ackId}`,
        source,
        `Terraform object ${old.id}${inCluster(old.cluster)} is removed and has destroyResourcesOnDeletion: the ` +
          `controller would destroy everything it manages`,
      );
    }
    const holder = sameObject ?? sameState;
    if (holder && holder.stateKey === old.stateKey && holder.path !== old.path) {
      refuse(
        `path:${ackId}`,
        source,
        `Terraform object ${old.id}${inCluster(old.cluster)} would read ${holder.path} instead of ${old.path} with the ` +
          `same state: whatever the old folder created and the new one lacks would be destroyed`,
      );
    }
  }
  return problems;
}

/** The cluster folder a file belongs to (`clusters/<name>/…` → name), or "" outside clusters/. */
function clusterOf(filePath: string): string {
  return clusterNameOf(filePath) ?? "";
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

/** A generated file broken by hand (a merge conflict, a truncated write) tells nothing; the planner restores it. */
function parseJsonOrNothing(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return {};
  }
}

function parseYaml(text: string): unknown[] {
  try {
    return parseAllDocuments(text).map((d) => d.toJS());
  } catch {
    return [];
  }
}

function terraformObjects(documents: readonly unknown[]): TerraformObject[] {
  return documents.flatMap((d) => {
    const o = d as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; spec?: Record<string, unknown> };
    if (!o || o.kind !== "Terraform" || !String(o.apiVersion ?? "").startsWith("infra.contrib.fluxcd.io/")) return [];
    const ns = o.metadata?.namespace ?? "default";
    const name = o.metadata?.name ?? "";
    const spec = o.spec ?? {};
    const backend = (spec.backendConfig ?? {}) as { secretSuffix?: string };
    const workspace = (spec.workspace as string | undefined) ?? "default";
    return [
      {
        id: `${ns}/${name}`,
        stateKey: `${ns}/${stateSecretName(workspace, backend.secretSuffix ?? name)}`,
        path: spec.path as string | undefined,
        destroyOnDeletion: spec.destroyResourcesOnDeletion === true,
      },
    ];
  });
}
