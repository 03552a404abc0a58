import { Duration } from "../core/duration";
import { Registry } from "../core/registry";
import { PropChecks } from "../core/validation";
import type { ITerraformCluster } from "./terraform-cluster";

/*
 * How a Terraform object stays quiet, read from tofu-controller v0.16.5:
 * - A detected drift that the object may not apply (approvePlan "" or "disable") is returned as an error
 *   (controllers/tf_controller_reconcile.go@v0.16.5:165), counted as a failure (IncrementReconciliationFailures,
 *   controllers/tf_controller.go@v0.16.5:570) and requeued after GetRetryInterval() (tf_controller.go@v0.16.5:587):
 *   with the default StaticInterval that is one runner pod and one DriftDetected event per retryInterval, forever.
 * - With `retryStrategy: ExponentialBackoff` GetRetryInterval() is retryInterval * 2^failures, capped at
 *   maxRetryInterval (default 24h) (api/v1alpha2/terraform_types.go@v0.16.5:882-900); a successful run resets the
 *   count (TerraformResetRetry, tf_controller.go@v0.16.5:566).
 * - `planOnly` was not chosen for observe-only: with approvePlan "auto" it is the only field between a pending plan and
 *   an apply (shouldApply, controllers/tf_controller_apply.go@v0.16.5:21-40); "disable" never plans to apply at all
 *   (tf_controller_reconcile.go@v0.16.5:180).
 */

/** Annotation on a Terraform object whose cluster is observe-only (`ObserveOnly.cluster`): why. */
export const RECONCILE_POLICY_ANNOTATION = "cdktf-aks-gitops/reconcile-policy";

/** The default ceiling of the exponential backoff: about one runner pod an hour while a drift waits for a human. */
export const DEFAULT_MAX_RETRY_INTERVAL = Duration.hours(1);

/** Options of `RetryBackoff.exponential()`. */
export interface ExponentialBackoffOptions {
  /**
   * The longest wait between two retries (`maxRetryInterval`).
   * @default Duration.hours(1)
   */
  readonly maxRetryInterval?: Duration;
}

const BACKOFF_BRAND = Symbol.for("cdktf-aks-gitops.RetryBackoff");

/**
 * How a Terraform object retries a failed run, a detected drift it may not apply included (`spec.retryStrategy`).
 * The default is `exponential()` for manual, disabled and observe-only approval (a drift there fails every run until a
 * human acts) and `fixed()` for auto approval (the retry is what applies the fix).
 */
export class RetryBackoff {
  /** Every `retryInterval` (`StaticInterval`, not written: the CRD default). */
  static fixed(): RetryBackoff {
    return new RetryBackoff(undefined);
  }

  /** `retryInterval * 2^failures`, at most `maxRetryInterval` (`ExponentialBackoff`). */
  static exponential(options: ExponentialBackoffOptions = {}): RetryBackoff {
    return new RetryBackoff(options?.maxRetryInterval ?? DEFAULT_MAX_RETRY_INTERVAL);
  }

  /** True if `x` is a RetryBackoff (also one from another copy of this library). */
  static isRetryBackoff(x: unknown): x is RetryBackoff {
    return typeof x === "object" && x !== null && (x as { [BACKOFF_BRAND]?: unknown })[BACKOFF_BRAND] === true;
  }

  private constructor(
    /** undefined: static interval. */
    private readonly maxRetryInterval: Duration | undefined,
  ) {
    Object.defineProperty(this, BACKOFF_BRAND, { value: true });
  }

  /** @internal `retryStrategy` and `maxRetryInterval`; both undefined for `fixed()`. */
  _toKube(): { retryStrategy?: "ExponentialBackoff"; maxRetryInterval?: string } {
    if (this.maxRetryInterval === undefined) return {};
    return { retryStrategy: "ExponentialBackoff", maxRetryInterval: this.maxRetryInterval.toGo() };
  }

  /** @internal */
  _check(c: PropChecks, prop: string, retryInterval: Duration): void {
    if (this.maxRetryInterval === undefined) return;
    Duration._check(c, `${prop}.maxRetryInterval`, this.maxRetryInterval, {
      min: retryInterval,
      max: Duration.hours(24),
      why: "from the object's retryInterval to tofu-controller's own ceiling of 24h",
    });
  }

  /** How the value is written in code. */
  toString(): string {
    return this.maxRetryInterval === undefined
      ? "RetryBackoff.fixed()"
      : `RetryBackoff.exponential({ maxRetryInterval: ${this.maxRetryInterval.toGo()} })`;
  }
}

/**
 * Whether the runner stores the pending plan in a readable form (`spec.storeReadablePlan`), beside the binary plan
 * Secret `tfplan-<workspace>-<name>` (runner/server_save_tfplan.go@v0.16.5:55-95).
 */
export enum ReadablePlan {
  /** Only the binary plan (the CRD default). */
  NONE = "none",
  /** `terraform show -json` into the Secret `tfplan-<workspace>-<name>.json`. */
  JSON = "json",
  /** `terraform show` text into the ConfigMap `tfplan-<workspace>-<name>`, key `tfplan`. */
  HUMAN = "human",
}

/** Options of `ObserveOnly.cluster`. */
export interface ObserveOnlyClusterOptions {
  /** Why (written into every object's `cdktf-aks-gitops/reconcile-policy` annotation), e.g. "incident 4711: portal fix in progress". */
  readonly reason: string;
  /**
   * The backoff of every object of the cluster.
   * @default RetryBackoff.exponential() (at most one run an hour while drifted)
   */
  readonly backoff?: RetryBackoff;
}

/** The observe-only clusters (one entry per cluster). */
const OBSERVE_ONLY = new Registry<undefined, ObserveOnlyClusterOptions>();

/**
 * Makes every Terraform object of one cluster observe-only, whatever its own `approval`: plan for drift, report it,
 * never apply (`approvePlan: disable`, exponential backoff). For a cluster that should only watch (a new prod, a
 * subscription another team owns) or, in Git, for an incident. The objects carry the reason as an annotation.
 */
export class ObserveOnly {
  /** Makes `cluster` observe-only (see the class doc). */
  static cluster(cluster: ITerraformCluster, options: ObserveOnlyClusterOptions): void {
    OBSERVE_ONLY.add(cluster, undefined, options ?? ({} as ObserveOnlyClusterOptions));
  }

  /** @internal The observe-only options of `cluster`, if it is observe-only. */
  static _of(cluster: ITerraformCluster): ObserveOnlyClusterOptions | undefined {
    return OBSERVE_ONLY.first(cluster, undefined);
  }

  /** @internal Problems of a cluster's observe-only options, reported on each of its objects' `cluster` prop. */
  static _check(c: PropChecks, cluster: ITerraformCluster): void {
    const o = ObserveOnly._of(cluster);
    if (o === undefined) return;
    c.check(
      typeof o.reason === "string" && o.reason.trim().length >= 10,
      "ObserveOnly.cluster(…).reason",
      o.reason,
      "a reason of at least 10 characters (it is written on every Terraform object of the cluster)",
    );
    if (o.backoff !== undefined)
      c.check(
        RetryBackoff.isRetryBackoff(o.backoff),
        "ObserveOnly.cluster(…).backoff",
        o.backoff,
        "RetryBackoff.exponential(…) or .fixed()",
      );
  }

  private constructor() {}
}

/** What a Terraform object writes about retries, readable plans and the pause, and the annotation of an observe-only cluster. */
export interface ReconcileFields {
  readonly approvePlan: string | undefined;
  readonly retryStrategy?: "ExponentialBackoff";
  readonly maxRetryInterval?: string;
  readonly storeReadablePlan?: ReadablePlan;
  readonly policyAnnotation?: string;
}

/** The props of a Terraform object this file reads. */
export interface ReconcileProps {
  readonly retryBackoff?: RetryBackoff;
  readonly storeReadablePlan?: ReadablePlan;
}

/**
 * The reconcile fields of one object: its approval's `approvePlan` unless its cluster is observe-only, the backoff
 * (given, the cluster's, or the default of the approval), and the readable plan (default `human` for manual approval,
 * where a person reads the pending plan; not written otherwise).
 */
export function reconcileFields(
  cluster: ITerraformCluster,
  approval: { readonly _applies: boolean; readonly _waitsForHuman: boolean; _toKube(): string | undefined } | undefined,
  props: ReconcileProps,
): ReconcileFields {
  const observe = ObserveOnly._of(cluster);
  const quietByDefault = observe !== undefined || approval?._applies === false;
  const backoff =
    (observe ? observe.backoff : undefined) ?? props.retryBackoff ?? (quietByDefault ? RetryBackoff.exponential() : RetryBackoff.fixed());
  const waits = observe === undefined && approval?._waitsForHuman === true;
  return {
    approvePlan: observe ? "disable" : approval?._toKube(),
    ...(RetryBackoff.isRetryBackoff(backoff) ? backoff._toKube() : {}),
    storeReadablePlan: props.storeReadablePlan ?? (waits ? ReadablePlan.HUMAN : undefined),
    policyAnnotation: observe ? `observe-only (cluster ${cluster.clusterName}): ${observe.reason}` : undefined,
  };
}

/** Problems of a Terraform object's `retryBackoff` and `storeReadablePlan` props. */
export function checkReconcileProps(c: PropChecks, props: ReconcileProps, retryInterval: Duration): void {
  if (props.retryBackoff !== undefined) {
    if (RetryBackoff.isRetryBackoff(props.retryBackoff)) props.retryBackoff._check(c, "retryBackoff", retryInterval);
    else c.fail("retryBackoff", props.retryBackoff, "RetryBackoff.exponential({ maxRetryInterval? }) or RetryBackoff.fixed()");
  }
  if (props.storeReadablePlan !== undefined) c.oneOf("storeReadablePlan", props.storeReadablePlan, Object.values(ReadablePlan));
}
