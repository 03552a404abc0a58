import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { IConstruct } from "constructs";
import { GitOpsApp, GitOpsAppProps } from "../app/gitops-app";
import { runSynthSequence } from "../app/synth-sequence";
import { AnnotationMetadataEntryType, Annotations, Aspects, IAspect, TerraformResource, TerraformStack } from "../core/framework";
import { GitOpsSynthError } from "../core/validation";
import { NODE_POOL_TYPE } from "../policy/subjects";
import { findSuppression } from "../policy/suppressions";
import { findProjectRoot, OWNERSHIP_RECORD_PATH, RepoView, validateTree } from "../synth";
import { _recordFluxTargets, GitOpsSuppression, NODE_POOL_RULE_IDS } from "./matchers";

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
  /**
   * The error and warning annotations (policy findings, warnings): `annotations` without the info ones, such as the
   * suppressed findings a pack with `logSuppressions` logs. `expect(findings).toEqual([])` says "no findings".
   */
  readonly findings: GitOpsAnnotation[];
  /**
   * The policy suppressions in effect on each node pool for the rules the node pool matchers check (GitOps-NP1 to
   * NP4): `expect(result).toHaveOnlyGuardedNodePools()` does not report what they waive.
   */
  readonly suppressions: GitOpsSuppression[];
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
  const findings = annotations.filter((a) => a.level !== "info");
  return { files, annotations, findings, suppressions: nodePoolSuppressions(subtree) };
}

/** The suppressions of the node pool rules on every node pool resource of the tree. */
function nodePoolSuppressions(subtree: IConstruct): GitOpsSuppression[] {
  const pools = subtree.node
    .findAll()
    .filter((c) => TerraformResource.isTerraformResource(c) && (c as TerraformResource).terraformResourceType === NODE_POOL_TYPE);
  return pools.flatMap((pool) =>
    NODE_POOL_RULE_IDS.flatMap((id) => {
      const s = findSuppression(pool, id);
      return s ? [{ constructPath: pool.node.path, id, reason: s.reason }] : [];
    }),
  );
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
export interface TestAppProps extends Omit<GitOpsAppProps, "outdir" | "gitopsRoot"> {
  /**
   * The `cdktf.json` whose `context` the app starts with, as `cdktf synth` does; entries of `context` override its
   * entries. `false`: no file is read.
   * @default - the `cdktf.json` found from the working directory upwards (the one `cdktf synth` reads), if any
   */
  readonly cdktfJson?: string | false;
}

/**
 * A `GitOpsApp` for tests: cdktf's output directory is a fresh temp directory (cdktf creates it when the app is
 * constructed, as `Testing.app()` does), the GitOps root is another temp directory that only a real `app.synth()`
 * would write to, the synth summary is not logged and stack traces are off. Its context is that of the project's
 * `cdktf.json` (see `cdktfJson`), so an app that reads `tryGetContext` sees in tests what it sees at synth. Use it
 * with `synthGitOpsFiles`.
 */
export function testApp(props: TestAppProps = {}): GitOpsApp {
  const { cdktfJson, ...appProps } = props;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-aks-gitops-test-"));
  return new GitOpsApp({
    stackTraces: false,
    log: () => {},
    ...appProps,
    context: { ...cdktfJsonContext(cdktfJson), ...props.context },
    outdir: path.join(base, "cdktf.out"),
    gitopsRoot: path.join(base, "repo"),
  });
}

/** The `context` object of a cdktf.json (the given one, or the one found from the cwd upwards); none for `false`. */
function cdktfJsonContext(file: string | false | undefined): Record<string, unknown> {
  if (file === false) return {};
  const found = file ?? path.join(findProjectRoot(), "cdktf.json");
  if (file === undefined && !fs.existsSync(found)) return {};
  let config: { context?: unknown };
  try {
    config = JSON.parse(fs.readFileSync(found, "utf8")) as { context?: unknown };
  } catch (e) {
    throw new Error(`testApp: cannot read the context of ${found}: ${(e as Error).message} (pass cdktfJson: false to read none)`, {
      cause: e,
    });
  }
  const context = config?.context;
  if (context === undefined) return {};
  if (context === null || typeof context !== "object" || Array.isArray(context)) {
    throw new Error(`testApp: the "context" of ${found} is not an object`);
  }
  return context as Record<string, unknown>;
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
