/**
 * The bad-input matrix (issue #5): for every prop of every public construct, the invalid values a hurried person
 * types, as data. `test/bad-input-matrix.test.ts` synthesizes each row into a temp repo and expects exactly one
 * problem that names the construct path, the prop, the value and what is allowed, and nothing written;
 * `scripts/bad-input-table.ts` renders the same rows, with the message each one really produced, into
 * `docs/bad-input-matrix.md`. Docs and tests cannot drift: a test checks that the committed table is current.
 *
 * A row's `build` gets a GitOpsApp (writing into a fresh temp dir) and declares the app with the one mistake.
 * `appProps` (optional) returns props for the GitOpsApp itself, for the rows about the app's own props.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Aspects, Lazy, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import {
  ApprovalMode,
  ChartVerification,
  CpuManagerPolicy,
  TopologyManagerPolicy,
  TransparentHugePage,
  Duration,
  FleetRunnerRole,
  FluxBootstrap,
  FluxBootstrapProps,
  FluxInstall,
  FluxInstallMode,
  FluxVersion,
  FluxControllerLogLevel,
  FluxExtensionReleaseTrain,
  FluxExtensionSecret,
  GitOpsApp,
  GitOpsAppProps,
  GitOpsChecks,
  ObserveOnly,
  PolicyPack,
  ReadablePlan,
  RetryBackoff,
  GitOpsSynthError,
  GitRef,
  GitRepositorySource,
  GitRepositorySourceProps,
  GuardedNodePool,
  GuardedNodePoolProps,
  InfrastructureStack,
  InfrastructureStackProps,
  KustomizationPatch,
  AlertSeverity,
  FluxAlertsProps,
  NotificationProvider,
  RunnerIdentity,
  RunnerIdentityProps,
  NodePoolAdoption,
  RunnerRole,
  NodePoolCluster,
  NodePoolMode,
  NodePoolOsDiskType,
  NodePoolOsSku,
  NodePoolOsType,
  OciProvider,
  OciRef,
  OciRepositorySource,
  OciRepositorySourceProps,
  PolicySuppressions,
  PromotionOrder,
  ResourceProviderRegistrations,
  ScaleDownMode,
  SpotEvictionPolicy,
  TaintEffect,
  TerraformControllerCR,
  TerraformControllerCRProps,
  RunnerProviderInstallation,
  TofuControllerChartSource,
  TolerationOperator,
  VarsFromKind,
} from "../lib";
import { FAIL_ON_CONSTRUCTS_OUTSIDE_OF_STACKS } from "../lib/app/outside-stacks";
import { LIBRARY_CORE } from "../lib/core/framework-origin";
import { RESERVED_ENV_ALLOWED } from "../lib/tofu/runner-reserved-env";
import { CLUSTER_ID, listFiles, OTHER_SUBSCRIPTION as OTHER_SUB, RUNNER_CREDENTIALS, SUBSCRIPTION } from "./helpers";

export interface BadInputRow {
  /** The public construct (or value class) whose prop is wrong. */
  readonly construct: string;
  /** The prop, dotted for nested props (`upgradeSettings.maxSurge`). */
  readonly prop: string;
  /** The bad value as a person types it in TypeScript. */
  readonly value: string;
  /** What makes the row different from another with the same prop and value (e.g. "Windows pool"). */
  readonly note?: string;
  /** Props of the GitOpsApp, for rows about the app itself; `dir` is a fresh temp dir of the row. */
  readonly appProps?: (dir: string) => Partial<GitOpsAppProps>;
  /**
   * The app as committed before the mistake, for refusals against the committed tree (state safety): synthesized into
   * the row's repo first, which must then stay byte for byte as it was.
   */
  readonly committed?: (app: GitOpsApp) => void;
  /** Declares the app with the one mistake. */
  readonly build: (app: GitOpsApp) => void;
  /** The one problem line expected: construct path, prop, value as printed, and what is allowed. */
  readonly expected: RegExp;
  /**
   * What the cdktn flavour does differently, shown in the table beside the cdktf flavour's message (the committed table
   * is rendered in the cdktf leg; the cdktn leg checks every other line of it).
   */
  readonly cdktnFlavour?: string;
  /**
   * True where the row cannot be refused because the input never reaches the library (constructs 10.7 rewrites a
   * line feed in an id); the row's test then checks that nothing it wrote carries the input instead.
   */
  readonly notRefusedWhen?: () => boolean;
}

/** constructs >= 10.7 (the cdktn flavour's range) turns a line feed in a construct id into `--`, its `addr` separator. */
export function constructsRewritesLineFeeds(): boolean {
  return new Construct(undefined as never, "a\nb").node.id !== "a\nb";
}

/** The core this leg's library is built on, and the other one. */
const OTHER_CORE = LIBRARY_CORE === "cdktn" ? "cdktf" : "cdktn";

/** A class with the jsii type information of the other core's TerraformStack, as cdktf 0.21 and cdktn 0.24 write it. */
function otherCoreStack(app: GitOpsApp, id: string): void {
  class LegacyStack extends Construct {}
  Object.defineProperty(LegacyStack, Symbol.for("jsii.rtti"), { value: { fqn: `${OTHER_CORE}.TerraformStack`, version: "0.2x" } });
  new LegacyStack(app, id);
}

export const REPO_URL = "https://github.com/example-org/gitops.git";
const AKS = { subscriptionId: SUBSCRIPTION, clusterName: "aks-dev", resourceGroupName: "rg-dev" } as const;

/** What a Terraform object without a runner identity or credential is told (lib/tofu/runner-credentials.ts). */
const NO_RUNNER_CREDENTIAL = "a way for the runner to authenticate to Azure: a runnerIdentity";

/** What an import id must look like (lib/azure/node-pool-adoption.ts). */
const ADOPT_ID_RULE =
  "an agent pool id /subscriptions/<guid>/resourceGroups/<resource group>/providers/Microsoft.ContainerService/" +
  "managedClusters/<cluster>/agentPools/<name>, the fixed segments cased exactly so";
const ADOPT_ADDRESS_RULE = "the pool's address in the state it is moved from, azurerm_kubernetes_cluster_node_pool.<name>";

/** `[path] prop = value: allowed is allowed…` as a RegExp; `allowed` is the start of what is allowed. */
export function problem(constructPath: string, prop: string, shown: string, allowed: string): RegExp {
  return new RegExp(`^${esc(`[${constructPath}] ${prop} = ${shown}: allowed is ${allowed}`)}`);
}

function esc(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

// ------------------------------------------------------------------------------------------------ fixtures

function stack(app: GitOpsApp, id = "infra", props: Partial<InfrastructureStackProps> = {}): InfrastructureStack {
  return new InfrastructureStack(app, id, { subscriptionId: SUBSCRIPTION, ...props });
}

type PoolProps = Omit<GuardedNodePoolProps, "cluster"> & { cluster?: NodePoolCluster };
const POOL = { name: "apps", vmSize: "Standard_D4s_v5", minCount: 3, maxCount: 6 } as const;

function addPool(s: InfrastructureStack, id: string, props: Partial<PoolProps> = {}): GuardedNodePool {
  return new GuardedNodePool(s, id, { cluster: NodePoolCluster.fromClusterId(CLUSTER_ID), ...POOL, ...props });
}

/** The acknowledgement a refused synth of `build` into the row's repo (`<dir>/repo`, committed tree) asks for. */
function acknowledgementAsked(dir: string, build: (app: GitOpsApp) => void): string {
  const app = new GitOpsApp({
    outdir: path.join(dir, "cdktf.out-asked"),
    gitopsRoot: path.join(dir, "repo"),
    log: () => {},
    stackTraces: false,
  });
  build(app);
  try {
    app.synth();
  } catch (e) {
    const asked = /acknowledgedChanges: \["([^"]+)"\]$/.exec((e as GitOpsSynthError).problems?.[0] ?? "");
    if (asked) return asked[1];
  }
  throw new Error("the synth asked for no acknowledgement");
}

/** A pool `infra/pool` with one prop changed. */
function pool(props: Partial<PoolProps> | ((s: InfrastructureStack) => Partial<PoolProps>)): (app: GitOpsApp) => void {
  return (app) => {
    const s = stack(app);
    addPool(s, "pool", typeof props === "function" ? props(s) : props);
  };
}

function flux(app: GitOpsApp, props: Partial<FluxBootstrapProps> = {}, id = "flux"): FluxBootstrap {
  return new FluxBootstrap(app, id, { clusterName: "aks-dev", repositoryUrl: REPO_URL, ...props });
}

/** A FluxBootstrap `flux` with one prop changed. */
function bootstrap(props: Partial<FluxBootstrapProps>): (app: GitOpsApp) => void {
  return (app) => void flux(app, props);
}

/** A FluxBootstrap `flux` in AKS extension mode with one aksExtension setting changed. */
function aks(settings: Record<string, unknown>, props: Partial<FluxBootstrapProps> = {}): (app: GitOpsApp) => void {
  return (app) => void flux(app, { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: { ...AKS, ...settings } as never, ...props });
}

/** A Terraform object `tf` for stack `infra` on cluster `flux`, approval AUTO, runner credentials, with one prop changed. */
function cr(
  props:
    | Partial<TerraformControllerCRProps>
    | ((app: GitOpsApp, f: FluxBootstrap, s: InfrastructureStack) => Partial<TerraformControllerCRProps>),
): (app: GitOpsApp) => void {
  return (app) => {
    const s = stack(app);
    const f = flux(app);
    new TerraformControllerCR(app, "tf", {
      cluster: f,
      stack: s,
      approval: ApprovalMode.AUTO,
      runnerPod: RUNNER_CREDENTIALS,
      ...(typeof props === "function" ? props(app, f, s) : props),
    });
  };
}

/** A GitRepositorySource `release` of cluster `flux` with one prop changed. */
function git(props: Partial<GitRepositorySourceProps>): (app: GitOpsApp) => void {
  return (app) => {
    const f = flux(app);
    new GitRepositorySource(app, "release", { cluster: f, ref: GitRef.branch("release"), ...props });
  };
}

/** An OciRepositorySource `artifact` of cluster `flux` with one prop changed. */
function oci(props: Partial<OciRepositorySourceProps>): (app: GitOpsApp) => void {
  return (app) => {
    const f = flux(app);
    new OciRepositorySource(app, "artifact", { cluster: f, url: "oci://example.azurecr.io/infra", ref: OciRef.tag("v1.0.0"), ...props });
  };
}

const TENANT = "22222222-2222-2222-2222-222222222222";
const CLIENT_ID = "33333333-3333-3333-3333-333333333333";

/** A RunnerIdentity `runner` of cluster `flux` (flux CLI mode: the AKS cluster by id) with one prop changed. */
function runner(props: Partial<RunnerIdentityProps>, fluxProps: Partial<FluxBootstrapProps> = {}): (app: GitOpsApp) => void {
  return (app) =>
    void new RunnerIdentity(app, "runner", {
      cluster: flux(app, fluxProps),
      aksCluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
      tenantId: TENANT,
      clientId: CLIENT_ID,
      ...props,
    });
}

/** Alerts `alerts` of cluster `flux` (a Teams provider) with one prop changed. */
function alerts(props: Partial<FluxAlertsProps>, fluxProps: Partial<FluxBootstrapProps> = {}): (app: GitOpsApp) => void {
  return (app) =>
    void flux(app, fluxProps).addAlerts("alerts", { provider: NotificationProvider.msteams({ secretName: "teams-webhook" }), ...props });
}

/** A token where a literal is required. */
const token = (): string => Lazy.stringValue({ produce: () => "resolved-later" });

const DNS_LABEL_RULE = "a DNS label: lower-case letters, digits and '-', 1 to 63 characters";
const POOL_NAME_RULE = "a lower-case letter, then lower-case letters and digits, 1 to 12 characters";
const WINDOWS_NAME_RULE = "a lower-case letter, then lower-case letters and digits, 1 to 6 characters (Windows)";
const DURATION_RULE = "a duration above zero in whole milliseconds";
const TOKEN_RULE = "a literal value known at synth, not a token";
const NAMESPACE_RULE = "a Kubernetes namespace name (DNS label)";
const COUNT_RULE = "a whole number from 0 to 1000";
const NET_GROUP = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers`;
const VNET_ID = `${NET_GROUP}/Microsoft.Network/virtualNetworks/vnet-hub`;
const NODE_SUBNET = `${VNET_ID}/subnets/nodes`;
const POD_SUBNET = `${VNET_ID}/subnets/pods`;
const PREFIX_ID = `${NET_GROUP}/Microsoft.Network/publicIPPrefixes/nodes`;
const PPG_ID = `${NET_GROUP}/Microsoft.Compute/proximityPlacementGroups/ppg1`;

// ------------------------------------------------------------------------------------------------ the rows

/** A FluxBootstrap `flux` with FluxInstall.aksExtension and these extension settings (issue #18 item 4). */
function aksSettings(settings: unknown, options: Record<string, unknown> = {}): (app: GitOpsApp) => FluxBootstrap {
  return (app) => flux(app, { install: FluxInstall.aksExtension({ ...AKS, ...options, settings: settings as never }) });
}

const S = "install.settings";
const WI_CLIENT = "11111111-2222-3333-4444-555555555555";

/** One mistake each in the typed microsoft.flux settings (lib/cluster/flux-extension-settings-checks.ts). */
const AKS_SETTINGS_ROWS: readonly BadInputRow[] = [
  [
    "settings",
    '"multiTenancy.enforce=false"',
    "JavaScript",
    "multiTenancy.enforce=false",
    '"multiTenancy.enforce=false"',
    "an object of microsoft.flux settings",
  ],
  [
    "releaseTrain",
    '"Stable"',
    "JavaScript",
    { releaseTrain: "Stable" },
    '"Stable"',
    "FluxExtensionReleaseTrain.STABLE, .PREVIEW or .of(…)",
  ],
  [
    "releaseTrain",
    'FluxExtensionReleaseTrain.of("stable train")',
    undefined,
    { releaseTrain: FluxExtensionReleaseTrain.of("stable train") },
    '"stable train"',
    "a release train name such as Stable or Preview",
  ],
  ["multiTenancy", '"false"', "JavaScript", { multiTenancy: "false" }, '"false"', "true or false"],
  [
    "workloadIdentity.clientId",
    '"flux-identity"',
    undefined,
    { workloadIdentity: { clientId: "flux-identity" } },
    '"flux-identity"',
    "the client id (a GUID) of a user-assigned identity",
  ],
  [
    "useKubeletIdentity",
    "true",
    "with workloadIdentity",
    { useKubeletIdentity: true, workloadIdentity: { clientId: WI_CLIENT } },
    "true",
    "unset or false with workloadIdentity (one identity for the Flux controllers)",
  ],
  [
    "sourceController.enabled",
    "false",
    undefined,
    { sourceController: { enabled: false } },
    "false",
    "true or unset: the flux configuration's GitRepository and the tofu-controller HelmRepository",
  ],
  [
    "kustomizeController.enabled",
    "false",
    undefined,
    { kustomizeController: { enabled: false } },
    "false",
    "true or unset: the flux configuration's Kustomization applies clusters/aks-dev",
  ],
  [
    "helmController.enabled",
    "false",
    undefined,
    { helmController: { enabled: false } },
    "false",
    "true or unset: tofu-controller is installed by the HelmRelease in clusters/aks-dev/tofu-controller/helm-release.yaml",
  ],
  [
    "imageAutomationController.enabled",
    "true",
    "image-reflector-controller off",
    { imageAutomationController: { enabled: true } },
    "true",
    "true only with imageReflectorController.enabled true",
  ],
  [
    "imageReflectorController.logLevel",
    "FluxControllerLogLevel.DEBUG",
    "the controller off by default",
    { imageReflectorController: { logLevel: FluxControllerLogLevel.DEBUG } },
    "<set>",
    "unset while image-reflector-controller is off",
  ],
  [
    "kustomizeController.logLevel",
    '"verbose"',
    "JavaScript",
    { kustomizeController: { logLevel: "verbose" } },
    '"verbose"',
    'one of "debug", "info", "error"',
  ],
  [
    "fluxConfigAgentLogLevel",
    '"debug"',
    "JavaScript; the agents take info and error",
    { fluxConfigAgentLogLevel: "debug" },
    '"debug"',
    'one of "info", "error"',
  ],
  [
    "sourceController.resources.limits.memory",
    '"2GB"',
    undefined,
    { sourceController: { resources: { limits: { memory: "2GB" } } } },
    '"2GB"',
    "a Kubernetes quantity such as 500m, 2, 300Mi or 2Gi",
  ],
  ["kustomizeController.concurrent", "0", undefined, { kustomizeController: { concurrent: 0 } }, "0", "a whole number from 1 to 100"],
  [
    "kustomizeController.requeueDependency",
    '"50s"',
    "JavaScript",
    { kustomizeController: { requeueDependency: "50s" } },
    '"50s"',
    "a Duration object",
  ],
  [
    "helmController.outOfMemoryWatch.memoryThresholdPercent",
    "150",
    undefined,
    { helmController: { outOfMemoryWatch: { memoryThresholdPercent: 150 } } },
    "150",
    "a whole number from 1 to 100",
  ],
  [
    "sourceController.sshHostKeyAlgorithms[0]",
    '"rsa sha2"',
    "JavaScript",
    { sourceController: { sshHostKeyAlgorithms: ["rsa sha2"] } },
    '"rsa sha2"',
    'one of "ssh-ed25519", "ecdsa-sha2-nistp256"',
  ],
  [
    "sourceController.enable",
    "false",
    "JavaScript, a misspelt setting",
    { sourceController: { enable: false } },
    "false",
    "one of the typed source-controller settings: enabled, logLevel, resources, sshHostKeyAlgorithms",
  ],
  [
    'additionalSettings["helm-controller.enabled"]',
    '"false"',
    "a key a typed setting covers",
    { additionalSettings: { "helm-controller.enabled": "false" } },
    '"false"',
    "a key no typed setting covers (set helmController.enabled instead",
  ],
  [
    'additionalSettings["autoUpgradeMinorVersion"]',
    '"false"',
    "an extension property, not a setting",
    { additionalSettings: { autoUpgradeMinorVersion: "false" } },
    '"false"',
    "a key the extension takes as a setting (autoUpgradeMinorVersion is not a setting: azurerm sends autoUpgradeMinorVersion",
  ],
  [
    'additionalSettings["proxy.password"]',
    '"…"',
    "a key that names a secret",
    { additionalSettings: { "proxy.password": "hunter2-not-real" } },
    "<redacted>",
    "a key that names no secret",
  ],
  [
    'additionalSettings["HTTPS_PROXY"]',
    '"http://user:…@proxy.example.com:3128"',
    undefined,
    { additionalSettings: { HTTPS_PROXY: "http://user:notreal@proxy.example.com:3128" } },
    "<redacted>",
    "a value without credentials",
  ],
  [
    'additionalSettings["example.setting"]',
    '""',
    undefined,
    { additionalSettings: { "example.setting": "" } },
    '""',
    "a non-empty string (azurerm refuses empty values)",
  ],
  [
    'additionalSettings["example setting"]',
    '"on"',
    undefined,
    { additionalSettings: { "example setting": "on" } },
    '"on"',
    "a setting name: letters, digits",
  ],
  [
    "protectedSettings",
    '"…"',
    "the value itself instead of a map (JavaScript)",
    { protectedSettings: "hunter2-not-real" },
    "<redacted>",
    "an object of setting names to FluxExtensionSecret.fromVariable(…)",
  ],
  [
    'protectedSettings["example.token"]',
    '"…"',
    "the value itself (JavaScript)",
    { protectedSettings: { "example.token": "hunter2-not-real" } },
    "<redacted>",
    "FluxExtensionSecret.fromVariable(…): a reference, never the value itself",
  ],
  [
    'protectedSettings["multiTenancy.enforce"]',
    'FluxExtensionSecret.fromVariable("mt")',
    "a plain setting's key",
    { protectedSettings: { "multiTenancy.enforce": FluxExtensionSecret.fromVariable("mt") } },
    '"multiTenancy.enforce"',
    "a key that is not also a plain setting",
  ],
  [
    'protectedSettings["example.token"].variableName',
    '"1token"',
    undefined,
    { protectedSettings: { "example.token": FluxExtensionSecret.fromVariable("1token") } },
    '"1token"',
    "a Terraform variable name",
  ],
].map(([prop, value, note, settings, shown, allowed]) => ({
  construct: "FluxBootstrap",
  prop: prop === "settings" ? S : `${S}.${prop as string}`,
  value: value as string,
  note: note as string | undefined,
  build: (app: GitOpsApp) => void aksSettings(settings)(app),
  expected: problem("flux", prop === "settings" ? S : `${S}.${prop as string}`, shown as string, allowed as string),
}));

/** The AKS-settings rows that need more than the settings: the cluster's alerts, a pinned version, a team Kustomization. */
const AKS_SETTINGS_CONTEXT_ROWS: readonly BadInputRow[] = [
  {
    construct: "FluxBootstrap",
    prop: `${S}.releaseTrain`,
    value: "FluxExtensionReleaseTrain.STABLE",
    note: "with a pinned extensionVersion",
    build: (app) => void aksSettings({ releaseTrain: FluxExtensionReleaseTrain.STABLE }, { extensionVersion: "1.24.1" })(app),
    expected: problem(
      "flux",
      `${S}.releaseTrain`,
      '"Stable"',
      "unset with a pinned extensionVersion (1.24.1): azurerm refuses release_train",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: `${S}.notificationController.enabled`,
    value: "false",
    note: "the cluster has alerts",
    build: (app) =>
      void aksSettings({ notificationController: { enabled: false } })(app).addAlerts("alerts", {
        provider: NotificationProvider.msteams({ secretName: "teams-webhook" }),
      }),
    expected: problem("flux", `${S}.notificationController.enabled`, "false", "true or unset: the alerts flux/alerts"),
  },
  {
    construct: "FluxKustomization",
    prop: "source",
    value: "a GitRepositorySource in namespace apps",
    note: "AKS extension, multi-tenancy enforced",
    build: (app) => {
      const f = aksSettings(undefined)(app);
      const apps = new GitRepositorySource(app, "apps", { cluster: f, namespace: "apps", ref: GitRef.branch("main") });
      f.addKustomization("apps", { name: "apps", path: "./apps/dev", source: apps });
    },
    expected: problem(
      "flux/apps",
      "source",
      '"apps/apps"',
      "a source in the cluster's namespace flux-system: the microsoft.flux extension enforces",
    ),
  },
];

export const BAD_INPUT_ROWS: readonly BadInputRow[] = [
  // ---------------------------------------------------------------------------------------------- GitOpsApp
  {
    construct: "GitOpsApp",
    prop: "gitopsRoot",
    value: '""',
    appProps: () => ({ gitopsRoot: "" }),
    build: (app) => void stack(app),
    expected: problem("app", "gitopsRoot", '""', "a directory"),
  },
  {
    construct: "GitOpsApp",
    prop: "gitopsRoot",
    value: '"<a regular file>"',
    appProps: (dir) => {
      fs.writeFileSync(path.join(dir, "not-a-dir"), "x\n");
      return { gitopsRoot: path.join(dir, "not-a-dir") };
    },
    build: (app) => void stack(app),
    expected: /^\[app\] gitopsRoot = ".*not-a-dir": allowed is a directory/,
  },
  {
    construct: "GitOpsApp",
    prop: "gitopsRoot",
    value: '"<a regular file>/repo"',
    appProps: (dir) => {
      fs.writeFileSync(path.join(dir, "not-a-dir"), "x\n");
      return { gitopsRoot: path.join(dir, "not-a-dir", "repo") };
    },
    build: (app) => void stack(app),
    expected: /^\[app\] gitopsRoot = ".*not-a-dir\/repo": allowed is a directory/,
  },
  {
    construct: "GitOpsApp",
    prop: "acknowledgedChanges",
    value: '["yes"]',
    appProps: () => ({ acknowledgedChanges: ["yes"] }),
    build: (app) => void stack(app),
    expected: problem("app", "acknowledgedChanges[0]", '"yes"', "a change exactly as a refusal prints it"),
  },
  {
    construct: "GitOpsApp",
    prop: "acknowledgedChanges",
    value: '["replace infrastructure/prod/azurerm_kubernetes_cluster_node_pool.pool"]',
    note: "space instead of ':'",
    appProps: () => ({ acknowledgedChanges: ["replace infrastructure/prod/azurerm_kubernetes_cluster_node_pool.pool"] }),
    build: (app) => void stack(app),
    expected: problem(
      "app",
      "acknowledgedChanges[0]",
      '"replace infrastructure/prod/azurerm_kubernetes_cluster_node_pool.pool"',
      "a change exactly as a refusal prints it",
    ),
  },
  {
    construct: "GitOpsApp",
    prop: "acknowledgedChanges",
    value: '"destroy:infrastructure/prod/azurerm_kubernetes_cluster_node_pool.pool"',
    note: "a string, not a list (context)",
    appProps: () => ({ context: { acknowledgedChanges: "destroy:infrastructure/prod/azurerm_kubernetes_cluster_node_pool.pool" } }),
    build: (app) => void stack(app),
    expected: problem(
      "app",
      "acknowledgedChanges",
      '"destroy:infrastructure/prod/azurerm_kubernetes_cluster_node_pool.pool"',
      "a list of strings",
    ),
  },
  {
    construct: "GitOpsApp",
    prop: "acknowledgedChanges",
    value: '[""]',
    appProps: () => ({ acknowledgedChanges: [""] }),
    build: (app) => void stack(app),
    expected: problem("app", "acknowledgedChanges[0]", '""', "a change exactly as a refusal prints it"),
  },
  {
    construct: "GitOpsApp",
    prop: "acknowledgedChanges",
    value: '["replace:…@…"]',
    note: "the replacement of a guarded pool, acknowledged, but nothing in the synth forces it any more",
    committed: pool({}),
    appProps: (dir) => ({ acknowledgedChanges: [acknowledgementAsked(dir, pool({ name: "apps2" }))] }),
    build: pool({}),
    expected: new RegExp(
      `^${esc("[app] acknowledgedChanges = ")}"replace:infrastructure/infra/azurerm_kubernetes_cluster_node_pool\\.pool_[0-9A-F]+@[0-9a-f]{16}"` +
        esc(": allowed is an entry for a change this synth makes, but nothing in it forces a replacement"),
    ),
  },
  {
    construct: "GitOpsApp",
    prop: "baseRef",
    value: '"origin main"',
    note: "space instead of '/'",
    appProps: () => ({ baseRef: "origin main" }),
    build: (app) => void stack(app),
    expected: problem("app", "baseRef", '"origin main"', "a Git ref naming the commit to compare with"),
  },
  {
    construct: "GitOpsApp",
    prop: "baseRef",
    value: '"--output=x"',
    note: "would pass for a git option",
    appProps: () => ({ context: { gitopsBaseRef: "--output=x" } }),
    build: (app) => void stack(app),
    expected: problem("app", "baseRef", '"--output=x"', "a Git ref naming the commit to compare with"),
  },

  // ---------------------------------------------------------------------------------------------- InfrastructureStack
  {
    construct: "InfrastructureStack",
    prop: "subscriptionId",
    value: '"my-subscription"',
    build: (app) => void stack(app, "infra", { subscriptionId: "my-subscription" }),
    expected: problem("infra", "subscriptionId", '"my-subscription"', "a subscription GUID"),
  },
  {
    construct: "InfrastructureStack",
    prop: "subscriptionId",
    value: '""',
    build: (app) => void stack(app, "infra", { subscriptionId: "" }),
    expected: problem("infra", "subscriptionId", '""', "a subscription GUID"),
  },
  {
    construct: "InfrastructureStack",
    prop: "subscriptionId",
    value: "undefined",
    note: "JavaScript, or an unset context entry",
    build: (app) => void stack(app, "infra", { subscriptionId: undefined }),
    expected: problem("infra", "subscriptionId", "(unset)", "a subscription GUID"),
  },
  {
    construct: "InfrastructureStack",
    prop: "subscriptionId",
    value: "<token>",
    build: (app) => void stack(app, "infra", { subscriptionId: token() }),
    expected: problem("infra", "subscriptionId", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "InfrastructureStack",
    prop: "subscriptionId",
    value: '"00000000-0000-0000-0000-00000000000"',
    note: "one digit short",
    build: (app) => void stack(app, "infra", { subscriptionId: "00000000-0000-0000-0000-00000000000" }),
    expected: problem("infra", "subscriptionId", '"00000000-0000-0000-0000-00000000000"', "a subscription GUID"),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: '"Prod_Pools"',
    build: (app) => void stack(app, "infra", { folderName: "Prod_Pools" }),
    expected: problem("infra", "folderName", '"Prod_Pools"', DNS_LABEL_RULE),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: '"-pools"',
    build: (app) => void stack(app, "infra", { folderName: "-pools" }),
    expected: problem("infra", "folderName", '"-pools"', DNS_LABEL_RULE),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: '"a".repeat(64)',
    build: (app) => void stack(app, "infra", { folderName: "a".repeat(64) }),
    expected: problem("infra", "folderName", `"${"a".repeat(64)}"`, DNS_LABEL_RULE),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: '"../escape"',
    build: (app) => void stack(app, "infra", { folderName: "../escape" }),
    expected: problem("infra", "folderName", '"../escape"', DNS_LABEL_RULE),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: '"/etc"',
    build: (app) => void stack(app, "infra", { folderName: "/etc" }),
    expected: problem("infra", "folderName", '"/etc"', DNS_LABEL_RULE),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: '"prod/pools"',
    build: (app) => void stack(app, "infra", { folderName: "prod/pools" }),
    expected: problem("infra", "folderName", '"prod/pools"', DNS_LABEL_RULE),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: '""',
    build: (app) => void stack(app, "infra", { folderName: "" }),
    expected: problem("infra", "folderName", '""', DNS_LABEL_RULE),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: '"Prod_Pools"',
    note: "reconciled by a Terraform object whose state suffix defaults to the folder",
    build: (app) =>
      void new TerraformControllerCR(app, "tf", {
        cluster: flux(app),
        stack: stack(app, "infra", { folderName: "Prod_Pools" }),
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
      }),
    expected: problem("infra", "folderName", '"Prod_Pools"', DNS_LABEL_RULE),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: "<token>",
    build: (app) => void stack(app, "infra", { folderName: token() }),
    expected: problem("infra", "folderName", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: '"Infra"',
    note: "the stack id is the default folder",
    build: (app) => void stack(app, "Infra"),
    expected: problem("Infra", "folderName", '"Infra"', DNS_LABEL_RULE),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: '"pools"',
    note: "two stacks writing one folder",
    build: (app) => {
      stack(app, "one", { folderName: "pools" });
      stack(app, "two", { folderName: "pools" });
    },
    expected: problem("two", "folderName", '"pools"', "a folder no other stack writes (one writes infrastructure/pools too)"),
  },
  {
    construct: "InfrastructureStack",
    prop: "folderName",
    value: '"pools"',
    note: "the same folder as another stack's id",
    build: (app) => {
      stack(app, "pools");
      stack(app, "other", { folderName: "pools" });
    },
    expected: problem("other", "folderName", '"pools"', "a folder no other stack writes (pools writes infrastructure/pools too)"),
  },
  {
    construct: "InfrastructureStack",
    prop: "resourceProviderRegistrations",
    value: '"some"',
    build: (app) => void stack(app, "infra", { resourceProviderRegistrations: "some" as ResourceProviderRegistrations }),
    expected: problem("infra", "resourceProviderRegistrations", '"some"', 'one of "none", "core", "extended", "all", "legacy"'),
  },

  // ---------------------------------------------------------------------------------------------- GuardedNodePool
  {
    construct: "GuardedNodePool",
    prop: "cluster",
    value: "undefined",
    note: "JavaScript",
    build: pool({ cluster: undefined as unknown as NodePoolCluster }),
    expected: problem("infra/pool", "cluster", "(unset)", "a NodePoolCluster: NodePoolCluster.fromClusterId"),
  },
  {
    construct: "GuardedNodePool",
    prop: "cluster",
    value: 'NodePoolCluster.fromClusterId("/subscriptions/x/resourceGroups/rg")',
    build: pool({ cluster: NodePoolCluster.fromClusterId("/subscriptions/x/resourceGroups/rg") }),
    expected: problem("infra/pool", "cluster (clusterId)", '"/subscriptions/x/resourceGroups/rg"', "an AKS resource id"),
  },
  {
    construct: "GuardedNodePool",
    prop: "cluster",
    value: 'NodePoolCluster.fromClusterId("")',
    build: pool({ cluster: NodePoolCluster.fromClusterId("") }),
    expected: problem("infra/pool", "cluster (clusterId)", '""', "an AKS resource id"),
  },
  {
    construct: "GuardedNodePool",
    prop: "cluster",
    value: 'NodePoolCluster.fromClusterId("aks-prod")',
    note: "a name, not an id",
    build: pool({ cluster: NodePoolCluster.fromClusterId("aks-prod") }),
    expected: problem("infra/pool", "cluster (clusterId)", '"aks-prod"', "an AKS resource id"),
  },
  {
    construct: "GuardedNodePool",
    prop: "cluster",
    value: "NodePoolCluster.fromClusterId(<id of a virtual machine>)",
    build: pool({ cluster: NodePoolCluster.fromClusterId(CLUSTER_ID.replace("managedClusters", "virtualMachines")) }),
    expected: /^\[infra\/pool\] cluster \(clusterId\) = ".*virtualMachines\/aks-prod": allowed is an AKS resource id/,
  },
  {
    construct: "GuardedNodePool",
    prop: "cluster",
    value: 'NodePoolCluster.fromClusterName("aks prod", "rg-aks")',
    build: pool({ cluster: NodePoolCluster.fromClusterName("aks prod", "rg-aks") }),
    expected: problem("infra/pool", "cluster (name)", '"aks prod"', "an AKS cluster name"),
  },
  {
    construct: "GuardedNodePool",
    prop: "cluster",
    value: 'NodePoolCluster.fromClusterName("aks prod", "rg-aks")',
    note: "one cluster object shared by two pools",
    build: (app) => {
      const s = stack(app);
      const cluster = NodePoolCluster.fromClusterName("aks prod", "rg-aks");
      addPool(s, "a", { cluster });
      addPool(s, "b", { cluster, name: "batch" });
    },
    expected: problem("infra/a", "cluster (name)", '"aks prod"', "an AKS cluster name"),
  },
  {
    construct: "GuardedNodePool",
    prop: "cluster",
    value: 'NodePoolCluster.fromClusterName("", "rg-aks")',
    build: pool({ cluster: NodePoolCluster.fromClusterName("", "rg-aks") }),
    expected: problem("infra/pool", "cluster (name)", '""', "an AKS cluster name"),
  },
  {
    construct: "GuardedNodePool",
    prop: "cluster",
    value: 'NodePoolCluster.fromClusterName("aks", "rg.")',
    build: pool({ cluster: NodePoolCluster.fromClusterName("aks", "rg.") }),
    expected: problem("infra/pool", "cluster (resourceGroupName)", '"rg."', "a resource group name"),
  },
  {
    construct: "GuardedNodePool",
    prop: "cluster",
    value: 'NodePoolCluster.fromClusterName("aks", "")',
    build: pool({ cluster: NodePoolCluster.fromClusterName("aks", "") }),
    expected: problem("infra/pool", "cluster (resourceGroupName)", '""', "a resource group name"),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: '"apps"',
    note: "kept while the committed guarded pool is replaced (Regular → Spot): replaced blue/green, it needs a new name",
    committed: pool({}),
    build: pool({ spot: {} }),
    expected: problem("infra/pool", "name", '"apps"', "a name the committed pool does not have"),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: '"Apps"',
    build: pool({ name: "Apps" }),
    expected: problem("infra/pool", "name", '"Apps"', POOL_NAME_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: '"user-pool"',
    build: pool({ name: "user-pool" }),
    expected: problem("infra/pool", "name", '"user-pool"', POOL_NAME_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: '"user_pool"',
    build: pool({ name: "user_pool" }),
    expected: problem("infra/pool", "name", '"user_pool"', POOL_NAME_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: '"abcdefghijklm"',
    note: "13 characters",
    build: pool({ name: "abcdefghijklm" }),
    expected: problem("infra/pool", "name", '"abcdefghijklm"', POOL_NAME_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: '"1pool"',
    build: pool({ name: "1pool" }),
    expected: problem("infra/pool", "name", '"1pool"', POOL_NAME_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: '""',
    build: pool({ name: "" }),
    expected: problem("infra/pool", "name", '""', POOL_NAME_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: '"winpool"',
    note: "Windows pool, 7 characters",
    build: pool({ name: "winpool", osType: NodePoolOsType.WINDOWS }),
    expected: problem("infra/pool", "name", '"winpool"', WINDOWS_NAME_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: "<token>",
    build: pool({ name: token() }),
    expected: problem("infra/pool", "name", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: '"apps"',
    note: "two pools with one name in one cluster",
    build: (app) => {
      const s = stack(app);
      addPool(s, "a");
      addPool(s, "b");
    },
    expected: problem("infra/b", "name", '"apps"', "a name no other pool of the same cluster uses (infra/a has it)"),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: '"apps"',
    note: "one cluster by id in one stack and by name in another",
    build: (app) => {
      addPool(stack(app, "one"), "a");
      addPool(stack(app, "two"), "b", { cluster: NodePoolCluster.fromClusterName("AKS-prod", "RG-aks") });
    },
    expected: problem("two/b", "name", '"apps"', "a name no other pool of the same cluster uses (one/a has it)"),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: '"appstmp"',
    note: "another pool's rotation name",
    build: (app) => {
      const s = stack(app);
      addPool(s, "a");
      addPool(s, "b", { name: "appstmp" });
    },
    expected: problem(
      "infra/b",
      "name",
      '"appstmp"',
      'names (name and temporaryNameForRotation "appstmptmp") that no other pool of the same cluster uses (infra/a uses "apps" and "appstmp")',
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "temporaryNameForRotation",
    value: '"Apps-Tmp"',
    build: pool({ temporaryNameForRotation: "Apps-Tmp" }),
    expected: problem("infra/pool", "temporaryNameForRotation", '"Apps-Tmp"', POOL_NAME_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "temporaryNameForRotation",
    value: '"apps"',
    note: "equal to name",
    build: pool({ temporaryNameForRotation: "apps" }),
    expected: problem("infra/pool", "temporaryNameForRotation", '"apps"', `${POOL_NAME_RULE}, different from name`),
  },
  {
    construct: "GuardedNodePool",
    prop: "temporaryNameForRotation",
    value: '"appsrotation1"',
    note: "13 characters",
    build: pool({ temporaryNameForRotation: "appsrotation1" }),
    expected: problem("infra/pool", "temporaryNameForRotation", '"appsrotation1"', POOL_NAME_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "temporaryNameForRotation",
    value: '"wintemp"',
    note: "Windows pool, 7 characters",
    build: pool({ name: "win", osType: NodePoolOsType.WINDOWS, temporaryNameForRotation: "wintemp" }),
    expected: problem("infra/pool", "temporaryNameForRotation", '"wintemp"', WINDOWS_NAME_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "temporaryNameForRotation",
    value: '""',
    build: pool({ temporaryNameForRotation: "" }),
    expected: problem("infra/pool", "temporaryNameForRotation", '""', POOL_NAME_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "vmSize",
    value: '"D4s_v5"',
    build: pool({ vmSize: "D4s_v5" }),
    expected: problem("infra/pool", "vmSize", '"D4s_v5"', "an Azure VM size such as Standard_D2s_v3"),
  },
  {
    construct: "GuardedNodePool",
    prop: "vmSize",
    value: '"Standard D4s v5"',
    build: pool({ vmSize: "Standard D4s v5" }),
    expected: problem("infra/pool", "vmSize", '"Standard D4s v5"', "an Azure VM size such as Standard_D2s_v3"),
  },
  {
    construct: "GuardedNodePool",
    prop: "vmSize",
    value: '""',
    build: pool({ vmSize: "" }),
    expected: problem("infra/pool", "vmSize", '""', "an Azure VM size such as Standard_D2s_v3"),
  },
  {
    construct: "GuardedNodePool",
    prop: "vmSize",
    value: '"Standard_D2S_v3"',
    note: "another case than Azure's spelling",
    build: pool({ vmSize: "Standard_D2S_v3" }),
    expected: problem("infra/pool", "vmSize", '"Standard_D2S_v3"', `Azure's spelling of the size, "Standard_D2s_v3"`),
  },
  {
    construct: "GuardedNodePool",
    prop: "vmSize",
    value: "size.stringValue (a TerraformVariable)",
    build: pool((s) => ({ vmSize: new TerraformVariable(s, "size", { type: "string" }).stringValue })),
    expected: problem("infra/pool", "vmSize", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "minCount",
    value: "-1",
    build: pool({ minCount: -1 }),
    expected: problem("infra/pool", "minCount", "-1", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "minCount",
    value: "2",
    note: "below the default floor 3",
    build: pool({ minCount: 2 }),
    expected: problem("infra/pool", "minCount", "2", "at least the floor guardrails.minCountFloor = 3 (range 3..1000)"),
  },
  {
    construct: "GuardedNodePool",
    prop: "minCount",
    value: "0",
    build: pool({ minCount: 0 }),
    expected: problem("infra/pool", "minCount", "0", "at least the floor guardrails.minCountFloor = 3"),
  },
  {
    construct: "GuardedNodePool",
    prop: "minCount",
    value: "3.5",
    build: pool({ minCount: 3.5 }),
    expected: problem("infra/pool", "minCount", "3.5", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "minCount",
    value: "1001",
    build: pool({ minCount: 1001, maxCount: 1000 }),
    expected: problem("infra/pool", "minCount", "1001", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "minCount",
    value: "NaN",
    build: pool({ minCount: NaN }),
    expected: problem("infra/pool", "minCount", "NaN", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "minCount",
    value: "Token.asNumber(min.value) (a TerraformVariable)",
    build: pool((s) => ({ minCount: Token.asNumber(new TerraformVariable(s, "min", { type: "number" }).value) })),
    expected: problem("infra/pool", "minCount", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "minCount",
    value: "0",
    note: "System pool with floor 0",
    build: pool({ mode: NodePoolMode.SYSTEM, minCount: 0, guardrails: { minCountFloor: 0 } }),
    expected: problem("infra/pool", "minCount", "0", "at least 1 for a System pool"),
  },
  {
    construct: "GuardedNodePool",
    prop: "maxCount",
    value: "4",
    note: "minCount 5 above it",
    build: pool({ minCount: 5, maxCount: 4 }),
    expected: problem("infra/pool", "maxCount", "4", "at least minCount (5)"),
  },
  {
    construct: "GuardedNodePool",
    prop: "maxCount",
    value: "4.5",
    build: pool({ maxCount: 4.5 }),
    expected: problem("infra/pool", "maxCount", "4.5", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "maxCount",
    value: "1001",
    build: pool({ maxCount: 1001 }),
    expected: problem("infra/pool", "maxCount", "1001", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "maxCount",
    value: "-6",
    build: pool({ maxCount: -6 }),
    expected: problem("infra/pool", "maxCount", "-6", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "maxCount",
    value: "Infinity",
    build: pool({ maxCount: Infinity }),
    expected: problem("infra/pool", "maxCount", "Infinity", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "maxCount",
    value: "0",
    note: "minCount 0, floor 0",
    build: pool({ minCount: 0, maxCount: 0, guardrails: { minCountFloor: 0 } }),
    expected: problem("infra/pool", "maxCount", "0", "at least 1"),
  },
  {
    construct: "GuardedNodePool",
    prop: "maxCount",
    value: "11",
    note: "ceiling 10",
    build: pool({ maxCount: 11, guardrails: { maxCountCeiling: 10 } }),
    expected: problem("infra/pool", "maxCount", "11", "at most the ceiling guardrails.maxCountCeiling = 10"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeCount",
    value: "7",
    note: "above maxCount 6",
    build: pool({ nodeCount: 7 }),
    expected: problem("infra/pool", "nodeCount", "7", "a count within [minCount, maxCount] = [3, 6]"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeCount",
    value: "2",
    note: "below minCount 3",
    build: pool({ nodeCount: 2 }),
    expected: problem("infra/pool", "nodeCount", "2", "a count within [minCount, maxCount] = [3, 6]"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeCount",
    value: "-1",
    build: pool({ nodeCount: -1 }),
    expected: problem("infra/pool", "nodeCount", "-1", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeCount",
    value: "3.5",
    build: pool({ nodeCount: 3.5 }),
    expected: problem("infra/pool", "nodeCount", "3.5", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "mode",
    value: '"system"',
    note: "lower case (JavaScript)",
    build: pool({ mode: "system" as NodePoolMode }),
    expected: problem("infra/pool", "mode", '"system"', 'one of "System", "User"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "mode",
    value: "NodePoolMode.SYSTEM",
    note: "with spot",
    build: pool({ mode: NodePoolMode.SYSTEM, spot: {} }),
    expected: problem("infra/pool", "spot", "{}", "unset for a System pool"),
  },
  {
    construct: "GuardedNodePool",
    prop: "osType",
    value: '"linux"',
    note: "lower case (JavaScript)",
    build: pool({ osType: "linux" as NodePoolOsType }),
    expected: problem("infra/pool", "osType", '"linux"', 'one of "Linux", "Windows"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "osType",
    value: "NodePoolOsType.WINDOWS",
    note: "System pool",
    build: pool({ mode: NodePoolMode.SYSTEM, osType: NodePoolOsType.WINDOWS, name: "sys" }),
    expected: problem("infra/pool", "osType", '"Windows"', "Linux for a System pool"),
  },
  {
    construct: "GuardedNodePool",
    prop: "osSku",
    value: "NodePoolOsSku.WINDOWS_2022",
    note: "Linux pool",
    build: pool({ osSku: NodePoolOsSku.WINDOWS_2022 }),
    expected: problem("infra/pool", "osSku", '"Windows2022"', "an Linux SKU: AzureLinux, AzureLinux3, Ubuntu, Ubuntu2204"),
  },
  {
    construct: "GuardedNodePool",
    prop: "osSku",
    value: "NodePoolOsSku.UBUNTU",
    note: "Windows pool",
    build: pool({ name: "win", osType: NodePoolOsType.WINDOWS, osSku: NodePoolOsSku.UBUNTU }),
    expected: problem("infra/pool", "osSku", '"Ubuntu"', "an Windows SKU: Windows2019, Windows2022"),
  },
  {
    construct: "GuardedNodePool",
    prop: "osSku",
    value: '"Ubuntu2404"',
    build: pool({ osSku: "Ubuntu2404" as NodePoolOsSku }),
    expected: problem("infra/pool", "osSku", '"Ubuntu2404"', 'one of "AzureLinux"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "maxPods",
    value: "9",
    build: pool({ maxPods: 9 }),
    expected: problem("infra/pool", "maxPods", "9", "a whole number from 10 to 250"),
  },
  {
    construct: "GuardedNodePool",
    prop: "maxPods",
    value: "251",
    build: pool({ maxPods: 251 }),
    expected: problem("infra/pool", "maxPods", "251", "a whole number from 10 to 250"),
  },
  {
    construct: "GuardedNodePool",
    prop: "maxPods",
    value: "20",
    note: "System pool",
    build: pool({ mode: NodePoolMode.SYSTEM, maxPods: 20 }),
    expected: problem("infra/pool", "maxPods", "20", "a whole number from 30 to 250"),
  },
  {
    construct: "GuardedNodePool",
    prop: "maxPods",
    value: "30.5",
    build: pool({ maxPods: 30.5 }),
    expected: problem("infra/pool", "maxPods", "30.5", "a whole number from 10 to 250"),
  },
  {
    construct: "GuardedNodePool",
    prop: "osDiskSizeGb",
    value: "0",
    build: pool({ osDiskSizeGb: 0 }),
    expected: problem("infra/pool", "osDiskSizeGb", "0", "a whole number from 1 to 2048"),
  },
  {
    construct: "GuardedNodePool",
    prop: "osDiskSizeGb",
    value: "2049",
    build: pool({ osDiskSizeGb: 2049 }),
    expected: problem("infra/pool", "osDiskSizeGb", "2049", "a whole number from 1 to 2048"),
  },
  {
    construct: "GuardedNodePool",
    prop: "osDiskSizeGb",
    value: "127.5",
    build: pool({ osDiskSizeGb: 127.5 }),
    expected: problem("infra/pool", "osDiskSizeGb", "127.5", "a whole number from 1 to 2048"),
  },
  {
    construct: "GuardedNodePool",
    prop: "osDiskType",
    value: '"Premium"',
    build: pool({ osDiskType: "Premium" as NodePoolOsDiskType }),
    expected: problem("infra/pool", "osDiskType", '"Premium"', 'one of "Managed", "Ephemeral"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "orchestratorVersion",
    value: '"v1.31"',
    build: pool({ orchestratorVersion: "v1.31" }),
    expected: problem("infra/pool", "orchestratorVersion", '"v1.31"', "a Kubernetes version 1.xx or 1.xx.y"),
  },
  {
    construct: "GuardedNodePool",
    prop: "orchestratorVersion",
    value: '"1.31.x"',
    build: pool({ orchestratorVersion: "1.31.x" }),
    expected: problem("infra/pool", "orchestratorVersion", '"1.31.x"', "a Kubernetes version 1.xx or 1.xx.y"),
  },
  {
    construct: "GuardedNodePool",
    prop: "orchestratorVersion",
    value: '"latest"',
    build: pool({ orchestratorVersion: "latest" }),
    expected: problem("infra/pool", "orchestratorVersion", '"latest"', "a Kubernetes version 1.xx or 1.xx.y"),
  },
  {
    construct: "GuardedNodePool",
    prop: "orchestratorVersion",
    value: '""',
    build: pool({ orchestratorVersion: "" }),
    expected: problem("infra/pool", "orchestratorVersion", '""', "a Kubernetes version 1.xx or 1.xx.y"),
  },
  {
    construct: "GuardedNodePool",
    prop: "zones",
    value: '["1", "4"]',
    build: pool({ zones: ["1", "4"] }),
    expected: problem("infra/pool", "zones", '["1","4"]', 'zones from "1", "2", "3"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "zones",
    value: '["a", "b", "c"]',
    build: pool({ zones: ["a", "b", "c"] }),
    expected: problem("infra/pool", "zones", '["a","b","c"]', 'zones from "1", "2", "3"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "zones",
    value: "[1, 2, 3]",
    note: "numbers (JavaScript)",
    build: pool({ zones: [1, 2, 3] as unknown as string[] }),
    expected: problem("infra/pool", "zones", "[1,2,3]", 'zones from "1", "2", "3"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "zones",
    value: '["1", "1"]',
    build: pool({ zones: ["1", "1"] }),
    expected: problem("infra/pool", "zones", '["1","1"]', "each zone once"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeLabels",
    value: '{ "kubernetes.azure.com/mode": "user" }',
    build: pool({ nodeLabels: { "kubernetes.azure.com/mode": "user" } }),
    expected: problem(
      "infra/pool",
      'nodeLabels["kubernetes.azure.com/mode"]',
      '"kubernetes.azure.com/mode"',
      "a key outside the reserved prefixes",
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeLabels",
    value: '{ "kubernetes.io/role": "x" }',
    build: pool({ nodeLabels: { "kubernetes.io/role": "x" } }),
    expected: problem("infra/pool", 'nodeLabels["kubernetes.io/role"]', '"kubernetes.io/role"', "a key outside the reserved prefixes"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeLabels",
    value: '{ "team name": "x" }',
    build: pool({ nodeLabels: { "team name": "x" } }),
    expected: problem("infra/pool", 'nodeLabels["team name"]', '"team name"', "a Kubernetes label key"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeLabels",
    value: '{ team: "data platform" }',
    build: pool({ nodeLabels: { team: "data platform" } }),
    expected: problem("infra/pool", 'nodeLabels["team"]', '"data platform"', "a Kubernetes label value"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeLabels",
    value: '{ team: "x".repeat(64) }',
    build: pool({ nodeLabels: { team: "x".repeat(64) } }),
    expected: problem("infra/pool", 'nodeLabels["team"]', `"${"x".repeat(64)}"`, "a Kubernetes label value"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeLabels",
    value: "{ team: 1 }",
    note: "a number (JavaScript)",
    build: pool({ nodeLabels: { team: 1 } as unknown as Record<string, string> }),
    expected: problem("infra/pool", 'nodeLabels["team"]', "1", "a Kubernetes label value"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeLabels",
    value: "{ team: <token> }",
    build: pool({ nodeLabels: { team: token() } }),
    expected: problem("infra/pool", "nodeLabels", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeTaints",
    value: '[{ key: "bad key!", effect: TaintEffect.NO_SCHEDULE }]',
    build: pool({ nodeTaints: [{ key: "bad key!", effect: TaintEffect.NO_SCHEDULE }] }),
    expected: problem("infra/pool", "nodeTaints[0].key", '"bad key!"', "a Kubernetes taint key"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeTaints",
    value: '[{ key: "", effect: TaintEffect.NO_SCHEDULE }]',
    build: pool({ nodeTaints: [{ key: "", effect: TaintEffect.NO_SCHEDULE }] }),
    expected: problem("infra/pool", "nodeTaints[0].key", '""', "a Kubernetes taint key"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeTaints",
    value: '[{ key: "gpu", value: "a b", effect: TaintEffect.NO_SCHEDULE }]',
    build: pool({ nodeTaints: [{ key: "gpu", value: "a b", effect: TaintEffect.NO_SCHEDULE }] }),
    expected: problem("infra/pool", "nodeTaints[0].value", '"a b"', "a taint value"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeTaints",
    value: '[{ key: "gpu", effect: "NoEffect" }]',
    build: pool({ nodeTaints: [{ key: "gpu", effect: "NoEffect" as TaintEffect }] }),
    expected: problem("infra/pool", "nodeTaints[0].effect", '"NoEffect"', 'one of "NoSchedule", "PreferNoSchedule", "NoExecute"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings",
    value: '{ maxSurge: "1", maxUnavailable: "1" }',
    build: pool({ upgradeSettings: { maxSurge: "1", maxUnavailable: "1" } }),
    expected: problem(
      "infra/pool",
      "upgradeSettings",
      '{"maxSurge":"1","maxUnavailable":"1"}',
      "exactly one of maxSurge and maxUnavailable",
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings",
    value: '{ maxSurge: "10%" }',
    note: "Spot pool",
    build: pool({ spot: {}, upgradeSettings: { maxSurge: "10%" } }),
    expected: problem("infra/pool", "upgradeSettings", '{"maxSurge":"10%"}', "unset for a Spot pool"),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings.maxSurge",
    value: '"0%"',
    build: pool({ upgradeSettings: { maxSurge: "0%" } }),
    expected: problem("infra/pool", "upgradeSettings.maxSurge", '"0%"', "a node count"),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings.maxSurge",
    value: '"101%"',
    build: pool({ upgradeSettings: { maxSurge: "101%" } }),
    expected: problem("infra/pool", "upgradeSettings.maxSurge", '"101%"', "a node count"),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings.maxSurge",
    value: '"ten"',
    build: pool({ upgradeSettings: { maxSurge: "ten" } }),
    expected: problem("infra/pool", "upgradeSettings.maxSurge", '"ten"', "a node count"),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings.maxSurge",
    value: '"-1"',
    build: pool({ upgradeSettings: { maxSurge: "-1" } }),
    expected: problem("infra/pool", "upgradeSettings.maxSurge", '"-1"', "a node count"),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings.maxSurge",
    value: '""',
    build: pool({ upgradeSettings: { maxSurge: "" } }),
    expected: problem("infra/pool", "upgradeSettings.maxSurge", '""', "a node count"),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings.maxUnavailable",
    value: '"33 %"',
    build: pool({ upgradeSettings: { maxUnavailable: "33 %" } }),
    expected: problem("infra/pool", "upgradeSettings.maxUnavailable", '"33 %"', "a node count"),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings.drainTimeoutInMinutes",
    value: "-1",
    build: pool({ upgradeSettings: { drainTimeoutInMinutes: -1 } }),
    expected: problem("infra/pool", "upgradeSettings.drainTimeoutInMinutes", "-1", "a whole number from 0 to 1440"),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings.drainTimeoutInMinutes",
    value: "1441",
    build: pool({ upgradeSettings: { drainTimeoutInMinutes: 1441 } }),
    expected: problem("infra/pool", "upgradeSettings.drainTimeoutInMinutes", "1441", "a whole number from 0 to 1440"),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings.nodeSoakDurationInMinutes",
    value: "31",
    build: pool({ upgradeSettings: { nodeSoakDurationInMinutes: 31 } }),
    expected: problem("infra/pool", "upgradeSettings.nodeSoakDurationInMinutes", "31", "a whole number from 0 to 30"),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings.nodeSoakDurationInMinutes",
    value: "0.5",
    build: pool({ upgradeSettings: { nodeSoakDurationInMinutes: 0.5 } }),
    expected: problem("infra/pool", "upgradeSettings.nodeSoakDurationInMinutes", "0.5", "a whole number from 0 to 30"),
  },
  {
    construct: "GuardedNodePool",
    prop: "spot",
    value: "{}",
    note: "System pool",
    build: pool({ mode: NodePoolMode.SYSTEM, spot: {} }),
    expected: problem("infra/pool", "spot", "{}", "unset for a System pool"),
  },
  {
    construct: "GuardedNodePool",
    prop: "spot.evictionPolicy",
    value: '"Hibernate"',
    build: pool({ spot: { evictionPolicy: "Hibernate" as SpotEvictionPolicy } }),
    expected: problem("infra/pool", "spot.evictionPolicy", '"Hibernate"', 'one of "Delete", "Deallocate"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "spot.maxPrice",
    value: "0.123456",
    build: pool({ spot: { maxPrice: 0.123456 } }),
    expected: problem(
      "infra/pool",
      "spot.maxPrice",
      "0.123456",
      "-1 (up to the on-demand price) or a positive price with at most 5 decimals",
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "spot.maxPrice",
    value: "0",
    build: pool({ spot: { maxPrice: 0 } }),
    expected: problem("infra/pool", "spot.maxPrice", "0", "-1 (up to the on-demand price)"),
  },
  {
    construct: "GuardedNodePool",
    prop: "spot.maxPrice",
    value: "-2",
    build: pool({ spot: { maxPrice: -2 } }),
    expected: problem("infra/pool", "spot.maxPrice", "-2", "-1 (up to the on-demand price)"),
  },
  {
    construct: "GuardedNodePool",
    prop: "tags",
    value: '{ "cost/center": "42" }',
    build: pool({ tags: { "cost/center": "42" } }),
    expected: problem("infra/pool", 'tags["cost/center"]', '"cost/center"', "an Azure tag name"),
  },
  {
    construct: "GuardedNodePool",
    prop: "tags",
    value: '{ owner: "x".repeat(257) }',
    build: pool({ tags: { owner: "x".repeat(257) } }),
    expected: problem("infra/pool", 'tags["owner"]', `"${"x".repeat(257)}"`, "an Azure tag value"),
  },
  {
    construct: "GuardedNodePool",
    prop: "tags",
    value: "{ owner: <token> }",
    build: pool({ tags: { owner: token() } }),
    expected: problem("infra/pool", "tags", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "guardrails.minCountFloor",
    value: "-1",
    build: pool({ guardrails: { minCountFloor: -1 } }),
    expected: problem("infra/pool", "guardrails.minCountFloor", "-1", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "guardrails.minCountFloor",
    value: "1.5",
    build: pool({ guardrails: { minCountFloor: 1.5 } }),
    expected: problem("infra/pool", "guardrails.minCountFloor", "1.5", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "guardrails.minCountFloor",
    value: "4",
    note: "minCount 3 below it",
    build: pool({ guardrails: { minCountFloor: 4 } }),
    expected: problem("infra/pool", "minCount", "3", "at least the floor guardrails.minCountFloor = 4"),
  },
  {
    construct: "GuardedNodePool",
    prop: "guardrails.maxCountCeiling",
    value: "1001",
    build: pool({ guardrails: { maxCountCeiling: 1001 } }),
    expected: problem("infra/pool", "guardrails.maxCountCeiling", "1001", COUNT_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "guardrails.maxCountCeiling",
    value: "2",
    note: "below the floor 3",
    build: pool({ guardrails: { maxCountCeiling: 2 } }),
    expected: problem("infra/pool", "guardrails.maxCountCeiling", "2", "at least guardrails.minCountFloor (3)"),
  },
  {
    construct: "GuardedNodePool",
    prop: "guardrails.allowedVmSizes",
    value: '["Standard_D2s_v3", "Standard_D8s_v5"]',
    note: "vmSize not in it",
    build: pool({ guardrails: { allowedVmSizes: ["Standard_D2s_v3", "Standard_D8s_v5"] } }),
    expected: problem("infra/pool", "vmSize", '"Standard_D4s_v5"', "one of guardrails.allowedVmSizes: Standard_D2s_v3, Standard_D8s_v5"),
  },
  // GuardedNodePool adopt (issue #19): an existing pool taken over by import or from the state it keeps.
  {
    construct: "GuardedNodePool",
    prop: "adopt",
    value: `{ importFrom: "${CLUSTER_ID}/agentPools/apps" }`,
    note: "a plain object, not a NodePoolAdoption (JavaScript)",
    build: pool({ adopt: { importFrom: `${CLUSTER_ID}/agentPools/apps` } as unknown as NodePoolAdoption }),
    expected: problem("infra/pool", "adopt", `{"importFrom":"${CLUSTER_ID}/agentPools/apps"}`, "NodePoolAdoption.importFrom("),
  },
  {
    construct: "GuardedNodePool",
    prop: "adopt",
    value: 'NodePoolAdoption.importFrom("aks-prod/apps")',
    note: "not a resource id",
    build: pool({ adopt: NodePoolAdoption.importFrom("aks-prod/apps") }),
    expected: problem("infra/pool", "adopt (importFrom)", '"aks-prod/apps"', ADOPT_ID_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "adopt",
    value: 'NodePoolAdoption.importFrom(".../resourcegroups/rg-aks/.../agentpools/apps")',
    note: "segment names in lower case",
    build: pool({
      adopt: NodePoolAdoption.importFrom(
        `${CLUSTER_ID}/agentPools/apps`.replace("resourceGroups", "resourcegroups").replace("agentPools", "agentpools"),
      ),
    }),
    expected: problem(
      "infra/pool",
      "adopt (importFrom)",
      JSON.stringify(`${CLUSTER_ID}/agentPools/apps`.replace("resourceGroups", "resourcegroups").replace("agentPools", "agentpools")),
      ADOPT_ID_RULE,
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "adopt",
    value: 'NodePoolAdoption.importFrom("/subscriptions/my-subscription/.../agentPools/apps")',
    note: "the subscription is a name",
    build: pool({ adopt: NodePoolAdoption.importFrom(`${CLUSTER_ID}/agentPools/apps`.replace(SUBSCRIPTION, "my-subscription")) }),
    expected: problem(
      "infra/pool",
      "adopt (importFrom)",
      JSON.stringify(`${CLUSTER_ID}/agentPools/apps`.replace(SUBSCRIPTION, "my-subscription")),
      ADOPT_ID_RULE,
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "adopt",
    value: 'NodePoolAdoption.importFrom(".../agentPools/corepool")',
    note: "the id names another pool than name",
    build: pool({ adopt: NodePoolAdoption.importFrom(`${CLUSTER_ID}/agentPools/corepool`) }),
    expected: problem(
      "infra/pool",
      "adopt (importFrom)",
      JSON.stringify(`${CLUSTER_ID}/agentPools/corepool`),
      'the id of the pool named "apps"',
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "adopt",
    value: 'NodePoolAdoption.importFrom(".../managedClusters/aks-dev/agentPools/apps")',
    note: "the id names another cluster than cluster",
    build: pool({ adopt: NodePoolAdoption.importFrom(`${CLUSTER_ID.replace("aks-prod", "aks-dev")}/agentPools/apps`) }),
    expected: problem(
      "infra/pool",
      "adopt (importFrom)",
      JSON.stringify(`${CLUSTER_ID.replace("aks-prod", "aks-dev")}/agentPools/apps`),
      `a pool of the pool's cluster, ${CLUSTER_ID}/agentPools/<name>`,
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "preventDestroy",
    value: "false",
    note: "with adopt",
    build: pool({ preventDestroy: false, adopt: NodePoolAdoption.importFrom(`${CLUSTER_ID}/agentPools/apps`) }),
    expected: problem("infra/pool", "preventDestroy", "false", "true (the default) on an adopted pool"),
  },
  {
    construct: "GuardedNodePool",
    prop: "adopt",
    value: 'NodePoolAdoption.fromPreviousAddress("core_pool")',
    note: "the name without the resource type",
    build: pool({ adopt: NodePoolAdoption.fromPreviousAddress("core_pool") }),
    expected: problem("infra/pool", "adopt (fromPreviousAddress)", '"core_pool"', ADOPT_ADDRESS_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "adopt",
    value: 'NodePoolAdoption.fromPreviousAddress("azurerm_kubernetes_cluster.core_pool")',
    note: "another resource type",
    build: pool({ adopt: NodePoolAdoption.fromPreviousAddress("azurerm_kubernetes_cluster.core_pool") }),
    expected: problem("infra/pool", "adopt (fromPreviousAddress)", '"azurerm_kubernetes_cluster.core_pool"', ADOPT_ADDRESS_RULE),
  },
  {
    construct: "GuardedNodePool",
    prop: "adopt",
    value: 'NodePoolAdoption.fromPreviousAddress("azurerm_kubernetes_cluster_node_pool.core_pool")',
    note: "two pools of one stack adopt the same address",
    build: (app) => {
      const s = stack(app);
      addPool(s, "a", { adopt: NodePoolAdoption.fromPreviousAddress("azurerm_kubernetes_cluster_node_pool.core_pool") });
      addPool(s, "b", { name: "apps2", adopt: NodePoolAdoption.fromPreviousAddress("azurerm_kubernetes_cluster_node_pool.core_pool") });
    },
    expected: problem(
      "infra/b",
      "adopt (fromPreviousAddress)",
      '"azurerm_kubernetes_cluster_node_pool.core_pool"',
      "an address no other pool of infrastructure/infra adopts (infra/a does",
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "adopt",
    value: 'NodePoolAdoption.importFrom(".../agentPools/apps2")',
    note: "in the synth that acknowledges the pool's replacement (a ForceNew change of an imported pool)",
    committed: pool({}),
    appProps: (dir) => ({ acknowledgedChanges: [acknowledgementAsked(dir, pool({ name: "apps2" }))] }),
    build: pool({ name: "apps2", adopt: NodePoolAdoption.importFrom(`${CLUSTER_ID}/agentPools/apps2`) }),
    expected: problem(
      "infra/pool",
      "adopt (importFrom)",
      JSON.stringify(`${CLUSTER_ID}/agentPools/apps2`),
      "no adoption in the synth that acknowledges the pool's replacement",
    ),
  },
  {
    construct: "FluxKustomization",
    prop: "name",
    value: '"terraform"',
    build: (app) => void flux(app).addKustomization("apps", { name: "terraform", path: "./apps/dev" }),
    expected: problem("flux/apps", "name", '"terraform"', "a name the library does not use in clusters/aks-dev"),
  },
  {
    construct: "FluxKustomization",
    prop: "path",
    value: '"./"',
    build: (app) => void flux(app).addKustomization("apps", { name: "apps", path: "./" }),
    expected: problem("flux/apps", "path", '"./"', "a repo path starting with ./ below the repo root"),
  },
  {
    construct: "FluxKustomization",
    prop: "path",
    value: '"./clusters/aks-dev"',
    note: "the cluster folder itself",
    build: (app) => void flux(app).addKustomization("apps", { name: "apps", path: "./clusters/aks-dev" }),
    expected: problem("flux/apps", "path", '"./clusters/aks-dev"', "a folder the library's Kustomizations do not apply already"),
  },
  {
    construct: "FluxKustomization",
    prop: "dependsOn[0]",
    value: "flux.terraformKustomization",
    note: "the cluster has no Terraform object",
    build: (app) => {
      const f = flux(app);
      f.addKustomization("apps", { name: "apps", path: "./apps/dev", dependsOn: [f.terraformKustomization] });
    },
    expected: problem("flux/apps", "dependsOn[0]", '"terraform"', "another Kustomization of the same cluster (aks-dev) that is written"),
  },
  {
    construct: "FluxBootstrap",
    prop: "clusterFolder.resources[0]",
    value: '"../apps.yaml"',
    build: bootstrap({ clusterFolder: { resources: ["../apps.yaml"] } }),
    expected: problem("flux", "clusterFolder.resources[0]", '"../apps.yaml"', "a path relative to the folder, without '..'"),
  },
  {
    construct: "FluxBootstrap",
    prop: "fluxSystem.patches[0].operations[0].op",
    value: '"append"',
    build: bootstrap({
      fluxSystem: { patches: [KustomizationPatch.jsonPatch({ kind: "Deployment" }, [{ op: "append" as never, path: "/spec" }])] },
    }),
    expected: problem("flux", "fluxSystem.patches[0].operations[0].op", '"append"', "one of"),
  },
  {
    construct: "FluxBootstrap",
    prop: "fluxSystem",
    value: "{ userOwnedComponent: true }",
    note: "AKS extension mode",
    build: aks({}, { fluxSystem: { userOwnedComponent: true } }),
    expected: problem("flux", "fluxSystem", "<set>", "unset in AKS extension mode"),
  },
  {
    construct: "GuardedNodePool",
    prop: "vmSize",
    value: '"Standard_D4s-v5"',
    note: "a typo, with allowedVmSizes: one message, not the size pattern's too",
    build: pool({ vmSize: "Standard_D4s-v5", guardrails: { allowedVmSizes: ["Standard_D4s_v5", "Standard_D8s_v5"] } }),
    expected: problem("infra/pool", "vmSize", '"Standard_D4s-v5"', "one of guardrails.allowedVmSizes: Standard_D4s_v5, Standard_D8s_v5"),
  },
  {
    construct: "PolicySuppressions",
    prop: "suppression GitOps-NP2 reason",
    value: '"too short"',
    note: "reported at synth with the other problems, not thrown by addResourceSuppressions",
    build: (app) => {
      const s = stack(app);
      PolicySuppressions.addResourceSuppressions(addPool(s, "pool"), [{ id: "GitOps-NP2", reason: "too short" }]);
    },
    expected: problem("infra/pool", "suppression GitOps-NP2 reason", '"too short"', "a reason of at least 10 characters"),
  },
  {
    construct: "PolicySuppressions",
    prop: "suppression id",
    value: '"NP2"',
    build: (app) => {
      const s = stack(app);
      PolicySuppressions.addResourceSuppressions(addPool(s, "pool"), [{ id: "NP2", reason: "a batch pool, scales down at night" }]);
    },
    expected: problem("infra/pool", "suppression id", '"NP2"', 'a rule id such as "GitOps-NP4"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "guardrails.allowedVmSizes",
    value: "[]",
    build: pool({ guardrails: { allowedVmSizes: [] } }),
    expected: problem("infra/pool", "guardrails.allowedVmSizes", "[]", "at least one VM size"),
  },
  {
    construct: "GuardedNodePool",
    prop: "preventDestroy",
    value: '"yes"',
    note: "JavaScript",
    build: pool({ preventDestroy: "yes" as unknown as boolean }),
    expected: problem("infra/pool", "preventDestroy", '"yes"', "true or false"),
  },

  // ------------------------------------------------ GuardedNodePool #18: networking, host and GPU settings (A1)
  {
    construct: "GuardedNodePool",
    prop: "vnetSubnetId",
    value: '"snet-nodes"',
    note: "a subnet name, not its id",
    build: pool({ vnetSubnetId: "snet-nodes" }),
    expected: problem("infra/pool", "vnetSubnetId", '"snet-nodes"', "a subnet resource id /subscriptions/<subscription GUID>/"),
  },
  {
    construct: "GuardedNodePool",
    prop: "vnetSubnetId",
    value: "…/resourcegroups/…/subnets/nodes",
    note: "another spelling of resourceGroups (the provider parses the id case-sensitively)",
    build: pool({ vnetSubnetId: NODE_SUBNET.replace("resourceGroups", "resourcegroups") }),
    expected: problem(
      "infra/pool",
      "vnetSubnetId",
      JSON.stringify(NODE_SUBNET.replace("resourceGroups", "resourcegroups")),
      "a subnet resource id",
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "vnetSubnetId",
    value: "…/virtualNetworks/vnet-hub",
    note: "the VNet's id, no subnet",
    build: pool({ vnetSubnetId: VNET_ID }),
    expected: problem("infra/pool", "vnetSubnetId", JSON.stringify(VNET_ID), "a subnet resource id"),
  },
  {
    construct: "GuardedNodePool",
    prop: "podSubnetId",
    value: "…/subnets/pods",
    note: "without vnetSubnetId",
    build: pool({ podSubnetId: POD_SUBNET }),
    expected: problem("infra/pool", "podSubnetId", JSON.stringify(POD_SUBNET), "set together with vnetSubnetId"),
  },
  {
    construct: "GuardedNodePool",
    prop: "podSubnetId",
    value: "…/subnets/nodes",
    note: "the node subnet again",
    build: pool({ vnetSubnetId: NODE_SUBNET, podSubnetId: NODE_SUBNET }),
    expected: problem("infra/pool", "podSubnetId", JSON.stringify(NODE_SUBNET), "a subnet other than vnetSubnetId"),
  },
  {
    construct: "GuardedNodePool",
    prop: "podSubnetId",
    value: "…/virtualNetworks/vnet-spoke/subnets/pods",
    note: "a subnet of another VNet",
    build: pool({ vnetSubnetId: NODE_SUBNET, podSubnetId: POD_SUBNET.replace("vnet-hub", "vnet-spoke") }),
    expected: problem(
      "infra/pool",
      "podSubnetId",
      JSON.stringify(POD_SUBNET.replace("vnet-hub", "vnet-spoke")),
      `a subnet of the nodes' VNet ${JSON.stringify(VNET_ID)}`,
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "podSubnetId",
    value: '"pods"',
    note: "a subnet name",
    build: pool({ vnetSubnetId: NODE_SUBNET, podSubnetId: "pods" }),
    expected: problem("infra/pool", "podSubnetId", '"pods"', "a subnet resource id"),
  },
  {
    construct: "GuardedNodePool",
    prop: "scaleDownMode",
    value: '"deallocate"',
    note: "lower case",
    build: pool({ scaleDownMode: "deallocate" as never }),
    expected: problem("infra/pool", "scaleDownMode", '"deallocate"', 'one of "Delete", "Deallocate"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "scaleDownMode",
    value: "ScaleDownMode.DEALLOCATE",
    note: "with osDiskType EPHEMERAL",
    build: pool({ scaleDownMode: ScaleDownMode.DEALLOCATE, osDiskType: NodePoolOsDiskType.EPHEMERAL }),
    expected: problem("infra/pool", "scaleDownMode", '"Deallocate"', "Delete with osDiskType Ephemeral"),
  },
  {
    construct: "GuardedNodePool",
    prop: "hostEncryptionEnabled",
    value: '"true"',
    note: "a string (JavaScript)",
    build: pool({ hostEncryptionEnabled: "true" as never }),
    expected: problem("infra/pool", "hostEncryptionEnabled", '"true"', "true or false"),
  },
  {
    construct: "GuardedNodePool",
    prop: "fipsEnabled",
    value: "1",
    note: "a number (JavaScript)",
    build: pool({ fipsEnabled: 1 as never }),
    expected: problem("infra/pool", "fipsEnabled", "1", "true or false"),
  },
  {
    construct: "GuardedNodePool",
    prop: "gpuInstance",
    value: '"MIG5g"',
    note: "no such MIG profile",
    build: pool({ gpuInstance: "MIG5g" as never }),
    expected: problem("infra/pool", "gpuInstance", '"MIG5g"', 'one of "MIG1g", "MIG2g", "MIG3g", "MIG4g", "MIG7g"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "gpuDriver",
    value: '"install"',
    note: "lower case",
    build: pool({ gpuDriver: "install" as never }),
    expected: problem("infra/pool", "gpuDriver", '"install"', 'one of "Install", "None"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "capacityReservationGroupId",
    value: "…/proximityPlacementGroups/ppg1",
    note: "a proximity placement group's id",
    build: pool({ capacityReservationGroupId: PPG_ID }),
    expected: problem("infra/pool", "capacityReservationGroupId", JSON.stringify(PPG_ID), "a capacity reservation group resource id"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodePublicIpEnabled",
    value: '"yes"',
    note: "a string (JavaScript)",
    build: pool({ nodePublicIpEnabled: "yes" as never }),
    expected: problem("infra/pool", "nodePublicIpEnabled", '"yes"', "true or false"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodePublicIpPrefixId",
    value: "…/publicIPPrefixes/nodes",
    note: "without nodePublicIpEnabled",
    build: pool({ nodePublicIpPrefixId: PREFIX_ID }),
    expected: problem("infra/pool", "nodePublicIpPrefixId", JSON.stringify(PREFIX_ID), "unset unless nodePublicIpEnabled is true"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodePublicIpPrefixId",
    value: "…/publicIPPrefixes/nodes",
    note: "with nodePublicIpEnabled: false",
    build: pool({ nodePublicIpEnabled: false, nodePublicIpPrefixId: PREFIX_ID }),
    expected: problem("infra/pool", "nodePublicIpPrefixId", JSON.stringify(PREFIX_ID), "unset unless nodePublicIpEnabled is true"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodePublicIpPrefixId",
    value: "…/publicIPAddresses/ip1",
    note: "a public IP address's id",
    build: pool({ nodePublicIpEnabled: true, nodePublicIpPrefixId: PREFIX_ID.replace("publicIPPrefixes/nodes", "publicIPAddresses/ip1") }),
    expected: problem(
      "infra/pool",
      "nodePublicIpPrefixId",
      JSON.stringify(PREFIX_ID.replace("publicIPPrefixes/nodes", "publicIPAddresses/ip1")),
      "a public IP prefix resource id",
    ),
  },
  // ---------------------------------------------------------------------------------------------- TerraformControllerCR
  {
    construct: "TerraformControllerCR",
    prop: "cluster",
    value: "undefined",
    note: "JavaScript",
    build: cr({ cluster: undefined as unknown as FluxBootstrap }),
    expected: problem("tf", "cluster", "(unset)", "a FluxBootstrap"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "stack",
    value: "undefined",
    note: "JavaScript",
    build: cr({ stack: undefined as unknown as InfrastructureStack }),
    expected: problem("tf", "stack", "(unset)", "an InfrastructureStack"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "approval",
    value: "undefined",
    note: "JavaScript: manual approval by omission",
    build: cr({ approval: undefined as unknown as ApprovalMode }),
    expected: problem("tf", "approval", "(unset)", 'one of "auto", "", "disable"'),
  },
  {
    construct: "TerraformControllerCR",
    prop: "approval",
    value: '"manual"',
    build: cr({ approval: "manual" as ApprovalMode }),
    expected: problem("tf", "approval", '"manual"', 'one of "auto", "", "disable"'),
  },
  {
    construct: "TerraformControllerCR",
    prop: "approval",
    value: "ApprovalMode.MANUAL",
    note: "on the cluster's own GitRepository",
    build: cr({ approval: ApprovalMode.MANUAL }),
    expected: problem("tf", "approval", '"MANUAL"', "AUTO or DRIFT_DETECTION_ONLY with source"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "approval",
    value: "ApprovalMode.MANUAL",
    note: "on a GitRepositorySource of the same repo and branch",
    build: cr((app, f) => ({
      approval: ApprovalMode.MANUAL,
      source: new GitRepositorySource(app, "same", {
        cluster: f,
        ref: GitRef.branch("main"),
        url: "https://GitHub.com/example-org/gitops",
      }),
    })),
    expected: problem("tf", "approval", '"MANUAL"', "AUTO or DRIFT_DETECTION_ONLY with source"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "approvedPlan",
    value: '"plan-main-b8e362c206"',
    note: "approval AUTO",
    build: cr({ approvedPlan: "plan-main-b8e362c206" }),
    expected: problem("tf", "approvedPlan", '"plan-main-b8e362c206"', "unset unless approval is ApprovalMode.MANUAL"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "approvedPlan",
    value: '"yes"',
    build: cr((app, f) => ({
      approval: ApprovalMode.MANUAL,
      approvedPlan: "yes",
      source: new GitRepositorySource(app, "rel", { cluster: f, ref: GitRef.tag("v1.0.0") }),
    })),
    expected: problem("tf", "approvedPlan", '"yes"', "a plan id as the object's status prints it"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "name",
    value: '"stack-1"',
    build: cr({ name: "stack-1" }),
    expected: problem("tf", "name", '"stack-1"', "a name not ending in -<digits>"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "name",
    value: '"Drift_Reconciler"',
    build: cr({ name: "Drift_Reconciler" }),
    expected: problem("tf", "name", '"Drift_Reconciler"', DNS_LABEL_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "name",
    value: '"a".repeat(64)',
    build: cr({ name: "a".repeat(64) }),
    expected: problem("tf", "name", `"${"a".repeat(64)}"`, DNS_LABEL_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "name",
    value: '""',
    build: cr({ name: "" }),
    expected: problem("tf", "name", '""', DNS_LABEL_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "name",
    value: "<token>",
    build: cr({ name: token() }),
    expected: problem("tf", "name", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "name",
    value: '"a"',
    note: "two objects with one name in one namespace",
    build: (app) => {
      const s = stack(app);
      const f = flux(app);
      new TerraformControllerCR(app, "a", {
        cluster: f,
        stack: s,
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
        secretSuffix: "one",
      });
      new TerraformControllerCR(app, "b", {
        cluster: f,
        stack: s,
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
        secretSuffix: "two",
        name: "a",
      });
    },
    expected: problem("b", "name", '"a"', "a name not used by another Terraform object in aks-dev/flux-system (a has it)"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "name",
    value: '"a"',
    note: "two objects with one name in two namespaces of one cluster (one file)",
    build: (app) => {
      const s = stack(app);
      const f = flux(app);
      const other = new GitRepositorySource(app, "infra-src", { cluster: f, ref: GitRef.branch("main"), namespace: "infra" });
      new TerraformControllerCR(app, "a", { cluster: f, stack: s, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
      new TerraformControllerCR(app, "b", {
        cluster: f,
        stack: s,
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
        name: "a",
        source: other,
      });
    },
    expected: problem(
      "b",
      "name",
      '"a"',
      "a name not used by another Terraform object of cluster aks-dev (a in namespace flux-system has it, and both " +
        "would be written to clusters/aks-dev/terraform/a.yaml)",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "namespace",
    value: '"infra"',
    note: "not the source's namespace",
    build: cr({ namespace: "infra" }),
    expected: problem("tf", "namespace", '"infra"', "the namespace of its source GitRepository flux-system/flux-system"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "namespace",
    value: '"Flux-System"',
    build: cr({ namespace: "Flux-System" }),
    expected: problem("tf", "namespace", '"Flux-System"', NAMESPACE_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "namespace",
    value: '""',
    build: cr({ namespace: "" }),
    expected: problem("tf", "namespace", '""', NAMESPACE_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "namespace",
    value: "<token>",
    build: cr({ namespace: token() }),
    expected: problem("tf", "namespace", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "source",
    value: "other.source",
    note: "another cluster's source",
    build: cr((app) => ({ source: flux(app, { clusterName: "other" }, "other").source })),
    expected: problem("tf", "source", '"GitRepository flux-system/flux-system"', "a source of cluster aks-dev (it belongs to other)"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "interval",
    value: "Duration.seconds(30)",
    build: cr({ interval: Duration.seconds(30) }),
    expected: problem("tf", "interval", '"30s"', "at least 1m (every run starts a runner pod"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "interval",
    value: '"10m"',
    note: "a string (JavaScript)",
    build: cr({ interval: "10m" as unknown as Duration }),
    expected: problem("tf", "interval", '"10m"', "a Duration object"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "retryInterval",
    value: "Duration.seconds(5)",
    build: cr({ retryInterval: Duration.seconds(5) }),
    expected: problem("tf", "retryInterval", '"5s"', "at least 15s"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "retryInterval",
    value: 'Duration.parse("-1m")',
    build: cr({ retryInterval: Duration.parse("-1m") }),
    expected: problem("tf", "retryInterval", '<"-1m": "-1m" is not a Go duration>', DURATION_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "secretSuffix",
    value: '"pools-2"',
    build: cr({ secretSuffix: "pools-2" }),
    expected: problem("tf", "secretSuffix", '"pools-2"', "a suffix not ending in -<digits>"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "secretSuffix",
    value: '"a.b"',
    build: cr({ secretSuffix: "a.b" }),
    expected: problem("tf", "secretSuffix", '"a.b"', "lower-case letters, digits and '-'"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "secretSuffix",
    value: '"Pools"',
    build: cr({ secretSuffix: "Pools" }),
    expected: problem("tf", "secretSuffix", '"Pools"', "lower-case letters, digits and '-'"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "secretSuffix",
    value: '""',
    build: cr({ secretSuffix: "" }),
    expected: problem("tf", "secretSuffix", '""', "lower-case letters, digits and '-'"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "secretSuffix",
    value: '"a".repeat(250)',
    build: cr({ secretSuffix: "a".repeat(250) }),
    expected: problem(
      "tf",
      "secretSuffix",
      `"${"a".repeat(250)}"`,
      "at most 63 characters (the kubernetes backend labels its state Secret with it",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "secretSuffix",
    value: "<token>",
    build: cr({ secretSuffix: token() }),
    expected: problem("tf", "secretSuffix", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "secretSuffix",
    value: "(default: the stack folder)",
    note: "two objects on one state Secret",
    build: (app) => {
      const s = stack(app);
      const f = flux(app);
      new TerraformControllerCR(app, "a", { cluster: f, stack: s, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
      new TerraformControllerCR(app, "b", { cluster: f, stack: s, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
    },
    expected: problem("b", "secretSuffix", '"infra"', "a state Secret of its own: a already uses flux-system/tfstate-default-infra"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "workspace",
    value: '"Prod"',
    build: cr({ workspace: "Prod" }),
    expected: problem("tf", "workspace", '"Prod"', "lower-case letters, digits and '-'"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "workspace",
    value: '""',
    build: cr({ workspace: "" }),
    expected: problem("tf", "workspace", '""', "lower-case letters, digits and '-'"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "workspace",
    value: "<token>",
    build: cr({ workspace: token() }),
    expected: problem("tf", "workspace", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "destroyResourcesOnDeletion",
    value: '"false"',
    note: "JavaScript",
    build: cr({ destroyResourcesOnDeletion: "false" as unknown as boolean }),
    expected: problem("tf", "destroyResourcesOnDeletion", '"false"', "true or false"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "disableDriftDetection",
    value: "1",
    note: "JavaScript",
    build: cr({ disableDriftDetection: 1 as unknown as boolean }),
    expected: problem("tf", "disableDriftDetection", "1", "true or false"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "upgradeOnInit",
    value: '"yes"',
    note: "JavaScript",
    build: cr({ upgradeOnInit: "yes" as unknown as boolean }),
    expected: problem("tf", "upgradeOnInit", '"yes"', "true or false"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "serviceAccountName",
    value: '"Tf_Runner"',
    build: cr({ serviceAccountName: "Tf_Runner" }),
    expected: problem("tf", "serviceAccountName", '"Tf_Runner"', "a ServiceAccount name"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "serviceAccountName",
    value: '""',
    build: cr({ serviceAccountName: "" }),
    expected: problem("tf", "serviceAccountName", '""', "a ServiceAccount name"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "writeOutputsToSecret.name",
    value: '"Outputs"',
    build: cr({ writeOutputsToSecret: { name: "Outputs" } }),
    expected: problem("tf", "writeOutputsToSecret.name", '"Outputs"', "a Secret name"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "writeOutputsToSecret.name",
    value: '"tfstate-default-infra"',
    note: "the state Secret",
    build: cr({ writeOutputsToSecret: { name: "tfstate-default-infra" } }),
    expected: problem(
      "tf",
      "writeOutputsToSecret.name",
      '"tfstate-default-infra"',
      "a name other than the state Secret tfstate-default-infra",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "writeOutputsToSecret.outputs",
    value: '["cluster id"]',
    build: cr({ writeOutputsToSecret: { name: "outputs", outputs: ["cluster id"] } }),
    expected: problem("tf", "writeOutputsToSecret.outputs[0]", '"cluster id"', "a Terraform output name"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "writeOutputsToSecret.labels",
    value: '{ "bad key!": "x" }',
    build: cr({ writeOutputsToSecret: { name: "outputs", labels: { "bad key!": "x" } } }),
    expected: problem("tf", 'writeOutputsToSecret.labels["bad key!"]', '"bad key!"', "a Kubernetes label key"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "writeOutputsToSecret.annotations",
    value: '{ "a b": "x" }',
    build: cr({ writeOutputsToSecret: { name: "outputs", annotations: { "a b": "x" } } }),
    expected: problem("tf", 'writeOutputsToSecret.annotations["a b"]', '"a b"', "an annotation key"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "vars",
    value: '{ "cluster id": "x" }',
    build: cr({ vars: { "cluster id": "x" } }),
    expected: problem("tf", 'vars["cluster id"]', '"cluster id"', "a Terraform variable name"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "vars",
    value: "{ name: <token> }",
    build: cr({ vars: { name: token() } }),
    expected: problem("tf", "vars", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "varsFrom",
    value: '[{ kind: "Vault", name: "v" }]',
    build: cr({ varsFrom: [{ kind: "Vault" as VarsFromKind, name: "v" }] }),
    expected: problem("tf", "varsFrom[0].kind", '"Vault"', 'one of "Secret", "ConfigMap"'),
  },
  {
    construct: "TerraformControllerCR",
    prop: "varsFrom",
    value: '[{ kind: VarsFromKind.SECRET, name: "Cluster_Vars" }]',
    build: cr({ varsFrom: [{ kind: VarsFromKind.SECRET, name: "Cluster_Vars" }] }),
    expected: problem("tf", "varsFrom[0].name", '"Cluster_Vars"', "a Secret name in the object's namespace"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "varsFrom",
    value: '[{ kind: VarsFromKind.CONFIG_MAP, name: "" }]',
    build: cr({ varsFrom: [{ kind: VarsFromKind.CONFIG_MAP, name: "" }] }),
    expected: problem("tf", "varsFrom[0].name", '""', "a ConfigMap name in the object's namespace"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "varsFrom",
    value: '[{ kind: VarsFromKind.SECRET, name: "vars", keys: ["a b"] }]',
    build: cr({ varsFrom: [{ kind: VarsFromKind.SECRET, name: "vars", keys: ["a b"] }] }),
    expected: problem("tf", "varsFrom[0].keys[0]", '"a b"', "a key of the Secret"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "varsFrom",
    value: '[{ kind: VarsFromKind.SECRET, name: "vars", optional: "yes" }]',
    note: "JavaScript",
    build: cr({ varsFrom: [{ kind: VarsFromKind.SECRET, name: "vars", optional: "yes" as unknown as boolean }] }),
    expected: problem("tf", "varsFrom[0].optional", '"yes"', "true or false"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "dependsOn",
    value: "[itself]",
    build: (app) => {
      const t = new TerraformControllerCR(app, "tf", {
        cluster: flux(app),
        stack: stack(app),
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
      });
      t.addDependency(t);
    },
    expected: problem("tf", "dependsOn", '"flux-system/tf"', "other Terraform objects (not itself)"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "dependsOn",
    value: "[an object of another cluster]",
    build: (app) => {
      const s = stack(app);
      const there = new TerraformControllerCR(app, "there", {
        cluster: flux(app, { clusterName: "other" }, "other"),
        stack: s,
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
      });
      new TerraformControllerCR(app, "tf", {
        cluster: flux(app),
        stack: s,
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
        dependsOn: [there],
      });
    },
    expected: problem("tf", "dependsOn", '"flux-system/there"', "Terraform objects of cluster aks-dev (there is on other)"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "dependsOn",
    value: "[an object in another namespace]",
    build: (app) => {
      const s = stack(app);
      const f = flux(app);
      const src = new GitRepositorySource(app, "infra-src", { cluster: f, ref: GitRef.branch("main"), namespace: "infra" });
      const there = new TerraformControllerCR(app, "there", {
        cluster: f,
        stack: s,
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
        source: src,
      });
      new TerraformControllerCR(app, "tf", {
        cluster: f,
        stack: s,
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
        dependsOn: [there],
      });
    },
    expected: problem("tf", "dependsOn", '"infra/there"', "Terraform objects in namespace flux-system"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "dependsOn",
    value: "a cycle a → b → a",
    build: (app) => {
      const s = stack(app);
      const f = flux(app);
      const a = new TerraformControllerCR(app, "a", {
        cluster: f,
        stack: s,
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
        secretSuffix: "a",
      });
      const b = new TerraformControllerCR(app, "b", {
        cluster: f,
        stack: s,
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
        secretSuffix: "b",
        dependsOn: [a],
      });
      a.addDependency(b);
    },
    expected: problem("b", "dependsOn", '"b → a → b"', "dependencies without a cycle"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod",
    value: "{ labels: <token> }",
    build: cr({ runnerPod: { labels: { a: token() } } }),
    expected: problem("tf", "runnerPod", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.labels",
    value: '{ "bad key!": "x" }',
    build: cr({ runnerPod: { labels: { "bad key!": "x" } } }),
    expected: problem("tf", 'runnerPod.labels["bad key!"]', '"bad key!"', "a Kubernetes label key"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.labels",
    value: '{ "azure.workload.identity/use": true }',
    note: "a boolean (JavaScript)",
    build: cr({ runnerPod: { labels: { "azure.workload.identity/use": true as unknown as string } } }),
    expected: problem("tf", 'runnerPod.labels["azure.workload.identity/use"]', "true", "a Kubernetes label value"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.annotations",
    value: '{ "a b": "x" }',
    build: cr({ runnerPod: { annotations: { "a b": "x" } } }),
    expected: problem("tf", 'runnerPod.annotations["a b"]', '"a b"', "an annotation key"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.nodeSelector",
    value: '{ "kubernetes.io/os": "Linux OS" }',
    build: cr({ runnerPod: { nodeSelector: { "kubernetes.io/os": "Linux OS" } } }),
    expected: problem("tf", 'runnerPod.nodeSelector["kubernetes.io/os"]', '"Linux OS"', "a Kubernetes label value"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.env",
    value: '[{ name: "MY VAR", value: "1" }]',
    build: cr({ runnerPod: { env: [{ name: "MY VAR", value: "1" }] } }),
    expected: problem("tf", "runnerPod.env[0].name", '"MY VAR"', "an environment variable name"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.env",
    value: '[{ name: "", value: "1" }]',
    build: cr({ runnerPod: { env: [{ name: "", value: "1" }] } }),
    expected: problem("tf", "runnerPod.env[0].name", '""', "an environment variable name"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.env",
    value: '[{ name: "TF_LOG", value: "DEBUG" }]',
    note: "terraform-exec refuses it in the runner: every run would fail",
    build: cr({ runnerPod: { env: [{ name: "TF_LOG", value: "DEBUG" }] } }),
    expected: problem("tf", "runnerPod.env[0].name", '"TF_LOG"', RESERVED_ENV_ALLOWED),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.envFrom",
    value: '[{ configMapName: "vars", prefix: "TF_VAR_" }]',
    note: "terraform-exec refuses TF_VAR_* in the runner",
    build: cr({ runnerPod: { envFrom: [{ configMapName: "vars", prefix: "TF_VAR_" }] } }),
    expected: problem(
      "tf",
      "runnerPod.envFrom[0].prefix",
      '"TF_VAR_"',
      "a prefix that does not start with TF_VAR_ or TF_CLI_ARGS_ (terraform-exec refuses such names in the runner: tfexec/cmd.go:59-62 in v0.25.2)",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.env",
    value: '[{ name: "A" }]',
    note: "neither value nor valueFrom",
    build: cr({ runnerPod: { env: [{ name: "A" }] } }),
    expected: problem("tf", "runnerPod.env[0]", '"A"', "exactly one of value and valueFrom"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.env",
    value: '[{ name: "A", value: "1", valueFrom: { fieldRef } }]',
    build: cr({ runnerPod: { env: [{ name: "A", value: "1", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }] } }),
    expected: problem("tf", "runnerPod.env[0]", '"A"', "exactly one of value and valueFrom"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.env",
    value: '[{ name: "A", valueFrom: { secretKeyRef, configMapKeyRef } }]',
    build: cr({
      runnerPod: { env: [{ name: "A", valueFrom: { secretKeyRef: { name: "s", key: "k" }, configMapKeyRef: { name: "c", key: "k" } } }] },
    }),
    expected: problem("tf", "runnerPod.env[0].valueFrom", '"A"', "exactly one of secretKeyRef, configMapKeyRef and fieldRef"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.env",
    value: '[{ name: "A", valueFrom: {} }]',
    build: cr({ runnerPod: { env: [{ name: "A", valueFrom: {} }] } }),
    expected: problem("tf", "runnerPod.env[0].valueFrom", '"A"', "exactly one of secretKeyRef, configMapKeyRef and fieldRef"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.env",
    value: '[{ name: "A", valueFrom: { secretKeyRef: { name: "Azure_Creds", key: "k" } } }]',
    build: cr({ runnerPod: { env: [{ name: "A", valueFrom: { secretKeyRef: { name: "Azure_Creds", key: "k" } } }] } }),
    expected: problem(
      "tf",
      "runnerPod.env[0].valueFrom.secretKeyRef.name",
      '"Azure_Creds"',
      "an object name in the Terraform object's namespace",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.env",
    value: '[{ name: "A", valueFrom: { configMapKeyRef: { name: "c", key: "a b" } } }]',
    build: cr({ runnerPod: { env: [{ name: "A", valueFrom: { configMapKeyRef: { name: "c", key: "a b" } } }] } }),
    expected: problem("tf", "runnerPod.env[0].valueFrom.configMapKeyRef.key", '"a b"', "a key: letters, digits"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.env",
    value: '[{ name: "A", valueFrom: { fieldRef: { fieldPath: "" } } }]',
    build: cr({ runnerPod: { env: [{ name: "A", valueFrom: { fieldRef: { fieldPath: "" } } }] } }),
    expected: problem("tf", "runnerPod.env[0].valueFrom.fieldRef.fieldPath", '""', "a pod field path"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.envFrom",
    value: '[{ secretName: "a", configMapName: "b" }]',
    build: cr({ runnerPod: { envFrom: [{ secretName: "a", configMapName: "b" }] } }),
    expected: problem(
      "tf",
      "runnerPod.envFrom[0]",
      '{"secretName":"a","configMapName":"b"}',
      "exactly one of secretName and configMapName",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.envFrom",
    value: '[{ prefix: "ARM_" }]',
    note: "neither secretName nor configMapName",
    build: cr({ runnerPod: { envFrom: [{ prefix: "ARM_" }] } }),
    expected: problem("tf", "runnerPod.envFrom[0]", '{"prefix":"ARM_"}', "exactly one of secretName and configMapName"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.envFrom",
    value: '[{ secretName: "Azure_Creds" }]',
    build: cr({ runnerPod: { envFrom: [{ secretName: "Azure_Creds" }] } }),
    expected: problem("tf", "runnerPod.envFrom[0].secretName", '"Azure_Creds"', "a Secret name"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.envFrom",
    value: '[{ configMapName: "settings", prefix: "1 A" }]',
    build: cr({ runnerPod: { envFrom: [{ configMapName: "settings", prefix: "1 A" }] } }),
    expected: problem("tf", "runnerPod.envFrom[0].prefix", '"1 A"', "an environment variable name prefix"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.envFrom",
    value: '[{ secretName: "s", optional: "yes" }]',
    note: "JavaScript",
    build: cr({ runnerPod: { envFrom: [{ secretName: "s", optional: "yes" as unknown as boolean }] } }),
    expected: problem("tf", "runnerPod.envFrom[0].optional", '"yes"', "true or false"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.resources",
    value: '{ limits: { memory: "1 GB" } }',
    build: cr({ runnerPod: { resources: { limits: { memory: "1 GB" } } } }),
    expected: problem("tf", "runnerPod.resources.limits.memory", '"1 GB"', "a Kubernetes quantity"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.resources",
    value: '{ requests: { cpu: "-100m" } }',
    build: cr({ runnerPod: { resources: { requests: { cpu: "-100m" } } } }),
    expected: problem("tf", "runnerPod.resources.requests.cpu", '"-100m"', "a Kubernetes quantity"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.resources",
    value: "{ requests: { memory: 512 } }",
    note: "a number (JavaScript)",
    build: cr({ runnerPod: { resources: { requests: { memory: 512 as unknown as string } } } }),
    expected: problem("tf", "runnerPod.resources.requests.memory", "512", "a Kubernetes quantity"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.resources",
    value: '{ requests: { memory: "2Gi" } }',
    note: "above the default limit",
    build: cr({ runnerPod: { ...RUNNER_CREDENTIALS, resources: { requests: { memory: "2Gi" } } } }),
    expected: problem("tf", "runnerPod.resources.requests.memory", '"2Gi"', 'at most the memory limit "1Gi" (the default)'),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.image",
    value: '"ghcr.io/flux-iac/tf-runner"',
    note: "no tag",
    build: cr({ runnerPod: { ...RUNNER_CREDENTIALS, image: "ghcr.io/flux-iac/tf-runner" } }),
    expected: problem("tf", "runnerPod.image", '"ghcr.io/flux-iac/tf-runner"', "a pinned tag (not latest, not left out) or a digest"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.image",
    value: '"myacr.azurecr.io/tf-runner:latest"',
    build: cr({ runnerPod: { ...RUNNER_CREDENTIALS, image: "myacr.azurecr.io/tf-runner:latest" } }),
    expected: problem(
      "tf",
      "runnerPod.image",
      '"myacr.azurecr.io/tf-runner:latest"',
      "a pinned tag (not latest, not left out) or a digest",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.image",
    value: '"https://myacr.azurecr.io/tf-runner:v1"',
    build: cr({ runnerPod: { ...RUNNER_CREDENTIALS, image: "https://myacr.azurecr.io/tf-runner:v1" } }),
    expected: problem(
      "tf",
      "runnerPod.image",
      '"https://myacr.azurecr.io/tf-runner:v1"',
      "an image reference <registry>/<repository>:<tag>",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.providerInstallation",
    value: 'RunnerProviderInstallation.pluginCache("plugin-cache")',
    build: cr({ runnerPod: { ...RUNNER_CREDENTIALS, providerInstallation: RunnerProviderInstallation.pluginCache("plugin-cache") } }),
    expected: problem("tf", "runnerPod.providerInstallation", '"plugin-cache"', "an absolute path in the runner image (pluginCache)"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.providerInstallation",
    value: '{ envName: "TF_CLI_CONFIG_FILE", path: "/etc/tofu.tfrc" }',
    note: "JavaScript",
    build: cr({
      runnerPod: {
        ...RUNNER_CREDENTIALS,
        providerInstallation: { envName: "TF_CLI_CONFIG_FILE", path: "/etc/tofu.tfrc" } as unknown as RunnerProviderInstallation,
      },
    }),
    expected: problem(
      "tf",
      "runnerPod.providerInstallation",
      '{"envName":"TF_CLI_CONFIG_FILE","path":"/etc/tofu.tfrc"}',
      "a RunnerProviderInstallation",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.env",
    value: '[{ name: "TF_CLI_CONFIG_FILE", value: "/x.tfrc" }]',
    note: "with providerInstallation",
    build: cr({
      runnerPod: {
        ...RUNNER_CREDENTIALS,
        providerInstallation: RunnerProviderInstallation.cliConfigFile("/etc/tofu/mirror.tfrc"),
        env: [{ name: "TF_CLI_CONFIG_FILE", value: "/x.tfrc" }],
      },
    }),
    expected: problem("tf", "runnerPod.env[0].name", '"TF_CLI_CONFIG_FILE"', "a name providerInstallation does not set"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.tolerations",
    value: '[{ key: "a", operator: "In" }]',
    build: cr({ runnerPod: { tolerations: [{ key: "a", operator: "In" as TolerationOperator }] } }),
    expected: problem("tf", "runnerPod.tolerations[0].operator", '"In"', 'one of "Exists", "Equal"'),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.tolerations",
    value: '[{ key: "a", value: "b", effect: "NoEffect" }]',
    build: cr({ runnerPod: { tolerations: [{ key: "a", value: "b", effect: "NoEffect" as TaintEffect }] } }),
    expected: problem("tf", "runnerPod.tolerations[0].effect", '"NoEffect"', 'one of "NoSchedule", "PreferNoSchedule", "NoExecute"'),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.tolerations",
    value: '[{ key: "bad key!", value: "b" }]',
    build: cr({ runnerPod: { tolerations: [{ key: "bad key!", value: "b" }] } }),
    expected: problem("tf", "runnerPod.tolerations[0].key", '"bad key!"', "a taint key"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.tolerations",
    value: '[{ key: "a", operator: TolerationOperator.EXISTS, value: "b" }]',
    build: cr({ runnerPod: { tolerations: [{ key: "a", operator: TolerationOperator.EXISTS, value: "b" }] } }),
    expected: problem("tf", "runnerPod.tolerations[0].value", '"b"', "unset with operator Exists"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.tolerations",
    value: '[{ value: "b" }]',
    note: "Equal without a key",
    build: cr({ runnerPod: { tolerations: [{ value: "b" }] } }),
    expected: problem("tf", "runnerPod.tolerations[0].key", "(unset)", "a key (only operator Exists may leave it empty)"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.tolerations",
    value: '[{ key: "a", value: "b", effect: TaintEffect.NO_SCHEDULE, tolerationSeconds: 5 }]',
    build: cr({ runnerPod: { tolerations: [{ key: "a", value: "b", effect: TaintEffect.NO_SCHEDULE, tolerationSeconds: 5 }] } }),
    expected: problem("tf", "runnerPod.tolerations[0].tolerationSeconds", "5", "unset unless effect is NoExecute"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.tolerations",
    value: '[{ key: "a", value: "b", effect: TaintEffect.NO_EXECUTE, tolerationSeconds: -1 }]',
    build: cr({ runnerPod: { tolerations: [{ key: "a", value: "b", effect: TaintEffect.NO_EXECUTE, tolerationSeconds: -1 }] } }),
    expected: problem("tf", "runnerPod.tolerations[0].tolerationSeconds", "-1", "a whole number from 0 to"),
  },

  // ---------------------------------------------------------------------------------------------- Duration (through a prop)
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: 'Duration.parse("5 minutes")',
    build: cr({ interval: Duration.parse("5 minutes") }),
    expected: problem("tf", "interval", '<"5 minutes": "5 minutes" is not a Go duration>', DURATION_RULE),
  },
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: 'Duration.parse("0s")',
    build: cr({ interval: Duration.parse("0s") }),
    expected: problem("tf", "interval", '<"0s": zero>', DURATION_RULE),
  },
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: 'Duration.parse("-1m")',
    build: cr({ interval: Duration.parse("-1m") }),
    expected: problem("tf", "interval", '<"-1m": "-1m" is not a Go duration>', DURATION_RULE),
  },
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: 'Duration.parse("1h70x")',
    build: cr({ interval: Duration.parse("1h70x") }),
    expected: problem("tf", "interval", '<"1h70x": "1h70x" is not a Go duration>', DURATION_RULE),
  },
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: 'Duration.parse("")',
    build: cr({ interval: Duration.parse("") }),
    expected: problem("tf", "interval", '<"": "" is not a Go duration>', DURATION_RULE),
  },
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: 'Duration.parse("5us")',
    build: cr({ interval: Duration.parse("5us") }),
    expected: problem("tf", "interval", '<"5us": "5us" is not a Go duration>', DURATION_RULE),
  },
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: 'Duration.parse("1.5ms")',
    build: cr({ interval: Duration.parse("1.5ms") }),
    expected: problem("tf", "interval", '<"1.5ms": finer than a millisecond>', DURATION_RULE),
  },
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: "Duration.minutes(0)",
    build: cr({ interval: Duration.minutes(0) }),
    expected: problem("tf", "interval", "<0m: zero>", DURATION_RULE),
  },
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: "Duration.minutes(-1)",
    build: cr({ interval: Duration.minutes(-1) }),
    expected: problem("tf", "interval", "<-1m: negative>", DURATION_RULE),
  },
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: "Duration.minutes(NaN)",
    build: cr({ interval: Duration.minutes(NaN) }),
    expected: problem("tf", "interval", "<NaNm: not a number>", DURATION_RULE),
  },
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: "Duration.hours(Infinity)",
    build: cr({ interval: Duration.hours(Infinity) }),
    expected: problem("tf", "interval", "<Infinityh: not finite>", DURATION_RULE),
  },
  {
    construct: "Duration",
    prop: "interval (TerraformControllerCR)",
    value: "Duration.seconds(0.0001)",
    build: cr({ interval: Duration.seconds(0.0001) }),
    expected: problem("tf", "interval", "<0.0001s: finer than a millisecond>", DURATION_RULE),
  },

  // ---------------------------------------------------------------------------------------------- FluxBootstrap
  {
    construct: "FluxBootstrap",
    prop: "clusterName",
    value: '"AKS_Dev"',
    build: bootstrap({ clusterName: "AKS_Dev" }),
    expected: problem("flux", "clusterName", '"AKS_Dev"', DNS_LABEL_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "clusterName",
    value: '"aks.dev"',
    build: bootstrap({ clusterName: "aks.dev" }),
    expected: problem("flux", "clusterName", '"aks.dev"', DNS_LABEL_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "clusterName",
    value: '"../aks"',
    build: bootstrap({ clusterName: "../aks" }),
    expected: problem("flux", "clusterName", '"../aks"', DNS_LABEL_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "clusterName",
    value: '"a".repeat(64)',
    build: bootstrap({ clusterName: "a".repeat(64) }),
    expected: problem("flux", "clusterName", `"${"a".repeat(64)}"`, DNS_LABEL_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "clusterName",
    value: '""',
    build: bootstrap({ clusterName: "" }),
    expected: problem("flux", "clusterName", '""', DNS_LABEL_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "clusterName",
    value: "<token>",
    build: bootstrap({ clusterName: token() }),
    expected: problem("flux", "clusterName", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "clusterName",
    value: '"aks-dev"',
    note: "two clusters writing one folder",
    build: (app) => {
      flux(app, {}, "dev");
      flux(app, {}, "dev2");
    },
    expected: problem("dev2", "clusterName", '"aks-dev"', "a cluster name no other FluxBootstrap uses (dev writes clusters/aks-dev too)"),
  },
  {
    construct: "FluxBootstrap",
    prop: "repositoryUrl",
    value: '"https://user:ghp_secret@github.com/o/r.git"',
    build: bootstrap({ repositoryUrl: "https://user:ghp_secret@github.com/o/r.git" }),
    expected: problem("flux", "repositoryUrl", "<a URL with user:password@>", "a URL without credentials"),
  },
  {
    construct: "FluxBootstrap",
    prop: "repositoryUrl",
    value: '"git@github.com:o/r.git"',
    note: "flux CLI mode",
    build: bootstrap({ repositoryUrl: "git@github.com:o/r.git" }),
    expected: problem("flux", "repositoryUrl", '"git@github.com:o/r.git"', "a Git URL starting with https://, http:// or ssh://"),
  },
  {
    construct: "FluxBootstrap",
    prop: "repositoryUrl",
    value: '"github.com/o/r"',
    build: bootstrap({ repositoryUrl: "github.com/o/r" }),
    expected: problem("flux", "repositoryUrl", '"github.com/o/r"', "a Git URL starting with https://, http:// or ssh://"),
  },
  {
    construct: "FluxBootstrap",
    prop: "repositoryUrl",
    value: '""',
    build: bootstrap({ repositoryUrl: "" }),
    expected: problem("flux", "repositoryUrl", '""', "a Git URL starting with https://, http:// or ssh://"),
  },
  {
    construct: "FluxBootstrap",
    prop: "repositoryUrl",
    value: '"github.com/o/r"',
    note: "a GitRepositorySource defaults to it",
    build: (app) =>
      void new GitRepositorySource(app, "release", {
        cluster: flux(app, { repositoryUrl: "github.com/o/r" }),
        ref: GitRef.branch("release"),
      }),
    expected: problem("flux", "repositoryUrl", '"github.com/o/r"', "a Git URL starting with https://, http:// or ssh://"),
  },
  {
    construct: "FluxBootstrap",
    prop: "repositoryUrl",
    value: "<token>",
    build: bootstrap({ repositoryUrl: token() }),
    expected: problem("flux", "repositoryUrl", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "branch",
    value: '"my branch"',
    build: bootstrap({ branch: "my branch" }),
    expected: problem("flux", "branch", '"my branch"', "a Git branch name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "branch",
    value: '"feature..x"',
    build: bootstrap({ branch: "feature..x" }),
    expected: problem("flux", "branch", '"feature..x"', "a Git branch name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "branch",
    value: '""',
    build: bootstrap({ branch: "" }),
    expected: problem("flux", "branch", '""', "a Git branch name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "mode",
    value: '"argo"',
    build: bootstrap({ mode: "argo" as FluxInstallMode }),
    expected: problem("flux", "mode", '"argo"', 'one of "flux-cli", "aks-extension"'),
  },
  {
    construct: "FluxBootstrap",
    prop: "namespace",
    value: '"Flux-System"',
    build: bootstrap({ namespace: "Flux-System" }),
    expected: problem("flux", "namespace", '"Flux-System"', NAMESPACE_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "namespace",
    value: '""',
    build: bootstrap({ namespace: "" }),
    expected: problem("flux", "namespace", '""', NAMESPACE_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "namespace",
    value: '"Flux"',
    note: "a Terraform object and a source in it by default",
    build: (app) => {
      const f = flux(app, { namespace: "Flux" });
      const source = new GitRepositorySource(app, "release", { cluster: f, ref: GitRef.branch("release") });
      new TerraformControllerCR(app, "tf", {
        cluster: f,
        stack: stack(app),
        approval: ApprovalMode.AUTO,
        runnerPod: RUNNER_CREDENTIALS,
        source,
      });
    },
    expected: problem("flux", "namespace", '"Flux"', NAMESPACE_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "sourceInterval",
    value: "Duration.seconds(0)",
    build: bootstrap({ sourceInterval: Duration.seconds(0) }),
    expected: problem("flux", "sourceInterval", "<0s: zero>", DURATION_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "sourceInterval",
    value: "Duration.millis(1500)",
    note: "AKS mode takes whole seconds",
    build: aks({}, { sourceInterval: Duration.millis(1500) }),
    expected: problem("flux", "sourceInterval", '"1s500ms"', "whole seconds"),
  },
  {
    construct: "FluxBootstrap",
    prop: "sourceTimeout",
    value: 'Duration.parse("5 minutes")',
    build: bootstrap({ sourceTimeout: Duration.parse("5 minutes") }),
    expected: problem("flux", "sourceTimeout", '<"5 minutes": "5 minutes" is not a Go duration>', DURATION_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "interval",
    value: "Duration.seconds(30)",
    build: bootstrap({ interval: Duration.seconds(30) }),
    expected: problem("flux", "interval", '"30s"', "at least 1m (Flux's minimum for Kustomizations)"),
  },
  {
    construct: "FluxBootstrap",
    prop: "retryInterval",
    value: "Duration.minutes(-1)",
    build: bootstrap({ retryInterval: Duration.minutes(-1) }),
    expected: problem("flux", "retryInterval", "<-1m: negative>", DURATION_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "timeout",
    value: "Duration.seconds(0)",
    build: bootstrap({ timeout: Duration.seconds(0) }),
    expected: problem("flux", "timeout", "<0s: zero>", DURATION_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartVersion",
    value: '"0.16.4"',
    build: bootstrap({ tofuController: { chartVersion: "0.16.4" } }),
    expected: problem("flux", "tofuController.chartVersion", '"0.16.4"', "0.16.5 or later as its lower bound"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartVersion",
    value: '">=0.16.0"',
    build: bootstrap({ tofuController: { chartVersion: ">=0.16.0" } }),
    expected: problem("flux", "tofuController.chartVersion", '">=0.16.0"', "0.16.5 or later as its lower bound"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartVersion",
    value: '"*"',
    build: bootstrap({ tofuController: { chartVersion: "*" } }),
    expected: problem("flux", "tofuController.chartVersion", '"*"', "an exact chart version (0.16.5) or a range with a lower bound"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartVersion",
    value: '"latest"',
    build: bootstrap({ tofuController: { chartVersion: "latest" } }),
    expected: problem("flux", "tofuController.chartVersion", '"latest"', "an exact chart version (0.16.5) or a range with a lower bound"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartVersion",
    value: '""',
    build: bootstrap({ tofuController: { chartVersion: "" } }),
    expected: problem("flux", "tofuController.chartVersion", '""', "an exact chart version (0.16.5) or a range with a lower bound"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.namespace",
    value: '"Tofu"',
    build: bootstrap({ tofuController: { namespace: "Tofu" } }),
    expected: problem("flux", "tofuController.namespace", '"Tofu"', NAMESPACE_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.interval",
    value: "Duration.minutes(0)",
    build: bootstrap({ tofuController: { interval: Duration.minutes(0) } }),
    expected: problem("flux", "tofuController.interval", "<0m: zero>", DURATION_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.timeout",
    value: 'Duration.parse("1h70x")',
    build: bootstrap({ tofuController: { timeout: Duration.parse("1h70x") } }),
    expected: problem("flux", "tofuController.timeout", '<"1h70x": "1h70x" is not a Go duration>', DURATION_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.values",
    value: '["runner"]',
    note: "JavaScript",
    build: bootstrap({ tofuController: { values: ["runner"] as unknown as Record<string, unknown> } }),
    expected: problem("flux", "tofuController.values", '["runner"]', "an object of Helm values"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartSource",
    value: '{ url: "https://charts.example.com" }',
    note: "JavaScript",
    build: bootstrap({ tofuController: { chartSource: { url: "https://charts.example.com" } as unknown as TofuControllerChartSource } }),
    expected: problem("flux", "tofuController.chartSource", '{"url":"https://charts.example.com"}', "a TofuControllerChartSource"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartSource.url",
    value: 'helmRepository({ url: "http://charts.example.com" })',
    build: bootstrap({ tofuController: { chartSource: TofuControllerChartSource.helmRepository({ url: "http://charts.example.com" }) } }),
    expected: problem(
      "flux",
      "tofuController.chartSource.url",
      '"http://charts.example.com"',
      "an HTTPS Helm repository URL https://<host>/<path>, without credentials",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartSource.url",
    value: 'helmRepository({ url: "oci://ghcr.io/flux-iac/charts" })',
    build: bootstrap({
      tofuController: { chartSource: TofuControllerChartSource.helmRepository({ url: "oci://ghcr.io/flux-iac/charts" }) },
    }),
    expected: problem(
      "flux",
      "tofuController.chartSource.url",
      '"oci://ghcr.io/flux-iac/charts"',
      "an HTTPS Helm repository URL https://<host>/<path>, without credentials",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartSource.verify",
    value: 'helmRepository({ url, verify: ChartVerification.cosignKeys("cosign-pub") })',
    note: "JavaScript",
    build: bootstrap({
      tofuController: {
        chartSource: TofuControllerChartSource.helmRepository({
          url: "https://charts.example.com",
          verify: ChartVerification.cosignKeys("cosign-pub"),
        } as never),
      },
    }),
    expected: problem(
      "flux",
      "tofuController.chartSource.verify",
      "<set>",
      "unset for an HTTPS HelmRepository: Flux verifies chart signatures only from OCI sources",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartSource.url",
    value: 'oci({ url: "oci://ghcr.io/flux-iac/charts/tofu-controller:0.16.5" })',
    build: bootstrap({
      tofuController: { chartSource: TofuControllerChartSource.oci({ url: "oci://ghcr.io/flux-iac/charts/tofu-controller:0.16.5" }) },
    }),
    expected: problem(
      "flux",
      "tofuController.chartSource.url",
      '"oci://ghcr.io/flux-iac/charts/tofu-controller:0.16.5"',
      "the chart's OCI repository oci://<registry>/<path>/<chart>, without a tag",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartSource.secretName",
    value: 'oci({ url, provider: OciProvider.AZURE, secretName: "acr-login" })',
    build: bootstrap({
      tofuController: {
        chartSource: TofuControllerChartSource.oci({
          url: "oci://myacr.azurecr.io/charts/tofu-controller",
          provider: OciProvider.AZURE,
          secretName: "acr-login",
        }),
      },
    }),
    expected: problem("flux", "tofuController.chartSource.secretName", '"acr-login"', "unset with provider AZURE"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartSource.verify",
    value: "oci({ url, verify: ChartVerification.cosignKeyless([]) })",
    build: bootstrap({
      tofuController: {
        chartSource: TofuControllerChartSource.oci({
          url: "oci://myacr.azurecr.io/charts/tofu-controller",
          verify: ChartVerification.cosignKeyless([]),
        }),
      },
    }),
    expected: problem("flux", "tofuController.chartSource.verify", "[]", "at least one { issuer, subject } identity"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartSource.verify",
    value: 'oci({ url, verify: ChartVerification.cosignKeyless([{ issuer: "^https://x$", subject: "(" }]) })',
    build: bootstrap({
      tofuController: {
        chartSource: TofuControllerChartSource.oci({
          url: "oci://myacr.azurecr.io/charts/tofu-controller",
          verify: ChartVerification.cosignKeyless([{ issuer: "^https://x$", subject: "(" }]),
        }),
      },
    }),
    expected: problem("flux", "tofuController.chartSource.verify[0].subject", '"("', "a regular expression (Go syntax)"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.concurrency",
    value: "0",
    build: bootstrap({ tofuController: { concurrency: 0 } }),
    expected: problem("flux", "tofuController.concurrency", "0", "a whole number from 1 to 1000"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.concurrency",
    value: "2.5",
    build: bootstrap({ tofuController: { concurrency: 2.5 } }),
    expected: problem("flux", "tofuController.concurrency", "2.5", "a whole number from 1 to 1000"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.concurrency",
    value: "8",
    note: "values sets concurrency too",
    build: bootstrap({ tofuController: { concurrency: 8, values: { concurrency: 4 } } }),
    expected: problem("flux", "tofuController.concurrency", "8", "unset when tofuController.values sets concurrency too"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.resources",
    value: '{ limits: { memory: "1 GB" } }',
    build: bootstrap({ tofuController: { resources: { limits: { memory: "1 GB" } } } }),
    expected: problem("flux", "tofuController.resources.limits.memory", '"1 GB"', "a Kubernetes quantity"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.resources",
    value: '{ requests: { memory: "2Gi" } }',
    note: "above the chart's limit",
    build: bootstrap({ tofuController: { resources: { requests: { memory: "2Gi" } } } }),
    expected: problem("flux", "tofuController.resources.requests.memory", '"2Gi"', 'at most the memory limit "1Gi" (the chart\'s default)'),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.runnerImage",
    value: '"ghcr.io/flux-iac/tf-runner:latest"',
    build: bootstrap({ tofuController: { runnerImage: "ghcr.io/flux-iac/tf-runner:latest" } }),
    expected: problem(
      "flux",
      "tofuController.runnerImage",
      '"ghcr.io/flux-iac/tf-runner:latest"',
      "a pinned tag (not latest, not left out)",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.runnerImage",
    value: '"ghcr.io/flux-iac/tf-runner@sha256:…"',
    note: "digest only",
    build: bootstrap({ tofuController: { runnerImage: `ghcr.io/flux-iac/tf-runner@sha256:${"0".repeat(64)}` } }),
    expected: problem(
      "flux",
      "tofuController.runnerImage",
      `"ghcr.io/flux-iac/tf-runner@sha256:${"0".repeat(64)}"`,
      "a tag before the digest (repository:tag@sha256:…): the chart writes this image as repository:tag",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension",
    value: "undefined",
    note: "mode AKS_EXTENSION",
    build: bootstrap({ mode: FluxInstallMode.AKS_EXTENSION }),
    expected: problem("flux", "aksExtension", "(unset)", "the AKS extension settings"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension",
    value: "{ … }",
    note: "flux CLI mode",
    build: bootstrap({ aksExtension: AKS }),
    expected: problem("flux", "aksExtension", "<set>", "unset with mode flux-cli"),
  },
  {
    construct: "FluxBootstrap",
    prop: "install",
    value: '"aks"',
    build: bootstrap({ install: "aks" as never }),
    expected: problem("flux", "install", '"aks"', "FluxInstall.cli(…) or FluxInstall.aksExtension(…)"),
  },
  {
    construct: "FluxBootstrap",
    prop: "mode",
    value: "FluxInstallMode.FLUX_CLI",
    note: "with install",
    build: bootstrap({ install: FluxInstall.cli(), mode: FluxInstallMode.FLUX_CLI }),
    expected: problem("flux", "mode", "<set>", "unset when install is given"),
  },
  {
    construct: "FluxBootstrap",
    prop: "install.subscriptionId",
    value: '"my-sub"',
    note: "FluxInstall.aksExtension",
    build: bootstrap({ install: FluxInstall.aksExtension({ ...AKS, subscriptionId: "my-sub" }) }),
    expected: problem("flux", "install.subscriptionId", '"my-sub"', "a subscription GUID"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.subscriptionId",
    value: '"my-sub"',
    build: aks({ subscriptionId: "my-sub" }),
    expected: problem("flux", "aksExtension.subscriptionId", '"my-sub"', "a subscription GUID"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.subscriptionId",
    value: "<token>",
    build: aks({ subscriptionId: token() }),
    expected: problem("flux", "aksExtension.subscriptionId", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.clusterName",
    value: '"aks dev"',
    build: aks({ clusterName: "aks dev" }),
    expected: problem("flux", "aksExtension.clusterName", '"aks dev"', "an AKS cluster name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.clusterName",
    value: '""',
    build: aks({ clusterName: "" }),
    expected: problem("flux", "aksExtension.clusterName", '""', "an AKS cluster name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.resourceGroupName",
    value: '"rg."',
    build: aks({ resourceGroupName: "rg." }),
    expected: problem("flux", "aksExtension.resourceGroupName", '"rg."', "a resource group name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.configurationName",
    value: '"a-very-long-flux-configuration-name"',
    build: aks({ configurationName: "a-very-long-flux-configuration-name" }),
    expected: problem("flux", "aksExtension.configurationName", '"a-very-long-flux-configuration-name"', "a flux configuration name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.configurationName",
    value: '"Cluster-Config"',
    build: aks({ configurationName: "Cluster-Config" }),
    expected: problem("flux", "aksExtension.configurationName", '"Cluster-Config"', "a flux configuration name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.extensionName",
    value: '"flux ext"',
    build: aks({ extensionName: "flux ext" }),
    expected: problem("flux", "aksExtension.extensionName", '"flux ext"', "an extension name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.extensionVersion",
    value: '"latest"',
    build: aks({ extensionVersion: "latest" }),
    expected: problem("flux", "aksExtension.extensionVersion", '"latest"', "an extension version such as 1.24.1"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.extensionVersion",
    value: '"1.23.0"',
    note: "an extension version whose Flux the library does not know",
    build: aks({ extensionVersion: "1.23.0" }),
    expected: problem(
      "flux",
      "aksExtension.extensionVersion",
      '"1.23.0"',
      "a microsoft.flux version whose Flux the library knows: 1.24.x (Flux 2.7)",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.fluxVersion",
    value: "FluxVersion.V2_9",
    note: "extensionVersion 1.24.1 (Flux 2.7)",
    build: aks({ extensionVersion: "1.24.1", fluxVersion: FluxVersion.V2_9 }),
    expected: problem("flux", "aksExtension.fluxVersion", '"2.9"', '"2.7", the Flux of the pinned extensionVersion 1.24.1'),
  },
  {
    construct: "FluxBootstrap",
    prop: "install.fluxVersion",
    value: "FluxVersion.V2_8",
    note: "FluxInstall.aksExtension, extension unpinned",
    build: bootstrap({ install: FluxInstall.aksExtension({ ...AKS, fluxVersion: FluxVersion.V2_8 }) }),
    expected: problem("flux", "install.fluxVersion", '"2.8"', '"2.7", the Flux of the microsoft.flux versions the library knows'),
  },
  ...AKS_SETTINGS_ROWS,
  ...AKS_SETTINGS_CONTEXT_ROWS,
  {
    construct: "FluxBootstrap",
    prop: "install.fluxVersion",
    value: 'FluxVersion.of("2.10")',
    note: "FluxInstall.cli",
    build: bootstrap({ install: FluxInstall.cli({ fluxVersion: FluxVersion.of("2.10") }) }),
    expected: problem("flux", "install.fluxVersion", '"2.10"', 'one of "2.7", "2.8", "2.9"; the library bundles CRD schemas'),
  },
  {
    construct: "FluxBootstrap",
    prop: "install.fluxVersion",
    value: '"2.9"',
    note: "a string (JavaScript)",
    build: bootstrap({ install: FluxInstall.cli({ fluxVersion: "2.9" as never }) }),
    expected: problem("flux", "install.fluxVersion", '"2.9"', "a FluxVersion: FluxVersion.V2_9"),
  },
  {
    construct: "FluxBootstrap",
    prop: "fluxVersion",
    value: 'FluxVersion.of("v2.9.4")',
    note: "with mode",
    build: bootstrap({ fluxVersion: FluxVersion.of("v2.9.4") }),
    expected: problem("flux", "fluxVersion", '"v2.9.4"', 'one of "2.7", "2.8", "2.9" (write the minor version, "2.9")'),
  },
  {
    construct: "FluxBootstrap",
    prop: "fluxVersion",
    value: "FluxVersion.V2_7",
    note: "AKS extension mode",
    build: aks({}, { fluxVersion: FluxVersion.V2_7 }),
    expected: problem("flux", "fluxVersion", "<set>", "unset in AKS extension mode (use aksExtension.fluxVersion"),
  },
  {
    construct: "FluxBootstrap",
    prop: "fluxVersion",
    value: "FluxVersion.V2_8",
    note: "with install",
    build: bootstrap({ install: FluxInstall.cli(), fluxVersion: FluxVersion.V2_8 }),
    expected: problem("flux", "fluxVersion", "<set>", "unset when install is given"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.localAuthReference",
    value: '"Git_Creds"',
    build: aks({ localAuthReference: "Git_Creds" }),
    expected: problem("flux", "aksExtension.localAuthReference", '"Git_Creds"', "the name of a Secret"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.resourceProviderRegistrations",
    value: '"some"',
    build: aks({ resourceProviderRegistrations: "some" }),
    expected: problem("flux", "aksExtension.resourceProviderRegistrations", '"some"', 'one of "none"'),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.additionalKustomizations",
    value: '[{ name: "Apps", path: "./apps" }]',
    build: aks({ additionalKustomizations: [{ name: "Apps", path: "./apps" }] }),
    expected: problem("flux", "aksExtension.additionalKustomizations[0].name", '"Apps"', "a kustomization name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.additionalKustomizations",
    value: '[{ name: "cluster", path: "./apps" }]',
    build: aks({ additionalKustomizations: [{ name: "cluster", path: "./apps" }] }),
    expected: problem("flux", "aksExtension.additionalKustomizations[0].name", '"cluster"', "a name not used by another kustomization"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.additionalKustomizations",
    value: '[{ name: "apps", path: "./a" }, { name: "apps", path: "./b" }]',
    build: aks({
      additionalKustomizations: [
        { name: "apps", path: "./a" },
        { name: "apps", path: "./b" },
      ],
    }),
    expected: problem("flux", "aksExtension.additionalKustomizations[1].name", '"apps"', "a name not used by another kustomization"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.additionalKustomizations",
    value: '[{ name: "all", path: "./" }]',
    build: aks({ additionalKustomizations: [{ name: "all", path: "./" }] }),
    expected: problem("flux", "aksExtension.additionalKustomizations[0].path", '"./"', "a repo path starting with ./ below the repo root"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.additionalKustomizations",
    value: '[{ name: "apps", path: "apps" }]',
    build: aks({ additionalKustomizations: [{ name: "apps", path: "apps" }] }),
    expected: problem(
      "flux",
      "aksExtension.additionalKustomizations[0].path",
      '"apps"',
      "a repo path starting with ./ below the repo root",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.additionalKustomizations",
    value: '[{ name: "apps", path: "./../other-repo" }]',
    build: aks({ additionalKustomizations: [{ name: "apps", path: "./../other-repo" }] }),
    expected: problem(
      "flux",
      "aksExtension.additionalKustomizations[0].path",
      '"./../other-repo"',
      "a repo path starting with ./ below the repo root",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.additionalKustomizations",
    value: '[{ name: "apps", path: "/apps" }]',
    build: aks({ additionalKustomizations: [{ name: "apps", path: "/apps" }] }),
    expected: problem(
      "flux",
      "aksExtension.additionalKustomizations[0].path",
      '"/apps"',
      "a repo path starting with ./ below the repo root",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.additionalKustomizations",
    value: '[{ name: "again", path: "./clusters/aks-dev/terraform" }]',
    build: aks({ additionalKustomizations: [{ name: "again", path: "./clusters/aks-dev/terraform" }] }),
    expected: problem(
      "flux",
      "aksExtension.additionalKustomizations[0].path",
      '"./clusters/aks-dev/terraform"',
      "a path outside clusters/aks-dev",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.additionalKustomizations",
    value: '[{ name: "apps", path: "./apps", dependsOn: ["infra"] }]',
    build: aks({ additionalKustomizations: [{ name: "apps", path: "./apps", dependsOn: ["infra"] }] }),
    expected: problem(
      "flux",
      "aksExtension.additionalKustomizations[0].dependsOn",
      '"infra"',
      "the name of another kustomization of this configuration: cluster",
    ),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.stateBackend",
    value: '{ storageAccountName: "St_Tfstate", … }',
    build: aks({ stateBackend: { resourceGroupName: "rg", storageAccountName: "St_Tfstate", containerName: "tfstate", key: "k" } }),
    expected: problem("flux", "aksExtension.stateBackend.storageAccountName", '"St_Tfstate"', "a storage account name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.stateBackend",
    value: '{ containerName: "tf--state", … }',
    build: aks({ stateBackend: { resourceGroupName: "rg", storageAccountName: "sttfstate", containerName: "tf--state", key: "k" } }),
    expected: problem("flux", "aksExtension.stateBackend.containerName", '"tf--state"', "a blob container name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.stateBackend",
    value: '{ key: "", … }',
    build: aks({ stateBackend: { resourceGroupName: "rg", storageAccountName: "sttfstate", containerName: "tfstate", key: "" } }),
    expected: problem("flux", "aksExtension.stateBackend.key", '""', "a blob name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.stateBackend",
    value: '{ resourceGroupName: "rg.", … }',
    build: aks({ stateBackend: { resourceGroupName: "rg.", storageAccountName: "sttfstate", containerName: "tfstate", key: "k" } }),
    expected: problem("flux", "aksExtension.stateBackend.resourceGroupName", '"rg."', "a resource group name"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.stateBackend",
    value: '{ subscriptionId: "prod", … }',
    build: aks({
      stateBackend: {
        resourceGroupName: "rg",
        storageAccountName: "sttfstate",
        containerName: "tfstate",
        key: "k",
        subscriptionId: "prod",
      },
    }),
    expected: problem("flux", "aksExtension.stateBackend.subscriptionId", '"prod"', "a subscription GUID"),
  },
  {
    construct: "FluxBootstrap",
    prop: "aksExtension.stateBackend",
    value: "{ subscriptionId: <token>, … }",
    note: "one checker for both install modes: one message for the token (the AKS checker used to go on and report the GUID too)",
    build: aks({
      stateBackend: {
        resourceGroupName: "rg",
        storageAccountName: "sttfstate",
        containerName: "tfstate",
        key: "k",
        subscriptionId: token(),
      },
    }),
    expected: problem("flux", "aksExtension.stateBackend", "<unresolved token>", TOKEN_RULE),
  },

  // ---------------------------------------------------------------------------------------------- GitRepositorySource
  {
    construct: "GitRepositorySource",
    prop: "ref",
    value: 'GitRef.branch("my branch")',
    build: git({ ref: GitRef.branch("my branch") }),
    expected: problem("release", "ref", '"my branch"', "a Git branch name"),
  },
  {
    construct: "GitRepositorySource",
    prop: "ref",
    value: 'GitRef.tag("v1.0 ")',
    build: git({ ref: GitRef.tag("v1.0 ") }),
    expected: problem("release", "ref", '"v1.0 "', "a Git tag name"),
  },
  {
    construct: "GitRepositorySource",
    prop: "ref",
    value: 'GitRef.semver("")',
    build: git({ ref: GitRef.semver("") }),
    expected: problem("release", "ref", '""', "a semver range"),
  },
  {
    construct: "GitRepositorySource",
    prop: "ref",
    value: 'GitRef.semver("latest")',
    build: git({ ref: GitRef.semver("latest") }),
    expected: problem("release", "ref", '"latest"', "a semver range"),
  },
  {
    construct: "GitRepositorySource",
    prop: "ref",
    value: 'GitRef.commit("abc123")',
    build: git({ ref: GitRef.commit("abc123") }),
    expected: problem("release", "ref", '"abc123"', "a full commit SHA"),
  },
  {
    construct: "GitRepositorySource",
    prop: "ref",
    value: '"main"',
    note: "a string (JavaScript)",
    build: git({ ref: "main" as unknown as GitRef }),
    expected: problem("release", "ref", '"main"', "a GitRef"),
  },
  {
    construct: "GitRepositorySource",
    prop: "url",
    value: '"git@github.com:o/r.git"',
    build: git({ url: "git@github.com:o/r.git" }),
    expected: problem("release", "url", '"git@github.com:o/r.git"', "a Git URL starting with https://, http:// or ssh://"),
  },
  {
    construct: "GitRepositorySource",
    prop: "url",
    value: '"https://user:token@github.com/o/r.git"',
    build: git({ url: "https://user:token@github.com/o/r.git" }),
    expected: problem("release", "url", "<a URL with user:password@>", "a URL without credentials"),
  },
  {
    construct: "GitRepositorySource",
    prop: "url",
    value: '""',
    build: git({ url: "" }),
    expected: problem("release", "url", '""', "a Git URL starting with https://, http:// or ssh://"),
  },
  {
    construct: "GitRepositorySource",
    prop: "url",
    value: "undefined",
    note: "the cluster's URL is git@host:path (AKS mode)",
    build: (app) => {
      const f = flux(app, { repositoryUrl: "git@github.com:o/r.git", mode: FluxInstallMode.AKS_EXTENSION, aksExtension: AKS });
      new GitRepositorySource(app, "release", { cluster: f, ref: GitRef.branch("release") });
    },
    expected: problem(
      "release",
      "url",
      '"git@github.com:o/r.git"',
      "a Git URL starting with https://, http:// or ssh://: the cluster's repositoryUrl is git@host:path",
    ),
  },
  {
    construct: "GitRepositorySource",
    prop: "url",
    value: "<token>",
    build: git({ url: token() }),
    expected: problem("release", "url", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "GitRepositorySource",
    prop: "name",
    value: '"Release_Branch"',
    build: git({ name: "Release_Branch" }),
    expected: problem("release", "name", '"Release_Branch"', DNS_LABEL_RULE),
  },
  {
    construct: "GitRepositorySource",
    prop: "name",
    value: '""',
    build: git({ name: "" }),
    expected: problem("release", "name", '""', DNS_LABEL_RULE),
  },
  {
    construct: "GitRepositorySource",
    prop: "name",
    value: '"release"',
    note: "two sources with one name in one cluster",
    build: (app) => {
      const f = flux(app);
      new GitRepositorySource(app, "release", { cluster: f, ref: GitRef.branch("release") });
      new GitRepositorySource(app, "release2", { cluster: f, ref: GitRef.tag("v1.0.0"), name: "release" });
    },
    expected: problem("release2", "name", '"release"', "a name no other GitRepositorySource of cluster aks-dev uses (release has it"),
  },
  {
    construct: "GitRepositorySource",
    prop: "namespace",
    value: '"Flux"',
    build: git({ namespace: "Flux" }),
    expected: problem("release", "namespace", '"Flux"', NAMESPACE_RULE),
  },
  {
    construct: "GitRepositorySource",
    prop: "interval",
    value: "Duration.seconds(0)",
    build: git({ interval: Duration.seconds(0) }),
    expected: problem("release", "interval", "<0s: zero>", DURATION_RULE),
  },
  {
    construct: "GitRepositorySource",
    prop: "timeout",
    value: "Duration.hours(1)",
    build: git({ timeout: Duration.hours(1) }),
    expected: problem("release", "timeout", '"1h"', "at most 59m"),
  },
  {
    construct: "GitRepositorySource",
    prop: "secretName",
    value: '"Git_Creds"',
    build: git({ secretName: "Git_Creds" }),
    expected: problem("release", "secretName", '"Git_Creds"', "a Secret name"),
  },
  {
    construct: "GitRepositorySource",
    prop: "secretName",
    value: '""',
    build: git({ secretName: "" }),
    expected: problem("release", "secretName", '""', "a Secret name"),
  },
  {
    construct: "GitRepositorySource",
    prop: "onlyInfrastructure",
    value: '"no"',
    note: "JavaScript",
    build: git({ onlyInfrastructure: "no" as unknown as boolean }),
    expected: problem("release", "onlyInfrastructure", '"no"', "true or false"),
  },

  // ---------------------------------------------------------------------------------------------- OciRepositorySource
  {
    construct: "OciRepositorySource",
    prop: "url",
    value: '"https://example.azurecr.io/infra"',
    build: oci({ url: "https://example.azurecr.io/infra" }),
    expected: problem("artifact", "url", '"https://example.azurecr.io/infra"', "an OCI repository URL"),
  },
  {
    construct: "OciRepositorySource",
    prop: "url",
    value: '"oci://user:pw@example.azurecr.io/infra"',
    build: oci({ url: "oci://user:pw@example.azurecr.io/infra" }),
    expected: problem(
      "artifact",
      "url",
      '"oci://user:pw@example.azurecr.io/infra"',
      "an OCI repository URL oci://<registry>/<repository>, without credentials",
    ),
  },
  {
    construct: "OciRepositorySource",
    prop: "url",
    value: '""',
    build: oci({ url: "" }),
    expected: problem("artifact", "url", '""', "an OCI repository URL"),
  },
  {
    construct: "OciRepositorySource",
    prop: "url",
    value: "<token>",
    build: oci({ url: token() }),
    expected: problem("artifact", "url", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "OciRepositorySource",
    prop: "ref",
    value: 'OciRef.tag("v1 0")',
    build: oci({ ref: OciRef.tag("v1 0") }),
    expected: problem("artifact", "ref", '"v1 0"', "an OCI tag"),
  },
  {
    construct: "OciRepositorySource",
    prop: "ref",
    value: 'OciRef.digest("sha256:abc")',
    build: oci({ ref: OciRef.digest("sha256:abc") }),
    expected: problem("artifact", "ref", '"sha256:abc"', "a digest sha256:<64 hex>"),
  },
  {
    construct: "OciRepositorySource",
    prop: "ref",
    value: 'OciRef.semver("")',
    build: oci({ ref: OciRef.semver("") }),
    expected: problem("artifact", "ref", '""', "a semver range"),
  },
  {
    construct: "OciRepositorySource",
    prop: "ref",
    value: '"v1.0.0"',
    note: "a string (JavaScript)",
    build: oci({ ref: "v1.0.0" as unknown as OciRef }),
    expected: problem("artifact", "ref", '"v1.0.0"', "an OciRef"),
  },
  {
    construct: "OciRepositorySource",
    prop: "contentRoot",
    value: '"../other"',
    build: oci({ contentRoot: "../other" }),
    expected: problem("artifact", "contentRoot", '"../other"', "a repo folder such as infrastructure, or ."),
  },
  {
    construct: "OciRepositorySource",
    prop: "contentRoot",
    value: '"/infrastructure"',
    build: oci({ contentRoot: "/infrastructure" }),
    expected: problem("artifact", "contentRoot", '"/infrastructure"', "a repo folder such as infrastructure, or ."),
  },
  {
    construct: "OciRepositorySource",
    prop: "contentRoot",
    value: '"infra structure"',
    build: oci({ contentRoot: "infra structure" }),
    expected: problem("artifact", "contentRoot", '"infra structure"', "a repo folder such as infrastructure, or ."),
  },
  {
    construct: "OciRepositorySource",
    prop: "contentRoot",
    value: '"clusters"',
    note: "a Terraform object reads a stack outside it",
    build: (app) => {
      const s = stack(app);
      const f = flux(app);
      const source = new OciRepositorySource(app, "artifact", {
        cluster: f,
        url: "oci://example.azurecr.io/infra",
        ref: OciRef.tag("v1.0.0"),
        contentRoot: "clusters",
      });
      new TerraformControllerCR(app, "tf", { cluster: f, stack: s, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS, source });
    },
    expected: problem("artifact", "contentRoot", '"clusters"', "a folder containing infrastructure/infra"),
  },
  {
    construct: "OciRepositorySource",
    prop: "name",
    value: '"Artifact"',
    build: oci({ name: "Artifact" }),
    expected: problem("artifact", "name", '"Artifact"', DNS_LABEL_RULE),
  },
  {
    construct: "OciRepositorySource",
    prop: "namespace",
    value: '"Flux"',
    build: oci({ namespace: "Flux" }),
    expected: problem("artifact", "namespace", '"Flux"', NAMESPACE_RULE),
  },
  {
    construct: "OciRepositorySource",
    prop: "interval",
    value: 'Duration.parse("5 minutes")',
    build: oci({ interval: Duration.parse("5 minutes") }),
    expected: problem("artifact", "interval", '<"5 minutes": "5 minutes" is not a Go duration>', DURATION_RULE),
  },
  {
    construct: "OciRepositorySource",
    prop: "timeout",
    value: "Duration.hours(2)",
    build: oci({ timeout: Duration.hours(2) }),
    expected: problem("artifact", "timeout", '"2h"', "at most 59m"),
  },
  {
    construct: "OciRepositorySource",
    prop: "provider",
    value: '"aws"',
    build: oci({ provider: "aws" as OciProvider }),
    expected: problem("artifact", "provider", '"aws"', 'one of "generic", "azure"'),
  },
  {
    construct: "OciRepositorySource",
    prop: "secretName",
    value: '"Registry_Creds"',
    build: oci({ secretName: "Registry_Creds" }),
    expected: problem("artifact", "secretName", '"Registry_Creds"', "a Secret name"),
  },

  // ---------------------------------------------------------------------------------------------- RunnerIdentity
  {
    construct: "RunnerIdentity",
    prop: "tenantId",
    value: '"contoso"',
    build: runner({ tenantId: "contoso" }),
    expected: problem("runner", "tenantId", '"contoso"', "the Entra tenant GUID"),
  },
  {
    construct: "RunnerIdentity",
    prop: "tenantId",
    value: '""',
    build: runner({ tenantId: "" }),
    expected: problem("runner", "tenantId", '""', "the Entra tenant GUID"),
  },
  {
    construct: "RunnerIdentity",
    prop: "tenantId",
    value: "undefined",
    note: "JavaScript, or an unset context entry",
    build: runner({ tenantId: undefined }),
    expected: problem("runner", "tenantId", "(unset)", "the Entra tenant GUID"),
  },
  {
    construct: "RunnerIdentity",
    prop: "tenantId",
    value: "<token>",
    build: runner({ tenantId: token() }),
    expected: problem("runner", "tenantId", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "RunnerIdentity",
    prop: "subscriptionId",
    value: '"prod"',
    build: runner({ subscriptionId: "prod" }),
    expected: problem("runner", "subscriptionId", '"prod"', "the subscription GUID of the AKS cluster"),
  },
  {
    construct: "RunnerIdentity",
    prop: "clientId",
    value: '"tf-runner"',
    build: runner({ clientId: "tf-runner" }),
    expected: problem("runner", "clientId", '"tf-runner"', "the client id GUID of the identity"),
  },
  {
    construct: "RunnerIdentity",
    prop: "identityName",
    value: '"id"',
    build: runner({ identityName: "id" }),
    expected: problem("runner", "identityName", '"id"', "a managed identity name: 3 to 128"),
  },
  {
    construct: "RunnerIdentity",
    prop: "identityName",
    value: '"tf runner"',
    build: runner({ identityName: "tf runner" }),
    expected: problem("runner", "identityName", '"tf runner"', "a managed identity name: 3 to 128"),
  },
  {
    construct: "RunnerIdentity",
    prop: "identityName",
    value: '"tf-runner-id"',
    note: "two identities with one name in one cluster",
    build: (app) => {
      const f = flux(app);
      const base = { cluster: f, aksCluster: NodePoolCluster.fromClusterId(CLUSTER_ID), tenantId: TENANT, identityName: "tf-runner-id" };
      new RunnerIdentity(app, "runner", base);
      new RunnerIdentity(app, "runner2", { ...base, serviceAccountName: "tf-runner-two" });
    },
    expected: problem(
      "runner2",
      "identityName",
      '"tf-runner-id"',
      "a name no other RunnerIdentity of cluster aks-dev uses (runner has it)",
    ),
  },
  {
    construct: "RunnerIdentity",
    prop: "resourceGroupName",
    value: '"rg."',
    build: runner({ resourceGroupName: "rg." }),
    expected: problem("runner", "resourceGroupName", '"rg."', "a resource group name"),
  },
  {
    construct: "RunnerIdentity",
    prop: "location",
    value: '"West Europe"',
    build: runner({ location: "West Europe" }),
    expected: problem("runner", "location", '"West Europe"', "an Azure region name such as westeurope"),
  },
  {
    construct: "RunnerIdentity",
    prop: "namespace",
    value: '"Flux"',
    build: runner({ namespace: "Flux" }),
    expected: problem("runner", "namespace", '"Flux"', NAMESPACE_RULE),
  },
  {
    construct: "RunnerIdentity",
    prop: "serviceAccountName",
    value: '"tf-runner"',
    note: "the chart's own",
    build: runner({ serviceAccountName: "tf-runner" }),
    expected: problem("runner", "serviceAccountName", '"tf-runner"', "a name other than tf-runner"),
  },
  {
    construct: "RunnerIdentity",
    prop: "serviceAccountName",
    value: '"Runner_SA"',
    build: runner({ serviceAccountName: "Runner_SA" }),
    expected: problem("runner", "serviceAccountName", '"Runner_SA"', "a ServiceAccount name"),
  },
  {
    construct: "RunnerIdentity",
    prop: "aksCluster",
    value: "undefined",
    note: "flux CLI mode",
    build: runner({ aksCluster: undefined }),
    expected: /^\[runner\] aksCluster = \(unset\): allowed is /,
  },
  {
    construct: "RunnerIdentity",
    prop: "additionalActions",
    value: '["Microsoft.Compute/disks/*"]',
    note: "a wildcard, not acknowledged",
    build: runner({ additionalActions: ["Microsoft.Compute/disks/*"] }),
    expected: problem("runner", "additionalActions[0]", '"Microsoft.Compute/disks/*"', "an action without '*'"),
  },
  {
    construct: "RunnerIdentity",
    prop: "additionalActions",
    value: '["Microsoft.Authorization/roleAssignments/write"]',
    note: "the runner could grant itself rights",
    build: runner({ additionalActions: ["Microsoft.Authorization/roleAssignments/write"] }),
    expected: problem(
      "runner",
      "additionalActions[0]",
      '"Microsoft.Authorization/roleAssignments/write"',
      "an action that cannot widen the runner's own rights",
    ),
  },
  {
    construct: "RunnerIdentity",
    prop: "additionalActions",
    value: '["*"]',
    note: "acknowledged: still refused",
    build: runner({ additionalActions: ["*"], acknowledgedWildcardActions: ["*"] }),
    expected: problem("runner", "additionalActions[0]", '"*"', "an action that cannot widen the runner's own rights"),
  },
  {
    construct: "RunnerIdentity",
    prop: "additionalActions",
    value: '["disks/read"]',
    build: runner({ additionalActions: ["disks/read"] }),
    expected: problem("runner", "additionalActions[0]", '"disks/read"', "an Azure RBAC control-plane action <Provider>/"),
  },
  {
    construct: "RunnerIdentity",
    prop: "additionalActions",
    value: "[<token>]",
    build: runner({ additionalActions: [token()] }),
    expected: problem("runner", "additionalActions[0]", "<unresolved token>", TOKEN_RULE),
  },
  {
    construct: "RunnerIdentity",
    prop: "additionalActions",
    value: '"Microsoft.Compute/disks/read"',
    note: "a string, not a list (JavaScript)",
    build: runner({ additionalActions: "Microsoft.Compute/disks/read" as never }),
    expected: problem("runner", "additionalActions", '"Microsoft.Compute/disks/read"', "a list of Azure RBAC action strings"),
  },
  {
    construct: "RunnerIdentity",
    prop: "acknowledgedWildcardActions",
    value: '["Microsoft.Compute/*"]',
    note: "not in additionalActions",
    build: runner({ additionalActions: ["Microsoft.Compute/disks/read"], acknowledgedWildcardActions: ["Microsoft.Compute/*"] }),
    expected: problem(
      "runner",
      "acknowledgedWildcardActions[0]",
      '"Microsoft.Compute/*"',
      "a wildcard action that additionalActions lists",
    ),
  },
  {
    construct: "RunnerIdentity",
    prop: "role",
    value: '"fleet"',
    note: "a string (JavaScript)",
    build: runner({ role: "fleet" as never }),
    expected: problem("runner", "role", '"fleet"', "RunnerRole.perCluster() or RunnerRole.fleet(fleetRole)"),
  },
  {
    construct: "RunnerIdentity",
    prop: "role",
    value: "RunnerRole.fleet(<role of another subscription>)",
    build: (app) => {
      const f = flux(app);
      const fleetRole = new FleetRunnerRole(app, "fleet-role", {
        owner: flux(app, { clusterName: "platform" }, "platform"),
        subscriptionId: OTHER_SUB,
      });
      new RunnerIdentity(app, "runner", {
        ...{ cluster: f, aksCluster: NodePoolCluster.fromClusterId(CLUSTER_ID), tenantId: TENANT, clientId: CLIENT_ID },
        role: RunnerRole.fleet(fleetRole),
      });
    },
    expected: problem("runner", "role", "<RunnerRole.fleet(fleet-role)>", `a fleet role of the cluster's subscription ${SUBSCRIPTION}`),
  },
  {
    construct: "RunnerIdentity",
    prop: "additionalActions",
    value: '["Microsoft.Compute/disks/read"]',
    note: "with a fleet role",
    build: (app) => {
      const f = flux(app);
      const fleetRole = new FleetRunnerRole(app, "fleet-role", { owner: f, subscriptionId: SUBSCRIPTION });
      new RunnerIdentity(app, "runner", {
        ...{ cluster: f, aksCluster: NodePoolCluster.fromClusterId(CLUSTER_ID), tenantId: TENANT, clientId: CLIENT_ID },
        role: RunnerRole.fleet(fleetRole),
        additionalActions: ["Microsoft.Compute/disks/read"],
      });
    },
    expected: problem("runner", "additionalActions", '["Microsoft.Compute/disks/read"]', "none with a fleet role"),
  },
  {
    construct: "RunnerIdentity",
    prop: "grantSubnetJoin",
    value: '"yes"',
    note: "JavaScript",
    build: runner({ grantSubnetJoin: "yes" as never }),
    expected: problem("runner", "grantSubnetJoin", '"yes"', "true or false"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerIdentity",
    value: "<RunnerIdentity runner>",
    note: "a pool's BYO subnet in another subscription",
    build: cr((app, f, s) => {
      addPool(s, "pool", {
        vnetSubnetId: `/subscriptions/${OTHER_SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub/subnets/nodes`,
      });
      return {
        runnerPod: undefined,
        runnerIdentity: new RunnerIdentity(app, "runner", {
          cluster: f,
          aksCluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
          tenantId: TENANT,
          clientId: CLIENT_ID,
        }),
      };
    }),
    expected: problem(
      "tf",
      "runnerIdentity",
      "<RunnerIdentity runner>",
      "an identity that can be granted join on every BYO subnet of infrastructure/infra",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerIdentity",
    value: "<RunnerIdentity runner>",
    note: "a pool's BYO subnet id is a token",
    build: cr((app, f, s) => {
      addPool(s, "pool", { vnetSubnetId: token() });
      return {
        runnerPod: undefined,
        runnerIdentity: new RunnerIdentity(app, "runner", {
          cluster: f,
          aksCluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
          tenantId: TENANT,
          clientId: CLIENT_ID,
        }),
      };
    }),
    expected: problem(
      "tf",
      "runnerIdentity",
      "<RunnerIdentity runner>",
      "an identity that can be granted join on every BYO subnet of infrastructure/infra (infra/pool has a subnet id that is a token",
    ),
  },

  // ---------------------------------------------------------------------------------------------- FleetRunnerRole
  {
    construct: "FleetRunnerRole",
    prop: "owner",
    value: "undefined",
    note: "JavaScript",
    build: (app) => void new FleetRunnerRole(app, "fleet-role", { owner: undefined as never, subscriptionId: SUBSCRIPTION }),
    expected: problem("fleet-role", "owner", "(unset)", "a FluxBootstrap"),
  },
  {
    construct: "FleetRunnerRole",
    prop: "subscriptionId",
    value: '"prod"',
    build: (app) => void new FleetRunnerRole(app, "fleet-role", { owner: flux(app), subscriptionId: "prod" }),
    expected: problem("fleet-role", "subscriptionId", '"prod"', "the subscription GUID of the fleet's clusters"),
  },
  {
    construct: "FleetRunnerRole",
    prop: "subscriptionId",
    value: "undefined",
    note: "the owner has no bootstrap stack yet",
    build: (app) => void new FleetRunnerRole(app, "fleet-role", { owner: flux(app) }),
    expected: problem("fleet-role", "subscriptionId", "(unset)", "the subscription GUID of the fleet's clusters"),
  },
  {
    construct: "FleetRunnerRole",
    prop: "subscriptionId",
    value: `"${OTHER_SUB}"`,
    note: "not the owner's bootstrap subscription",
    build: (app) => {
      const f = flux(app);
      new RunnerIdentity(app, "runner", {
        cluster: f,
        aksCluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
        tenantId: TENANT,
        clientId: CLIENT_ID,
      });
      new FleetRunnerRole(app, "fleet-role", { owner: f, subscriptionId: OTHER_SUB });
    },
    expected: problem("fleet-role", "subscriptionId", `"${OTHER_SUB}"`, `the subscription of bootstrap/aks-dev (${SUBSCRIPTION})`),
  },
  {
    construct: "FleetRunnerRole",
    prop: "subscriptionId",
    value: `"${SUBSCRIPTION}"`,
    note: "a second fleet role of the subscription",
    build: (app) => {
      const f = flux(app);
      new FleetRunnerRole(app, "fleet-role", { owner: f, subscriptionId: SUBSCRIPTION });
      new FleetRunnerRole(app, "fleet-role-2", { owner: f, subscriptionId: SUBSCRIPTION, roleName: "aks-runners" });
    },
    expected: problem(
      "fleet-role-2",
      "subscriptionId",
      `"${SUBSCRIPTION}"`,
      "a subscription no other FleetRunnerRole covers (fleet-role does",
    ),
  },
  {
    construct: "FleetRunnerRole",
    prop: "roleName",
    value: '"runners/aks"',
    build: (app) =>
      void new FleetRunnerRole(app, "fleet-role", { owner: flux(app), subscriptionId: SUBSCRIPTION, roleName: "runners/aks" }),
    expected: problem("fleet-role", "roleName", '"runners/aks"', "a role name: 1 to 120 letters"),
  },
  {
    construct: "FleetRunnerRole",
    prop: "additionalActions",
    value: '["Microsoft.Network/*"]',
    note: "a wildcard, not acknowledged",
    build: (app) =>
      void new FleetRunnerRole(app, "fleet-role", {
        owner: flux(app),
        subscriptionId: SUBSCRIPTION,
        additionalActions: ["Microsoft.Network/*"],
      }),
    expected: problem("fleet-role", "additionalActions[0]", '"Microsoft.Network/*"', "an action without '*'"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerIdentity",
    value: "another cluster's RunnerIdentity",
    build: cr((app) => ({
      runnerIdentity: new RunnerIdentity(app, "runner", {
        cluster: flux(app, { clusterName: "other" }, "other"),
        aksCluster: NodePoolCluster.fromClusterId(CLUSTER_ID),
        tenantId: TENANT,
        clientId: CLIENT_ID,
      }),
    })),
    expected: /^\[tf\] runnerIdentity = .*: allowed is a RunnerIdentity of cluster aks-dev/,
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerIdentity",
    value: '"workload-identity"',
    note: "a string (JavaScript)",
    build: cr({ runnerIdentity: "workload-identity" as never }),
    expected: problem("tf", "runnerIdentity", '"workload-identity"', "a RunnerIdentity, or RunnerIdentity.kubeletIdentity({ clientId })"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerIdentity",
    value: 'RunnerIdentity.kubeletIdentity({ clientId: "kubelet" })',
    build: cr({ runnerIdentity: RunnerIdentity.kubeletIdentity({ clientId: "kubelet" }) }),
    expected: problem("tf", "runnerIdentity (kubelet identity) clientId", '"kubelet"', "the client id GUID of the kubelet identity"),
  },
  // No runnerIdentity and no credential: azurerm (use_cli = false) has no way to authenticate (lib/tofu/runner-credentials.ts).
  {
    construct: "TerraformControllerCR",
    prop: "runnerIdentity",
    value: "(unset)",
    note: "no runnerPod: the runner has no Azure credential at all",
    build: cr({ runnerPod: undefined }),
    expected: problem("tf", "runnerIdentity", "(unset)", NO_RUNNER_CREDENTIAL),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerIdentity",
    value: "(unset)",
    note: 'runnerPod.env ARM_USE_OIDC = "false"',
    build: cr({ runnerPod: { env: [{ name: "ARM_USE_OIDC", value: "false" }] } }),
    expected: problem("tf", "runnerIdentity", "(unset)", NO_RUNNER_CREDENTIAL),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerIdentity",
    value: "(unset)",
    note: "runnerPod.env ARM_OIDC_TOKEN from a Secret, OIDC not switched on",
    build: cr({ runnerPod: { env: [{ name: "ARM_OIDC_TOKEN", valueFrom: { secretKeyRef: { name: "oidc", key: "token" } } }] } }),
    expected: problem("tf", "runnerIdentity", "(unset)", NO_RUNNER_CREDENTIAL),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerIdentity",
    value: "(unset)",
    note: 'runnerPod.envFrom a Secret with prefix "APP_" (no ARM_* name can come from it)',
    build: cr({ runnerPod: { envFrom: [{ secretName: "azure-credentials", prefix: "APP_" }] } }),
    expected: problem("tf", "runnerIdentity", "(unset)", NO_RUNNER_CREDENTIAL),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerIdentity",
    value: "(unset)",
    note: 'ARM_USE_MSI = "true", but the stack\'s provider sets useMsi = false (the provider block wins)',
    build: cr((_app, _f, s) => {
      s.provider.useMsi = false;
      return { runnerPod: { env: [{ name: "ARM_USE_MSI", value: "true" }] } };
    }),
    expected: problem("tf", "runnerIdentity", "(unset)", NO_RUNNER_CREDENTIAL),
  },

  // ---------------------------------------------------------------------------------------------- FluxAlerts (FluxBootstrap.addAlerts)
  {
    construct: "FluxAlerts",
    prop: "name",
    value: '"Teams_Alerts"',
    build: alerts({ name: "Teams_Alerts" }),
    expected: problem("flux/alerts", "name", '"Teams_Alerts"', "a DNS label"),
  },
  {
    construct: "FluxAlerts",
    prop: "name",
    value: '"a".repeat(54)',
    build: alerts({ name: "a".repeat(54) }),
    expected: problem("flux/alerts", "name", `"${"a".repeat(54)}"`, "at most 53 characters"),
  },
  {
    construct: "FluxAlerts",
    prop: "name",
    value: '"alerts"',
    note: "two alerts with one name in one cluster",
    build: (app) => {
      const f = flux(app);
      f.addAlerts("alerts", { provider: NotificationProvider.msteams({ secretName: "teams-webhook" }) });
      f.addAlerts("more", { name: "alerts", provider: NotificationProvider.slack({ secretName: "slack-webhook" }) });
    },
    expected: problem("flux/more", "name", '"alerts"', "a name no other alerts of cluster aks-dev use (flux/alerts has it)"),
  },
  {
    construct: "FluxAlerts",
    prop: "provider",
    value: '"msteams"',
    note: "a string (JavaScript)",
    build: alerts({ provider: "msteams" as unknown as NotificationProvider }),
    expected: problem("flux/alerts", "provider", '"msteams"', "NotificationProvider.msteams(…), .slack(…) or .generic(…)"),
  },
  {
    construct: "FluxAlerts",
    prop: "provider",
    value: 'NotificationProvider.msteams({ secretName: "https://example.webhook.office.com/x" })',
    build: alerts({ provider: NotificationProvider.msteams({ secretName: "https://example.webhook.office.com/x" }) }),
    expected: problem("flux/alerts", "provider.secretName", '"https://example.webhook.office.com/x"', "the name of a Secret"),
  },
  {
    construct: "FluxAlerts",
    prop: "provider",
    value: 'NotificationProvider.slack({ secretName: "slack", channel: "" })',
    build: alerts({ provider: NotificationProvider.slack({ secretName: "slack", channel: "" }) }),
    expected: problem("flux/alerts", "provider.channel", '""', "a channel name"),
  },
  {
    construct: "FluxAlerts",
    prop: "eventSeverity",
    value: '"warning"',
    build: alerts({ eventSeverity: "warning" as AlertSeverity }),
    expected: problem("flux/alerts", "eventSeverity", '"warning"', 'one of "info", "error"'),
  },
  {
    construct: "FluxAlerts",
    prop: "terraformEventSeverity",
    value: '"critical"',
    build: alerts({ terraformEventSeverity: "critical" as AlertSeverity }),
    expected: problem("flux/alerts", "terraformEventSeverity", '"critical"', 'one of "info", "error"'),
  },
  {
    construct: "FluxAlerts",
    prop: "terraformEvents",
    value: "true",
    note: "AKS extension mode",
    build: alerts({ terraformEvents: true }, { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: AKS }),
    expected: /^\[flux\/alerts\] terraformEvents = true: allowed is /,
  },

  // ---------------------------------------------------------------------------------------------- PromotionOrder
  {
    construct: "PromotionOrder",
    prop: "stages",
    value: "[dev]",
    build: (app) => void new PromotionOrder(app, "promotion", { stages: [flux(app)] }),
    expected: problem("promotion", "stages", '["aks-dev"]', "at least two clusters"),
  },
  {
    construct: "PromotionOrder",
    prop: "stages",
    value: "[]",
    build: (app) => void new PromotionOrder(app, "promotion", { stages: [] }),
    expected: problem("promotion", "stages", "[]", "at least two clusters"),
  },
  {
    construct: "PromotionOrder",
    prop: "stages",
    value: "undefined",
    note: "JavaScript",
    build: (app) => void new PromotionOrder(app, "promotion", { stages: undefined as unknown as FluxBootstrap[] }),
    expected: problem("promotion", "stages", "[]", "at least two clusters"),
  },
  {
    construct: "PromotionOrder",
    prop: "stages",
    value: "[dev, prod, dev]",
    build: (app) => {
      const dev = flux(app, {}, "dev");
      const prod = flux(app, { clusterName: "aks-prod" }, "prod");
      new PromotionOrder(app, "promotion", { stages: [dev, prod, dev] });
    },
    expected: problem("promotion", "stages[2]", '"aks-dev"', "each cluster once"),
  },
  {
    construct: "PromotionOrder",
    prop: "stages",
    value: '[dev, "aks-prod"]',
    note: "a name, not a FluxBootstrap (JavaScript)",
    build: (app) => void new PromotionOrder(app, "promotion", { stages: [flux(app, {}, "dev"), "aks-prod" as unknown as FluxBootstrap] }),
    expected: problem("promotion", "stages[1]", '"aks-prod"', "a FluxBootstrap"),
  },
  {
    construct: "PromotionOrder",
    prop: "stages",
    value: "[dev, prod]",
    note: "prod applies the stack from dev's ref",
    build: (app) => {
      const s = stack(app);
      const dev = flux(app, {}, "dev");
      const prod = flux(app, { clusterName: "aks-prod" }, "prod");
      dev.addTerraform("infra", { stack: s, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
      prod.addTerraform("infra", { stack: s, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
      new PromotionOrder(app, "promotion", { stages: [dev, prod] });
    },
    expected: problem(
      "promotion",
      "stages[1] (aks-prod)",
      '"prod/infra"',
      "a stage that applies infrastructure/infra from a ref of its own",
    ),
  },
  {
    construct: "PromotionOrder",
    prop: "stages",
    value: "[dev, prod]",
    note: "prod already in another PromotionOrder",
    build: (app) => {
      const dev = flux(app, {}, "dev");
      const prod = flux(app, { clusterName: "aks-prod" }, "prod");
      const qa = flux(app, { clusterName: "aks-qa" }, "qa");
      new PromotionOrder(app, "first", { stages: [qa, prod] });
      new PromotionOrder(app, "promotion", { stages: [dev, prod] });
    },
    expected: problem("promotion", "stages[1]", '"aks-prod"', "a cluster of one PromotionOrder only (it is in first too)"),
  },
  // ---------------------------------------------------------------- #18: kubeletConfig and linuxOsConfig of a pool
  {
    construct: "GuardedNodePool",
    prop: "kubeletConfig.imageGcHighThreshold",
    value: "101",
    build: pool({ kubeletConfig: { imageGcHighThreshold: 101 } }),
    expected: problem("infra/pool", "kubeletConfig.imageGcHighThreshold", "101", "a whole number from 1 to 100"),
  },
  {
    construct: "GuardedNodePool",
    prop: "kubeletConfig.imageGcHighThreshold",
    value: "0",
    note: "azurerm allows 0 but never sends it",
    build: pool({ kubeletConfig: { imageGcHighThreshold: 0 } }),
    expected: problem(
      "infra/pool",
      "kubeletConfig.imageGcHighThreshold",
      "0",
      "a whole number from 1 to 100 (azurerm allows 0 to 100, but 0 is never sent",
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "kubeletConfig.imageGcLowThreshold",
    value: "85",
    note: "imageGcHighThreshold: 80",
    build: pool({ kubeletConfig: { imageGcHighThreshold: 80, imageGcLowThreshold: 85 } }),
    expected: problem("infra/pool", "kubeletConfig.imageGcLowThreshold", "85", "a percentage below imageGcHighThreshold (80)"),
  },
  {
    construct: "GuardedNodePool",
    prop: "kubeletConfig.cpuManagerPolicy",
    value: '"Static"',
    build: pool({ kubeletConfig: { cpuManagerPolicy: "Static" as CpuManagerPolicy } }),
    expected: problem("infra/pool", "kubeletConfig.cpuManagerPolicy", '"Static"', 'one of "none", "static"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "kubeletConfig.topologyManagerPolicy",
    value: '"best_effort"',
    build: pool({ kubeletConfig: { topologyManagerPolicy: "best_effort" as TopologyManagerPolicy } }),
    expected: problem(
      "infra/pool",
      "kubeletConfig.topologyManagerPolicy",
      '"best_effort"',
      'one of "none", "best-effort", "restricted", "single-numa-node"',
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "kubeletConfig.containerLogMaxFiles",
    value: "1",
    build: pool({ kubeletConfig: { containerLogMaxFiles: 1 } }),
    expected: problem("infra/pool", "kubeletConfig.containerLogMaxFiles", "1", "a whole number from 2 to"),
  },
  {
    construct: "GuardedNodePool",
    prop: "kubeletConfig.allowedUnsafeSysctls",
    value: '["net.core.somaxconn", "net.core.somaxconn"]',
    build: pool({ kubeletConfig: { allowedUnsafeSysctls: ["net.core.somaxconn", "net.core.somaxconn"] } }),
    expected: problem(
      "infra/pool",
      "kubeletConfig.allowedUnsafeSysctls",
      '["net.core.somaxconn","net.core.somaxconn"]',
      "each sysctl once",
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "kubeletConfig",
    value: "{}",
    build: pool({ kubeletConfig: {} }),
    expected: problem("infra/pool", "kubeletConfig", "{}", "at least one setting"),
  },
  {
    construct: "GuardedNodePool",
    prop: "linuxOsConfig.transparentHugePage",
    value: '"enabled"',
    build: pool({ linuxOsConfig: { transparentHugePage: "enabled" as TransparentHugePage } }),
    expected: problem("infra/pool", "linuxOsConfig.transparentHugePage", '"enabled"', 'one of "always", "madvise", "never"'),
  },
  {
    construct: "GuardedNodePool",
    prop: "linuxOsConfig.sysctlConfig.netCoreSomaxconn",
    value: "1024",
    build: pool({ linuxOsConfig: { sysctlConfig: { netCoreSomaxconn: 1024 } } }),
    expected: problem("infra/pool", "linuxOsConfig.sysctlConfig.netCoreSomaxconn", "1024", "a whole number from 4096 to 3240000"),
  },
  {
    construct: "GuardedNodePool",
    prop: "linuxOsConfig.sysctlConfig.vmSwappiness",
    value: "0",
    note: "azurerm allows 0 but never sends it",
    build: pool({ linuxOsConfig: { sysctlConfig: { vmSwappiness: 0 } } }),
    expected: problem("infra/pool", "linuxOsConfig.sysctlConfig.vmSwappiness", "0", "a whole number from 1 to 100 (azurerm allows 0"),
  },
  {
    construct: "GuardedNodePool",
    prop: "linuxOsConfig.sysctlConfig.netIpv4IpLocalPortRangeMax",
    value: "undefined",
    note: "netIpv4IpLocalPortRangeMin: 32768 alone",
    build: pool({ linuxOsConfig: { sysctlConfig: { netIpv4IpLocalPortRangeMin: 32768 } } }),
    expected: problem(
      "infra/pool",
      "linuxOsConfig.sysctlConfig.netIpv4IpLocalPortRangeMax",
      "(unset)",
      "set together with the other end of the range",
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "linuxOsConfig.swapFileSizeMb",
    value: "2048",
    note: "no kubeletConfig",
    build: pool({ linuxOsConfig: { swapFileSizeMb: 2048 } }),
    expected: problem("infra/pool", "linuxOsConfig.swapFileSizeMb", "2048", "a swap file on a pool with kubeletConfig"),
  },
  {
    construct: "GuardedNodePool",
    prop: "linuxOsConfig",
    value: "{ transparentHugePage: TransparentHugePage.NEVER }",
    note: "Windows pool",
    build: pool({
      name: "win1",
      osType: NodePoolOsType.WINDOWS,
      linuxOsConfig: { transparentHugePage: TransparentHugePage.NEVER },
    }),
    expected: problem("infra/pool", "linuxOsConfig", '{"transparentHugePage":"never"}', "unset on a Windows pool"),
  },
  // ---------------------------------------------------------------- #14: what reaches a file means what was typed
  {
    construct: "GuardedNodePool",
    prop: "construct id",
    value: '"pool\\n---\\nkind: Secret"',
    build: (app) => void addPool(stack(app), "pool\n---\nkind: Secret"),
    expected: problem("infra/pool\\n---\\nkind: Secret", "construct id", '"pool\\n---\\nkind: Secret"', "an id without control characters"),
    cdktnFlavour:
      "not refused: constructs 10.7 turns the line feeds into `--` before the library sees the id (`pool-------kind: Secret`), " +
      "so no line break is written",
    notRefusedWhen: constructsRewritesLineFeeds,
  },
  {
    construct: "GuardedNodePool",
    prop: "construct id",
    value: '"pool\\u2028x"',
    build: (app) => void addPool(stack(app), "pool\u2028x"),
    expected: problem("infra/pool\\u2028x", "construct id", '"pool\\u2028x"', "an id without control characters"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.annotations",
    value: '{ "example.com/note": "a\\u2028b" }',
    build: cr({ runnerPod: { ...RUNNER_CREDENTIALS, annotations: { "example.com/note": "a\u2028b" } } }),
    expected: problem("tf", "spec.runnerPodTemplate.metadata.annotations.example.com/note", '"a\\u2028b"', "text without DEL, C1 controls"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.annotations",
    value: '{ "example.com/note": "\\u007f" }',
    build: cr({ runnerPod: { ...RUNNER_CREDENTIALS, annotations: { "example.com/note": "\u007f" } } }),
    expected: problem("tf", "spec.runnerPodTemplate.metadata.annotations.example.com/note", '"\\u007f"', "text without DEL, C1 controls"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.annotations",
    value: '{ "example.com/note": "\\ud800" } (a lone surrogate)',
    build: cr({ runnerPod: { ...RUNNER_CREDENTIALS, annotations: { "example.com/note": "\ud800" } } }),
    expected: problem("tf", "spec.runnerPodTemplate.metadata.annotations.example.com/note", '"\\ud800"', "text that UTF-8 can encode"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.annotations",
    value: '{ "example.com/big": "x".repeat(1024 * 1024) }',
    build: cr({ runnerPod: { annotations: { "example.com/big": "x".repeat(1024 * 1024) } } }),
    expected: problem("tf", "runnerPod.annotations", "<1 annotations, 1048591 bytes>", "annotations of at most 262144 bytes in total"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.labels",
    value: '{ [`${"a".repeat(336)}/x`]: "v" }',
    build: cr({ runnerPod: { labels: { [`${"a".repeat(336)}/x`]: "v" } } }),
    expected: problem(
      "tf",
      `runnerPod.labels["${"a".repeat(336)}/x"]`,
      `"${"a".repeat(336)}/x"`,
      "a key whose prefix (before '/') has at most 253 characters",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "vars",
    value: "{ count: NaN }",
    build: cr({ vars: { count: NaN } }),
    expected: problem("tf", "spec.vars[0].value", "NaN", "a finite number"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "vars",
    value: '{ settings: { "<<": "x" } }',
    build: cr({ vars: { settings: { "<<": "x" } } }),
    expected: problem("tf", "spec.vars[0].value key", '"<<"', 'any key but "<<"'),
  },
  {
    construct: "TerraformControllerCR",
    prop: "secretSuffix",
    value: '"s".repeat(64)',
    build: cr({ secretSuffix: "s".repeat(64) }),
    expected: problem(
      "tf",
      "secretSuffix",
      `"${"s".repeat(64)}"`,
      "at most 63 characters (the kubernetes backend labels its state Secret with it",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "workspace",
    value: '"w".repeat(64)',
    build: cr({ workspace: "w".repeat(64) }),
    expected: problem(
      "tf",
      "workspace",
      `"${"w".repeat(64)}"`,
      "at most 63 characters (the kubernetes backend labels its state Secret with it",
    ),
  },
  {
    construct: "TerraformControllerCR",
    prop: "interval",
    value: "Duration.hours(3e6)",
    build: cr({ interval: Duration.hours(3e6) }),
    expected: problem("tf", "interval", "<3000000h: over Go's longest duration, 2562047h47m16.854s>", DURATION_RULE),
  },
  {
    construct: "TerraformControllerCR",
    prop: "interval",
    value: "Duration.hours(1e25)",
    build: cr({ interval: Duration.hours(1e25) }),
    expected: problem("tf", "interval", "<1e+25h: over Go's longest duration, 2562047h47m16.854s>", DURATION_RULE),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.values",
    value: "{ replicas: Infinity }",
    build: bootstrap({ tofuController: { values: { replicas: Infinity } } }),
    expected: /^\[flux[^\]]*\] spec\.values\.replicas = Infinity: allowed is a finite number/,
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.chartVersion",
    value: '"0.16.5\\n"',
    build: bootstrap({ tofuController: { chartVersion: "0.16.5\n" } }),
    expected: problem("flux", "tofuController.chartVersion", '"0.16.5\\n"', "an exact chart version (0.16.5)"),
  },
  {
    construct: "FluxBootstrap",
    prop: "branch",
    value: '"a@{b}"',
    build: bootstrap({ branch: "a@{b}" }),
    expected: problem("flux", "branch", '"a@{b}"', "a Git branch name (no spaces or control characters"),
  },
  {
    construct: "GitRepositorySource",
    prop: "ref",
    value: 'GitRef.branch("feature/.hidden")',
    build: git({ ref: GitRef.branch("feature/.hidden") }),
    expected: problem("release", "ref", '"feature/.hidden"', "a Git branch name (no spaces or control characters"),
  },
  {
    construct: "GitRepositorySource",
    prop: "ref",
    value: 'GitRef.tag("v1.0.lock")',
    build: git({ ref: GitRef.tag("v1.0.lock") }),
    expected: problem("release", "ref", '"v1.0.lock"', "a Git tag name (no spaces or control characters"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeLabels",
    value: '{ [`${"a".repeat(336)}/x`]: "v" }',
    build: pool({ nodeLabels: { [`${"a".repeat(336)}/x`]: "v" } }),
    expected: problem(
      "infra/pool",
      `nodeLabels["${"a".repeat(336)}/x"]`,
      `"${"a".repeat(336)}/x"`,
      "a key whose prefix (before '/') has at most 253 characters",
    ),
  },
  {
    construct: "GuardedNodePool",
    prop: "tags",
    value: '"abc"',
    note: "a string (JavaScript)",
    build: pool({ tags: "abc" as never }),
    expected: problem("infra/pool", "tags", '"abc"', "an object of tag names to values"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeLabels",
    value: '["gpu"]',
    note: "an array (JavaScript)",
    build: pool({ nodeLabels: ["gpu"] as never }),
    expected: problem("infra/pool", "nodeLabels", '["gpu"]', "an object of label keys to values"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeTaints",
    value: "{}",
    note: "an object (JavaScript)",
    build: pool({ nodeTaints: {} as never }),
    expected: problem("infra/pool", "nodeTaints", "{}", "an array of { key, value?, effect } taints"),
  },
  {
    construct: "GuardedNodePool",
    prop: "nodeTaints",
    value: "[null]",
    note: "JavaScript",
    build: pool({ nodeTaints: [null] as never }),
    expected: problem("infra/pool", "nodeTaints", "[null]", "an array of { key, value?, effect } taints"),
  },
  {
    construct: "GuardedNodePool",
    prop: "spot",
    value: '"yes"',
    note: "a string (JavaScript)",
    build: pool({ spot: "yes" as never }),
    expected: problem("infra/pool", "spot", '"yes"', "an object { evictionPolicy?, maxPrice? }"),
  },
  {
    construct: "GuardedNodePool",
    prop: "upgradeSettings",
    value: "5",
    note: "a number (JavaScript)",
    build: pool({ upgradeSettings: 5 as never }),
    expected: problem("infra/pool", "upgradeSettings", "5", "an object { maxSurge?"),
  },
  {
    construct: "GuardedNodePool",
    prop: "guardrails",
    value: '"strict"',
    note: "a string (JavaScript)",
    build: pool({ guardrails: "strict" as never }),
    expected: problem("infra/pool", "guardrails", '"strict"', "an object { minCountFloor?"),
  },
  {
    construct: "GuardedNodePool",
    prop: "name",
    value: "undefined",
    note: "JavaScript",
    build: pool({ name: undefined as never }),
    expected: problem("infra/pool", "name", "(unset)", "a lower-case letter"),
  },
  {
    construct: "GuardedNodePool",
    prop: "tags",
    value: "a circular object",
    note: "JavaScript",
    build: pool(() => {
      const tags: Record<string, unknown> = {};
      tags.self = tags;
      return { tags: tags as never };
    }),
    expected: problem("infra/pool", 'tags["self"]', '{"self":"<circular reference>"}', "an Azure tag value"),
  },
  {
    construct: "InfrastructureStack",
    prop: "(props)",
    value: "undefined",
    note: "JavaScript",
    build: (app) => void new InfrastructureStack(app, "infra", undefined as never),
    expected: problem("infra", "subscriptionId", "(unset)", "a subscription GUID"),
  },
  // ---------------------------------------------------- #14 item 5: JavaScript callers of the constructs outside lib/azure
  {
    construct: "FluxBootstrap",
    prop: "clusterName",
    value: "undefined",
    note: "JavaScript: would be clusters/undefined/",
    build: bootstrap({ clusterName: undefined as never }),
    expected: problem("flux", "clusterName", "(unset)", "a DNS label"),
  },
  {
    construct: "FluxBootstrap",
    prop: "namespace",
    value: '"terraform"',
    note: "flux CLI mode: bootstrap's folder would be the Terraform objects' folder",
    build: bootstrap({ namespace: "terraform" }),
    expected: problem("flux", "namespace", '"terraform"', 'a namespace other than "tofu-controller" and "terraform" in flux CLI mode'),
  },
  {
    construct: "FluxBootstrap",
    prop: "namespace",
    value: '"tofu-controller"',
    note: "flux CLI mode",
    build: bootstrap({ namespace: "tofu-controller" }),
    expected: problem("flux", "namespace", '"tofu-controller"', 'a namespace other than "tofu-controller" and "terraform"'),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController",
    value: '"0.16.5"',
    note: "a string (JavaScript)",
    build: bootstrap({ tofuController: "0.16.5" as never }),
    expected: problem("flux", "tofuController", '"0.16.5"', "tofu-controller options: an object"),
  },
  {
    construct: "FluxBootstrap",
    prop: "tofuController.values",
    value: "a circular object",
    note: "JavaScript",
    build: (app) => {
      const values: Record<string, unknown> = { replicaCount: 1 };
      values.self = values;
      flux(app, { tofuController: { values } });
    },
    expected: problem("flux", 'tofuController.values["self"]', "<circular reference>", "data a file can hold"),
  },
  {
    construct: "FluxBootstrap",
    prop: "install",
    value: "FluxInstall.aksExtension(undefined)",
    note: "JavaScript",
    build: bootstrap({ install: FluxInstall.aksExtension(undefined as never) }),
    expected: problem("flux", "install", "(unset)", "the AKS extension settings"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "vars",
    value: '"abc"',
    note: "a string (JavaScript)",
    build: cr({ vars: "abc" as never }),
    expected: problem("tf", "vars", '"abc"', "an object of Terraform variable names and values"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "vars",
    value: '{ region: () => "westeurope" }',
    note: "a function (JavaScript)",
    build: cr({ vars: { region: (): string => "westeurope" } }),
    expected: problem("tf", 'vars["region"]', "<function region>", "data a file can hold"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "varsFrom",
    value: '{ kind: VarsFromKind.SECRET, name: "vars" }',
    note: "no array (JavaScript)",
    build: cr({ varsFrom: { kind: VarsFromKind.SECRET, name: "vars" } as never }),
    expected: problem("tf", "varsFrom", '{"kind":"Secret","name":"vars"}', "an array of { kind, name"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "dependsOn",
    value: '["network"]',
    note: "a name, not a TerraformControllerCR (JavaScript)",
    build: cr({ dependsOn: ["network"] as never }),
    expected: problem("tf", "dependsOn[0]", '"network"', "a TerraformControllerCR"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "runnerPod.tolerations",
    value: '{ key: "spot" }',
    note: "no array (JavaScript)",
    build: cr({ runnerPod: { tolerations: { key: "spot" } as never } }),
    expected: problem("tf", "runnerPod.tolerations", '{"key":"spot"}', "an array of objects"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "writeOutputsToSecret.outputs",
    value: '"endpoint"',
    note: "a string (JavaScript)",
    build: cr({ writeOutputsToSecret: { name: "outputs", outputs: "endpoint" as never } }),
    expected: problem("tf", "writeOutputsToSecret.outputs", '"endpoint"', "an array of output names"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "source",
    value: '"release"',
    note: "a name (JavaScript)",
    build: cr({ source: "release" as never }),
    expected: problem("tf", "source", '"release"', "a Flux source of the cluster"),
  },
  {
    construct: "GitRepositorySource",
    prop: "cluster",
    value: "undefined",
    note: "JavaScript",
    build: git({ cluster: undefined as never }),
    expected: problem("release", "cluster", "(unset)", "a FluxBootstrap"),
  },
  {
    construct: "OciRepositorySource",
    prop: "contentRoot",
    value: "5",
    note: "a number (JavaScript)",
    build: oci({ contentRoot: 5 as never }),
    expected: problem("artifact", "contentRoot", "5", "a repo folder"),
  },
  {
    construct: "FluxAlerts",
    prop: "terraformEvents",
    value: '"yes"',
    note: "a string (JavaScript)",
    build: alerts({ terraformEvents: "yes" as never }),
    expected: problem("flux/alerts", "terraformEvents", '"yes"', "true or false"),
  },
  {
    construct: "FluxAlerts",
    prop: "provider.secretName",
    value: "NotificationProvider.slack(undefined)",
    note: "JavaScript",
    build: (app) => void alerts({ provider: NotificationProvider.slack(undefined as never) })(app),
    expected: problem("flux/alerts", "provider.secretName", "(unset)", "the name of a Secret"),
  },
  {
    construct: "RunnerIdentity",
    prop: "cluster",
    value: "undefined",
    note: "JavaScript",
    build: (app) => void new RunnerIdentity(app, "runner", { tenantId: TENANT, clientId: CLIENT_ID } as never),
    expected: problem("runner", "cluster", "(unset)", "a FluxBootstrap"),
  },
  {
    construct: "PromotionOrder",
    prop: "stages",
    value: "{ dev, prod }",
    note: "an object, not an array (JavaScript)",
    build: (app) => void new PromotionOrder(app, "order", { stages: { dev: "aks-dev" } as never }),
    expected: problem("order", "stages", '{"dev":"aks-dev"}', "an array of FluxBootstrap"),
  },
  {
    construct: "GitOpsApp",
    prop: "log",
    value: '"console"',
    note: "a string (JavaScript)",
    appProps: () => ({ log: "console" as never }),
    build: (app) => void flux(app),
    expected: problem("app", "log", '"console"', "a function"),
  },
  // ------------------------------------------------------------ #17: drift alerts, quiet objects, promotion, org policy
  {
    construct: "TerraformControllerCR",
    prop: "retryBackoff",
    value: "RetryBackoff.exponential({ maxRetryInterval: Duration.hours(48) })",
    build: cr({ retryBackoff: RetryBackoff.exponential({ maxRetryInterval: Duration.hours(48) }) }),
    expected: problem("tf", "retryBackoff.maxRetryInterval", '"48h"', "at most 24h"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "retryBackoff",
    value: '"exponential"',
    note: "a string (JavaScript)",
    build: cr({ retryBackoff: "exponential" as never }),
    expected: problem("tf", "retryBackoff", '"exponential"', "RetryBackoff.exponential({ maxRetryInterval? }) or RetryBackoff.fixed()"),
  },
  {
    construct: "TerraformControllerCR",
    prop: "storeReadablePlan",
    value: '"pretty"',
    build: cr({ storeReadablePlan: "pretty" as ReadablePlan }),
    expected: problem("tf", "storeReadablePlan", '"pretty"', 'one of "none", "json", "human"'),
  },
  {
    construct: "TerraformControllerCR",
    prop: "suspend",
    value: '"yes"',
    note: "JavaScript",
    build: cr({ suspend: "yes" as never }),
    expected: problem("tf", "suspend", '"yes"', "true or false"),
  },
  {
    construct: "ObserveOnly",
    prop: "reason",
    value: '"incident"',
    build: (app) => {
      cr({})(app);
      ObserveOnly.cluster(app.node.findChild("flux") as FluxBootstrap, { reason: "incident" });
    },
    expected: problem("tf", "ObserveOnly.cluster(…).reason", '"incident"', "a reason of at least 10 characters"),
  },
  {
    construct: "FluxBootstrap",
    prop: "environment",
    value: '"prod env"',
    build: bootstrap({ environment: "prod env" }),
    expected: problem("flux", "environment", '"prod env"', "a label value, e.g. prod"),
  },
  {
    construct: "FluxAlerts",
    prop: "eventMetadata",
    value: '{ cluster: "prod" }',
    build: alerts({ eventMetadata: { cluster: "prod" } }),
    expected: problem("flux/alerts", "eventMetadata", '"cluster"', 'a key other than "cluster" and "environment"'),
  },
  {
    construct: "FluxAlerts",
    prop: "inclusionList",
    value: '["(?!Normal)"]',
    build: alerts({ inclusionList: ["(?!Normal)"] }),
    expected: problem("flux/alerts", "inclusionList[0]", '"(?!Normal)"', "a Go (RE2) regular expression on the event message"),
  },
  {
    construct: "FluxAlerts",
    prop: "driftAlert",
    value: '{ exclusionList: ["[batch"] }',
    build: alerts({ driftAlert: { exclusionList: ["[batch"] } }),
    expected: problem("flux/alerts", "driftAlert.exclusionList[0]", '"[batch"', "a Go (RE2) regular expression on the event message"),
  },
  {
    construct: "FluxAlerts",
    prop: "approvalAlert",
    value: '"yes"',
    note: "JavaScript",
    build: alerts({ approvalAlert: "yes" as never }),
    expected: problem("flux/alerts", "approvalAlert", '"yes"', "true or false"),
  },
  {
    construct: "PromotionOrder",
    prop: "stages",
    value: "[dev, prod]",
    note: "a stack per cluster, prod from main like dev",
    build: (app) => {
      const dev = flux(app, {}, "dev");
      const prod = flux(app, { clusterName: "aks-prod" }, "prod");
      dev.addTerraform("infra", { stack: stack(app, "dev-infra"), approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
      prod.addTerraform("infra", { stack: stack(app, "prod-infra"), approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
      new PromotionOrder(app, "promotion", { stages: [dev, prod] });
    },
    expected: problem(
      "promotion",
      "stages[1] (aks-prod)",
      '"prod/infra"',
      "a stage that applies infrastructure/prod-infra from a ref of its own",
    ),
  },
  {
    construct: "PromotionOrder",
    prop: "promoteManifests",
    value: "true",
    note: "prod's manifests on dev's branch",
    build: (app) => {
      const dev = flux(app, {}, "dev");
      const prod = flux(app, { clusterName: "aks-prod" }, "prod");
      new PromotionOrder(app, "promotion", { stages: [dev, prod], promoteManifests: true });
    },
    expected: problem("promotion", "stages[1] (aks-prod)", '"main"', "a branch of its own (FluxBootstrap branch)"),
  },
  {
    construct: "PromotionOrder",
    prop: "environments",
    value: '["dev"]',
    build: (app) =>
      void new PromotionOrder(app, "promotion", {
        stages: [flux(app, {}, "dev"), flux(app, { clusterName: "aks-prod" }, "prod")],
        environments: ["dev"],
      }),
    expected: problem("promotion", "environments", '["dev"]', "one environment per stage (2)"),
  },
  {
    construct: "GitOpsChecks",
    prop: "allowedVmSizes",
    value: "[]",
    build: (app) => {
      stack(app);
      PolicyPack.applyTo(app, new GitOpsChecks({ allowedVmSizes: [] }));
    },
    expected: problem("app", "GitOps allowedVmSizes", "[]", "a non-empty array of VM size names"),
  },
  {
    construct: "GitOpsChecks",
    prop: "maxCountCeiling",
    value: "1001",
    build: (app) => {
      stack(app);
      PolicyPack.applyTo(app, new GitOpsChecks({ maxCountCeiling: 1001 }));
    },
    expected: problem("app", "GitOps maxCountCeiling", "1001", "an integer from 1 to 1000"),
  },
  {
    construct: "GitOpsChecks",
    prop: "(how it is added)",
    value: "Aspects.of(app).add(new GitOpsChecks())",
    build: (app) => {
      stack(app);
      Aspects.of(app).add(new GitOpsChecks());
    },
    expected: problem("app", "Aspects.of(app).add(…)", "<policy pack GitOps>", "PolicyPack.applyTo(app, pack) instead"),
  },
  // ---------------------------------------------------------------- #15: cdktn's future flag, one core per app
  {
    construct: "GitOpsApp",
    prop: "construct outside a TerraformStack",
    value: 'new Construct(app, "stray")',
    note: `${FAIL_ON_CONSTRUCTS_OUTSIDE_OF_STACKS} on`,
    appProps: () => ({ context: { [FAIL_ON_CONSTRUCTS_OUTSIDE_OF_STACKS]: "true" } }),
    build: (app) => {
      flux(app);
      new Construct(app, "stray");
    },
    expected: problem("app", "construct outside a TerraformStack", '"stray (Construct)"', "a TerraformStack, or a construct that writes"),
  },
  {
    construct: "GitOpsApp",
    prop: "construct",
    value: "a TerraformStack of the other core",
    build: (app) => otherCoreStack(app, "legacy"),
    expected: problem(
      "legacy",
      "construct",
      `LegacyStack (${OTHER_CORE}.TerraformStack, built on ${OTHER_CORE})`,
      `a construct built on ${LIBRARY_CORE}, the core of this app`,
    ),
    cdktnFlavour: "the same message with the cores swapped: a cdktf stack in a cdktn app, `Install cdktn …`",
  },
];

/** What one row's synth did: the problems it reported (or none), and where it would have written. */
export interface RowRun {
  readonly dir: string;
  readonly repo: string;
  readonly outdir: string;
  /** The error thrown by synth, if any. */
  readonly error?: Error;
  /** The problem lines of a GitOpsSynthError (empty if synth did not throw one). */
  readonly problems: readonly string[];
  /** The repo's files before the row's synth (empty unless the row has a committed app). */
  readonly committedFiles: readonly string[];
}

/**
 * Synthesizes one row into a fresh temp dir (`<dir>/repo`, `<dir>/cdktf.out`). The caller removes `dir`.
 */
export function runRow(row: BadInputRow): RowRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-"));
  const repo = path.join(dir, "repo");
  const outdir = path.join(dir, "cdktf.out");
  let error: Error | undefined;
  if (row.committed) {
    const first = new GitOpsApp({ outdir: path.join(dir, "cdktf.out-committed"), gitopsRoot: repo, log: () => {}, stackTraces: false });
    row.committed(first);
    first.synth();
  }
  const committedFiles = listFiles(repo);
  try {
    const app = new GitOpsApp({ outdir, gitopsRoot: repo, log: () => {}, stackTraces: false, ...(row.appProps?.(dir) ?? {}) });
    row.build(app);
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  const problems = error instanceof GitOpsSynthError ? [...error.problems] : [];
  return { dir, repo, outdir, error, problems, committedFiles };
}

/** A row's title in tests and in the table. */
export function rowTitle(r: BadInputRow): string {
  return `${r.construct} ${r.prop} = ${r.value}${r.note ? ` (${r.note})` : ""}`;
}
