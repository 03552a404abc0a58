import { TaintEffect } from "../azure/guarded-node-pool";
import type { RunnerProviderInstallation } from "./runner-provider-installation";

// The runner pod's options, as TerraformControllerCR's `runnerPod` prop takes them (rendered by RunnerPod).

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
   * The runner image of this object (`spec.runnerPodTemplate.spec.image`), e.g. one with the azurerm provider
   * pre-baked (docs/controller-operations.md): `<registry>/<repository>:<tag>` or `…@sha256:<digest>`, pinned (not `latest`).
   * @default - the controller's runner image (`tofuController.runnerImage`, else the chart's `ghcr.io/flux-iac/tf-runner`)
   */
  readonly image?: string;
  /**
   * Where `init` takes the providers from: a CLI configuration with a provider mirror, or a plugin cache, in the
   * image (`RunnerProviderInstallation.cliConfigFile(…)`, `.pluginCache(…)`); its variable cannot be set in `env` too.
   * @default - none: providers are downloaded from the registry on every run
   */
  readonly providerInstallation?: RunnerProviderInstallation;
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
