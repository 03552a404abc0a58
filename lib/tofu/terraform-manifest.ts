import { Duration } from "../core/duration";
import { ITerraformSource } from "../flux/flux-cluster";
import { terraformObject } from "../kubernetes/terraform";
import { Approval } from "./approval";
import { reconcileFields, RECONCILE_POLICY_ANNOTATION, ReconcileProps } from "./reconcile-policy";
import { SUSPENDED_ANNOTATION } from "./runner-identity";
import { RunnerIdentitySettings } from "./runner-identity-kind";
import { RunnerPod } from "./runner-pod";
import { renderVars, renderVarsFrom, TerraformVarsFromSource, WriteOutputsToSecret } from "./stack-inputs";
import { ITerraformCluster } from "./terraform-cluster";

/** Annotation on every Terraform object of a PromotionOrder stage: its stage, the stage before it, and what was checked. */
export const PROMOTION_ANNOTATION = "cdktf-aks-gitops/promotion";

/** The props of a Terraform object the manifest reads as given. */
export interface ManifestProps extends ReconcileProps {
  readonly workspace?: string;
  readonly serviceAccountName?: string;
  readonly destroyResourcesOnDeletion?: boolean;
  readonly disableDriftDetection?: boolean;
  readonly upgradeOnInit?: boolean;
  readonly suspend?: boolean;
  readonly vars?: Record<string, unknown>;
  readonly varsFrom?: TerraformVarsFromSource[];
  readonly writeOutputsToSecret?: WriteOutputsToSecret;
}

/** Everything a Terraform object's manifest is made of, resolved by the construct. */
export interface TerraformManifestInput {
  readonly props: ManifestProps;
  readonly cluster: ITerraformCluster;
  readonly name: string;
  readonly namespace: string;
  readonly source: ITerraformSource;
  readonly path: string;
  readonly interval: Duration;
  readonly retryInterval: Duration;
  readonly approval: Approval | undefined;
  readonly secretSuffix: string;
  /** Names of the objects it waits for. */
  readonly dependencies: readonly string[];
  readonly runnerPod: RunnerPod;
  readonly identity: RunnerIdentitySettings | undefined;
}

/** The `Terraform` object (infra.contrib.fluxcd.io/v1alpha2) of one TerraformControllerCR. */
export function terraformManifest(i: TerraformManifestInput): Record<string, unknown> {
  const p = i.props;
  const reconcile = reconcileFields(i.cluster, i.approval, p);
  const annotations: Record<string, string> = {
    ...(i.cluster.promotion ? { [PROMOTION_ANNOTATION]: i.cluster.promotion.stage } : {}),
    ...(reconcile.policyAnnotation ? { [RECONCILE_POLICY_ANNOTATION]: reconcile.policyAnnotation } : {}),
    ...(i.identity?.suspendedBecause ? { [SUSPENDED_ANNOTATION]: i.identity.suspendedBecause } : {}),
  };
  return terraformObject(
    { name: i.name, namespace: i.namespace, annotations: Object.keys(annotations).length ? annotations : undefined },
    {
      interval: i.interval.toGo(),
      retryInterval: i.retryInterval.toGo(),
      retryStrategy: reconcile.retryStrategy,
      maxRetryInterval: reconcile.maxRetryInterval,
      path: i.path,
      sourceRef: {
        kind: i.source.kind,
        name: i.source.name,
        namespace: i.source.namespace === i.namespace ? undefined : i.source.namespace,
      },
      approvePlan: reconcile.approvePlan,
      storeReadablePlan: reconcile.storeReadablePlan,
      backendConfig: { secretSuffix: i.secretSuffix, inClusterConfig: true },
      workspace: p.workspace,
      serviceAccountName: i.identity?.serviceAccountName ?? p.serviceAccountName ?? "tf-runner",
      destroyResourcesOnDeletion: p.destroyResourcesOnDeletion ?? false,
      disableDriftDetection: p.disableDriftDetection ?? false,
      upgradeOnInit: p.upgradeOnInit ?? true,
      // Suspended when asked, or while the runner identity cannot be used: no runner pods failing to authenticate every retry.
      suspend: p.suspend === true || i.identity?.suspendedBecause ? true : undefined,
      vars: renderVars(p.vars),
      varsFrom: renderVarsFrom(p.varsFrom),
      writeOutputsToSecret: p.writeOutputsToSecret,
      dependsOn: i.dependencies.map((name) => ({ name })),
      runnerPodTemplate: i.runnerPod._toKube(i.identity),
    },
  );
}
