import { Construct } from "constructs";
import { InfrastructureStack } from "../azure/infrastructure-stack";
import { Duration } from "../core/duration";
import { Annotations } from "../core/framework";
import { GitOpsFile, IGitOpsFileProducer, markFileProducer } from "../core/gitops-file";
import { DNS_SUBDOMAIN } from "../core/patterns";
import { Registry } from "../core/registry";
import { clusterTerraformFile } from "../core/repo-layout";
import { addPropValidation, PropChecks } from "../core/validation";
import { isTerraformSourceLike, ITerraformSource } from "../flux/flux-cluster";
import { aksDriftRouteNotice } from "../flux/terraform-alerts";
import { forFluxTarget } from "../schema/flux-api-versions";
import { Approval, ApprovalMode } from "./approval";
import { checkDependencies } from "./dependencies";
import { checkReconcileProps, ObserveOnly, ReadablePlan, RetryBackoff } from "./reconcile-policy";
import { checkRunnerCredentials } from "./runner-credentials";
import { IRunnerIdentity, kubeletIdentityWarning } from "./runner-identity";
import { RunnerPod } from "./runner-pod";
import { RunnerPodOptions } from "./runner-pod-options";
import { checkStackInputs, TerraformVarsFromSource, WriteOutputsToSecret } from "./stack-inputs";
import { DEFAULT_WORKSPACE, stateSecretName } from "./state-secret";
import { isTerraformCluster, ITerraformCluster, ITerraformObject } from "./terraform-cluster";
import { terraformManifest } from "./terraform-manifest";
import { checkObjectNaming } from "./terraform-object-naming";

export { PROMOTION_ANNOTATION } from "./terraform-manifest";

/** How a Terraform object reconciles a stack, on any cluster (`FluxBootstrap.addTerraform(id, options)`). */
export interface TerraformObjectOptions {
  /** The stack to reconcile; `spec.path` is its `infrastructure/<folder>`, never typed by hand. */
  readonly stack: InfrastructureStack;
  /**
   * What happens with a plan: `Approval.auto()`, `Approval.manual({ approvedPlan? })` or `Approval.disabled()`.
   * Required: it decides whether a merge applies to Azure without a human. Manual approval needs a `source` separate
   * from the cluster's own GitRepository (tofu-controller #1878). An `ApprovalMode` is the deprecated form.
   */
  readonly approval: Approval | ApprovalMode;
  /**
   * With ApprovalMode.MANUAL: the plan id to apply, as the object's status prints it (`plan-main-b8e362c206`).
   * @default - none
   * @deprecated Use `approval: Approval.manual({ approvedPlan })`; refused together with an `Approval`.
   */
  readonly approvedPlan?: string;
  /**
   * Object name; part of the runner pod name. A DNS label not ending in `-<digits>`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the object; must be the source's namespace (cross-namespace source refs are denied).
   * @default - the source's namespace
   */
  readonly namespace?: string;
  /**
   * Where the code comes from.
   * @default - the cluster's own GitRepository (cluster.source)
   */
  readonly source?: ITerraformSource;
  /**
   * How often the controller re-plans (drift detection); each run starts a runner pod and refreshes every resource.
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;
  /**
   * Requeue after an error, detected drift in manual mode, or a dependency that is not ready.
   * @default Duration.minutes(1) (the controller's own default of 15s starts a runner pod every 15s while failing)
   */
  readonly retryInterval?: Duration;
  /**
   * How a failed run is retried, a detected drift that the object may not apply included (manual, disabled or
   * observe-only approval: the controller counts it as a failure and retries after `retryInterval`).
   * @default RetryBackoff.exponential() (at most one run an hour) for manual, disabled and observe-only approval; RetryBackoff.fixed() for auto
   */
  readonly retryBackoff?: RetryBackoff;
  /**
   * Store the pending plan readably in the cluster (`spec.storeReadablePlan`): `human` writes the ConfigMap
   * `tfplan-<workspace>-<name>` (key `tfplan`), `json` the Secret `tfplan-<workspace>-<name>.json`.
   * @default ReadablePlan.HUMAN with manual approval (someone reads the plan before approving it); otherwise not written (none)
   */
  readonly storeReadablePlan?: ReadablePlan;
  /**
   * Write the object suspended (`spec.suspend: true`): the controller runs nothing for it until the field is gone. The
   * pause for an incident in Git; `tfctl suspend <name>` does it in the cluster without a commit (see docs/drift.md).
   * @default false (not written, so `tfctl suspend`/`resume` in the cluster are not reverted by Flux)
   */
  readonly suspend?: boolean;
  /**
   * Suffix of the state Secret `tfstate-<workspace>-<suffix>`; stable, independent of the object name. Changing it
   * starts from an empty state; a hand-written object's state is kept with its name (docs/migrating-from-hand-written.md).
   * @default - the stack's folder name
   */
  readonly secretSuffix?: string;
  /**
   * Terraform workspace; part of the state Secret name.
   * @default - "default" (not written)
   */
  readonly workspace?: string;
  /**
   * Destroy everything the stack manages when the object is deleted (e.g. by removing it from the app).
   * @default false
   */
  readonly destroyResourcesOnDeletion?: boolean;
  /**
   * Skip the periodic drift check.
   * @default false
   */
  readonly disableDriftDetection?: boolean;
  /**
   * Write the stack's outputs to a Secret (for other objects' varsFrom).
   * @default - no outputs Secret
   */
  readonly writeOutputsToSecret?: WriteOutputsToSecret;
  /**
   * Literal input variables (written into the object; nothing secret: use varsFrom with a Secret).
   * @default - none
   */
  readonly vars?: Record<string, unknown>;
  /**
   * Input variables from Secrets or ConfigMaps.
   * @default - none
   */
  readonly varsFrom?: TerraformVarsFromSource[];
  /**
   * Terraform objects of the same cluster and namespace that must be Ready first.
   * @default - none
   */
  readonly dependsOn?: TerraformControllerCR[];
  /**
   * ServiceAccount of the runner pod; it needs the runner RBAC (the chart creates `tf-runner` in every namespace
   * that holds Terraform objects). Not with a `runnerIdentity`, which brings its own.
   * @default "tf-runner" (the runnerIdentity's ServiceAccount with a workload identity)
   */
  readonly serviceAccountName?: string;
  /**
   * How the runner authenticates to Azure: a `RunnerIdentity` (workload identity: a user-assigned identity with a
   * node-pool-only role on the cluster, federated to the runner's ServiceAccount), or, as an explicit opt-in with a
   * synth warning, `RunnerIdentity.kubeletIdentity({ clientId })`. It sets the ServiceAccount, the pod label and the
   * ARM_* environment of the runner; those names cannot be set in `runnerPod` too.
   * @default - none: the runner gets no Azure credentials from the library, so `runnerPod` (env or envFrom) or the
   * stack's provider block must give one; refused at synth otherwise (lib/tofu/runner-credentials.ts)
   */
  readonly runnerIdentity?: IRunnerIdentity;
  /**
   * Runner pod metadata and spec.
   * @default - resources only (requests 100m/256Mi, limit 1Gi memory)
   */
  readonly runnerPod?: RunnerPodOptions;
  /**
   * `init -upgrade` on every run (false: ship a lock file to pin providers).
   * @default true
   */
  readonly upgradeOnInit?: boolean;
}

/** Props of a TerraformControllerCR: the stack it reconciles, on which cluster, and how. */
export interface TerraformControllerCRProps extends TerraformObjectOptions {
  /** The cluster whose tofu-controller reconciles the stack; the object goes to `clusters/<cluster>/terraform/`. */
  readonly cluster: ITerraformCluster;
}

/** The Terraform objects of each cluster, in creation order. */
const TERRAFORM_OBJECTS = new Registry<undefined, TerraformControllerCR>();

/**
 * A tofu-controller `Terraform` object (infra.contrib.fluxcd.io/v1alpha2) that reconciles one InfrastructureStack on
 * one cluster: written to `clusters/<cluster>/terraform/<name>.yaml` and applied by the cluster's `terraform`
 * Flux Kustomization once tofu-controller is running.
 *
 * Its state lives in the Secret `tfstate-<workspace>-<secretSuffix>` of its namespace. The suffix defaults to the
 * stack's folder, not the object name, so renaming the object keeps the state; moving the object to another
 * namespace, changing workspace or secretSuffix starts from an empty state.
 *
 * One stack can be reconciled on several clusters (each cluster keeps its own state): it must then be parameterised
 * per cluster (`vars`/`varsFrom`), or the clusters would fight over the same Azure resources.
 */
export class TerraformControllerCR extends Construct implements ITerraformObject, IGitOpsFileProducer {
  /** The Terraform objects of `cluster`, in creation order. */
  static of(cluster: ITerraformCluster): readonly TerraformControllerCR[] {
    return TERRAFORM_OBJECTS.of(cluster, undefined);
  }

  readonly cluster: ITerraformCluster;
  readonly stack: InfrastructureStack;
  /** Object name. */
  readonly name: string;
  readonly namespace: string;
  readonly source: ITerraformSource;
  /** What the controller does with a plan (an `ApprovalMode` given is converted). */
  readonly approval: Approval;
  readonly secretSuffix: string;
  readonly workspace: string;
  /** Name of the state Secret in the object's namespace. */
  readonly stateSecretName: string;
  /** `spec.path`, derived from the stack. */
  readonly path: string;
  /** @internal File name in the cluster's `terraform/` folder. */
  readonly _fileName: string;

  /** How the runner authenticates to Azure, if the library sets it up. */
  readonly runnerIdentity?: IRunnerIdentity;

  private readonly props: TerraformControllerCRProps;
  private readonly interval: Duration;
  private readonly retryInterval: Duration;
  private readonly dependencies: TerraformControllerCR[] = [];
  private readonly runnerPod: RunnerPod;

  constructor(scope: Construct, id: string, given: TerraformControllerCRProps) {
    super(scope, id);
    // A JavaScript caller without props gets the validation's messages, not a TypeError here.
    const props = given ?? ({} as TerraformControllerCRProps);
    markFileProducer(this);
    this.props = props;
    this.cluster = props.cluster;
    this.stack = props.stack;
    this.name = props.name ?? id;
    // `?.`: a JavaScript caller without a cluster gets the validation message, not a TypeError here.
    this.source = props.source ?? props.cluster?.source;
    this.namespace = props.namespace ?? this.source?.namespace;
    // Undefined for an approval that is neither an Approval nor an ApprovalMode: the validation refuses it.
    this.approval = (Approval.isApproval(props.approval) ? props.approval : Approval._fromMode(props.approval, props.approvedPlan))!;
    this.runnerPod = new RunnerPod(props.runnerPod);
    // `?.`: a JavaScript caller without a stack gets the validation message, not a TypeError here.
    this.secretSuffix = props.secretSuffix ?? props.stack?.folderName;
    this.workspace = props.workspace ?? DEFAULT_WORKSPACE;
    this.stateSecretName = stateSecretName(this.workspace, this.secretSuffix);
    this.path = props.stack instanceof InfrastructureStack && isTerraformSourceLike(this.source) ? this.source._pathFor(props.stack) : "";
    this._fileName = `${this.name}.yaml`;
    this.interval = props.interval ?? Duration.minutes(10);
    this.retryInterval = props.retryInterval ?? Duration.minutes(1);
    // Only the objects among them: anything else is reported by validation (JavaScript callers).
    if (Array.isArray(props.dependsOn)) for (const d of props.dependsOn) if (d instanceof TerraformControllerCR) this.addDependency(d);
    if (isTerraformCluster(props.cluster)) TERRAFORM_OBJECTS.add(props.cluster, undefined, this);
    this.runnerIdentity = props.runnerIdentity;
    if (typeof props.runnerIdentity?._attach === "function") props.runnerIdentity._attach(this);
    else if (this.runnerPod.usesKubeletIdentity) {
      Annotations.of(this).addWarning(kubeletIdentityWarning(this));
    }
    addPropValidation(this, (c) => this.validate(c));
  }

  /** Makes this object wait until `other` (same cluster and namespace) is Ready and, for one source, at the same revision. */
  addDependency(other: TerraformControllerCR): void {
    if (!this.dependencies.includes(other)) this.dependencies.push(other);
  }

  /** @internal True if its plans wait for a human (manual approval on a cluster that is not observe-only). */
  get _waitsForApproval(): boolean {
    return this.approval?._waitsForHuman === true && ObserveOnly._of(this.cluster) === undefined;
  }

  /** The objects this one waits for. */
  get dependsOn(): readonly TerraformControllerCR[] {
    return [...this.dependencies];
  }

  private validate(c: PropChecks): void {
    const p = this.props;
    if (!isTerraformCluster(this.cluster)) {
      c.fail("cluster", this.cluster, "a FluxBootstrap (the cluster whose tofu-controller reconciles the stack)");
      return; // everything else is relative to the cluster
    }
    if (!isTerraformSourceLike(this.source)) {
      c.fail("source", this.source, "a Flux source of the cluster (GitRepositorySource, OciRepositorySource or cluster.source)");
      return; // the namespace, path and approval are relative to the source
    }
    checkObjectNaming(c, {
      cluster: this.cluster,
      name: this.name,
      namespace: this.namespace,
      namespaceGiven: p.namespace !== undefined,
      source: this.source,
      workspace: this.workspace,
      secretSuffix: this.secretSuffix,
      suffixGiven: p.secretSuffix !== undefined,
    });
    const dependsOn: unknown = p.dependsOn;
    if (c.array("dependsOn", dependsOn, "an array of TerraformControllerCR"))
      ((dependsOn ?? []) as unknown[]).forEach((d, i) => {
        if (!(d instanceof TerraformControllerCR)) c.fail(`dependsOn[${i}]`, d, "a TerraformControllerCR");
      });
    c.check(p.stack instanceof InfrastructureStack, "stack", p.stack?.node?.path ?? p.stack, "an InfrastructureStack");
    Approval._check(c, p.approval, p.approvedPlan, this.source);

    Duration._check(c, "interval", this.interval, {
      min: Duration.minutes(1),
      why: "every run starts a runner pod and refreshes every resource against Azure",
    });
    Duration._check(c, "retryInterval", this.retryInterval, {
      min: Duration.seconds(15),
      why: "the controller's own default; every retry starts a runner pod",
    });

    c.check(
      this.source.cluster === this.cluster,
      "source",
      `${this.source.kind} ${this.source.namespace}/${this.source.name}`,
      `a source of cluster ${this.cluster.clusterName} (it belongs to ${this.source.cluster.clusterName})`,
    );
    checkReconcileProps(c, p, this.retryInterval);
    // Once per cluster: on its first Terraform object.
    if (TerraformControllerCR.of(this.cluster)[0] === this) {
      ObserveOnly._check(c, this.cluster);
      if (this.cluster._aksExtensionCluster) warnOnce(this, aksDriftRouteNotice(this.cluster.clusterName));
    }
    for (const b of ["destroyResourcesOnDeletion", "disableDriftDetection", "upgradeOnInit", "suspend"] as const) {
      if (p[b] !== undefined) c.check(typeof p[b] === "boolean", b, p[b], "true or false");
    }
    c.pattern("serviceAccountName", p.serviceAccountName, DNS_SUBDOMAIN, "a ServiceAccount name in the object's namespace");

    checkStackInputs(c, p, this.stateSecretName);

    checkDependencies(c, this);
    this.validateUniqueness(c);
    const before = c.all.length;
    this.runnerPod._validate(c);
    this.validateIdentity(c, p, c.all.length === before);
  }

  private validateUniqueness(c: PropChecks): void {
    // Two objects on one state, or one name twice, in one cluster (one name is one file in the cluster's terraform/ folder).
    for (const other of TerraformControllerCR.of(this.cluster)) {
      if (other === this) break; // report on the later one only
      if (other.name === this.name && other.namespace === this.namespace) {
        c.fail(
          "name",
          this.name,
          `a name not used by another Terraform object in ${this.cluster.clusterName}/${this.namespace} (${other.node.path} has it)`,
        );
      } else if (other.name === this.name) {
        c.fail(
          "name",
          this.name,
          `a name not used by another Terraform object of cluster ${this.cluster.clusterName} (${other.node.path} in ` +
            `namespace ${other.namespace} has it, and both would be written to ` +
            `${clusterTerraformFile(this.cluster.clusterName, this._fileName)})`,
        );
      } else if (other.namespace === this.namespace && other.stateSecretName === this.stateSecretName) {
        c.fail(
          "secretSuffix",
          this.secretSuffix,
          `a state Secret of its own: ${other.node.path} already uses ${this.namespace}/${this.stateSecretName}, and two ` +
            `objects on one state overwrite each other`,
        );
      }
    }
  }

  private validateIdentity(c: PropChecks, p: TerraformControllerCRProps, runnerPodValid: boolean): void {
    const id = p.runnerIdentity;
    if (id === undefined) {
      // Judged only on a runner pod without problems of its own: one mistake, one message.
      if (runnerPodValid && p.stack instanceof InfrastructureStack) checkRunnerCredentials(c, p.stack, p.runnerPod);
      return;
    }
    if (typeof id?._runner !== "function") {
      c.fail("runnerIdentity", id, "a RunnerIdentity, or RunnerIdentity.kubeletIdentity({ clientId })");
      return;
    }
    id._validateFor(this, c);
    const settings = id._runner(this);
    if (
      settings.serviceAccountName !== undefined &&
      p.serviceAccountName !== undefined &&
      p.serviceAccountName !== settings.serviceAccountName
    ) {
      c.fail(
        "serviceAccountName",
        p.serviceAccountName,
        `unset with a runnerIdentity (its ServiceAccount ${settings.serviceAccountName} is the one federated to the identity)`,
      );
    }
    this.runnerPod._validateWith(c, settings);
  }

  /** @internal */
  _gitOpsFiles(): GitOpsFile[] {
    const doc = terraformManifest({
      props: this.props,
      cluster: this.cluster,
      name: this.name,
      namespace: this.namespace,
      source: this.source,
      path: this.path,
      interval: this.interval,
      retryInterval: this.retryInterval,
      approval: this.approval,
      secretSuffix: this.secretSuffix,
      dependencies: this.dependencies.map((d) => d.name),
      runnerPod: this.runnerPod,
      identity: this.props.runnerIdentity?._runner(this),
    });
    return [
      {
        path: clusterTerraformFile(this.cluster.clusterName, this._fileName),
        source: this.node.path,
        content: { format: "yaml", documents: [forFluxTarget(doc, this.cluster._fluxTarget)] },
      },
    ];
  }
}

/** A warning annotation, unless the construct has it already (validation runs again on a second synth of one tree). */
function warnOnce(scope: Construct, message: string): void {
  if (!scope.node.metadata.some((m) => m.data === message)) Annotations.of(scope).addWarning(message);
}
