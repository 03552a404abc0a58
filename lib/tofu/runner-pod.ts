import { TaintEffect } from "../azure/guarded-node-pool";
import { checkImageReference } from "../core/image-reference";
import { checkResources } from "../core/kubernetes-resources";
import { DNS_SUBDOMAIN, LABEL_KEY } from "../core/patterns";
import { PropChecks } from "../core/validation";
import { EnvFromSource, EnvVar, ResourceRequirements, Toleration } from "../kubernetes/pod";
import { TerraformRunnerPodTemplate } from "../kubernetes/terraform";
import { checkAnnotations, checkBoolean, checkLabels } from "./metadata-checks";
import { RunnerEnvVar, RunnerPodOptions, RunnerResources, TolerationOperator } from "./runner-pod-options";
import { RunnerProviderInstallation } from "./runner-provider-installation";
import { isReservedRunnerEnvName, RESERVED_ENV_ALLOWED, RUNNER_RESERVED_ENV_PREFIXES } from "./runner-reserved-env";

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const DEFAULT_RESOURCES: Required<RunnerResources> = { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } };

/** @internal What a runner identity adds to the runner pod (the pod-side part of its RunnerIdentitySettings). */
export interface RunnerPodIdentity {
  readonly labels: Readonly<Record<string, string>>;
  readonly env: readonly { readonly name: string; readonly value: string }[];
}

/**
 * @internal The runner pod of a Terraform object (one per reconcile, `<name>-tf-runner`), from the object's
 * `runnerPod` prop: its defaults, its checks and its rendering into `spec.runnerPodTemplate`. Composed by
 * TerraformControllerCR the way cdk8s-plus composes a PodTemplate into a Deployment; the runner identity's labels and
 * environment are added when rendering.
 */
export class RunnerPod {
  /**
   * @param options the `runnerPod` prop as given (unchecked: `_validate` reports its problems)
   * @param prop its prop path in messages
   */
  constructor(
    private readonly options: RunnerPodOptions | undefined,
    private readonly prop = "runnerPod",
  ) {}

  /** True if the environment opts into the nodes' kubelet identity (`ARM_USE_MSI` not "false"). */
  get usesKubeletIdentity(): boolean {
    const env: unknown = this.options?.env;
    return (
      Array.isArray(env) && (env as RunnerEnvVar[]).some((e) => e?.name === "ARM_USE_MSI" && e.value?.trim().toLowerCase() !== "false")
    );
  }

  /** Problems of the options: names, references, quantities and tolerations Kubernetes accepts. */
  _validate(c: PropChecks): void {
    const r = this.options;
    if (!r) return;
    if (!c.literal(this.prop, r)) return;
    // JavaScript callers: each part of the wrong type is reported (all at once) and then not looked into.
    if (!c.record(this.prop, r, "runner pod options: an object such as { labels, env, resources, tolerations }")) return;
    const list = "an array of objects";
    const env = c.arrayOfObjects(`${this.prop}.env`, r.env, list);
    const envFrom = c.arrayOfObjects(`${this.prop}.envFrom`, r.envFrom, list);
    const tolerations = c.arrayOfObjects(`${this.prop}.tolerations`, r.tolerations, list);
    checkLabels(c, `${this.prop}.labels`, r.labels);
    checkAnnotations(c, `${this.prop}.annotations`, r.annotations);
    checkLabels(c, `${this.prop}.nodeSelector`, r.nodeSelector);
    if (env) (r.env ?? []).forEach((e, i) => this.checkEnv(c, `${this.prop}.env[${i}]`, e));
    if (envFrom)
      (r.envFrom ?? []).forEach((e, i) => {
        const prop = `${this.prop}.envFrom[${i}]`;
        c.check((e.secretName !== undefined) !== (e.configMapName !== undefined), prop, e, "exactly one of secretName and configMapName");
        c.pattern(`${prop}.secretName`, e.secretName, DNS_SUBDOMAIN, "a Secret name");
        c.pattern(`${prop}.configMapName`, e.configMapName, DNS_SUBDOMAIN, "a ConfigMap name");
        if (c.pattern(`${prop}.prefix`, e.prefix, ENV_NAME, "an environment variable name prefix") && typeof e.prefix === "string")
          c.check(
            !RUNNER_RESERVED_ENV_PREFIXES.some((p) => e.prefix!.startsWith(p)),
            `${prop}.prefix`,
            e.prefix,
            `a prefix that does not start with ${RUNNER_RESERVED_ENV_PREFIXES.join(" or ")} ` +
              `(terraform-exec refuses such names in the runner: tfexec/cmd.go:59-62 in v0.25.2)`,
          );
        checkBoolean(c, `${prop}.optional`, e.optional);
      });
    // Each part replaces its default as a whole (limits given: no default limit), as _toKube writes them.
    checkResources(
      c,
      `${this.prop}.resources`,
      r.resources,
      (g) => ({ requests: g.requests ?? DEFAULT_RESOURCES.requests, limits: g.limits ?? DEFAULT_RESOURCES.limits }),
      " (the default)",
    );
    checkImageReference(c, `${this.prop}.image`, r.image);
    this.checkProviderInstallation(c, env);
    if (tolerations) this.checkTolerations(c);
  }

  /** Problems of setting, next to a runner identity, names the identity sets itself. */
  _validateWith(c: PropChecks, identity: RunnerPodIdentity): void {
    const ours = new Set(identity.env.map((e) => e.name));
    (this.options?.env ?? []).forEach((e, i) => {
      if (ours.has(e?.name) || e?.name === "ARM_USE_MSI" || e?.name === "ARM_USE_AKS_WORKLOAD_IDENTITY") {
        c.fail(
          `${this.prop}.env[${i}].name`,
          e.name,
          `a name the runnerIdentity does not set (it sets ${[...ours].join(", ")}; one way to authenticate per runner)`,
        );
      }
    });
    for (const [k, v] of Object.entries(identity.labels)) {
      const mine = this.options?.labels?.[k];
      if (mine !== undefined && mine !== v)
        c.fail(`${this.prop}.labels[${JSON.stringify(k)}]`, mine, `unset or ${JSON.stringify(v)} (the runnerIdentity needs it)`);
    }
  }

  /** `spec.runnerPodTemplate`: the options with defaults, the identity's labels over ours and its env first. */
  _toKube(identity?: RunnerPodIdentity): TerraformRunnerPodTemplate {
    const r = this.options;
    const resources: ResourceRequirements = {
      requests: r?.resources?.requests ?? DEFAULT_RESOURCES.requests,
      limits: r?.resources?.limits ?? DEFAULT_RESOURCES.limits,
    };
    const env = r?.env?.map(renderEnv);
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
      spec: {
        image: r?.image,
        env: withInstallation(allEnv, r?.providerInstallation),
        envFrom,
        resources,
        nodeSelector: r?.nodeSelector,
        tolerations,
      },
    };
  }

  private checkProviderInstallation(c: PropChecks, envValid: boolean): void {
    const p = this.options?.providerInstallation;
    if (p === undefined) return;
    const prop = `${this.prop}.providerInstallation`;
    if (!(p instanceof RunnerProviderInstallation)) {
      c.fail(prop, p, "a RunnerProviderInstallation (RunnerProviderInstallation.cliConfigFile(…) or .pluginCache(…))");
      return;
    }
    p._validate(c, prop);
    if (!envValid) return;
    (this.options?.env ?? []).forEach((e, i) => {
      if (e?.name === p.envName)
        c.fail(`${this.prop}.env[${i}].name`, e.name, `a name providerInstallation does not set (it sets ${p.envName}: ${p})`);
    });
  }

  private checkEnv(c: PropChecks, prop: string, e: RunnerEnvVar): void {
    if (c.pattern(`${prop}.name`, e.name, ENV_NAME, "an environment variable name") && typeof e.name === "string")
      c.check(!isReservedRunnerEnvName(e.name), `${prop}.name`, e.name, RESERVED_ENV_ALLOWED);
    if (e.value !== undefined) c.check(typeof e.value === "string", `${prop}.value`, e.value, "a string");
    const from = e.valueFrom;
    c.check((e.value !== undefined) !== (from !== undefined), prop, e.name, "exactly one of value and valueFrom");
    if (!from) return;
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

  private checkTolerations(c: PropChecks): void {
    (this.options?.tolerations ?? []).forEach((t, i) => {
      const prop = `${this.prop}.tolerations[${i}]`;
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
}

/** The provider installation's variable after the others (its name is refused in `env`, so the order changes nothing). */
function withInstallation(env: EnvVar[] | undefined, p: RunnerProviderInstallation | undefined): EnvVar[] | undefined {
  if (!p) return env;
  return [...(env ?? []), { name: p.envName, value: p.path }];
}

function renderEnv(e: RunnerEnvVar): EnvVar {
  return {
    name: e.name,
    value: e.value,
    valueFrom: e.valueFrom
      ? {
          secretKeyRef: e.valueFrom.secretKeyRef ? { ...e.valueFrom.secretKeyRef } : undefined,
          configMapKeyRef: e.valueFrom.configMapKeyRef ? { ...e.valueFrom.configMapKeyRef } : undefined,
          fieldRef: e.valueFrom.fieldRef ? { fieldPath: e.valueFrom.fieldRef.fieldPath } : undefined,
        }
      : undefined,
  };
}
