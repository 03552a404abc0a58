import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { Duration } from "../core/duration";
import type { FluxBootstrap } from "../cluster/flux-bootstrap";
import { ITerraformSource } from "../flux/flux-source";
import { TaintEffect } from "../azure/guarded-node-pool";
import { DNS_LABEL, InfrastructureStack } from "../azure/infrastructure-stack";
import { GitOpsFile, IGitOpsFileProducer, markFileProducer } from "../core/gitops-file";
import { EnvFromSource, EnvVar, ResourceRequirements, Toleration } from "../kubernetes/pod";
import { terraformObject, TerraformRunnerPodTemplate, TerraformVarsFrom } from "../kubernetes/terraform";
import { addPropValidation, PropChecks } from "../core/validation";
import { IRunnerIdentity, kubeletIdentityWarning, RunnerIdentitySettings, SUSPENDED_ANNOTATION } from "./runner-identity";
import { DNS_SUBDOMAIN } from "../core/patterns";

/** Annotation on every Terraform object of a PromotionOrder stage: its stage and the stage before it. */
export const PROMOTION_ANNOTATION = "cdktf-aks-gitops/promotion";

/** What the controller does with a plan. */
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

/** Where a runner environment variable's value comes from; exactly one field. Nothing secret is ever embedded. */
export interface RunnerEnvValueFrom {
  /**
   * A key of a Secret in the object's namespace.
   * @default - none
   */
  readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
  /**
   * A key of a ConfigMap in the object's namespace.
   * @default - none
   */
  readonly configMapKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
  /**
   * A field of the runner pod, e.g. `metadata.namespace`.
   * @default - none
   */
  readonly fieldRef?: { readonly fieldPath: string };
}

/** One environment variable of the runner pod: a literal value or a reference (exactly one). */
export interface RunnerEnvVar {
  /** Variable name, e.g. `ARM_USE_AKS_WORKLOAD_IDENTITY`. */
  readonly name: string;
  /**
   * Literal value (not for secrets: use valueFrom.secretKeyRef).
   * @default - none
   */
  readonly value?: string;
  /**
   * Value from a Secret, ConfigMap or pod field.
   * @default - none
   */
  readonly valueFrom?: RunnerEnvValueFrom;
}

/** All keys of a Secret or ConfigMap as environment variables; exactly one of secretName and configMapName. */
export interface RunnerEnvFrom {
  /**
   * Secret in the object's namespace.
   * @default - none
   */
  readonly secretName?: string;
  /**
   * ConfigMap in the object's namespace.
   * @default - none
   */
  readonly configMapName?: string;
  /**
   * Prefix for every variable name.
   * @default - none
   */
  readonly prefix?: string;
  /**
   * Start the runner even if the object is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/** Toleration operator. */
export enum TolerationOperator {
  EXISTS = "Exists",
  EQUAL = "Equal",
}

/** A toleration of the runner pod. */
export interface RunnerToleration {
  /**
   * Taint key; with operator EXISTS and no key, tolerates every taint.
   * @default - any key
   */
  readonly key?: string;
  /**
   * @default TolerationOperator.EQUAL
   */
  readonly operator?: TolerationOperator;
  /**
   * Taint value (operator EQUAL only).
   * @default - empty
   */
  readonly value?: string;
  /**
   * Taint effect.
   * @default - every effect
   */
  readonly effect?: TaintEffect;
  /**
   * Seconds a NoExecute taint is tolerated.
   * @default - forever
   */
  readonly tolerationSeconds?: number;
}

/** CPU and memory of the runner pod, as Kubernetes quantities (`100m`, `512Mi`). */
export interface RunnerResources {
  /**
   * @default - { cpu: "100m", memory: "256Mi" }
   */
  readonly requests?: Record<string, string>;
  /**
   * @default - { memory: "1Gi" } (the azurerm provider needs a few hundred MiB; an OOM-killed runner used to hang the object)
   */
  readonly limits?: Record<string, string>;
}

/** The runner pod (one per reconcile, `<name>-tf-runner`, in the object's namespace). */
export interface RunnerPodOptions {
  /**
   * Pod labels, e.g. `azure.workload.identity/use: "true"` for workload identity.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Pod annotations.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Environment variables (e.g. `ARM_*`); secrets only via valueFrom.secretKeyRef.
   * @default - none
   */
  readonly env?: RunnerEnvVar[];
  /**
   * Whole Secrets or ConfigMaps as environment variables.
   * @default - none
   */
  readonly envFrom?: RunnerEnvFrom[];
  /**
   * CPU and memory.
   * @default - requests 100m CPU / 256Mi memory, limit 1Gi memory
   */
  readonly resources?: RunnerResources;
  /**
   * Node labels the runner must run on.
   * @default - any node
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Tolerations.
   * @default - none
   */
  readonly tolerations?: RunnerToleration[];
}

/** Variables from a Secret or ConfigMap (`varsFrom`): values arrive as JSON strings. */
export interface TerraformVarsFromSource {
  /** Secret or ConfigMap. */
  readonly kind: VarsFromKind;
  /** Object name in the Terraform object's namespace. */
  readonly name: string;
  /**
   * Only these keys (`old:new` renames); later entries override earlier ones.
   * @default - all keys
   */
  readonly keys?: string[];
  /**
   * Do not fail if the object is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/** Where `varsFrom` reads Terraform variables from. */
export enum VarsFromKind {
  SECRET = "Secret",
  CONFIG_MAP = "ConfigMap",
}

/** Stack outputs written to a Secret owned by the Terraform object. */
export interface WriteOutputsToSecret {
  /** Secret name. */
  readonly name: string;
  /**
   * Output names (`old:new` renames).
   * @default - all outputs
   */
  readonly outputs?: string[];
  /**
   * Labels of the Secret.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations of the Secret.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** Props of a TerraformControllerCR: the stack it reconciles, on which cluster, and how. */
export interface TerraformControllerCRProps {
  /** The cluster whose tofu-controller reconciles the stack; the object goes to `clusters/<cluster>/terraform/`. */
  readonly cluster: FluxBootstrap;
  /** The stack to reconcile; `spec.path` is its `infrastructure/<folder>`, never typed by hand. */
  readonly stack: InfrastructureStack;
  /**
   * What happens with a plan. Required: it decides whether a merge applies to Azure without a human.
   * MANUAL needs a `source` separate from the cluster's own GitRepository (tofu-controller #1878).
   */
  readonly approval: ApprovalMode;
  /**
   * With MANUAL: the plan id to apply, as the object's status prints it (`plan-main-b8e362c206`). Approving in code
   * keeps the approval in Git; unset, approve with `tfctl approve` (the field is not written, so Flux keeps it).
   * @default - none
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
   * Suffix of the state Secret `tfstate-<workspace>-<suffix>`; stable, independent of the object name, so renaming
   * the object does not start from an empty state. Changing it does.
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
   * @default - none: the runner gets no Azure credentials from the library
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

const STATE_SUFFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const TRAILING_NUMBER = /-\d+$/;
const PLAN_ID = /^plan-[A-Za-z0-9._/-]+-[0-9a-f]{10}$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const TF_VAR_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;
/** `writeOutputsToSecret.outputs`: an output name, optionally `:<Secret key>`. */
const OUTPUT_MAPPING = /^[a-zA-Z_][a-zA-Z0-9_-]*(:[-._a-zA-Z0-9]+)?$/;
/** `varsFrom.keys`: a Secret/ConfigMap key, optionally `:<variable name>`. */
const KEY_MAPPING = /^[-._a-zA-Z0-9]+(:[a-zA-Z_][a-zA-Z0-9_-]*)?$/;
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const DEFAULT_RESOURCES: Required<RunnerResources> = { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } };

const LOOP_EXPLANATION =
  "with the cluster's own GitRepository as source, approving a plan is a commit to that repo, which is a new source revision, so the " +
  "controller plans again under a new plan id and the approval never matches: it loops forever (tofu-controller #1878, open in 0.16.5)";
const LOOP_ALTERNATIVES =
  "ApprovalMode.AUTO, ApprovalMode.DRIFT_DETECTION_ONLY, or MANUAL with `source:` a GitRepositorySource on another branch/tag/repo " +
  "or an OciRepositorySource that holds only the Terraform";

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
export class TerraformControllerCR extends Construct implements IGitOpsFileProducer {
  readonly cluster: FluxBootstrap;
  readonly stack: InfrastructureStack;
  /** Object name. */
  readonly name: string;
  readonly namespace: string;
  readonly source: ITerraformSource;
  readonly approval: ApprovalMode;
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

  constructor(scope: Construct, id: string, props: TerraformControllerCRProps) {
    super(scope, id);
    markFileProducer(this);
    this.props = props;
    this.cluster = props.cluster;
    this.stack = props.stack;
    this.name = props.name ?? id;
    // `?.`: a JavaScript caller without a cluster gets the validation message, not a TypeError here.
    this.source = props.source ?? props.cluster?.source;
    this.namespace = props.namespace ?? this.source?.namespace;
    this.approval = props.approval;
    // `?.`: a JavaScript caller without a stack gets the validation message, not a TypeError here.
    this.secretSuffix = props.secretSuffix ?? props.stack?.folderName;
    this.workspace = props.workspace ?? "default";
    this.stateSecretName = `tfstate-${this.workspace}-${this.secretSuffix}`;
    this.path = props.stack instanceof InfrastructureStack && this.source ? this.source._pathFor(props.stack) : "";
    this._fileName = `${this.name}.yaml`;
    this.interval = props.interval ?? Duration.minutes(10);
    this.retryInterval = props.retryInterval ?? Duration.minutes(1);
    for (const d of props.dependsOn ?? []) this.addDependency(d);
    if (isCluster(props.cluster)) props.cluster._registerTerraform(this);
    this.runnerIdentity = props.runnerIdentity;
    if (typeof props.runnerIdentity?._attach === "function") props.runnerIdentity._attach(this);
    else if ((props.runnerPod?.env ?? []).some((e) => e?.name === "ARM_USE_MSI" && e.value?.trim().toLowerCase() !== "false")) {
      Annotations.of(this).addWarning(kubeletIdentityWarning(this));
    }
    addPropValidation(this, (c) => this.validate(c));
  }

  /** Makes this object wait until `other` (same cluster and namespace) is Ready and, for one source, at the same revision. */
  addDependency(other: TerraformControllerCR): void {
    if (!this.dependencies.includes(other)) this.dependencies.push(other);
  }

  /** The objects this one waits for. */
  get dependsOn(): readonly TerraformControllerCR[] {
    return [...this.dependencies];
  }

  private validate(c: PropChecks): void {
    const p = this.props;
    if (!isCluster(this.cluster)) {
      c.fail("cluster", this.cluster, "a FluxBootstrap (the cluster whose tofu-controller reconciles the stack)");
      return; // everything else is relative to the cluster
    }
    if (
      c.pattern(
        "name",
        this.name,
        DNS_LABEL,
        "a DNS label: lower-case letters, digits and '-', 1 to 63 characters, starting and ending alphanumeric",
      )
    ) {
      c.check(
        !TRAILING_NUMBER.test(this.name),
        "name",
        this.name,
        "a name not ending in -<digits> (Terraform's kubernetes backend refuses such state suffixes; tofu-controller reference §4)",
      );
      c.check(
        this.name !== "kustomization",
        "name",
        this.name,
        `a name other than "kustomization" (${this.cluster.folder}/terraform/kustomization.yaml lists the folder)`,
      );
    }
    // A defaulted namespace (the source's) or suffix (the stack folder) is checked where it comes from: no second message.
    if (p.namespace === undefined || c.pattern("namespace", this.namespace, DNS_LABEL, "a Kubernetes namespace name (DNS label)")) {
      c.check(
        this.namespace === this.source.namespace,
        "namespace",
        this.namespace,
        `the namespace of its source ${this.source.kind} ${this.source.namespace}/${this.source.name} (tofu-controller denies cross-namespace source references)`,
      );
    }
    const suffixChecked = p.secretSuffix !== undefined || (typeof this.secretSuffix === "string" && DNS_LABEL.test(this.secretSuffix));
    if (
      suffixChecked &&
      c.pattern(
        "secretSuffix",
        this.secretSuffix,
        STATE_SUFFIX,
        "lower-case letters, digits and '-', starting and ending alphanumeric (it ends the state Secret name)",
      )
    ) {
      c.check(
        !TRAILING_NUMBER.test(this.secretSuffix),
        "secretSuffix",
        this.secretSuffix,
        "a suffix not ending in -<digits> (Terraform's kubernetes backend refuses it)",
      );
    }
    if (
      c.pattern("workspace", this.workspace, STATE_SUFFIX, "lower-case letters, digits and '-' (it is part of the state Secret name)") &&
      suffixChecked
    ) {
      c.check(
        this.stateSecretName.length <= 253,
        "secretSuffix",
        this.secretSuffix,
        `a suffix short enough for the state Secret name ${this.stateSecretName} (at most 253 characters)`,
      );
    }
    c.check(p.stack instanceof InfrastructureStack, "stack", p.stack?.node?.path ?? p.stack, "an InfrastructureStack");
    if (p.approval === undefined)
      c.fail(
        "approval",
        undefined,
        `one of ${Object.values(ApprovalMode)
          .map((a) => JSON.stringify(a))
          .join(", ")} (required: it decides whether a merge applies to Azure without a human)`,
      );
    else c.oneOf("approval", p.approval, Object.values(ApprovalMode));

    // The approval loop guard (tofu-controller #1878).
    if (p.approval === ApprovalMode.MANUAL && this.source.sharesRevisionWithManifests) {
      c.fail(
        "approval",
        "MANUAL",
        `AUTO or DRIFT_DETECTION_ONLY with source ${this.source.revisionDescription}: ${LOOP_EXPLANATION}. Use ${LOOP_ALTERNATIVES}`,
      );
    }
    if (p.approvedPlan !== undefined) {
      if (p.approval !== ApprovalMode.MANUAL) c.fail("approvedPlan", p.approvedPlan, "unset unless approval is ApprovalMode.MANUAL");
      else c.pattern("approvedPlan", p.approvedPlan, PLAN_ID, "a plan id as the object's status prints it, e.g. plan-main-b8e362c206");
    }

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
    for (const b of ["destroyResourcesOnDeletion", "disableDriftDetection", "upgradeOnInit"] as const) {
      if (p[b] !== undefined) c.check(typeof p[b] === "boolean", b, p[b], "true or false");
    }
    c.pattern("serviceAccountName", p.serviceAccountName, DNS_SUBDOMAIN, "a ServiceAccount name in the object's namespace");

    if (p.writeOutputsToSecret !== undefined && c.literal("writeOutputsToSecret", p.writeOutputsToSecret)) {
      c.pattern("writeOutputsToSecret.name", p.writeOutputsToSecret.name, DNS_SUBDOMAIN, "a Secret name");
      c.check(
        p.writeOutputsToSecret.name !== this.stateSecretName,
        "writeOutputsToSecret.name",
        p.writeOutputsToSecret.name,
        `a name other than the state Secret ${this.stateSecretName}`,
      );
      (p.writeOutputsToSecret.outputs ?? []).forEach((o, i) => {
        c.pattern(
          `writeOutputsToSecret.outputs[${i}]`,
          o,
          OUTPUT_MAPPING,
          "a Terraform output name, or output:key to store it under another Secret key",
        );
      });
      checkLabels(c, "writeOutputsToSecret.labels", p.writeOutputsToSecret.labels);
      checkKeys(c, "writeOutputsToSecret.annotations", p.writeOutputsToSecret.annotations);
    }
    if (p.vars !== undefined && c.literal("vars", p.vars)) {
      for (const k of Object.keys(p.vars)) c.check(TF_VAR_NAME.test(k), `vars[${JSON.stringify(k)}]`, k, "a Terraform variable name");
    }
    (p.varsFrom ?? []).forEach((v, i) => {
      c.oneOf(`varsFrom[${i}].kind`, v.kind, Object.values(VarsFromKind));
      c.pattern(`varsFrom[${i}].name`, v.name, DNS_SUBDOMAIN, `a ${v.kind} name in the object's namespace`);
      (v.keys ?? []).forEach((k, j) =>
        c.pattern(
          `varsFrom[${i}].keys[${j}]`,
          k,
          KEY_MAPPING,
          `a key of the ${v.kind}, or key:variable to pass it under another variable name`,
        ),
      );
      checkBoolean(c, `varsFrom[${i}].optional`, v.optional);
    });

    // dependsOn: our objects only, same cluster and namespace, no cycles.
    for (const d of this.dependencies) {
      const what = `${d.namespace}/${d.name}`;
      if (d === this) c.fail("dependsOn", what, "other Terraform objects (not itself)");
      else if (d.cluster !== this.cluster)
        c.fail(
          "dependsOn",
          what,
          `Terraform objects of cluster ${this.cluster.clusterName} (${d.node.path} is on ${d.cluster.clusterName})`,
        );
      else if (d.namespace !== this.namespace)
        c.fail("dependsOn", what, `Terraform objects in namespace ${this.namespace} (tofu-controller denies cross-namespace dependencies)`);
    }
    // A cycle is one mistake: reported once, on its member with the last construct path (a self-dependency is reported above).
    const cycle = findCycle(this);
    if (cycle && cycle.length > 2 && cycle.every((x) => x.node.path <= this.node.path))
      c.fail(
        "dependsOn",
        cycle.map((x) => x.name).join(" → "),
        "dependencies without a cycle (the objects would wait for each other forever)",
      );

    // Two objects on one state, or one name twice, in one cluster (one name is one file in the cluster's terraform/ folder).
    for (const other of this.cluster.terraforms) {
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
          `a name not used by another Terraform object of cluster ${this.cluster.clusterName} (${other.node.path} in namespace ${other.namespace} has it, and both would be written to ${this.cluster.folder}/terraform/${this._fileName})`,
        );
      } else if (other.namespace === this.namespace && other.stateSecretName === this.stateSecretName) {
        c.fail(
          "secretSuffix",
          this.secretSuffix,
          `a state Secret of its own: ${other.node.path} already uses ${this.namespace}/${this.stateSecretName}, and two objects on one state overwrite each other`,
        );
      }
    }

    this.validateRunner(c, p.runnerPod);
    this.validateIdentity(c, p);
  }

  private validateIdentity(c: PropChecks, p: TerraformControllerCRProps): void {
    const id = p.runnerIdentity;
    if (id === undefined) return;
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
    const ours = new Set(settings.env.map((e) => e.name));
    (p.runnerPod?.env ?? []).forEach((e, i) => {
      if (ours.has(e?.name) || e?.name === "ARM_USE_MSI" || e?.name === "ARM_USE_AKS_WORKLOAD_IDENTITY") {
        c.fail(
          `runnerPod.env[${i}].name`,
          e.name,
          `a name the runnerIdentity does not set (it sets ${[...ours].join(", ")}; one way to authenticate per runner)`,
        );
      }
    });
    for (const [k, v] of Object.entries(settings.labels)) {
      const mine = p.runnerPod?.labels?.[k];
      if (mine !== undefined && mine !== v)
        c.fail(`runnerPod.labels[${JSON.stringify(k)}]`, mine, `unset or ${JSON.stringify(v)} (the runnerIdentity needs it)`);
    }
  }

  private validateRunner(c: PropChecks, r: RunnerPodOptions | undefined): void {
    if (!r) return;
    if (!c.literal("runnerPod", r)) return;
    checkLabels(c, "runnerPod.labels", r.labels);
    checkKeys(c, "runnerPod.annotations", r.annotations);
    checkLabels(c, "runnerPod.nodeSelector", r.nodeSelector);
    (r.env ?? []).forEach((e, i) => {
      const prop = `runnerPod.env[${i}]`;
      c.pattern(`${prop}.name`, e.name, ENV_NAME, "an environment variable name");
      const from = e.valueFrom;
      c.check((e.value !== undefined) !== (from !== undefined), prop, e.name, "exactly one of value and valueFrom");
      if (from) {
        const n = [from.secretKeyRef, from.configMapKeyRef, from.fieldRef].filter((x) => x !== undefined).length;
        c.check(n === 1, `${prop}.valueFrom`, e.name, "exactly one of secretKeyRef, configMapKeyRef and fieldRef");
        for (const [k, ref] of [
          ["secretKeyRef", from.secretKeyRef],
          ["configMapKeyRef", from.configMapKeyRef],
        ] as const) {
          if (!ref) continue;
          c.pattern(`${prop}.valueFrom.${k}.name`, ref.name, DNS_SUBDOMAIN, "an object name in the Terraform object's namespace");
          c.check(
            typeof ref.key === "string" && /^[-._a-zA-Z0-9]+$/.test(ref.key),
            `${prop}.valueFrom.${k}.key`,
            ref.key,
            "a key: letters, digits, '-', '_' and '.'",
          );
          checkBoolean(c, `${prop}.valueFrom.${k}.optional`, ref.optional);
        }
        if (from.fieldRef)
          c.check(
            typeof from.fieldRef.fieldPath === "string" && from.fieldRef.fieldPath !== "",
            `${prop}.valueFrom.fieldRef.fieldPath`,
            from.fieldRef.fieldPath,
            "a pod field path such as metadata.namespace",
          );
      }
    });
    (r.envFrom ?? []).forEach((e, i) => {
      const prop = `runnerPod.envFrom[${i}]`;
      c.check((e.secretName !== undefined) !== (e.configMapName !== undefined), prop, e, "exactly one of secretName and configMapName");
      c.pattern(`${prop}.secretName`, e.secretName, DNS_SUBDOMAIN, "a Secret name");
      c.pattern(`${prop}.configMapName`, e.configMapName, DNS_SUBDOMAIN, "a ConfigMap name");
      c.pattern(`${prop}.prefix`, e.prefix, ENV_NAME, "an environment variable name prefix");
      checkBoolean(c, `${prop}.optional`, e.optional);
    });
    for (const part of ["requests", "limits"] as const) {
      for (const [k, q] of Object.entries(r.resources?.[part] ?? {})) {
        c.check(
          typeof q === "string" && QUANTITY.test(q) && !q.startsWith("-"),
          `runnerPod.resources.${part}.${k}`,
          q,
          `a Kubernetes quantity such as "500m" or "1Gi", not negative`,
        );
      }
    }
    (r.tolerations ?? []).forEach((t, i) => {
      const prop = `runnerPod.tolerations[${i}]`;
      c.oneOf(`${prop}.operator`, t.operator, Object.values(TolerationOperator));
      c.oneOf(`${prop}.effect`, t.effect, Object.values(TaintEffect));
      if (t.key !== undefined) c.check(LABEL_KEY.test(t.key), `${prop}.key`, t.key, "a taint key ([prefix/]name)");
      if (t.operator === TolerationOperator.EXISTS) c.check(t.value === undefined, `${prop}.value`, t.value, "unset with operator Exists");
      else c.check(t.key !== undefined, `${prop}.key`, t.key, "a key (only operator Exists may leave it empty)");
      if (t.tolerationSeconds !== undefined) {
        c.integer(`${prop}.tolerationSeconds`, t.tolerationSeconds, 0, Number.MAX_SAFE_INTEGER);
        c.check(t.effect === TaintEffect.NO_EXECUTE, `${prop}.tolerationSeconds`, t.tolerationSeconds, "unset unless effect is NoExecute");
      }
    });
  }

  /** @internal */
  _gitOpsFiles(): GitOpsFile[] {
    const p = this.props;
    const approvePlan = p.approval === ApprovalMode.MANUAL ? p.approvedPlan : p.approval;
    const identity = p.runnerIdentity?._runner(this);
    const annotations: Record<string, string> = {
      ...(this.cluster.promotion ? { [PROMOTION_ANNOTATION]: this.cluster.promotion.stage } : {}),
      ...(identity?.suspendedBecause ? { [SUSPENDED_ANNOTATION]: identity.suspendedBecause } : {}),
    };
    const doc = terraformObject(
      { name: this.name, namespace: this.namespace, annotations: Object.keys(annotations).length ? annotations : undefined },
      {
        interval: this.interval.toGo(),
        retryInterval: this.retryInterval.toGo(),
        path: this.path,
        sourceRef: {
          kind: this.source.kind,
          name: this.source.name,
          namespace: this.source.namespace === this.namespace ? undefined : this.source.namespace,
        },
        approvePlan,
        backendConfig: { secretSuffix: this.secretSuffix, inClusterConfig: true },
        workspace: p.workspace,
        serviceAccountName: identity?.serviceAccountName ?? p.serviceAccountName ?? "tf-runner",
        destroyResourcesOnDeletion: p.destroyResourcesOnDeletion ?? false,
        disableDriftDetection: p.disableDriftDetection ?? false,
        upgradeOnInit: p.upgradeOnInit ?? true,
        // Written suspended while the runner identity cannot be used: no runner pods failing to authenticate every retry.
        suspend: identity?.suspendedBecause ? true : undefined,
        vars: p.vars ? Object.entries(p.vars).map(([name, value]) => ({ name, value })) : undefined,
        varsFrom: p.varsFrom?.map((v): TerraformVarsFrom => ({ kind: v.kind, name: v.name, varsKeys: v.keys, optional: v.optional })),
        writeOutputsToSecret: p.writeOutputsToSecret,
        dependsOn: this.dependencies.map((d) => ({ name: d.name })),
        runnerPodTemplate: runnerTemplate(p.runnerPod, identity),
      },
    );
    return [
      { path: `${this.cluster.folder}/terraform/${this._fileName}`, source: this.node.path, content: { format: "yaml", documents: [doc] } },
    ];
  }
}

function runnerTemplate(r: RunnerPodOptions | undefined, identity: RunnerIdentitySettings | undefined): TerraformRunnerPodTemplate {
  const resources: ResourceRequirements = {
    requests: r?.resources?.requests ?? DEFAULT_RESOURCES.requests,
    limits: r?.resources?.limits ?? DEFAULT_RESOURCES.limits,
  };
  const env = r?.env?.map((e): EnvVar => ({
    name: e.name,
    value: e.value,
    valueFrom: e.valueFrom
      ? {
          secretKeyRef: e.valueFrom.secretKeyRef ? { ...e.valueFrom.secretKeyRef } : undefined,
          configMapKeyRef: e.valueFrom.configMapKeyRef ? { ...e.valueFrom.configMapKeyRef } : undefined,
          fieldRef: e.valueFrom.fieldRef ? { fieldPath: e.valueFrom.fieldRef.fieldPath } : undefined,
        }
      : undefined,
  }));
  const envFrom = r?.envFrom?.map((e): EnvFromSource => ({
    prefix: e.prefix,
    secretRef: e.secretName !== undefined ? { name: e.secretName, optional: e.optional } : undefined,
    configMapRef: e.configMapName !== undefined ? { name: e.configMapName, optional: e.optional } : undefined,
  }));
  const tolerations = r?.tolerations?.map((t): Toleration => ({ ...t }));
  const labels = identity && Object.keys(identity.labels).length ? { ...r?.labels, ...identity.labels } : r?.labels;
  const allEnv = identity?.env.length ? [...identity.env.map((e): EnvVar => ({ name: e.name, value: e.value })), ...(env ?? [])] : env;
  return {
    metadata: { labels, annotations: r?.annotations },
    spec: { env: allEnv, envFrom, resources, nodeSelector: r?.nodeSelector, tolerations },
  };
}

/** A FluxBootstrap (checked by shape: the class is only imported as a type, to avoid an import cycle). */
function isCluster(x: unknown): x is FluxBootstrap {
  return typeof (x as Partial<FluxBootstrap> | undefined)?._registerTerraform === "function";
}

function checkBoolean(c: PropChecks, prop: string, value: unknown): void {
  if (value !== undefined) c.check(typeof value === "boolean", prop, value, "true or false");
}

function checkLabels(c: PropChecks, prop: string, labels: Record<string, string> | undefined): void {
  if (labels === undefined || !c.literal(prop, labels)) return;
  for (const [k, v] of Object.entries(labels)) {
    c.check(LABEL_KEY.test(k), `${prop}[${JSON.stringify(k)}]`, k, "a Kubernetes label key ([prefix/]name, name 1 to 63 characters)");
    c.check(
      typeof v === "string" && LABEL_VALUE.test(v),
      `${prop}[${JSON.stringify(k)}]`,
      v,
      "a Kubernetes label value (0 to 63 letters, digits, '-', '_', '.', alphanumeric at both ends)",
    );
  }
}

function checkKeys(c: PropChecks, prop: string, map: Record<string, string> | undefined): void {
  if (map === undefined || !c.literal(prop, map)) return;
  for (const [k, v] of Object.entries(map)) {
    c.check(LABEL_KEY.test(k), `${prop}[${JSON.stringify(k)}]`, k, "an annotation key ([prefix/]name)");
    c.check(typeof v === "string", `${prop}[${JSON.stringify(k)}]`, v, "a string value");
  }
}

/** A dependency cycle through `start`, as the list of objects, or undefined. */
function findCycle(start: TerraformControllerCR): TerraformControllerCR[] | undefined {
  const walk = (node: TerraformControllerCR, trail: TerraformControllerCR[]): TerraformControllerCR[] | undefined => {
    for (const d of node.dependsOn) {
      if (d === start) return [...trail, d];
      if (trail.includes(d)) continue;
      const found = walk(d, [...trail, d]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [start]);
}
