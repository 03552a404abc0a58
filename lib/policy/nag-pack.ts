import { IConstruct } from "constructs";
import { Annotations, Aspects, IAspect, TerraformStack } from "../core/framework";
import { POLICY_PACK_MARK, PolicyPackMark } from "../core/policy-pack-mark";
import { formatProblem } from "../core/validation";
import { resolveTokens } from "./resolve";
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
   * The VM sizes the organisation allows for node pools (rule `NodePoolAllowedVmSize`), e.g. `["Standard_D4s_v5",
   * "Standard_D8s_v5"]`. Every pool of the app: `GuardedNodePool`, raw `KubernetesClusterNodePool` and a
   * `KubernetesCluster`'s default node pool. Compared exactly, as azurerm writes them.
   * @default - any size (the rule does not apply)
   */
  readonly allowedVmSizes?: string[];
  /**
   * The organisation's highest allowed node count of a pool (rule `NodePoolMaxCountCeiling`): `max_count` of an
   * autoscaled pool, `node_count` of a fixed one, for every pool of the app as for `allowedVmSizes`.
   * @default - no ceiling (the rule does not apply)
   */
  readonly maxCountCeiling?: number;
  /**
   * Also add an info annotation for every suppressed finding (with its reason), so reviews can see what was waived.
   * @default false
   */
  readonly logSuppressions?: boolean;
}

/** The pack options as rules see them: the floor and logging defaulted, the org-wide lists only when given. */
export type ResolvedPolicyPackOptions = Required<Pick<PolicyPackOptions, "minCountFloor" | "logSuppressions">> & PolicyPackOptions;

/** What a rule gets besides the construct. */
export interface PolicyRuleContext {
  /** The pack options, defaults applied. */
  readonly options: ResolvedPolicyPackOptions;
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

const DEFAULT_OPTIONS: ResolvedPolicyPackOptions = { minCountFloor: 3, logSuppressions: false };

/**
 * Base of a policy rule pack in the style of cdk-nag v2: an Aspect that visits every construct and applies each rule
 * to it. A finding becomes an error or warning annotation with an id such as `GitOps-NP1`; a suppression (see
 * `PolicySuppressions`) on the construct, or on an ancestor with `applyToChildren`, waives it.
 *
 * Add a pack with `PolicyPack.applyTo(app, pack)`, not with `Aspects.of(app).add(pack)`: cdktf invokes Aspects per
 * stack only (an Aspect on the App never runs), and only annotations inside stacks reach `manifest.json`, the CLI's
 * output and GitOpsApp's "do not write" check. `applyTo` therefore adds the pack to every stack, and also visits the
 * constructs that live outside any stack (a `FluxBootstrap` and its Terraform objects): each of them is checked
 * while the stack it belongs to is (a Terraform object: the stack it reconciles; anything else: the app's first
 * stack), and its findings are annotated on that stack, naming the construct.
 */
export abstract class PolicyPack implements IAspect {
  /**
   * Applies the pack to the whole app: every `TerraformStack`, and the constructs outside stacks (see the class
   * doc). Stacks created after this call would not be covered, so the synth then refuses, naming them: call it once,
   * after the last stack is created.
   *
   * @param app the app, or any construct of it
   * @returns the pack, for chaining
   */
  static applyTo<T extends PolicyPack>(app: IConstruct, pack: T): T {
    const root = app.node.root;
    for (const c of root.node.findAll()) {
      if (TerraformStack.isStack(c) && !pack.stacks.has(c)) {
        const aspect = new StackPolicyAspect(pack, c);
        pack.stacks.set(c, aspect);
        Aspects.of(c).add(aspect);
      }
    }
    if (!pack.roots.has(root)) {
      pack.roots.add(root);
      root.node.addValidation({
        validate: () => [
          ...pack.optionProblems(),
          ...root.node
            .findAll()
            .filter((c): c is TerraformStack => TerraformStack.isStack(c) && !pack.stacks.has(c))
            .map(
              (s) =>
                `stack ${s.node.path} was created after PolicyPack.applyTo(app, ${pack.packName}) and would not be checked: ` +
                `call applyTo after the last stack is created`,
            ),
        ],
      });
    }
    return pack;
  }

  /** Prefix of every rule id of the pack, e.g. `GitOps`. */
  abstract readonly packName: string;
  protected readonly options: ResolvedPolicyPackOptions;
  /** Findings already reported, so that a second synth of the same tree does not repeat them. */
  private readonly reported = new WeakMap<IConstruct, Set<string>>();
  /** @internal The stacks the pack was applied to, with their aspect. */
  readonly stacks = new Map<TerraformStack, IAspect>();
  private readonly roots = new Set<IConstruct>();
  private readonly givenOptions: PolicyPackOptions;
  /** Set while a construct outside any stack is checked: where its findings are annotated. */
  private reportOn?: IConstruct;

  constructor(options: PolicyPackOptions = {}) {
    this.givenOptions = options ?? {};
    this.options = { ...DEFAULT_OPTIONS, ...stripUndefined(this.givenOptions) };
    const mark: PolicyPackMark = { packName: "", applied: () => this.stacks.size > 0 };
    Object.defineProperty(mark, "packName", { get: () => this.packName });
    Object.defineProperty(this, POLICY_PACK_MARK, { value: mark });
  }

  /** Problems of the pack's options, as `<pack> <option> = <value>: allowed is …`. */
  private optionProblems(): string[] {
    const o = this.givenOptions;
    const out: string[] = [];
    const fail = (prop: string, value: unknown, allowed: string): number =>
      out.push(`${this.packName} ${formatProblem(prop, value, allowed)}`);
    const sizes: unknown = o.allowedVmSizes;
    if (sizes !== undefined && (!Array.isArray(sizes) || sizes.length === 0 || sizes.some((s) => typeof s !== "string" || s.trim() === "")))
      fail("allowedVmSizes", sizes, 'a non-empty array of VM size names, e.g. ["Standard_D4s_v5"] (unset: any size)');
    for (const [prop, min] of [
      ["minCountFloor", 0],
      ["maxCountCeiling", 1],
    ] as const) {
      const v: unknown = o[prop];
      if (v !== undefined && !(typeof v === "number" && Number.isInteger(v) && v >= min && v <= 1000))
        fail(prop, v, `an integer from ${min} to 1000 (azurerm's node count limit)`);
    }
    if (typeof o.maxCountCeiling === "number" && typeof o.minCountFloor === "number" && o.maxCountCeiling < o.minCountFloor)
      fail("maxCountCeiling", o.maxCountCeiling, `at least minCountFloor (${o.minCountFloor})`);
    return out;
  }

  /** Called for every construct the pack checks; applies the pack's rules with `applyRule`. */
  abstract visit(node: IConstruct): void;

  /** @internal Checks a construct outside any stack, annotating its findings on `stack`. */
  _visitOutsideStack(node: IConstruct, stack: TerraformStack): void {
    this.reportOn = stack;
    try {
      this.visit(node);
    } finally {
      this.reportOn = undefined;
    }
  }

  /** Runs one rule on one construct and reports its findings. */
  protected applyRule(params: PolicyRuleParams): void {
    const ruleId = `${this.packName}-${params.ruleSuffix}`;
    const context: PolicyRuleContext = { options: this.options, resolve: (v) => resolveTokens(params.node, v) };
    const where = this.reportOn ? ` [construct ${params.node.node.path}]` : "";
    let result: RuleCompliance | string[];
    try {
      result = params.rule(params.node, context);
    } catch (e) {
      // A rule that cannot evaluate a construct must not let it pass silently.
      this.report(
        params.node,
        ruleId,
        PolicyLevel.ERROR,
        `${ruleId}:${where} the rule ${params.rule.name} failed on this construct: ${(e as Error).message}`,
      );
      return;
    }
    const findings = result === RuleCompliance.NON_COMPLIANT ? [""] : Array.isArray(result) ? result.map((f) => `[${f}]`) : [];
    for (const finding of findings) {
      const id = `${ruleId}${finding}`;
      const suppression = findSuppression(params.node, ruleId, finding ? id : undefined);
      if (suppression) {
        if (this.options.logSuppressions) {
          this.report(params.node, id, "info", `${id} suppressed (${params.rule.name}):${where} ${suppression.reason}`);
        }
        continue;
      }
      this.report(
        params.node,
        id,
        params.level,
        `${id}:${where} ${params.info} ${params.explanation} (rule ${params.rule.name}; to waive: ` +
          `PolicySuppressions.addResourceSuppressions(construct, [{ id: "${id}", reason: "..." }]))`,
      );
    }
  }

  private report(subject: IConstruct, id: string, level: PolicyLevel | "info", message: string): void {
    const target = this.reportOn ?? subject;
    const seen = this.reported.get(target) ?? new Set<string>();
    this.reported.set(target, seen);
    const key = `${level}:${id}:${subject.node.path}`;
    if (seen.has(key)) return;
    seen.add(key);
    const a = Annotations.of(target);
    if (level === PolicyLevel.ERROR) a.addError(message);
    else if (level === PolicyLevel.WARNING) a.addWarning(message);
    else a.addInfo(message);
  }
}

/**
 * What `applyTo` adds to each stack: the pack for the stack's constructs and, when the stack node itself is visited,
 * the constructs outside any stack that belong to it.
 */
class StackPolicyAspect implements IAspect {
  constructor(
    private readonly pack: PolicyPack,
    private readonly stack: TerraformStack,
  ) {}

  visit(node: IConstruct): void {
    this.pack.visit(node);
    if (node !== this.stack) return;
    for (const outside of outsideStacks(this.stack.node.root)) {
      if (ownerStack(outside, this.pack) === this.stack) this.pack._visitOutsideStack(outside, this.stack);
    }
  }
}

/** Constructs that are not inside any TerraformStack (the root itself excluded), in tree order. */
function outsideStacks(root: IConstruct): IConstruct[] {
  const out: IConstruct[] = [];
  const walk = (c: IConstruct): void => {
    for (const child of c.node.children) {
      if (TerraformStack.isStack(child)) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** The stack whose visit checks a construct outside stacks: the stack it reconciles (`.stack`), else the first one. */
function ownerStack(c: IConstruct, pack: PolicyPack): TerraformStack | undefined {
  const own = (c as { stack?: unknown }).stack;
  if (TerraformStack.isStack(own) && pack.stacks.has(own)) return own;
  return pack.stacks.keys().next().value;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
