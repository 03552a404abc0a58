import { parseAllDocuments } from "yaml";
import { clusterNameOf } from "../core/repo-layout";
import { RenderedFile } from "../synth/render";
import { RepoView } from "../synth/repo-view";
import { stateSecretName } from "../tofu/state-secret";

/** A tofu-controller Terraform object as state safety sees it. */
export interface TerraformObject {
  readonly id: string; // namespace/name
  readonly stateKey: string; // namespace/tfstate-<workspace>-<suffix>
  readonly path: string | undefined;
  readonly destroyOnDeletion: boolean;
  /** `<Kind> <namespace>/<name>` of its spec.sourceRef. */
  readonly sourceRef: string;
}

/** A Terraform object with where it was found: its file and its cluster ("" outside clusters/). */
export interface LocatedTerraformObject extends TerraformObject {
  readonly file: string;
  readonly cluster: string;
  readonly source?: string;
}

/** The Terraform objects of the committed tree, parsing only files whose bytes differ from what this synth renders. */
export function committedTerraformObjects(
  repo: RepoView,
  owned: readonly string[],
  unchangedContent: (p: string, bytes: Buffer) => RenderedFile["file"]["content"] | undefined,
): LocatedTerraformObject[] {
  return owned
    .filter((p) => p.endsWith(".yaml"))
    .flatMap((p) => {
      const bytes = repo.read(p);
      if (!bytes) return [];
      const same = unchangedContent(p, bytes);
      const documents = same?.format === "yaml" ? same.documents : parseYaml(bytes.toString("utf8"));
      return terraformObjects(documents).map((o) => ({ ...o, file: p, cluster: clusterNameOf(p) ?? "" }));
    });
}

/** The Terraform objects this synth renders. */
export function renderedTerraformObjects(files: readonly RenderedFile[]): LocatedTerraformObject[] {
  return files.flatMap((f) =>
    f.file.content.format === "yaml"
      ? terraformObjects(f.file.content.documents).map((o) => ({
          ...o,
          file: f.path,
          source: f.source,
          cluster: clusterNameOf(f.path) ?? "",
        }))
      : [],
  );
}

/** The repo folder a Terraform object's spec.path names (`./infrastructure/prod` → `infrastructure/prod`). */
export function folderOfPath(specPath: string | undefined): string | undefined {
  return specPath?.replace(/^\.\//, "").replace(/\/+$/, "");
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
    const ref = (spec.sourceRef ?? {}) as { kind?: string; name?: string; namespace?: string };
    return [
      {
        id: `${ns}/${name}`,
        stateKey: `${ns}/${stateSecretName(workspace, backend.secretSuffix ?? name)}`,
        path: spec.path as string | undefined,
        destroyOnDeletion: spec.destroyResourcesOnDeletion === true,
        sourceRef: `${ref.kind ?? "GitRepository"} ${ref.namespace ?? ns}/${ref.name ?? ""}`,
      },
    ];
  });
}
