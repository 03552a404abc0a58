import { IConstruct } from "constructs";
import { assignPoolGenerations, recordedNodePools } from "../azure/guarded-node-pool-generations";
import { CheckOptions, defaultChecks, findSecrets } from "../checks";
import { fluxTargetsOf } from "../cluster/flux-targets";
import { GitOpsSynthError } from "../core/validation";
import { FluxTarget } from "../schema/flux-target";
import {
  applyPlan,
  collectFiles,
  diskRepoView,
  recoverInterruptedSynth,
  RenderedFile,
  renderFiles,
  RepoView,
  validateTree,
  withRepoLock,
  WritePlan,
} from "../synth";
import { checkAndPlan } from "./check-and-plan";

/** What a synth plans against, and whether it writes. */
export type SynthRepo =
  /** The repo on disk: locked, an interrupted synth rolled back (logged), planned against and written. */
  | { readonly kind: "disk"; readonly root: string; readonly log: (line: string) => void; readonly baseRef?: string }
  /** A view of a repo: planned against, nothing read from or written to the disk. */
  | { readonly kind: "memory"; readonly view: RepoView };

export interface SynthSequenceProps {
  /** The constructs that are validated and whose files are collected: an app, or one stack. */
  readonly scope: IConstruct;
  /**
   * Synthesizes the stacks the cdktf way (Aspects, stack validations, annotations), once the whole tree is valid.
   * Returns false to stop there: then nothing is collected, checked or written.
   */
  readonly synthStacks: () => boolean;
  readonly repo: SynthRepo;
  readonly checkOptions: CheckOptions;
}

export interface SynthSequenceResult {
  /** Every GitOps file of the scope, rendered, in path order. */
  readonly files: readonly RenderedFile[];
  /** The checked plan; applied when the repo is on disk. */
  readonly plan: WritePlan;
  /** The Flux target of each cluster, as the checks validated its files. */
  readonly fluxTargets: ReadonlyMap<string, FluxTarget>;
}

/**
 * The one synth sequence, shared by `GitOpsApp.synth()` and the testing helpers: validate every construct (all
 * problems at once) → (under the repo lock) view the repo and give each GuardedNodePool its address from the committed
 * record → synthesize the stacks → collect → render → check and plan → write (to a disk repo only).
 * Returns undefined when `synthStacks` stopped it.
 */
export function runSynthSequence(props: SynthSequenceProps): SynthSequenceResult | undefined {
  // All of the input is checked before anything is written, cdktf.out included, and all problems are reported at once.
  const problems = validateTree(props.scope);
  if (problems.length) throw new GitOpsSynthError("Synth refused: invalid input", problems);
  return withRepoView(props.repo, (view, write) => {
    // Pool addresses come from the committed record, so they are fixed before cdktf resolves any address.
    const nodePools = assignPoolGenerations(props.scope, (view.base ?? view).record?.nodePools, props.checkOptions.acknowledged);
    if (!props.synthStacks()) {
      refuseSecretsInUnwrittenSynth(props.scope);
      return undefined;
    }
    const files = collectAndRender(props.scope);
    // Each cluster's files are checked against its own Flux version's CRDs (FluxBootstrap.fluxVersion).
    const fluxTargets = props.checkOptions.fluxTargets ?? fluxTargetsOf(props.scope);
    const options = { ...props.checkOptions, fluxTargets, nodePools };
    const plan = checkAndPlan(files, view, defaultChecks, options, recordedNodePools(nodePools));
    write(plan);
    return { files, plan, fluxTargets };
  });
}

/**
 * Runs `fn` with the repo's view: for a disk repo under its lock, after an interrupted synth was rolled back (logged),
 * and `write` applies the plan; for a memory view, `write` does nothing. The view is made before the stacks are
 * synthesized because the pools' addresses depend on the committed record.
 */
function withRepoView<T>(repo: SynthRepo, fn: (view: RepoView, write: (plan: WritePlan) => void) => T): T {
  if (repo.kind === "memory") return fn(repo.view, () => {});
  return withRepoLock(repo.root, () => {
    // A synth that died while writing left a journal: its changes are rolled back before anything is planned.
    const recovered = recoverInterruptedSynth(repo.root);
    if (recovered) repo.log(`gitops: ${recovered}`);
    const view = diskRepoView(repo.root, { baseRef: repo.baseRef });
    return fn(view, (plan) => applyPlan(repo.root, plan, view.tree));
  });
}

/**
 * A synth stopped after cdktf's own synth (error annotations) writes no GitOps file, but cdktf.out holds the stacks'
 * JSON: a secret there is refused as it would be in the GitOps tree, so the caller discards cdktf.out's stacks too.
 */
function refuseSecretsInUnwrittenSynth(scope: IConstruct): void {
  const secrets = findSecrets(collectAndRender(scope));
  if (secrets.length) throw new GitOpsSynthError("Synth refused: the generated GitOps tree did not pass its checks", secrets);
}

/** Collects and renders every GitOps file of the scope, without touching the disk. */
export function collectAndRender(scope: IConstruct): RenderedFile[] {
  return renderFiles(collectFiles(scope));
}
