/**
 * Typed settings of the AKS `microsoft.flux` extension (issue #18 item 4): what lands in the bootstrap stack's
 * `azurerm_kubernetes_cluster_extension` (configuration_settings as sorted strings, release_train, protected settings
 * by variable only), and the refusals that depend on the rest of the cluster (controllers the library's objects need,
 * release train with a pinned version, cross-namespace sources under enforced multi-tenancy).
 */
import {
  AksFluxExtensionOptions,
  Duration,
  FluxAgentLogLevel,
  FluxBootstrap,
  FluxControllerLogLevel,
  FluxExtensionReleaseTrain,
  FluxExtensionSecret,
  FluxExtensionSettings,
  FluxInstall,
  GitOpsApp,
  GitRef,
  GitRepositorySource,
  NotificationProvider,
  SshHostKeyAlgorithm,
} from "../lib";
import { validateTree } from "../lib/synth/validate-tree";
import { cleanupTempDirs, newApp, readText, SUBSCRIPTION, workspace } from "./helpers";
import { Parsed } from "./parsed";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";
const AKS: AksFluxExtensionOptions = { subscriptionId: SUBSCRIPTION, clusterName: "aks-dev", resourceGroupName: "rg-dev" };
const CLIENT_ID = "11111111-2222-3333-4444-555555555555";

function cluster(a: GitOpsApp, settings?: FluxExtensionSettings, options: Partial<AksFluxExtensionOptions> = {}): FluxBootstrap {
  return new FluxBootstrap(a, "flux", {
    clusterName: "aks-dev",
    repositoryUrl: REPO,
    install: FluxInstall.aksExtension({ ...AKS, ...options, settings }),
  });
}

/** The bootstrap stack, as a full synth (every tree check, the secret scan included) writes it with these settings. */
function bootstrapStack(settings?: FluxExtensionSettings, options: Partial<AksFluxExtensionOptions> = {}): Parsed {
  const ws = workspace();
  const a = newApp(ws);
  cluster(a, settings, options);
  a.synth();
  return JSON.parse(readText(ws.repo, "bootstrap/aks-dev/main.tf.json"));
}

function extensionOf(tf: Parsed): Parsed {
  return tf.resource.azurerm_kubernetes_cluster_extension["flux-extension"];
}

function problems(build: (a: GitOpsApp) => void): string[] {
  const a = newApp(workspace());
  build(a);
  return validateTree(a);
}

describe("the rendered extension", () => {
  test("without settings nothing is written: no configuration_settings, no release_train, no protected settings, no variable", () => {
    const tf = bootstrapStack();
    const ext = extensionOf(tf);
    for (const attr of ["configuration_settings", "configuration_protected_settings", "release_train"])
      expect(ext).not.toHaveProperty(attr);
    expect(tf).not.toHaveProperty("variable");
    // An empty settings object writes the same.
    expect(bootstrapStack({})).toEqual(tf);
  });

  test("every typed setting becomes its documented key, as a string, keys in sorted order", () => {
    const ext = extensionOf(
      bootstrapStack({
        releaseTrain: FluxExtensionReleaseTrain.PREVIEW,
        multiTenancy: false,
        workloadIdentity: { clientId: CLIENT_ID },
        setKubeServiceHostFqdn: true,
        fluxConfigAgentLogLevel: FluxAgentLogLevel.ERROR,
        fluxConfigControllerLogLevel: FluxAgentLogLevel.INFO,
        sourceController: {
          logLevel: FluxControllerLogLevel.DEBUG,
          resources: { limits: { memory: "2Gi" }, requests: { memory: "300Mi", cpu: "100m" } },
          sshHostKeyAlgorithms: [SshHostKeyAlgorithm.RSA_SHA2_512, SshHostKeyAlgorithm.RSA_SHA2_256],
        },
        kustomizeController: {
          enabled: true,
          strictSubstitution: true,
          concurrent: 6,
          requeueDependency: Duration.seconds(50),
          inMemoryBuild: true,
          resources: { limits: { cpu: "2000m" } },
        },
        helmController: { detectDrift: true, outOfMemoryWatch: { memoryThresholdPercent: 70, interval: Duration.millis(700) } },
        notificationController: { enabled: false },
        imageReflectorController: { enabled: true },
        imageAutomationController: { enabled: true, sshHostKeyAlgorithms: [SshHostKeyAlgorithm.RSA_SHA2_512] },
        additionalSettings: { "example.untyped-setting": "on" },
      }),
    );
    expect(ext.release_train).toBe("Preview");
    expect(ext.configuration_settings).toEqual({
      "example.untyped-setting": "on",
      "fluxconfig-agent.log-level": "error",
      "fluxconfig-controller.log-level": "info",
      "helm-controller.detectDrift": "true",
      "helm-controller.outOfMemoryWatch.enabled": "true",
      "helm-controller.outOfMemoryWatch.interval": "700ms",
      "helm-controller.outOfMemoryWatch.memoryThreshold": "70",
      "image-automation-controller.enabled": "true",
      "image-automation-controller.ssh-host-key-args": "--ssh-hostkey-algos=rsa-sha2-512",
      "image-reflector-controller.enabled": "true",
      "kustomize-controller.concurrent": "6",
      "kustomize-controller.enable-in-memory-build": "true",
      "kustomize-controller.enabled": "true",
      "kustomize-controller.requeue-dependency": "50s",
      "kustomize-controller.resources.limits.cpu": "2000m",
      "kustomize-controller.strict-substitution-mode": "true",
      "multiTenancy.enforce": "false",
      "notification-controller.enabled": "false",
      setKubeServiceHostFqdn: "true",
      "source-controller.log-level": "debug",
      "source-controller.resources.limits.memory": "2Gi",
      "source-controller.resources.requests.cpu": "100m",
      "source-controller.resources.requests.memory": "300Mi",
      "source-controller.ssh-host-key-args": "--ssh-hostkey-algos=rsa-sha2-512,rsa-sha2-256",
      "workloadIdentity.azureClientId": CLIENT_ID,
      "workloadIdentity.enable": "true",
    });
    const keys = Object.keys(ext.configuration_settings);
    expect(keys).toEqual([...keys].sort());
  });

  test("key order does not depend on the order the settings were given in", () => {
    const one = bootstrapStack({ additionalSettings: { "z.setting": "1", "a.setting": "2" }, useKubeletIdentity: true });
    const two = bootstrapStack({ useKubeletIdentity: true, additionalSettings: { "a.setting": "2", "z.setting": "1" } });
    expect(JSON.stringify(one)).toBe(JSON.stringify(two));
    expect(Object.keys(extensionOf(one).configuration_settings)).toEqual(["a.setting", "useKubeletIdentity", "z.setting"]);
  });

  test("a `${` in a setting is escaped, so Terraform passes the text as written", () => {
    const ext = extensionOf(bootstrapStack({ additionalSettings: { "example.template": "a${b}" } }));
    expect(ext.configuration_settings["example.template"]).toBe("a$${b}");
  });

  test("the secret scan lets the SSH host key flag through (known algorithm names only), not a random value under a key name", () => {
    const ws = workspace();
    const a = newApp(ws);
    cluster(a, { additionalSettings: { "example.signing-key": "--ssh-hostkey-algos=q8Zr3kT9xLm2Vb7N" } });
    expect(() => a.synth()).toThrow(/a random-looking literal value for example\.signing-key/);
  });

  test("protected settings are references to sensitive variables only: the value is never in the stack", () => {
    const tf = bootstrapStack({
      protectedSettings: {
        "example.proxyPassword": FluxExtensionSecret.fromVariable("flux_proxy_password"),
        "example.otherPassword": FluxExtensionSecret.fromVariable("flux_proxy_password"),
      },
    });
    expect(extensionOf(tf).configuration_protected_settings).toEqual({
      "example.otherPassword": "${var.flux_proxy_password}",
      "example.proxyPassword": "${var.flux_proxy_password}",
    });
    expect(Object.keys(tf.variable)).toEqual(["flux_proxy_password"]);
    expect(tf.variable.flux_proxy_password).toMatchObject({ type: "string", sensitive: true, nullable: false });
  });
});

describe("refusals that depend on the cluster", () => {
  test.each([
    ["sourceController", "need source-controller"],
    ["kustomizeController", "kustomize-controller does that"],
    ["helmController", "clusters/aks-dev/tofu-controller/helm-release.yaml, which helm-controller reconciles"],
  ] as const)("disabling %s is refused, naming what needs it", (prop, needs) => {
    const found = problems((a) => cluster(a, { [prop]: { enabled: false } }));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`[flux] install.settings.${prop}.enabled = false: allowed is true or unset: `);
    expect(found[0]).toContain(needs);
  });

  test("notification-controller may be disabled, unless the cluster has alerts", () => {
    expect(problems((a) => cluster(a, { notificationController: { enabled: false } }))).toEqual([]);
    const found = problems((a) =>
      cluster(a, { notificationController: { enabled: false } }).addAlerts("alerts", {
        provider: NotificationProvider.msteams({ secretName: "teams-webhook" }),
      }),
    );
    expect(found).toEqual([
      "[flux] install.settings.notificationController.enabled = false: allowed is true or unset: the alerts flux/alerts " +
        "(clusters/aks-dev/notifications.yaml) are sent by notification-controller",
    ]);
  });

  test("a release train with a pinned extensionVersion is refused (azurerm: ConflictsWith); each alone is fine", () => {
    const train = { releaseTrain: FluxExtensionReleaseTrain.STABLE };
    expect(problems((a) => cluster(a, train, { extensionVersion: "1.24.1" }))).toEqual([
      '[flux] install.settings.releaseTrain = "Stable": allowed is unset with a pinned extensionVersion (1.24.1): azurerm refuses ' +
        "release_train with version (ConflictsWith, kubernetes_cluster_extension_resource.go:176@v4.55.0)",
    ]);
    expect(extensionOf(bootstrapStack(train)).release_train).toBe("Stable");
    expect(extensionOf(bootstrapStack(undefined, { extensionVersion: "1.24.1" }))).not.toHaveProperty("release_train");
  });

  test("under enforced multi-tenancy (the default) a FluxKustomization's source must be in the cluster's namespace", () => {
    const withSource = (a: GitOpsApp, flux: FluxBootstrap): void => {
      const apps = new GitRepositorySource(a, "apps", { cluster: flux, namespace: "apps", ref: GitRef.branch("main") });
      flux.addKustomization("apps", { name: "apps", path: "./apps/dev", source: apps });
    };
    expect(problems((a) => withSource(a, cluster(a)))).toEqual([
      '[flux/apps] source = "apps/apps": allowed is a source in the cluster\'s namespace flux-system: the microsoft.flux extension ' +
        "enforces multi-tenancy, which refuses cross-namespace sourceRefs (settings.multiTenancy)",
    ]);
    expect(problems((a) => withSource(a, cluster(a, { multiTenancy: false })))).toEqual([]);
    // flux CLI mode: Flux's own default allows cross-namespace references.
    expect(
      problems((a) =>
        withSource(a, new FluxBootstrap(a, "flux", { clusterName: "aks-dev", repositoryUrl: REPO, install: FluxInstall.cli() })),
      ),
    ).toEqual([]);
  });

  test("a JavaScript caller's garbage in every field is reported, one message each, never a TypeError", () => {
    const garbage = {
      releaseTrain: 3,
      multiTenancy: "no",
      workloadIdentity: 5,
      sourceController: "off",
      kustomizeController: { resources: "2Gi" },
      helmController: { outOfMemoryWatch: 70 },
      imageAutomationController: { enabled: true, sshHostKeyAlgorithms: "rsa-sha2-512" },
      imageReflectorController: { enabled: true },
      additionalSettings: ["a=b"],
      protectedSettings: "hunter2-not-real",
    };
    const found = problems((a) => cluster(a, garbage as unknown as FluxExtensionSettings));
    expect(found.map((p) => /^\[flux\] install\.settings\.([^ ]+) =/.exec(p)?.[1])).toEqual([
      "releaseTrain",
      "multiTenancy",
      "workloadIdentity",
      "sourceController",
      "kustomizeController.resources",
      "helmController.outOfMemoryWatch",
      "imageAutomationController.sshHostKeyAlgorithms",
      "additionalSettings",
      "protectedSettings",
    ]);
    expect(found.join("\n")).not.toContain("hunter2");
  });

  test("all problems at once, nothing rendered: three mistakes, three messages", () => {
    const found = problems((a) =>
      cluster(a, {
        helmController: { enabled: false },
        useKubeletIdentity: true,
        workloadIdentity: { clientId: CLIENT_ID },
        additionalSettings: { "multiTenancy.enforce": "false" },
      }),
    );
    expect(found).toHaveLength(3);
  });
});

describe("changes to a committed extension", () => {
  /** Synthesizes `first`, then `second`, into the same repo; the second synth's error, if any. */
  function secondSynth(first?: FluxExtensionSettings, second?: FluxExtensionSettings): string | undefined {
    const ws = workspace();
    const committed = newApp(ws);
    cluster(committed, first);
    committed.synth();
    const a = newApp(ws);
    cluster(a, second);
    try {
      a.synth();
      return undefined;
    } catch (e) {
      return String(e);
    }
  }

  test("a changed setting is in place: the second synth goes through", () => {
    expect(secondSynth(undefined, { multiTenancy: false, helmController: { detectDrift: true } })).toBeUndefined();
  });

  test("setting a release train replaces the extension (ForceNew): refused until acknowledged", () => {
    expect(secondSynth(undefined, { releaseTrain: FluxExtensionReleaseTrain.PREVIEW })).toContain(
      "azurerm_kubernetes_cluster_extension.flux-extension in bootstrap/aks-dev would be replaced (destroyed and created again) " +
        'because release_train: undefined → "Preview"',
    );
  });
});
