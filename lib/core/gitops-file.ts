import { IConstruct } from "constructs";

/** The content of one generated file, as data; rendering to bytes happens later, in one place. */
export type GitOpsFileContent =
  { readonly format: "json"; readonly value: unknown } | { readonly format: "yaml"; readonly documents: readonly unknown[] };

/** One file of the GitOps repo, declared by a construct. */
export interface GitOpsFile {
  /** Path relative to the GitOps repo root, with forward slashes. */
  readonly path: string;
  /** Construct path of the construct that declared the file (written into the file's marker). */
  readonly source: string;
  readonly content: GitOpsFileContent;
  /**
   * What happens when a file the library did not write is already at this path. Unset: the synth is refused (a
   * foreign file is never overwritten). Set: the foreign file is kept as it is, not owned, and the synth goes on.
   * Either way the library never writes over it; once the library wrote the file, it is owned like any other.
   */
  readonly ifForeign?: ForeignFilePolicy;
  /**
   * Appended to the warning when a person edited this generated file and the synth restores it: what to do instead
   * (the typed prop, or the user-owned file), so the next edit goes where nothing reverts it.
   */
  readonly handEditAdvice?: string;
}

/** Keep a foreign file in place and say what it must contain (see GitOpsFile.ifForeign). */
export interface ForeignFilePolicy {
  /** Printed as a synth warning when the foreign file lacks what the library needs: exactly what to add. */
  readonly warning: string;
  /** True if the foreign file already has what the library needs (then it is kept without a warning). */
  readonly satisfiedBy?: (current: Buffer) => boolean;
  /**
   * A placeholder: written when nothing is at its path, but never owned, so from then on it is a foreign file like any
   * other (never restored, overwritten or pruned). For files a person or another tool fills (`flux bootstrap`'s
   * gotk-sync.yaml, a team's own component). Its header says so instead of "do not edit".
   */
  readonly placeholder?: boolean;
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
