import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { IConstruct } from "constructs";
import { GitOpsApp, GitOpsAppProps } from "../app/gitops-app";
import { runSynthSequence } from "../app/synth-sequence";
import { AnnotationMetadataEntryType, Annotations, Aspects, IAspect, TerraformStack } from "../core/framework";
import { GitOpsSynthError } from "../core/validation";
import { OWNERSHIP_RECORD_PATH, RepoView, validateTree } from "../synth";
import { _recordFluxTargets } from "./matchers";

/** GitOps repo files by repo-relative path (forward slashes), in path order. */
export type GitOpsFileMap = Record<string, string>;

export interface SynthGitOpsOptions {
  /**
   * Also return the ownership record `.gitops-generated.json` (sha256 of every file). Off by default: it changes
   * whenever any file changes, which only adds noise to a snapshot.
   * @default false
   */
  readonly includeOwnershipRecord?: boolean;
  /**
   * Return the files and the findings instead of throwing when a construct has an error annotation (a policy
   * finding). A real synth would write nothing in that case; use this to assert on the findings.
   * @default false - throw, as `app.synth()` does under plain node
   */
  readonly allowErrorAnnotations?: boolean;
}

/** One annotation (policy finding, cdktf warning) on a construct. */
export interface GitOpsAnnotation {
  /** Construct path, e.g. `prod/corepool/pool`. */
  readonly constructPath: string;
  readonly level: "info" | "warning" | "error";
  readonly message: string;
}

/** What `synthGitOps` returns. */
export interface GitOpsSynthResult {
  /** Every GitOps file the synth would write, path → content. */
  readonly files: GitOpsFileMap;
  /** Every annotation of the synthesized stacks, in construct order. */
  readonly annotations: GitOpsAnnotation[];
}

const LEVELS: Readonly<Record<string, GitOpsAnnotation["level"]>> = {
  [AnnotationMetadataEntryType.INFO]: "info",
  [AnnotationMetadataEntryType.WARN]: "warning",
  [AnnotationMetadataEntryType.ERROR]: "error",
};

/** The repo as seen by a first synth: empty. The in-memory synth never reads the disk. */
const EMPTY_REPO: RepoView = { record: undefined, read: () => undefined };

/**
 * Synthesizes an app, or one stack, into the GitOps files a synth would write, in memory: nothing is written, not
 * even `cdktf.out/`. The steps are those of `GitOpsApp.synth()`: validate every construct (all problems at once,
 * `GitOpsSynthError`), prepare every stack, run each stack's Aspects (policy packs included), validate again,
 * fail on error annotations, then collect, render and check the tree (CRD schemas, secret scan) exactly as a synth
 * does before writing. State safety is checked against an empty repo (a first synth).
 *
 * For a stack, only the files of constructs inside it are returned (Flux objects outside stacks are not).
 *
 * @param scope a `GitOpsApp` (or any construct tree root) or a `TerraformStack`
 */
export function synthGitOps(scope: IConstruct, options: SynthGitOpsOptions = {}): GitOpsSynthResult {
  const subtree = TerraformStack.isStack(scope) ? scope : scope.node.root;
  let annotations: GitOpsAnnotation[] = [];
  const result = runSynthSequence({
    scope: subtree,
    synthStacks: () => {
      annotations = synthStacksInMemory(subtree, options);
      return true;
    },
    repo: { kind: "memory", view: EMPTY_REPO },
    checkOptions: { acknowledged: new Set() },
  });
  if (!result) throw new Error("unreachable: the in-memory synth never stops before the GitOps tree");
  const files: GitOpsFileMap = {};
  const entries: [string, Buffer][] = result.files.map((f) => [f.path, f.bytes]);
  if (options.includeOwnershipRecord) entries.push([OWNERSHIP_RECORD_PATH, result.plan.recordBytes]);
  for (const [p, bytes] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) files[p] = bytes.toString("utf8");
  // toMatchCrdSchema() then checks each cluster's files against its own Flux version, as this synth did.
  _recordFluxTargets(files, result.fluxTargets);
  return { files, annotations };
}

/**
 * cdktf's synth of the stacks, in memory: prepare every stack, run each stack's Aspects, validate again, and fail on
 * error annotations unless they are allowed. Returns the annotations of the stacks.
 */
function synthStacksInMemory(subtree: IConstruct, options: SynthGitOpsOptions): GitOpsAnnotation[] {
  const stacks = subtree.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
  for (const s of stacks) s.prepareStack();
  for (const s of stacks) invokeAspects(s);
  // Aspects may add constructs or validations; cdktf validates each stack after its aspects, and so do we.
  const late = stacks.flatMap((s) => validateTree(s));
  if (late.length) throw new GitOpsSynthError("Synth refused: invalid input", late);

  const annotations = stacks.flatMap((s) => annotationsOf(s));
  const errors = annotations.filter((a) => a.level === "error");
  if (errors.length && !options.allowErrorAnnotations) {
    throw new GitOpsSynthError(
      "Synth refused: error annotations (policy findings)",
      errors.map((a) => `[${a.constructPath}] ${a.message}`),
    );
  }
  return annotations;
}

/**
 * `synthGitOps(scope, options).files`: the GitOps files of an app or stack, path → content, for
 * `expect(synthGitOpsFiles(app)).toMatchSnapshot()`.
 */
export function synthGitOpsFiles(scope: IConstruct, options: SynthGitOpsOptions = {}): GitOpsFileMap {
  return synthGitOps(scope, options).files;
}

/** Props of a test app; everything but the output locations. */
export type TestAppProps = Omit<GitOpsAppProps, "outdir" | "gitopsRoot">;

/**
 * A `GitOpsApp` for tests: cdktf's output directory is a fresh temp directory (cdktf creates it when the app is
 * constructed, as `Testing.app()` does), the GitOps root is another temp directory that only a real `app.synth()`
 * would write to, the synth summary is not logged and stack traces are off. Use it with `synthGitOpsFiles`.
 */
export function testApp(props: TestAppProps = {}): GitOpsApp {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-aks-gitops-test-"));
  return new GitOpsApp({
    stackTraces: false,
    log: () => {},
    ...props,
    outdir: path.join(base, "cdktf.out"),
    gitopsRoot: path.join(base, "repo"),
  });
}

/**
 * Runs the Aspects of a stack the way cdktf's synthesizer does (inherited top-down, each aspect once per construct,
 * an aspect added by an aspect is not run and gets a warning). Written against the public `Aspects` API rather than
 * cdktf's unexported `invokeAspects`.
 */
function invokeAspects(root: IConstruct): void {
  const invokedByPath = new Map<string, IAspect[]>();
  let nestedAspectWarning = false;
  const recurse = (construct: IConstruct, inherited: readonly IAspect[]): void => {
    const aspects = Aspects.of(construct);
    const here = [...inherited, ...aspects.all];
    const count = aspects.all.length;
    for (const aspect of here) {
      const invoked = invokedByPath.get(construct.node.path) ?? [];
      invokedByPath.set(construct.node.path, invoked);
      if (invoked.includes(aspect)) continue;
      aspect.visit(construct);
      if (!nestedAspectWarning && count !== aspects.all.length) {
        Annotations.of(construct).addWarning("We detected an Aspect was added via another Aspect, and will not be applied");
        nestedAspectWarning = true;
      }
      invoked.push(aspect);
    }
    for (const child of construct.node.children) recurse(child, here);
  };
  recurse(root, []);
}

function annotationsOf(stack: TerraformStack): GitOpsAnnotation[] {
  return stack.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => LEVELS[m.type] !== undefined)
        .map((m) => ({ constructPath: c.node.path, level: LEVELS[m.type], message: String(m.data) })),
    );
}
