import { Duration } from "../core/duration";
import { GUID, URL_WITH_CREDENTIALS } from "../core/patterns";
import { SshHostKeyAlgorithm, sshHostKeyAlgosFlag } from "../core/ssh-host-key-algorithms";
import { containsToken, PropChecks } from "../core/validation";
import {
  FluxAgentLogLevel,
  FluxControllerLogLevel,
  FluxExtensionReleaseTrain,
  FluxExtensionSecret,
  FluxExtensionSettings,
  FluxGitControllerSettings,
  FluxHelmControllerSettings,
  FluxKustomizeControllerSettings,
} from "./flux-extension-settings";

/*
 * Validation and rendering of the typed microsoft.flux settings (lib/cluster/flux-extension-settings.ts): every key
 * checked, keys written as strings in sorted order, release_train as an attribute.
 */
/** What the library's own objects need of the extension, for the refusal to disable a controller. */
export interface FluxExtensionNeeds {
  /** `clusters/<cluster>`. */
  readonly clusterFolder: string;
  /** Construct paths of the cluster's alerts (they need notification-controller). */
  readonly alerts: readonly string[];
  /** The pinned extension version, if any (release_train conflicts with it). */
  readonly extensionVersion?: string;
}

/** The extension's attributes from the settings. */
export interface RenderedFluxExtensionSettings {
  /** Sorted by key; undefined when empty. */
  readonly configurationSettings?: Record<string, string>;
  /** Key → Terraform variable name; sorted by key; undefined when empty. */
  readonly protectedSettings?: Record<string, string>;
  readonly releaseTrain?: string;
}

type ControllerProp =
  | "sourceController"
  | "kustomizeController"
  | "helmController"
  | "notificationController"
  | "imageReflectorController"
  | "imageAutomationController";

/** The Flux controllers, their setting prefix and what of the library needs them. */
const CONTROLLERS: readonly { prop: ControllerProp; key: string; git?: boolean }[] = [
  { prop: "sourceController", key: "source-controller", git: true },
  { prop: "kustomizeController", key: "kustomize-controller" },
  { prop: "helmController", key: "helm-controller" },
  { prop: "notificationController", key: "notification-controller" },
  { prop: "imageReflectorController", key: "image-reflector-controller" },
  { prop: "imageAutomationController", key: "image-automation-controller", git: true },
];

const DEFAULT_OFF: readonly ControllerProp[] = ["imageReflectorController", "imageAutomationController"];

/** Every key a typed option writes, and the option (for the message when additionalSettings has it). */
const TYPED_KEYS: ReadonlyMap<string, string> = new Map<string, string>([
  ["multiTenancy.enforce", "multiTenancy"],
  ["useKubeletIdentity", "useKubeletIdentity"],
  ["workloadIdentity.enable", "workloadIdentity"],
  ["workloadIdentity.azureClientId", "workloadIdentity.clientId"],
  ["setKubeServiceHostFqdn", "setKubeServiceHostFqdn"],
  ["fluxconfig-agent.log-level", "fluxConfigAgentLogLevel"],
  ["fluxconfig-controller.log-level", "fluxConfigControllerLogLevel"],
  ["kustomize-controller.strict-substitution-mode", "kustomizeController.strictSubstitution"],
  ["kustomize-controller.concurrent", "kustomizeController.concurrent"],
  ["kustomize-controller.requeue-dependency", "kustomizeController.requeueDependency"],
  ["kustomize-controller.enable-in-memory-build", "kustomizeController.inMemoryBuild"],
  ["helm-controller.detectDrift", "helmController.detectDrift"],
  ["helm-controller.outOfMemoryWatch.enabled", "helmController.outOfMemoryWatch"],
  ["helm-controller.outOfMemoryWatch.memoryThreshold", "helmController.outOfMemoryWatch.memoryThresholdPercent"],
  ["helm-controller.outOfMemoryWatch.interval", "helmController.outOfMemoryWatch.interval"],
  ...CONTROLLERS.flatMap(({ prop, key, git }) => [
    [`${key}.enabled`, `${prop}.enabled`] as [string, string],
    [`${key}.log-level`, `${prop}.logLevel`] as [string, string],
    ...["limits", "requests"].flatMap((kind) =>
      ["cpu", "memory"].map((r) => [`${key}.resources.${kind}.${r}`, `${prop}.resources.${kind}.${r}`] as [string, string]),
    ),
    ...(git ? [[`${key}.ssh-host-key-args`, `${prop}.sshHostKeyAlgorithms`] as [string, string]] : []),
  ]),
]);

const AUTO_UPGRADE =
  "not a setting: azurerm sends autoUpgradeMinorVersion = true exactly when version is empty " +
  "(kubernetes_cluster_extension_resource.go:245@v4.55.0); pin extensionVersion to turn it off";

/** Properties of the extension resource that people pass as settings by mistake, and where they belong. */
const NOT_SETTINGS: ReadonlyMap<string, string> = new Map([
  ["autoUpgradeMinorVersion", AUTO_UPGRADE],
  ["auto-upgrade-minor-version", AUTO_UPGRADE],
  ["releaseTrain", "not a setting: the release_train attribute (settings.releaseTrain)"],
  ["release-train", "not a setting: the release_train attribute (settings.releaseTrain)"],
  ["version", "not a setting: the version attribute (extensionVersion)"],
]);

/** A setting key: what `az k8s-extension --config` takes (letters, digits, '.', '-', '_', '/'). */
const SETTING_KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]{0,251}[A-Za-z0-9])?$/;
/** A key that names a secret: never a plain configuration setting. */
const SECRET_KEY = /(password|passwd|secret|token|credential|private-?key|api-?key|connection-?string|sas-?key)/i;
/** A Kubernetes quantity such as 500m, 2, 0.5, 300Mi, 2Gi. */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const TF_VARIABLE = /^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$/;
const TRAIN = /^[A-Za-z][-A-Za-z0-9]{0,63}$/;

/** Problems of `settings` (reported under `prop`), all at once. */
export function validateFluxExtensionSettings(
  c: PropChecks,
  prop: string,
  s: FluxExtensionSettings | undefined,
  needs: FluxExtensionNeeds,
): void {
  if (!c.record(prop, s, "an object of microsoft.flux settings") || s === undefined || !c.literal(prop, s)) return;
  const p = (name: string): string => `${prop}.${name}`;
  if (s.releaseTrain !== undefined) {
    if (!(s.releaseTrain instanceof FluxExtensionReleaseTrain))
      c.fail(p("releaseTrain"), s.releaseTrain, "FluxExtensionReleaseTrain.STABLE, .PREVIEW or .of(…)");
    else if (c.pattern(p("releaseTrain"), s.releaseTrain.name, TRAIN, "a release train name such as Stable or Preview"))
      c.check(
        needs.extensionVersion === undefined,
        p("releaseTrain"),
        s.releaseTrain.name,
        `unset with a pinned extensionVersion (${needs.extensionVersion}): azurerm refuses release_train with version ` +
          `(ConflictsWith, kubernetes_cluster_extension_resource.go:176@v4.55.0)`,
      );
  }
  for (const b of ["multiTenancy", "useKubeletIdentity", "setKubeServiceHostFqdn"] as const) checkBoolean(c, p(b), s[b]);
  c.oneOf(p("fluxConfigAgentLogLevel"), s.fluxConfigAgentLogLevel, Object.values(FluxAgentLogLevel));
  c.oneOf(p("fluxConfigControllerLogLevel"), s.fluxConfigControllerLogLevel, Object.values(FluxAgentLogLevel));
  if (c.record(p("workloadIdentity"), s.workloadIdentity, "{ clientId }") && s.workloadIdentity !== undefined) {
    c.pattern(p("workloadIdentity.clientId"), s.workloadIdentity.clientId, GUID, "the client id (a GUID) of a user-assigned identity");
    if (s.useKubeletIdentity === true)
      c.fail(p("useKubeletIdentity"), true, "unset or false with workloadIdentity (one identity for the Flux controllers)");
  }
  for (const ctl of CONTROLLERS) validateController(c, p(ctl.prop), s, ctl, needs);
  const reflectorOn = s.imageReflectorController?.enabled === true;
  if (s.imageAutomationController?.enabled === true && !reflectorOn)
    c.fail(
      p("imageAutomationController.enabled"),
      true,
      "true only with imageReflectorController.enabled true (image-automation-controller updates Git from the ImagePolicies " +
        "image-reflector-controller computes; the extension leaves it off by default)",
    );
  const written = new Set(Object.keys(typedSettings(s)));
  validateAdditional(c, p("additionalSettings"), s.additionalSettings);
  validateProtected(c, p("protectedSettings"), s, written);
}

function validateController(
  c: PropChecks,
  prop: string,
  s: FluxExtensionSettings,
  ctl: { prop: ControllerProp; key: string; git?: boolean },
  needs: FluxExtensionNeeds,
): void {
  const v = s[ctl.prop] as (FluxKustomizeControllerSettings & FluxHelmControllerSettings & FluxGitControllerSettings) | undefined;
  if (!c.record(prop, v, `${ctl.key} settings: an object such as { enabled, logLevel, resources }`) || v === undefined) return;
  if (checkBoolean(c, `${prop}.enabled`, v.enabled) && v.enabled === false) {
    const need = neededBy(ctl.prop, needs);
    if (need) c.fail(`${prop}.enabled`, false, `true or unset: ${need}`);
  }
  const off = v.enabled === false || (v.enabled === undefined && DEFAULT_OFF.includes(ctl.prop));
  const tuned = Object.keys(v).filter((k) => k !== "enabled" && (v as Record<string, unknown>)[k] !== undefined);
  if (off && tuned.length)
    c.fail(`${prop}.${tuned[0]}`, "<set>", `unset while ${ctl.key} is off (set ${prop}.enabled to true, or leave its settings out)`);
  c.oneOf(`${prop}.logLevel`, v.logLevel, Object.values(FluxControllerLogLevel));
  if (c.record(`${prop}.resources`, v.resources, "{ limits?: { cpu?, memory? }, requests?: { cpu?, memory? } }") && v.resources) {
    for (const kind of ["limits", "requests"] as const) {
      const q = v.resources[kind];
      if (!c.record(`${prop}.resources.${kind}`, q, "{ cpu?, memory? }") || !q) continue;
      for (const r of ["cpu", "memory"] as const)
        c.pattern(`${prop}.resources.${kind}.${r}`, q[r], QUANTITY, "a Kubernetes quantity such as 500m, 2, 300Mi or 2Gi");
    }
  }
  const extra = Object.keys(v).filter((k) => !ownKeys(ctl).includes(k));
  for (const k of extra)
    c.fail(`${prop}.${k}`, (v as Record<string, unknown>)[k], `one of the typed ${ctl.key} settings: ${ownKeys(ctl).join(", ")}`);
  if (
    ctl.git &&
    v.sshHostKeyAlgorithms !== undefined &&
    c.array(`${prop}.sshHostKeyAlgorithms`, v.sshHostKeyAlgorithms, "an array of SSH host key algorithms")
  ) {
    c.check(v.sshHostKeyAlgorithms.length > 0, `${prop}.sshHostKeyAlgorithms`, "[]", "at least one algorithm, or unset");
    v.sshHostKeyAlgorithms.forEach((a, i) => c.oneOf(`${prop}.sshHostKeyAlgorithms[${i}]`, a, Object.values(SshHostKeyAlgorithm)));
  }
  if (ctl.prop === "kustomizeController") {
    checkBoolean(c, `${prop}.strictSubstitution`, v.strictSubstitution);
    checkBoolean(c, `${prop}.inMemoryBuild`, v.inMemoryBuild);
    c.integer(`${prop}.concurrent`, v.concurrent, 1, 100);
    Duration._check(c, `${prop}.requeueDependency`, v.requeueDependency);
  }
  if (ctl.prop === "helmController") {
    checkBoolean(c, `${prop}.detectDrift`, v.detectDrift);
    const oom = v.outOfMemoryWatch;
    if (c.record(`${prop}.outOfMemoryWatch`, oom, "{ memoryThresholdPercent?, interval? }") && oom) {
      c.integer(`${prop}.outOfMemoryWatch.memoryThresholdPercent`, oom.memoryThresholdPercent, 1, 100);
      Duration._check(c, `${prop}.outOfMemoryWatch.interval`, oom.interval);
    }
  }
}

/** The typed settings a controller's object takes. */
function ownKeys(ctl: { prop: ControllerProp; git?: boolean }): string[] {
  const base = ["enabled", "logLevel", "resources", ...(ctl.git ? ["sshHostKeyAlgorithms"] : [])];
  if (ctl.prop === "kustomizeController") return [...base, "strictSubstitution", "concurrent", "requeueDependency", "inMemoryBuild"];
  if (ctl.prop === "helmController") return [...base, "detectDrift", "outOfMemoryWatch"];
  return base;
}

/** What of the library's own output needs the controller, or undefined when nothing does. */
function neededBy(ctl: ControllerProp, needs: FluxExtensionNeeds): string | undefined {
  const folder = needs.clusterFolder;
  switch (ctl) {
    case "sourceController":
      return `the flux configuration's GitRepository and the tofu-controller HelmRepository (${folder}/tofu-controller/) need source-controller`;
    case "kustomizeController":
      return `the flux configuration's Kustomization applies ${folder} (tofu-controller, the Terraform objects): kustomize-controller does that`;
    case "helmController":
      return `tofu-controller is installed by the HelmRelease in ${folder}/tofu-controller/helm-release.yaml, which helm-controller reconciles`;
    case "notificationController":
      return needs.alerts.length
        ? `the alerts ${needs.alerts.join(", ")} (${folder}/notifications.yaml) are sent by notification-controller`
        : undefined;
    default:
      return undefined;
  }
}

function validateAdditional(c: PropChecks, prop: string, extra: Record<string, string> | undefined): void {
  if (!c.record(prop, extra, "an object of setting names to string values") || extra === undefined || !c.literal(prop, extra)) return;
  for (const [k, v] of Object.entries(extra)) {
    const at = `${prop}[${JSON.stringify(k)}]`;
    const property = NOT_SETTINGS.get(k);
    if (property) {
      c.fail(at, v, `a key the extension takes as a setting (${k} is ${property})`);
      continue;
    }
    const typed = TYPED_KEYS.get(k);
    if (typed) {
      c.fail(at, v, `a key no typed setting covers (set ${typed} instead: one place per setting)`);
      continue;
    }
    if (!SETTING_KEY.test(k)) {
      c.fail(at, v, "a setting name: letters, digits, '.', '-', '_' and '/', starting and ending alphanumeric");
      continue;
    }
    if (SECRET_KEY.test(k)) {
      c.fail(
        at,
        "<redacted>",
        "a key that names no secret (configuration_settings are stored and shown in plain: pass it in protectedSettings with " +
          "FluxExtensionSecret.fromVariable(…))",
      );
      continue;
    }
    if (typeof v === "string" && URL_WITH_CREDENTIALS.test(v)) {
      c.fail(at, "<redacted>", "a value without credentials (a URL with user:password@ is a secret: use protectedSettings)");
      continue;
    }
    c.check(typeof v === "string" && v.length > 0, at, v, "a non-empty string (azurerm refuses empty values)");
  }
}

function validateProtected(c: PropChecks, prop: string, s: FluxExtensionSettings, written: Set<string>): void {
  const secrets = s.protectedSettings;
  if (secrets === undefined) return;
  // Whatever is there instead of a map may be the secret itself: never printed.
  if (secrets === null || typeof secrets !== "object" || Array.isArray(secrets)) {
    c.fail(prop, "<redacted>", "an object of setting names to FluxExtensionSecret.fromVariable(…)");
    return;
  }
  for (const [k, v] of Object.entries(secrets)) {
    const at = `${prop}[${JSON.stringify(k)}]`;
    if (!(v instanceof FluxExtensionSecret)) {
      c.fail(at, "<redacted>", "FluxExtensionSecret.fromVariable(…): a reference, never the value itself");
      continue;
    }
    if (!SETTING_KEY.test(k)) c.fail(at, k, "a setting name: letters, digits, '.', '-', '_' and '/', starting and ending alphanumeric");
    else if (written.has(k) || TYPED_KEYS.has(k) || (s.additionalSettings && k in s.additionalSettings))
      c.fail(at, k, "a key that is not also a plain setting (typed or in additionalSettings)");
    c.pattern(
      `${at}.variableName`,
      v.variableName,
      TF_VARIABLE,
      "a Terraform variable name: a letter or '_', then letters, digits, '_' and '-'",
    );
  }
}

function checkBoolean(c: PropChecks, prop: string, v: unknown): boolean {
  if (v === undefined) return true;
  const ok = typeof v === "boolean";
  c.check(ok, prop, v, "true or false");
  return ok;
}

/** The extension's attributes: configuration_settings sorted by key, protected settings as variable names. */
export function renderFluxExtensionSettings(s: FluxExtensionSettings | undefined): RenderedFluxExtensionSettings {
  if (!s) return {};
  // What a JavaScript caller passes wrongly is reported by validation (nothing is written then); it is skipped here.
  const isMap = (m: unknown): m is Record<string, unknown> => m !== null && typeof m === "object" && !Array.isArray(m);
  const extra = isMap(s.additionalSettings) ? s.additionalSettings : {};
  const settings = sortedOrUndefined({ ...typedSettings(s), ...extra });
  const refs = isMap(s.protectedSettings) ? Object.entries(s.protectedSettings).filter(([, v]) => v instanceof FluxExtensionSecret) : [];
  const secrets = sortedOrUndefined(Object.fromEntries(refs.map(([k, v]) => [k, (v as FluxExtensionSecret).variableName])));
  const train = s.releaseTrain instanceof FluxExtensionReleaseTrain ? s.releaseTrain.name : undefined;
  return { configurationSettings: settings, protectedSettings: secrets, releaseTrain: train };
}

/** The keys the typed options write (values as the extension takes them: strings). */
function typedSettings(s: FluxExtensionSettings): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: string, v: boolean | number | string | undefined): void => {
    if (v !== undefined && !containsToken(v)) out[key] = String(v);
  };
  put("multiTenancy.enforce", s.multiTenancy);
  put("useKubeletIdentity", s.useKubeletIdentity);
  if (s.workloadIdentity) {
    put("workloadIdentity.enable", true);
    put("workloadIdentity.azureClientId", s.workloadIdentity.clientId);
  }
  put("setKubeServiceHostFqdn", s.setKubeServiceHostFqdn);
  put("fluxconfig-agent.log-level", s.fluxConfigAgentLogLevel);
  put("fluxconfig-controller.log-level", s.fluxConfigControllerLogLevel);
  for (const { prop, key } of CONTROLLERS) {
    const v = s[prop] as (FluxKustomizeControllerSettings & FluxHelmControllerSettings & FluxGitControllerSettings) | undefined;
    if (!v || typeof v !== "object") continue;
    put(`${key}.enabled`, v.enabled);
    put(`${key}.log-level`, v.logLevel);
    for (const kind of ["limits", "requests"] as const)
      for (const r of ["cpu", "memory"] as const) put(`${key}.resources.${kind}.${r}`, v.resources?.[kind]?.[r]);
    if (Array.isArray(v.sshHostKeyAlgorithms)) put(`${key}.ssh-host-key-args`, sshHostKeyAlgosFlag(v.sshHostKeyAlgorithms));
    if (prop === "kustomizeController") {
      put(`${key}.strict-substitution-mode`, v.strictSubstitution);
      put(`${key}.concurrent`, v.concurrent);
      put(`${key}.requeue-dependency`, goDuration(v.requeueDependency));
      put(`${key}.enable-in-memory-build`, v.inMemoryBuild);
    }
    if (prop === "helmController") {
      put(`${key}.detectDrift`, v.detectDrift);
      if (v.outOfMemoryWatch && typeof v.outOfMemoryWatch === "object") {
        put(`${key}.outOfMemoryWatch.enabled`, true);
        put(`${key}.outOfMemoryWatch.memoryThreshold`, v.outOfMemoryWatch.memoryThresholdPercent);
        put(`${key}.outOfMemoryWatch.interval`, goDuration(v.outOfMemoryWatch.interval));
      }
    }
  }
  return out;
}

/** A valid Duration in Go syntax; undefined otherwise (validation reports it). */
function goDuration(d: Duration | undefined): string | undefined {
  return d instanceof Duration && Number.isFinite(d.toMilliseconds()) ? d.toGo() : undefined;
}

function sortedOrUndefined(map: Record<string, string>): Record<string, string> | undefined {
  const keys = Object.keys(map).sort();
  return keys.length ? Object.fromEntries(keys.map((k) => [k, map[k]])) : undefined;
}

/** True if multi-tenancy is enforced (the extension's default). */
export function multiTenancyEnforced(s: FluxExtensionSettings | undefined): boolean {
  return s?.multiTenancy !== false;
}
