import { checkImageReference, parseImageReference } from "../core/image-reference";
import { checkResources } from "../core/kubernetes-resources";
import { PropChecks } from "../core/validation";

// The typed chart values of the tofu-controller installation (chart 0.16.5, charts/tofu-controller/values.yaml) and
// the HelmRelease values they are written into, merged with the library's and the free-form `values`.

/** The chart's own `resources` of the controller (values.yaml@v0.16.5), which Helm merges a typed value over. */
export const TOFU_CONTROLLER_CHART_RESOURCES = {
  requests: { cpu: "200m", memory: "64Mi" },
  limits: { cpu: "1000m", memory: "1Gi" },
} as const;

/** CPU and memory of the controller's container, as Kubernetes quantities (`200m`, `512Mi`). */
export interface TofuControllerResources {
  /**
   * @default - the chart's: { cpu: "200m", memory: "64Mi" }
   */
  readonly requests?: Record<string, string>;
  /**
   * @default - the chart's: { cpu: "1000m", memory: "1Gi" }
   */
  readonly limits?: Record<string, string>;
}

/** The typed part of TofuControllerOptions. */
export interface TofuControllerTypedValues {
  /**
   * Resources of the controller's container (chart value `resources`). Helm merges them key by key over the chart's
   * (requests 200m CPU / 64Mi, limits 1000m CPU / 1Gi): give a limit to raise one, not only a request above it.
   * @default - the chart's
   */
  readonly resources?: TofuControllerResources;
  /**
   * How many Terraform objects the controller reconciles at once, each with its own runner pod (chart value
   * `concurrency`, the controller's `--concurrent` flag).
   * @default - the chart's: 24
   */
  readonly concurrency?: number;
  /**
   * Runner image of every Terraform object of the cluster that does not set `runnerPod.image` (chart values
   * `runner.image.repository` and `runner.image.tag`, the controller's `RUNNER_POD_IMAGE`): `<registry>/<repository>:<tag>`,
   * pinned, optionally `…:<tag>@sha256:<digest>` (the chart writes `repository:tag`, so a tag is required).
   * @default - the chart's: ghcr.io/flux-iac/tf-runner:v0.16.5
   */
  readonly runnerImage?: string;
}

/** The highest `concurrency` accepted: each reconcile at once is a runner pod with the azurerm provider in memory. */
const MAX_CONCURRENCY = 1000;

/** Problems of the typed values, and of a typed value also set in the free-form `values` (one place per chart value). */
export function checkTypedValues(c: PropChecks, prop: string, typed: TofuControllerTypedValues, values: unknown): void {
  checkResources(
    c,
    `${prop}.resources`,
    typed.resources,
    (g) => ({
      requests: { ...TOFU_CONTROLLER_CHART_RESOURCES.requests, ...g.requests },
      limits: { ...TOFU_CONTROLLER_CHART_RESOURCES.limits, ...g.limits },
    }),
    " (the chart's default)",
  );
  c.integer(`${prop}.concurrency`, typed.concurrency, 1, MAX_CONCURRENCY);
  checkImageReference(c, `${prop}.runnerImage`, typed.runnerImage, true);
  if (values === null || typeof values !== "object" || Array.isArray(values)) return;
  const v = values as Record<string, unknown>;
  const runner = v.runner;
  const given: [keyof TofuControllerTypedValues, boolean, string][] = [
    ["resources", "resources" in v, "resources"],
    ["concurrency", "concurrency" in v, "concurrency"],
    ["runnerImage", isObject(runner) && "image" in runner, "runner.image"],
  ];
  for (const [name, inValues, key] of given) {
    if (typed[name] !== undefined && inValues)
      c.fail(`${prop}.${name}`, typed[name], `unset when ${prop}.values sets ${key} too (one place per chart value: keep one of them)`);
  }
}

/** The typed values as chart values (undefined ones left out). */
export function typedChartValues(typed: TofuControllerTypedValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typed.resources !== undefined) {
    const { requests, limits } = typed.resources;
    out.resources = { ...(requests ? { requests: { ...requests } } : {}), ...(limits ? { limits: { ...limits } } : {}) };
  }
  if (typed.concurrency !== undefined) out.concurrency = typed.concurrency;
  const image = parseImageReference(typed.runnerImage);
  if (image?.tag !== undefined) {
    const tag = image.digest ? `${image.tag}@${image.digest}` : image.tag;
    out.runner = { image: { repository: image.repository, tag } };
  }
  return out;
}

/** `over` merged into `base`, objects key by key (as Helm merges values), anything else replaced. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
