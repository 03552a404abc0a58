import { Annotations, Aspects, IAspect, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { resolveTokens } from "./subjects";
import { findSuppression } from "./suppressions";

/** How a finding of a rule is reported. */
export enum PolicyLevel {
  /** An error annotation: plain `app.synth()` throws; under `cdktf synth` nothing of the GitOps repo is written and the CLI exits 1. */
  ERROR = "Error",
  /** A warning annotation: printed by `cdktf synth`, the synth goes on. */
  WARNING = "Warning",
}

/** What a rule says about one construct. */
export enum RuleCompliance {
  COMPLIANT = "Compliant",
  NON_COMPLIANT = "Non-Compliant",
  /** The rule does not look at this kind of construct. */
  NOT_APPLICABLE = "N/A",
}

/** Pack options a rule may read. */
export interface PolicyPackOptions {
  /**
   * The organisation's lowest allowed `min_count` of a node pool (rule `NodePoolMinCountFloor`). It applies to every
   * pool, a `GuardedNodePool` with a lower `guardrails.minCountFloor` included: the pack is the organisation's policy.
   * @default 3
   */
  readonly minCountFloor?: number;
  /**
   * Also add an info annotation for every suppressed finding (with its reason), so reviews can see what was waived.
   * @default false
   */
  readonly logSuppressions?: boolean;
}

/** What a rule gets besides the construct. */
export interface PolicyRuleContext {
  /** The pack options, defaults applied. */
  readonly options: Required<PolicyPackOptions>;
  /** Resolves tokens in a value as cdktf does for `cdk.tf.json`: references become `${...}` expressions, lazy values literals. */
  resolve(value: unknown): unknown;
}

/**
 * A rule: a pure function of one construct. It returns a compliance, or a list of finding ids (each reported as
 * `<rule id>[<finding>]`, e.g. for several offending values in one construct; an empty list is compliant).
 * Its `name` (the file name in `rules/`) names it in messages.
 */
export type PolicyRule = (node: IConstruct, context: PolicyRuleContext) => RuleCompliance | string[];

/** One rule as a pack applies it. */
export interface PolicyRuleParams {
  /** Rule id suffix: the id becomes `<pack name>-<suffix>`, e.g. `GitOps-NP1`. */
  readonly ruleSuffix: string;
  /** One line: what is wrong. */
  readonly info: string;
  /** Why it matters and what to do. */
  readonly explanation: string;
  readonly level: PolicyLevel;
  readonly rule: PolicyRule;
  /** The construct being visited. */
  readonly node: IConstruct;
}

const DEFAULT_OPTIONS: Required<PolicyPackOptions> = { minCountFloor: 3, logSuppressions: false };

/**
 * Base of a policy rule pack in the style of cdk-nag v2: an Aspect that visits every construct of a stack and
 * applies each rule to it. A finding becomes an error or warning annotation on the construct, with an id such as
 * `GitOps-NP1`; a suppression (see `PolicySuppressions`) on the construct or on an ancestor with
 * `applyToChildren` waives it.
 *
 * Add a pack with `PolicyPack.applyTo(app, pack)`: cdktf runs Aspects per stack only, so an Aspect added to the App
 * itself (`Aspects.of(app).add(...)`) would never run.
 */
export abstract class PolicyPack implements IAspect {
  /**
   * Adds the pack to every `TerraformStack` of the app (cdktf invokes Aspects per stack; Aspects on the App are
   * never run). Stacks created after this call are not covered: the app then refuses to synth, naming the stack, so
   * a late stack cannot slip past the policy unnoticed. Call it once, after the last stack is created.
   *
   * @returns the pack, for chaining
   */
  static applyTo<T extends PolicyPack>(app: IConstruct, pack: T): T {
    const root = app.node.root;
    const covered = new Set<TerraformStack>();
    for (const c of root.node.findAll()) {
      if (!TerraformStack.isStack(c)) continue;
      covered.add(c);
      if (!AspectsHelper.has(c, pack)) AspectsHelper.add(c, pack);
    }
    root.node.addValidation({
      validate: () =>
        root.node
          .findAll()
          .filter((c): c is TerraformStack => TerraformStack.isStack(c) && !covered.has(c) && !AspectsHelper.has(c, pack))
          .map(
            (s) =>
              `stack ${s.node.path} was created after PolicyPack.applyTo(app, ${pack.packName}) and would not be checked: ` +
              `call applyTo after the last stack is created`,
          ),
    });
    return pack;
  }

  /** Prefix of every rule id of the pack, e.g. `GitOps`. */
  abstract readonly packName: string;
  protected readonly options: Required<PolicyPackOptions>;
  /** Findings already reported, so that a second synth of the same tree does not repeat them. */
  private readonly reported = new WeakMap<IConstruct, Set<string>>();

  constructor(options: PolicyPackOptions = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...stripUndefined(options) };
  }

  /** Called for every construct of every stack the pack is applied to. */
  abstract visit(node: IConstruct): void;

  /** Runs one rule on one construct and reports its findings. */
  protected applyRule(params: PolicyRuleParams): void {
    const ruleId = `${this.packName}-${params.ruleSuffix}`;
    const context: PolicyRuleContext = { options: this.options, resolve: (v) => resolveTokens(params.node, v) };
    let result: RuleCompliance | string[];
    try {
      result = params.rule(params.node, context);
    } catch (e) {
      // A rule that cannot evaluate a construct must not let it pass silently.
      this.report(params.node, ruleId, PolicyLevel.ERROR, `${ruleId}: the rule ${params.rule.name} failed on this construct: ${(e as Error).message}`);
      return;
    }
    const findings =
      result === RuleCompliance.NON_COMPLIANT ? [""] : Array.isArray(result) ? result.map((f) => `[${f}]`) : [];
    for (const finding of findings) {
      const id = `${ruleId}${finding}`;
      const suppression = findSuppression(params.node, ruleId, finding ? id : undefined);
      if (suppression) {
        if (this.options.logSuppressions) {
          this.report(params.node, id, "info", `${id} suppressed (${params.rule.name}): ${suppression.reason}`);
        }
        continue;
      }
      this.report(params.node, id, params.level, `${id}: ${params.info} ${params.explanation} (rule ${params.rule.name}; to waive: PolicySuppressions.addResourceSuppressions(construct, [{ id: "${id}", reason: "..." }]))`);
    }
  }

  private report(node: IConstruct, id: string, level: PolicyLevel | "info", message: string): void {
    const seen = this.reported.get(node) ?? new Set<string>();
    this.reported.set(node, seen);
    const key = `${level}:${id}`;
    if (seen.has(key)) return;
    seen.add(key);
    const a = Annotations.of(node);
    if (level === PolicyLevel.ERROR) a.addError(message);
    else if (level === PolicyLevel.WARNING) a.addWarning(message);
    else a.addInfo(message);
  }
}

const AspectsHelper = {
  has: (scope: IConstruct, aspect: IAspect): boolean => Aspects.of(scope).all.includes(aspect),
  add: (scope: IConstruct, aspect: IAspect): void => Aspects.of(scope).add(aspect),
};

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
