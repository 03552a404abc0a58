import { IConstruct } from "constructs";
import { addPropValidation, PropChecks } from "../core/validation";

/** A waived rule, with the reason reviewers will read. */
export interface PolicySuppression {
  /**
   * The rule id, e.g. `GitOps-NP4` (waives every finding of the rule), or one finding of a rule that reports several,
   * e.g. `GitOps-TF2[ARM_USE_MSI]`.
   */
  readonly id: string;
  /** Why this is acceptable here; at least 10 characters. */
  readonly reason: string;
}

interface StoredSuppression extends PolicySuppression {
  readonly applyToChildren: boolean;
}

/** Shared across copies of the package, like cdktf's own `Symbol.for` keys. */
const SUPPRESSIONS = Symbol.for("cdktf-aks-gitops/policy-suppressions");
const MIN_REASON = 10;
const RULE_ID = /^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9]+(\[[^\]]+\])?$/;

/** Waives policy findings on constructs, in the style of cdk-nag's `NagSuppressions`. */
export class PolicySuppressions {
  /**
   * Waives rules on a construct.
   *
   * @param construct the construct the findings are reported on (for a `GuardedNodePool`, its `resource`, or the pool
   *   itself with `applyToChildren`)
   * @param suppressions rule ids, each with a reason of at least 10 characters
   * @param applyToChildren also waive the rules on every construct below this one, including ones added later
   * An id that is not a rule id, or a reason shorter than 10 characters, is reported when the app synthesizes, with
   * its other problems (that suppression waives nothing).
   */
  static addResourceSuppressions(construct: IConstruct | IConstruct[], suppressions: PolicySuppression[], applyToChildren = false): void {
    const targets = Array.isArray(construct) ? construct : [construct];
    const valid = suppressions.filter((s) => problemsOf(s).length === 0);
    for (const target of targets) {
      if (valid.length < suppressions.length) addPropValidation(target, (c) => suppressions.forEach((s) => reportProblems(c, s)));
      const stored = storedOn(target);
      for (const s of valid) stored.push({ id: s.id, reason: s.reason.trim(), applyToChildren });
    }
  }

  /** Waives rules on a whole stack (every construct in it): `addResourceSuppressions(stack, suppressions, true)`. */
  static addStackSuppressions(stack: IConstruct, suppressions: PolicySuppression[]): void {
    PolicySuppressions.addResourceSuppressions(stack, suppressions, true);
  }

  /** The suppressions stored on one construct (not its ancestors). */
  static of(construct: IConstruct): readonly PolicySuppression[] {
    return ((construct as unknown as Record<symbol, StoredSuppression[] | undefined>)[SUPPRESSIONS] ?? []).map((s) => ({
      id: s.id,
      reason: s.reason,
    }));
  }
}

/** What is wrong with one suppression, as [prop, value, allowed]. */
function problemsOf(s: PolicySuppression): [string, unknown, string][] {
  const problems: [string, unknown, string][] = [];
  if (typeof s?.id !== "string" || !RULE_ID.test(s.id)) {
    problems.push(["suppression id", s?.id, 'a rule id such as "GitOps-NP4" or a finding id such as "GitOps-TF2[ARM_USE_MSI]"']);
  }
  const reason = typeof s?.reason === "string" ? s.reason.trim() : "";
  if (reason.length < MIN_REASON) {
    problems.push([
      `suppression ${String(s?.id)} reason`,
      s?.reason,
      `a reason of at least ${MIN_REASON} characters that says why the finding is acceptable`,
    ]);
  }
  return problems;
}

function reportProblems(c: PropChecks, s: PolicySuppression): void {
  for (const [prop, value, allowed] of problemsOf(s)) c.fail(prop, value, allowed);
}

function storedOn(c: IConstruct): StoredSuppression[] {
  const holder = c as unknown as Record<symbol, StoredSuppression[] | undefined>;
  let list = holder[SUPPRESSIONS];
  if (!list) {
    list = [];
    Object.defineProperty(c, SUPPRESSIONS, { value: list, enumerable: false });
  }
  return list;
}

/**
 * @internal The suppression that waives a finding on a construct: one on the construct itself, or one with
 * applyToChildren on an ancestor. `findingId` is `<ruleId>[<finding>]` for rules that report several findings.
 */
export function findSuppression(node: IConstruct, ruleId: string, findingId?: string): PolicySuppression | undefined {
  const matches = (s: StoredSuppression): boolean => s.id === ruleId || (findingId !== undefined && s.id === findingId);
  for (let c: IConstruct | undefined = node; c; c = c.node.scope) {
    const list = (c as unknown as Record<symbol, StoredSuppression[] | undefined>)[SUPPRESSIONS] ?? [];
    const hit = list.find((s) => matches(s) && (c === node || s.applyToChildren));
    if (hit) return { id: hit.id, reason: hit.reason };
  }
  return undefined;
}
