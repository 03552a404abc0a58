import { IConstruct } from "constructs";

/** The content of one generated file, as data; rendering to bytes happens later, in one place. */
export type GitOpsFileContent =
  | { readonly format: "json"; readonly value: unknown }
  | { readonly format: "yaml"; readonly documents: readonly unknown[] };

/** One file of the GitOps repo, declared by a construct. */
export interface GitOpsFile {
  /** Path relative to the GitOps repo root, with forward slashes. */
  readonly path: string;
  /** Construct path of the construct that declared the file (written into the file's marker). */
  readonly source: string;
  readonly content: GitOpsFileContent;
}

/** A construct that contributes files to the GitOps repo at synth. */
export interface IGitOpsFileProducer extends IConstruct {
  /** @internal */
  _gitOpsFiles(): GitOpsFile[];
}

const PRODUCER = Symbol.for("cdktf-aks-gitops/file-producer");

/** Marks a construct class instance as a file producer (called from its constructor). */
export function markFileProducer(c: IGitOpsFileProducer): void {
  Object.defineProperty(c, PRODUCER, { value: true });
}

export function isFileProducer(c: IConstruct): c is IGitOpsFileProducer {
  return (c as unknown as Record<symbol, unknown>)[PRODUCER] === true;
}
