import { metadata, NamespacedObjectReference, nonEmpty, ObjectMeta, SourceReference } from "./meta";
import { EnvFromSource, EnvVar, ResourceRequirements, Toleration } from "./pod";

export const TERRAFORM_API_VERSION = "infra.contrib.fluxcd.io/v1alpha2";

export interface TerraformBackendConfig {
  readonly secretSuffix: string;
  readonly inClusterConfig: boolean;
}

export interface TerraformVarsFrom {
  readonly kind: "Secret" | "ConfigMap";
  readonly name: string;
  readonly varsKeys?: readonly string[];
  readonly optional?: boolean;
}

export interface TerraformVariable {
  readonly name: string;
  readonly value: unknown;
}

export interface TerraformWriteOutputsToSecret {
  readonly name: string;
  readonly outputs?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface TerraformRunnerPodTemplate {
  readonly metadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: {
    /** The runner image (`<image>:<tag>` or `…@sha256:…`); unset: the controller's (chart value `runner.image`). */
    readonly image?: string;
    readonly env?: readonly EnvVar[];
    readonly envFrom?: readonly EnvFromSource[];
    readonly resources?: ResourceRequirements;
    readonly nodeSelector?: Readonly<Record<string, string>>;
    readonly tolerations?: readonly Toleration[];
  };
}

/** The fields of a tofu-controller Terraform object (infra.contrib.fluxcd.io/v1alpha2) the library writes. */
export interface TerraformSpec {
  readonly interval: string;
  readonly retryInterval?: string;
  /** "ExponentialBackoff", or undefined (StaticInterval, the CRD default). */
  readonly retryStrategy?: "ExponentialBackoff";
  readonly maxRetryInterval?: string;
  readonly path: string;
  readonly sourceRef: SourceReference;
  /** "auto", "disable", a plan id, or undefined (manual: the CRD default "" applies). */
  readonly approvePlan?: string;
  /** "none", "json" or "human"; undefined: not written (none). */
  readonly storeReadablePlan?: string;
  readonly backendConfig: TerraformBackendConfig;
  readonly workspace?: string;
  readonly serviceAccountName: string;
  readonly destroyResourcesOnDeletion: boolean;
  readonly disableDriftDetection: boolean;
  readonly upgradeOnInit: boolean;
  /** No runs at all (asked for, or the runner identity does not exist yet). */
  readonly suspend?: boolean;
  readonly vars?: readonly TerraformVariable[];
  readonly varsFrom?: readonly TerraformVarsFrom[];
  readonly writeOutputsToSecret?: TerraformWriteOutputsToSecret;
  readonly dependsOn?: readonly NamespacedObjectReference[];
  readonly runnerPodTemplate?: TerraformRunnerPodTemplate;
}

export function terraformObject(meta: ObjectMeta, spec: TerraformSpec): Record<string, unknown> {
  const pod = spec.runnerPodTemplate;
  const podMeta = pod?.metadata ? { labels: nonEmpty(pod.metadata.labels), annotations: nonEmpty(pod.metadata.annotations) } : undefined;
  const podSpec = pod?.spec
    ? {
        image: pod.spec.image,
        env: nonEmpty(pod.spec.env?.map((e) => ({ ...e }))),
        envFrom: nonEmpty(pod.spec.envFrom?.map((e) => ({ ...e }))),
        resources: pod.spec.resources,
        nodeSelector: nonEmpty(pod.spec.nodeSelector),
        tolerations: nonEmpty(pod.spec.tolerations?.map((t) => ({ ...t }))),
      }
    : undefined;
  const template =
    podMeta || podSpec ? { metadata: podMeta && (podMeta.labels || podMeta.annotations) ? podMeta : undefined, spec: podSpec } : undefined;
  return {
    apiVersion: TERRAFORM_API_VERSION,
    kind: "Terraform",
    metadata: metadata(meta),
    spec: {
      interval: spec.interval,
      retryInterval: spec.retryInterval,
      retryStrategy: spec.retryStrategy,
      maxRetryInterval: spec.maxRetryInterval,
      path: spec.path,
      sourceRef: { ...spec.sourceRef },
      approvePlan: spec.approvePlan,
      storeReadablePlan: spec.storeReadablePlan,
      backendConfig: { ...spec.backendConfig },
      workspace: spec.workspace,
      serviceAccountName: spec.serviceAccountName,
      destroyResourcesOnDeletion: spec.destroyResourcesOnDeletion,
      disableDriftDetection: spec.disableDriftDetection,
      upgradeOnInit: spec.upgradeOnInit,
      suspend: spec.suspend,
      vars: nonEmpty(spec.vars?.map((v) => ({ ...v }))),
      varsFrom: nonEmpty(spec.varsFrom?.map((v) => ({ ...v }))),
      writeOutputsToSecret: spec.writeOutputsToSecret,
      dependsOn: nonEmpty(spec.dependsOn?.map((d) => ({ ...d }))),
      runnerPodTemplate: template,
    },
  };
}
