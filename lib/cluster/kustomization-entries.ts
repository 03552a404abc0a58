import { stringify } from "yaml";
import { GitOpsFile } from "../core/gitops-file";
import { PropChecks } from "../core/validation";
import { kustomizeComponent, KustomizePatch, KustomizePatchTarget } from "../kubernetes/kustomize-config";

/** One JSON 6902 operation of a `KustomizationPatch.jsonPatch`. */
export interface JsonPatchOperation {
  readonly op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  /** A JSON pointer into the target object, e.g. `/spec/template/spec/containers/0/args/-`. */
  readonly path: string;
  /** The value, for add, replace and test. */
  readonly value?: unknown;
  /** The source pointer, for move and copy. */
  readonly from?: string;
}

const JSON_PATCH_OPS: readonly string[] = ["add", "remove", "replace", "move", "copy", "test"];

/**
 * A kustomize patch (`patches[]` of a kustomization.yaml) the library writes for you, so the generated file is not
 * edited by hand: `KustomizationPatch.jsonPatch(target, operations)` or `KustomizationPatch.strategicMerge(object)`.
 */
export class KustomizationPatch {
  /** JSON 6902 operations on the objects `target` selects. */
  static jsonPatch(target: KustomizePatchTarget, operations: JsonPatchOperation[]): KustomizationPatch {
    return new KustomizationPatch(target, operations, undefined);
  }

  /**
   * A strategic merge patch: a partial object with apiVersion, kind and metadata.name (kustomize finds the object by
   * them), or any partial object with a `target`.
   */
  static strategicMerge(patch: Record<string, unknown>, target?: KustomizePatchTarget): KustomizationPatch {
    return new KustomizationPatch(target, undefined, patch);
  }

  private constructor(
    private readonly target: KustomizePatchTarget | undefined,
    private readonly operations: readonly JsonPatchOperation[] | undefined,
    private readonly merge: Record<string, unknown> | undefined,
  ) {}

  /** @internal The entry as kustomize reads it. */
  _toKustomize(): KustomizePatch {
    const body = this.operations ? this.operations.map((o) => ({ ...o })) : this.merge;
    return { target: this.target ? { ...this.target } : undefined, patch: stringify(body, { lineWidth: 0 }) };
  }

  /** @internal */
  _validate(c: PropChecks, prop: string): void {
    if (this.target !== undefined && c.record(`${prop}.target`, this.target, "{ kind, name?, namespace?, group?, version? }"))
      c.check(typeof this.target.kind === "string" && this.target.kind !== "", `${prop}.target.kind`, this.target.kind, "a kind");
    if (this.operations) {
      if (!c.arrayOfObjects(`${prop}.operations`, this.operations, "an array of { op, path, value?, from? }")) return;
      c.check(this.operations.length > 0, `${prop}.operations`, [], "at least one operation");
      this.operations.forEach((o, i) => {
        c.oneOf(`${prop}.operations[${i}].op`, o.op, JSON_PATCH_OPS);
        c.check(
          typeof o.path === "string" && o.path.startsWith("/"),
          `${prop}.operations[${i}].path`,
          o.path,
          "a JSON pointer starting with /",
        );
        if (o.value !== undefined) c.plainData(`${prop}.operations[${i}].value`, o.value);
      });
      return;
    }
    if (!c.record(`${prop}.patch`, this.merge, "a partial object") || !c.plainData(`${prop}.patch`, this.merge)) return;
    const meta = this.merge?.metadata as { name?: unknown } | undefined;
    const named = typeof this.merge?.apiVersion === "string" && typeof this.merge?.kind === "string" && typeof meta?.name === "string";
    c.check(
      named || this.target !== undefined,
      `${prop}.patch`,
      "<object without apiVersion, kind, metadata.name>",
      "an object with apiVersion, kind and metadata.name, or a target",
    );
  }
}

/** Your own entries in a kustomization.yaml the library writes: nothing a person adds by hand is reverted. */
export interface KustomizationEntries {
  /**
   * Your files (`apps.yaml`) or folders (`apps`), relative to the folder, listed after the generated entries. Each is
   * yours: created once as an empty placeholder when missing (a folder gets a kustomization.yaml listing nothing),
   * never overwritten, restored or deleted.
   * @default - none
   */
  readonly resources?: string[];
  /**
   * Patches of what the folder builds (the generated objects, your resources).
   * @default - none
   */
  readonly patches?: KustomizationPatch[];
  /**
   * A kustomize Component you own, `<folder>/user-owned/kustomization.yaml`, listed under `components:`: created as an
   * empty Component when missing, never overwritten, restored or deleted. Hand-written resources and patches go there
   * (a Component's patches apply to everything the folder builds).
   * @default false
   */
  readonly userOwnedComponent?: boolean;
}

/** The folder of the user-owned Component in a cluster folder and in flux-system/. */
export const USER_OWNED_COMPONENT = "user-owned";

const ENTRY_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._/-]+$/;

/** The entries' checks; `reserved` are the names the library writes in the folder. */
export function validateEntries(c: PropChecks, prop: string, e: KustomizationEntries | undefined, reserved: readonly string[]): void {
  if (e === undefined || !c.record(prop, e, "{ resources?, patches?, userOwnedComponent? }")) return;
  if (e.resources !== undefined && c.array(`${prop}.resources`, e.resources, "an array of relative paths")) {
    e.resources.forEach((r, i) => {
      const ok = typeof r === "string" && ENTRY_PATH.test(r) && !r.endsWith("/");
      c.check(ok, `${prop}.resources[${i}]`, r, "a path relative to the folder, without '..', '.' or a leading '/'");
      if (ok) {
        const top = r.split("/")[0].replace(/\.ya?ml$/, "");
        c.check(
          !reserved.includes(top) && top !== USER_OWNED_COMPONENT,
          `${prop}.resources[${i}]`,
          r,
          `a name the library does not write there (it writes ${[...reserved, USER_OWNED_COMPONENT].join(", ")})`,
        );
      }
    });
  }
  if (e.patches !== undefined && c.array(`${prop}.patches`, e.patches, "an array of KustomizationPatch")) {
    e.patches.forEach((p, i) => {
      if (p instanceof KustomizationPatch) p._validate(c, `${prop}.patches[${i}]`);
      else c.fail(`${prop}.patches[${i}]`, p, "KustomizationPatch.jsonPatch(…) or KustomizationPatch.strategicMerge(…)");
    });
  }
  if (e.userOwnedComponent !== undefined)
    c.check(typeof e.userOwnedComponent === "boolean", `${prop}.userOwnedComponent`, e.userOwnedComponent, "true or false");
}

/** The entries as a kustomization.yaml takes them (invalid ones left out: validation reports them). */
export function entriesOf(e: KustomizationEntries | undefined): { resources: string[]; patches: KustomizePatch[]; components: string[] } {
  const resources = Array.isArray(e?.resources) ? e.resources.filter((r) => typeof r === "string") : [];
  const patches = Array.isArray(e?.patches) ? e.patches.filter((p) => p instanceof KustomizationPatch).map((p) => p._toKustomize()) : [];
  return { resources, patches, components: e?.userOwnedComponent === true ? [USER_OWNED_COMPONENT] : [] };
}

/** A placeholder YAML file at `path` (written when missing, never owned). */
export function placeholderFile(source: string, path: string, documents: unknown[] = []): GitOpsFile {
  return {
    path,
    source,
    content: { format: "yaml", documents },
    ifForeign: { warning: "", satisfiedBy: () => true, placeholder: true },
  };
}

/** The placeholders of the entries' resources and Component in `folder`. */
export function entryPlaceholders(source: string, folder: string, e: KustomizationEntries | undefined): GitOpsFile[] {
  const { resources, components } = entriesOf(e);
  const files = resources.map((r) =>
    /\.ya?ml$/.test(r)
      ? placeholderFile(source, `${folder}/${r}`)
      : placeholderFile(source, `${folder}/${r}/kustomization.yaml`, [
          { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: [] },
        ]),
  );
  for (const c of components) files.push(placeholderFile(source, `${folder}/${c}/kustomization.yaml`, [kustomizeComponent()]));
  return files;
}
