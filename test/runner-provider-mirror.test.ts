/**
 * The claims of docs/controller-operations.md about a pre-baked provider, checked where they can be checked offline:
 * the library keeps a committed `.terraform.lock.hcl` beside the stack; and, where terraform is on the PATH, the
 * environment the library writes for `RunnerProviderInstallation.cliConfigFile` makes `init -upgrade` (the runner's
 * init, upgradeOnInit) install the stack's pinned azurerm from a filesystem mirror with no registry and no lock file,
 * a lock file binds the mirror's package to its checksum, and a plugin cache alone still needs the registry.
 *
 * The provider package is a stand-in (a script named like the provider binary: init installs, it never runs it), so
 * no provider is downloaded. terraform 1.11 stands in for the runner's OpenTofu, whose provider installer is the
 * same code (forked at 1.6, internal/providercache); with tofu the mirror's host folder is registry.opentofu.org.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { ApprovalMode, FluxBootstrap, InfrastructureStack, RunnerProviderInstallation } from "../lib";
import { synthGitOpsFiles, testApp } from "../lib/testing";
import { cleanupTempDirs, newApp, RUNNER_CREDENTIALS, SUBSCRIPTION, tempDir, workspace } from "./helpers";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";

test("a .terraform.lock.hcl committed beside a stack's main.tf.json is kept byte for byte by every synth", () => {
  const ws = workspace();
  const build = () => {
    const app = newApp(ws);
    const stack = new InfrastructureStack(app, "pools", { subscriptionId: SUBSCRIPTION });
    new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO }).addTerraform("pools", {
      stack,
      approval: ApprovalMode.AUTO,
      runnerPod: RUNNER_CREDENTIALS,
    });
    return app;
  };
  build().synth();
  const lock = path.join(ws.repo, "infrastructure/pools/.terraform.lock.hcl");
  const text = '# made where the registry is reachable\nprovider "registry.opentofu.org/hashicorp/azurerm" {\n  version = "4.55.0"\n}\n';
  fs.writeFileSync(lock, text);
  const app = build();
  app.synth();
  expect(fs.readFileSync(lock, "utf8")).toBe(text);
  expect(JSON.parse(fs.readFileSync(path.join(ws.repo, ".gitops-generated.json"), "utf8")).files).not.toHaveProperty(
    "infrastructure/pools/.terraform.lock.hcl",
  );
});

function terraformBinary(): string | undefined {
  const run = spawnSync("terraform", ["version"], { encoding: "utf8" });
  return run.status === 0 ? "terraform" : undefined;
}

const terraform = terraformBinary();
if (!terraform) console.warn("terraform is not on the PATH: the provider mirror checks of runner-provider-mirror.test.ts are skipped");

(terraform ? describe : describe.skip)("init with the runner's provider installation (terraform stand-in for tofu)", () => {
  /** The stack's main.tf.json and the runner env of its Terraform object, as the library writes them. */
  function generated(cliConfig: string): { mainTf: string; env: Record<string, string>; version: string } {
    const app = testApp();
    const stack = new InfrastructureStack(app, "pools", { subscriptionId: SUBSCRIPTION });
    new FluxBootstrap(app, "flux", { clusterName: "aks-dev", repositoryUrl: REPO }).addTerraform("pools", {
      stack,
      approval: ApprovalMode.AUTO,
      runnerPod: { ...RUNNER_CREDENTIALS, providerInstallation: RunnerProviderInstallation.cliConfigFile(cliConfig) },
    });
    const files = synthGitOpsFiles(app);
    const tf = parseAllDocuments(files["clusters/aks-dev/terraform/pools.yaml"])[0].toJS();
    const env = Object.fromEntries((tf.spec.runnerPodTemplate.spec.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    const mainTf = files["infrastructure/pools/main.tf.json"];
    return { mainTf, env, version: JSON.parse(mainTf).terraform.required_providers.azurerm.version };
  }

  /** A filesystem mirror (unpacked layout) holding a stand-in azurerm package of `version` for this platform. */
  function mirror(root: string, host: string, version: string): void {
    const platform = `${process.platform === "darwin" ? "darwin" : "linux"}_${process.arch === "arm64" ? "arm64" : "amd64"}`;
    const dir = path.join(root, host, "hashicorp/azurerm", version, platform);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `terraform-provider-azurerm_v${version}_x5`), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  }

  function init(dir: string, extraEnv: Record<string, string>, upgrade = true): { status: number | null; output: string } {
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", ...extraEnv };
    if (!("TF_CLI_CONFIG_FILE" in extraEnv)) delete env.TF_CLI_CONFIG_FILE;
    const args = ["init", ...(upgrade ? ["-upgrade"] : []), "-backend=false", "-input=false", "-no-color"];
    const run = spawnSync(terraform!, args, { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}`.replace(/\s+/g, " ") }; // terraform wraps its messages
  }

  test("the mirror's CLI configuration: init -upgrade installs the pinned azurerm without a registry or a lock file; a lock binds it", () => {
    const base = tempDir();
    const cliConfig = path.join(base, "mirror.tfrc");
    const { mainTf, env, version } = generated(cliConfig);
    expect(Object.keys(env)).toEqual(["TF_CLI_CONFIG_FILE"]);
    mirror(path.join(base, "providers"), "registry.terraform.io", version);
    // The docs' mirror.tfrc, with the mirror's path here; `direct` excludes azurerm: no registry is ever asked.
    fs.writeFileSync(
      cliConfig,
      [
        "provider_installation {",
        "  filesystem_mirror {",
        `    path    = ${JSON.stringify(path.join(base, "providers"))}`,
        '    include = ["registry.terraform.io/hashicorp/azurerm"]',
        "  }",
        "  direct {",
        '    exclude = ["registry.terraform.io/hashicorp/azurerm"]',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    const work = path.join(base, "work");
    fs.mkdirSync(work);
    fs.writeFileSync(path.join(work, "main.tf.json"), mainTf);
    const first = init(work, env);
    expect(first.output).toContain(`Installed hashicorp/azurerm v${version}`);
    expect(first.status).toBe(0);
    const lock = fs.readFileSync(path.join(work, ".terraform.lock.hcl"), "utf8");
    expect(lock).toMatch(
      new RegExp(`provider "registry.terraform.io/hashicorp/azurerm" \\{\\s+version\\s+= "${version.replace(/\./g, "\\.")}"`),
    );

    // A committed lock whose checksum is not the mirror's package: refused, -upgrade or not.
    for (const upgrade of [true, false]) {
      const again = path.join(base, `work-${upgrade}`);
      fs.mkdirSync(again);
      fs.writeFileSync(path.join(again, "main.tf.json"), mainTf);
      fs.writeFileSync(path.join(again, ".terraform.lock.hcl"), lock.replace(/"h1:[^"]+"/, `"h1:${"A".repeat(43)}="`));
      const refused = init(again, env, upgrade);
      expect(refused.status).not.toBe(0);
      expect(refused.output).toContain("doesn't match any of the checksums previously recorded in the dependency lock file");
    }
  });

  test("a plugin cache alone still asks the registry which versions exist, with or without a lock file", () => {
    const base = tempDir();
    // A registry host that never resolves (.invalid), so the check is the same with or without a network.
    const host = "registry.example.invalid";
    mirror(path.join(base, "cache"), host, "4.55.0");
    const work = path.join(base, "work");
    fs.mkdirSync(work);
    fs.writeFileSync(
      path.join(work, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: { azurerm: { source: `${host}/hashicorp/azurerm`, version: "4.55.0" } } } }),
    );
    const cache = { TF_PLUGIN_CACHE_DIR: path.join(base, "cache") };
    const withoutLock = init(work, cache);
    expect(withoutLock.status).not.toBe(0);
    expect(withoutLock.output).toContain(`could not connect to ${host}`);
    fs.writeFileSync(
      path.join(work, ".terraform.lock.hcl"),
      `provider "${host}/hashicorp/azurerm" {\n  version     = "4.55.0"\n  constraints = "4.55.0"\n}\n`,
    );
    for (const upgrade of [true, false]) {
      const withLock = init(work, cache, upgrade);
      expect(withLock.status).not.toBe(0);
      expect(withLock.output).toContain(`could not connect to ${host}`);
    }
  });
});
