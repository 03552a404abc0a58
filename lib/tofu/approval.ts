import { PropChecks } from "../core/validation";

/**
 * What the controller does with a plan.
 * @deprecated Use `Approval.auto()`, `Approval.manual({ approvedPlan? })` or `Approval.disabled()` as `approval`
 * (with MANUAL, the `approvedPlan` prop is `Approval.manual({ approvedPlan })`).
 */
export enum ApprovalMode {
  /** Plan and apply on every change and on every drift found (`approvePlan: auto`). */
  AUTO = "auto",
  /**
   * Plan, then wait for a human to approve the plan id (`approvePlan` unset, i.e. ""). Needs the Terraform code in a
   * source separate from the Terraform object's own manifests (tofu-controller #1878).
   */
  MANUAL = "",
  /** Only detect drift and report it; never plan to apply, never apply (`approvePlan: disable`). */
  DRIFT_DETECTION_ONLY = "disable",
}

/** Options of `Approval.manual()`. */
export interface ManualApprovalOptions {
  /**
   * The plan id to apply, as the object's status prints it (`plan-main-b8e362c206`). Approving in code keeps the
   * approval in Git; unset, approve in the cluster with
   * `kubectl patch terraform <name> --type=merge -p '{"spec":{"approvePlan":"<plan id>"}}'` (the field is not written,
   * so Flux keeps it; `tfctl approve` edits a YAML file, here a generated one).
   * @default - none
   */
  readonly approvedPlan?: string;
}

const PLAN_ID = /^plan-[A-Za-z0-9._/-]+-[0-9a-f]{10}$/;
const PLAN_ID_ALLOWED = "a plan id as the object's status prints it, e.g. plan-main-b8e362c206";
const BRAND = Symbol.for("cdktf-aks-gitops.Approval");

const LOOP_EXPLANATION =
  "with the cluster's own GitRepository as source, approving a plan is a commit to that repo, which is a new source revision, so the " +
  "controller plans again under a new plan id and the approval never matches: it loops forever (tofu-controller #1878, open in 0.16.5)";
const LOOP_SOURCES = "a GitRepositorySource on another branch/tag/repo or an OciRepositorySource that holds only the Terraform";

type ApprovalKind = "auto" | "manual" | "disabled" | "observeOnly";

/** What the approval-loop guard reads of a Terraform object's source (an ITerraformSource). */
interface RevisionOfSource {
  readonly sharesRevisionWithManifests: boolean;
  readonly revisionDescription: string;
}

/**
 * What the controller does with a plan (`spec.approvePlan`). Required on every Terraform object: it decides whether a
 * merge applies to Azure without a human.
 */
export class Approval {
  /** Plan and apply on every change and on every drift found (`approvePlan: auto`). */
  static auto(): Approval {
    return new Approval("auto", "auto");
  }

  /**
   * Plan, then wait for a human to approve the plan id: `approvePlan` is the given plan id, or left out (the CRD
   * default "") so that an approval patched into the cluster (`kubectl patch`, README "Drift") is not reverted by Flux.
   * Needs the Terraform code in a source separate from the Terraform object's own manifests (tofu-controller #1878).
   */
  static manual(options: ManualApprovalOptions = {}): Approval {
    return new Approval("manual", options?.approvedPlan);
  }

  /** Only detect drift and report it; never plan to apply, never apply (`approvePlan: disable`). */
  static disabled(): Approval {
    return new Approval("disabled", "disable");
  }

  /**
   * The observe-only preset: plan for drift and report it (the DriftDetected event and the Ready condition carry the
   * plan output), never apply (`approvePlan: disable`), and back off exponentially while a drift is waiting
   * (`retryStrategy: ExponentialBackoff`, at most one run an hour by default; `retryBackoff` to change it) instead of a
   * runner pod every `retryInterval`. The same as `Approval.disabled()`, whose default backoff is the same; the name
   * says what it is for. `ObserveOnly.cluster(cluster, { reason })` does it for every object of a cluster.
   */
  static observeOnly(): Approval {
    return new Approval("observeOnly", "disable");
  }

  /** True if `x` is an Approval (also one from another copy of this library). */
  static isApproval(x: unknown): x is Approval {
    return typeof x === "object" && x !== null && (x as { [BRAND]?: unknown })[BRAND] === true;
  }

  /** @internal The Approval the deprecated `ApprovalMode` and `approvedPlan` props stand for; undefined if `mode` is none. */
  static _fromMode(mode: ApprovalMode | undefined, approvedPlan: string | undefined): Approval | undefined {
    switch (mode) {
      case ApprovalMode.AUTO:
        return Approval.auto();
      case ApprovalMode.MANUAL:
        return Approval.manual({ approvedPlan });
      case ApprovalMode.DRIFT_DETECTION_ONLY:
        return Approval.disabled();
      default:
        return undefined;
    }
  }

  /**
   * @internal Problems of a Terraform object's `approval` and `approvedPlan` props with that source. The messages of
   * the deprecated form name ApprovalMode, those of an Approval name its factories.
   */
  static _check(
    c: PropChecks,
    approval: Approval | ApprovalMode | undefined,
    approvedPlan: string | undefined,
    source: RevisionOfSource,
  ): void {
    if (Approval.isApproval(approval)) {
      if (approvedPlan !== undefined)
        c.fail(
          "approvedPlan",
          approvedPlan,
          "unset with an Approval as approval (approvedPlan is the deprecated companion of ApprovalMode.MANUAL): use " +
            "Approval.manual({ approvedPlan }) alone",
        );
      approval.check(c, source);
    } else checkApprovalMode(c, approval, approvedPlan, source);
  }

  private constructor(
    private readonly kind: ApprovalKind,
    /** `spec.approvePlan` (with manual approval: the approved plan id); undefined: not written. */
    private readonly approvePlan: string | undefined,
  ) {
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** @internal `spec.approvePlan`: undefined means the field is not written. */
  _toKube(): string | undefined {
    return this.approvePlan;
  }

  /** @internal True if a detected drift is applied without a human (auto); false: a drift fails every run until one acts. */
  get _applies(): boolean {
    return this.kind === "auto";
  }

  /** @internal True if a plan waits for a human's approval (manual). */
  get _waitsForHuman(): boolean {
    return this.kind === "manual";
  }

  /** How the value is written in code, e.g. `Approval.manual()`. */
  toString(): string {
    return `Approval.${this.kind}()`;
  }

  private check(c: PropChecks, source: RevisionOfSource): void {
    if (this.kind !== "manual") return;
    // The approval loop guard (tofu-controller #1878).
    if (source?.sharesRevisionWithManifests) {
      c.fail(
        "approval",
        `<${this.toString()}>`,
        `Approval.auto() or Approval.disabled() with source ${source.revisionDescription}: ${LOOP_EXPLANATION}. ` +
          `Use Approval.auto(), Approval.disabled(), or Approval.manual() with \`source:\` ${LOOP_SOURCES}`,
      );
    }
    c.pattern("approval.approvedPlan", this.approvePlan, PLAN_ID, PLAN_ID_ALLOWED);
  }
}

/** The deprecated form: an ApprovalMode, and approvedPlan with MANUAL only. */
function checkApprovalMode(
  c: PropChecks,
  mode: ApprovalMode | undefined,
  approvedPlan: string | undefined,
  source: RevisionOfSource,
): void {
  if (mode === undefined)
    c.fail(
      "approval",
      undefined,
      `one of ${Object.values(ApprovalMode)
        .map((a) => JSON.stringify(a))
        .join(", ")} (required: it decides whether a merge applies to Azure without a human)`,
    );
  else c.oneOf("approval", mode, Object.values(ApprovalMode));

  // The approval loop guard (tofu-controller #1878).
  if (mode === ApprovalMode.MANUAL && source.sharesRevisionWithManifests) {
    c.fail(
      "approval",
      "MANUAL",
      `AUTO or DRIFT_DETECTION_ONLY with source ${source.revisionDescription}: ${LOOP_EXPLANATION}. ` +
        `Use ApprovalMode.AUTO, ApprovalMode.DRIFT_DETECTION_ONLY, or MANUAL with \`source:\` ${LOOP_SOURCES}`,
    );
  }
  if (approvedPlan !== undefined) {
    if (mode !== ApprovalMode.MANUAL) c.fail("approvedPlan", approvedPlan, "unset unless approval is ApprovalMode.MANUAL");
    else c.pattern("approvedPlan", approvedPlan, PLAN_ID, PLAN_ID_ALLOWED);
  }
}
