import * as fs from "fs";
import * as path from "path";
import { IConstruct } from "constructs";
import { App, AppConfig, Manifest } from "../core/framework";
import { markGitOpsApp } from "../core/gitops-app-marker";
import { addPropValidation, gitopsDebug, GitOpsSynthError } from "../core/validation";
import { collectWarnings, discardCdktfOutputOnRefusal, findProjectRoot, RenderedFile, WritePlan } from "../synth";
import { acknowledgedSet, validateAppProps } from "./app-props";
import { nextSteps } from "./next-steps";
import { checkConstructsOutsideStacks, takeOverOutsideStacksCheck } from "./outside-stacks";
import { collectAndRender, runSynthSequence } from "./synth-sequence";

/** Context key that sets the GitOps repo directory, relative to the directory of `cdktf.json`. */
export const GITOPS_ROOT_CONTEXT = "gitopsRoot";
/** Context key listing acknowledged destructive changes (see GitOpsAppProps.acknowledgedChanges). */
export const ACKNOWLEDGED_CHANGES_CONTEXT = "acknowledgedChanges";
/** Context key naming the Git ref state safety compares with (see GitOpsAppProps.baseRef). */
export const GITOPS_BASE_REF_CONTEXT = "gitopsBaseRef";

/** Props of a GitOpsApp: cdktf App settings plus where and how the GitOps repo is written. */
export interface GitOpsAppProps extends AppConfig {
  /**
   * Directory of the GitOps repo that receives `infrastructure/` and `clusters/`. A relative path is taken from the
   * directory of `cdktf.json`.
   * @default - the `gitopsRoot` context entry, else the directory of `cdktf.json` (searched upwards from the cwd)
   */
  readonly gitopsRoot?: string;
  /**
   * Destructive changes against the committed tree that you accept, exactly as the refusal message prints them, e.g.
   * `replace:infrastructure/prod/azurerm_kubernetes_cluster_node_pool.pool_1234@3846c871575d1d15` (the digest names
   * exactly that change: a leftover entry accepts no other). Remove them once the change landed: an entry that
   * acknowledged nothing is named in the synth's log; an entry not of that form is refused.
   * @default - the `acknowledgedChanges` context entry, else none
   */
  readonly acknowledgedChanges?: string[];
  /**
   * The Git ref whose committed tree state safety compares with. In CI on a pull request, set the target branch
   * (`origin/main`): there HEAD is a merge commit that already holds the change. A ref that names no commit fails
   * the synth.
   * @default - the `gitopsBaseRef` context entry, else HEAD when the GitOps repo is in Git (else the working tree, with a warning)
   */
  readonly baseRef?: string;
  /**
   * Where the one-line synth summary goes.
   * @default - standard output
   */
  readonly log?: (line: string) => void;
}

/** What one synth did to the GitOps repo. */
export interface GitOpsSynthReport {
  readonly root: string;
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
  /** Generated files that had been edited by hand and were restored. */
  readonly restored: readonly string[];
  /** Paths where a file the library did not write was kept in place instead of being generated (see `warnings`). */
  readonly keptForeign: readonly string[];
  /**
   * What the synth asked the user to do or to know, each starting with `[construct path]`: warnings of constructs
   * outside stacks (cdktf prints those of stacks itself), and foreign files kept in place that lack what the library
   * needs. Also logged, one `gitops: warning:` line each.
   */
  readonly warnings: readonly string[];
}

/**
 * A cdktf `App` that, after the usual synth into `cdktf.out/`, writes the GitOps repo: every file the constructs
 * declare is collected, rendered, checked, planned against the tree on disk and written atomically.
 *
 * It is an `App` subclass (not a per-stack synthesizer) because the GitOps tree is one whole: files of several stacks
 * and of constructs outside stacks share one ownership record, and a removed stack must have its files pruned, which
 * no synthesizer of that stack would be there to do.
 */
export class GitOpsApp extends App {
  /** Finds the GitOpsApp a construct belongs to. */
  static of(c: IConstruct): GitOpsApp {
    const root = c.node.root;
    if (!(root instanceof GitOpsApp)) {
      throw new Error(
        `[${c.node.path}] must be created inside a GitOpsApp (found ${root.constructor.name}): use new GitOpsApp() instead of new App()`,
      );
    }
    return root;
  }

  /** The GitOps repo directory this app writes into (absolute, never written into any file). */
  readonly gitopsRoot: string;
  private readonly log: (line: string) => void;
  private readonly acknowledged: ReadonlySet<string>;
  private readonly baseRef?: string;
  private lastReport?: GitOpsSynthReport;

  constructor(props: GitOpsAppProps = {}) {
    // cdktf's knob (context @cdktf/disable_stack_trace_in_metadata): an annotation's stack trace is ~25 lines of
    // framework frames per policy finding. GITOPS_DEBUG brings them back; an explicit stackTraces prop wins.
    super({ ...props, stackTraces: props.stackTraces ?? gitopsDebug() });
    markGitOpsApp(this);
    const outsideStacksChecked = takeOverOutsideStacksCheck(this);
    const projectRoot = findProjectRoot();
    const configured = props.gitopsRoot ?? (this.node.tryGetContext(GITOPS_ROOT_CONTEXT) as string | undefined);
    // A root that is no string (JavaScript) is reported by validation; until then it is the project root.
    this.gitopsRoot = typeof configured !== "string" ? projectRoot : path.resolve(projectRoot, configured);
    const log: unknown = props.log;
    this.log = typeof log === "function" ? (log as (line: string) => void) : (line) => console.log(line);
    const acknowledged: unknown = props.acknowledgedChanges ?? this.node.tryGetContext(ACKNOWLEDGED_CHANGES_CONTEXT);
    this.acknowledged = acknowledgedSet(acknowledged);
    const baseRef: unknown = props.baseRef ?? this.node.tryGetContext(GITOPS_BASE_REF_CONTEXT);
    this.baseRef = typeof baseRef === "string" ? baseRef : undefined;
    addPropValidation(this, (c) => {
      if (log !== undefined) c.check(typeof log === "function", "log", log, "a function that takes one line of text");
      validateAppProps(c, { configuredRoot: configured, gitopsRoot: this.gitopsRoot, acknowledged, baseRef });
      if (outsideStacksChecked) checkConstructsOutsideStacks(c, this);
    });
  }

  /** The report of the last synth, if any. */
  get report(): GitOpsSynthReport | undefined {
    return this.lastReport;
  }

  override synth(): void {
    try {
      this.synthGitOps();
    } catch (e) {
      if (!(e instanceof GitOpsSynthError) || !underCdktfCli() || gitopsDebug()) throw e;
      reportRefusalToCdktfCli(this, e);
    }
  }

  private synthGitOps(): void {
    const usedAcknowledgements = new Set<string>();
    const notices: string[] = [];
    const result = discardCdktfOutputOnRefusal(this, () =>
      runSynthSequence({
        scope: this,
        synthStacks: () => {
          super.synth();
          // Under `cdktf synth`, error annotations (policy findings) do not throw; the CLI reports them after the app exits.
          const annotated = Object.values(this.manifest.stacks).some((s) => s.annotations.some((a) => a.level === "@cdktf/error"));
          if (annotated) this.log("gitops: not written, the synth has error annotations");
          return !annotated;
        },
        repo: { kind: "disk", root: this.gitopsRoot, log: this.log, baseRef: this.baseRef },
        checkOptions: { acknowledged: this.acknowledged, used: usedAcknowledgements, notices },
      }),
    );
    if (!result) return;
    this.lastReport = toReport(this.gitopsRoot, result.plan, collectWarnings(this));
    // A stale acknowledgement would silently accept a later, unintended change of the same address.
    const stale = [...this.acknowledged].filter((a) => !usedAcknowledgements.has(a)).sort();
    if (stale.length) this.log(`gitops: acknowledgedChanges that acknowledged nothing in this synth (remove them): ${stale.join(", ")}`);
    logReport(this.log, this.lastReport);
    for (const n of notices) this.log(`gitops: ${n}`);
    for (const step of nextSteps(this, this.gitopsRoot)) this.log(step);
  }

  /** @internal Collects and renders every GitOps file of the app, without touching the disk. */
  renderGitOpsFiles(): RenderedFile[] {
    return collectAndRender(this);
  }
}

/**
 * Under `cdktf synth`, the refusal is printed once. The CLI prints a failing app's output twice (live, then in its error
 * block: `shell` in @cdktf/commons lib/util.js, `SynthStack.synth` in @cdktf/cli-core lib/synth-stack.js, cdktf-cli
 * 0.21; cdktn-cli the same), but an app that exits 0 without a manifest only once: the CLI then fails by itself
 * ("app was expected to call 'synth()'"), exit code 1. A manifest of an earlier synth would make it report success
 * instead, so it goes (only the manifest: the stack folders of that synth hold accepted output).
 */
function reportRefusalToCdktfCli(app: App, e: GitOpsSynthError): void {
  fs.rmSync(path.join(path.resolve(app.outdir), Manifest.fileName), { force: true });
  process.stdout.write(
    `${e.message}\n` + `(cdktf then reports that the app did not call synth(): this refusal is why; nothing was written)\n`,
  );
}

/** True when the app runs under `cdktf synth` (the CLI sets this for every synth it runs). */
function underCdktfCli(): boolean {
  return process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
}

function toReport(root: string, plan: WritePlan, constructWarnings: readonly string[]): GitOpsSynthReport {
  return {
    root,
    written: plan.writes.map((w) => w.path),
    unchanged: plan.unchanged,
    removed: plan.removals,
    restored: plan.restoredAfterHandEdit,
    keptForeign: plan.keptForeign,
    warnings: [...constructWarnings, ...plan.warnings],
  };
}

/** The one-line summary, then one line per warning. */
function logReport(log: (line: string) => void, r: GitOpsSynthReport): void {
  log(
    `gitops: ${r.written.length} written, ${r.unchanged.length} unchanged, ${r.removed.length} removed` +
      (r.restored.length ? `, restored after hand edits: ${r.restored.join(", ")}` : "") +
      (r.keptForeign.length ? `, kept (not ours): ${r.keptForeign.join(", ")}` : ""),
  );
  for (const w of r.warnings) log(`gitops: warning: ${w}`);
}
