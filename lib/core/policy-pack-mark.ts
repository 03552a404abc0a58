/**
 * The mark of a policy pack (lib/policy/), here so that the synth's validation (lib/synth) can find a pack that was
 * added with `Aspects.of(app).add(pack)`, the cdk-nag habit, which cdktf never runs (it invokes Aspects per stack only).
 */
export const POLICY_PACK_MARK = Symbol.for("cdktf-aks-gitops.PolicyPack");

/** What the mark tells of a pack. */
export interface PolicyPackMark {
  readonly packName: string;
  /** True once `PolicyPack.applyTo` added it to the app's stacks. */
  applied(): boolean;
}

/** The mark of `x` if it is a policy pack (also one from another copy of this library), else undefined. */
export function policyPackMarkOf(x: unknown): PolicyPackMark | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const mark = (x as Record<symbol, unknown>)[POLICY_PACK_MARK];
  return typeof mark === "object" && mark !== null ? (mark as PolicyPackMark) : undefined;
}
