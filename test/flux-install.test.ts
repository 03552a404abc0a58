/**
 * The install modes as values (`install: FluxInstall.cli(…)` / `.aksExtension(…)`), the typed tofu-controller
 * version, the interfaces the constructs take instead of FluxBootstrap, and the registry they are listed in.
 */
import {
  AksExtensionInstall,
  ApprovalMode,
  FluxBootstrap,
  FluxBootstrapProps,
  FluxCliInstall,
  FluxInstall,
  FluxInstallMode,
  GitOpsApp,
  GitRef,
  GitRepositorySource,
  InfrastructureStack,
  isTerraformCluster,
  ITerraformCluster,
  TerraformControllerCR,
  TofuControllerVersion,
} from "../lib";
import { Registry } from "../lib/core/registry";
import { validateTree } from "../lib/synth/validate-tree";
import { cleanupTempDirs, newApp, RUNNER_CREDENTIALS, SUBSCRIPTION, workspace } from "./helpers";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example-org/gitops.git";
const AKS = { subscriptionId: SUBSCRIPTION, clusterName: "aks-dev", resourceGroupName: "rg-dev", localAuthReference: "git-auth" };
const BACKEND = { resourceGroupName: "rg-tf", storageAccountName: "sttfstate", containerName: "tfstate", key: "bootstrap/aks-dev.tfstate" };

/** path → rendered bytes of every generated file of an app with one bootstrap (and a Terraform object on it). */
function bytesOf(props: Partial<FluxBootstrapProps>): Map<string, string> {
  const a = newApp(workspace());
  const flux = new FluxBootstrap(a, "flux", { clusterName: "aks-dev", repositoryUrl: REPO, ...props });
  flux.addTerraform("pools", {
    stack: new InfrastructureStack(a, "pools", { subscriptionId: SUBSCRIPTION }),
    approval: ApprovalMode.AUTO,
    runnerPod: RUNNER_CREDENTIALS,
  });
  expect(validateTree(a)).toEqual([]);
  return new Map(a.renderGitOpsFiles().map((f) => [f.path, f.bytes.toString("utf8")]));
}

function problems(props: Partial<FluxBootstrapProps>): string[] {
  const a = newApp(workspace());
  new FluxBootstrap(a, "flux", { clusterName: "aks-dev", repositoryUrl: REPO, ...props });
  return validateTree(a);
}

describe("install: the mode as a value", () => {
  test("FluxInstall.cli() writes exactly what the default (mode FLUX_CLI) writes, state backend included", () => {
    expect(bytesOf({ install: FluxInstall.cli() })).toEqual(bytesOf({}));
    expect(bytesOf({ install: FluxInstall.cli({ stateBackend: BACKEND }) })).toEqual(bytesOf({ bootstrapStateBackend: BACKEND }));
  });

  test("FluxInstall.aksExtension(o) writes exactly what mode AKS_EXTENSION with aksExtension: o writes (bootstrap stack included)", () => {
    const legacy = bytesOf({ mode: FluxInstallMode.AKS_EXTENSION, aksExtension: AKS });
    expect(legacy.has("bootstrap/aks-dev/main.tf.json")).toBe(true);
    expect(bytesOf({ install: FluxInstall.aksExtension(AKS) })).toEqual(legacy);
  });

  test("the bootstrap reports the install's mode, instructions and escape hatches", () => {
    const a = newApp(workspace());
    const aks = new FluxBootstrap(a, "aks", { clusterName: "aks-dev", repositoryUrl: REPO, install: FluxInstall.aksExtension(AKS) });
    const cli = new FluxBootstrap(a, "cli", { clusterName: "aks-prod", repositoryUrl: REPO, install: FluxInstall.cli() });
    expect(aks.mode).toBe(FluxInstallMode.AKS_EXTENSION);
    expect(aks.extensionStack?.repoPath).toBe("bootstrap/aks-dev");
    expect(aks.gitCredentialsSecret).toBe("git-auth");
    expect(aks.bootstrapInstructions).toBe("tofu -chdir=bootstrap/aks-dev init && tofu -chdir=bootstrap/aks-dev apply");
    expect(cli.mode).toBe(FluxInstallMode.FLUX_CLI);
    expect(cli.extensionStack).toBeUndefined();
    expect(cli.gitCredentialsSecret).toBe("flux-system");
    // An HTTPS repo needs --token-auth, else bootstrap switches the sync to SSH (flux2 v2.9 cmd/flux/bootstrap_git.go).
    expect(cli.bootstrapInstructions).toMatch(
      /^flux bootstrap git --url=https:\S+ --branch=main --path=\.\/clusters\/aks-prod --interval=1m --token-auth=true --username="\$GIT_USERNAME" --password="\$GIT_PASSWORD"$/,
    );
    const ssh = new FluxBootstrap(a, "ssh", { clusterName: "aks-ssh", repositoryUrl: "ssh://git@github.com/example-org/gitops.git" });
    expect(ssh.bootstrapInstructions).toBe(
      "flux bootstrap git --url=ssh://git@github.com/example-org/gitops.git --branch=main --path=./clusters/aks-ssh --interval=1m",
    );
    expect(FluxInstall.cli()).toBeInstanceOf(FluxCliInstall);
    expect(FluxInstall.aksExtension(AKS)).toBeInstanceOf(AksExtensionInstall);
  });

  test("one install value given to two bootstraps: each binds its own extension stack", () => {
    const a = newApp(workspace());
    const install = FluxInstall.aksExtension(AKS);
    const dev = new FluxBootstrap(a, "dev", { clusterName: "aks-dev", repositoryUrl: REPO, install });
    const prod = new FluxBootstrap(a, "prod", { clusterName: "aks-prod", repositoryUrl: REPO, install });
    expect(dev.extensionStack).toBeDefined();
    expect(prod.extensionStack).not.toBe(dev.extensionStack);
    expect(prod.extensionStack?.repoPath).toBe("bootstrap/aks-prod");
  });

  test("install together with mode, aksExtension or bootstrapStateBackend: one problem each, naming the prop", () => {
    const got = problems({
      install: FluxInstall.cli(),
      mode: FluxInstallMode.FLUX_CLI,
      aksExtension: AKS,
      bootstrapStateBackend: BACKEND,
    });
    expect(got).toEqual(
      ["mode", "aksExtension", "bootstrapStateBackend"].map((p) =>
        expect.stringMatching(new RegExp(`^\\[flux\\] ${p} = <set>: allowed is unset when install is given`)),
      ),
    );
  });

  test("an install's settings are checked under install.*; a value that is no install is refused", () => {
    expect(problems({ install: FluxInstall.aksExtension({ ...AKS, subscriptionId: "nope" }) })).toEqual([
      expect.stringMatching(/^\[flux\] install\.subscriptionId = "nope": allowed is a subscription GUID/),
    ]);
    expect(problems({ install: FluxInstall.cli({ stateBackend: { ...BACKEND, storageAccountName: "No" } }) })).toEqual([
      expect.stringMatching(/^\[flux\] install\.stateBackend\.storageAccountName = "No": allowed is a storage account name/),
    ]);
    expect(problems({ install: "aks" as never })).toEqual([
      expect.stringMatching(/^\[flux\] install = "aks": allowed is FluxInstall\.cli\(…\) or FluxInstall\.aksExtension\(…\)/),
    ]);
    // Not by shape: an object with the members of an install is not one.
    const lookalike = { mode: FluxInstallMode.FLUX_CLI, _bind: (context: never) => FluxInstall.cli()._bind(context) };
    expect(problems({ install: lookalike })).toEqual([
      expect.stringMatching(/^\[flux\] install = .*: allowed is FluxInstall\.cli\(…\) or FluxInstall\.aksExtension\(…\)/),
    ]);
  });
});

describe("what a source asks of the install, not of the mode", () => {
  test("a git@host:path cluster URL (the AKS extension takes it) is refused for a GitRepositorySource using it, also without aksExtension", () => {
    for (const props of [
      { install: FluxInstall.aksExtension(AKS) },
      { mode: FluxInstallMode.AKS_EXTENSION, aksExtension: AKS },
      { mode: FluxInstallMode.AKS_EXTENSION },
    ]) {
      const a = newApp(workspace());
      const flux = new FluxBootstrap(a, "flux", { clusterName: "aks-dev", repositoryUrl: "git@github.com:org/gitops.git", ...props });
      new GitRepositorySource(a, "release", { cluster: flux, ref: GitRef.branch("release") });
      const got = validateTree(a);
      expect(got).toContainEqual(
        expect.stringMatching(/^\[release\] url = "git@github\.com:org\/gitops\.git": allowed is a Git URL starting with/),
      );
      expect(got).toHaveLength(props.aksExtension || props.install ? 1 : 2);
    }
  });
});

describe("TofuControllerVersion", () => {
  const chartVersion = (bytes: Map<string, string>) =>
    /version: (\S+)/.exec(bytes.get("clusters/aks-dev/tofu-controller/helm-release.yaml")!)![1];

  test("V0_16_5 is the default; of(…) writes its version; a version text still works", () => {
    expect(bytesOf({ tofuController: { chartVersion: TofuControllerVersion.V0_16_5 } })).toEqual(bytesOf({}));
    expect(chartVersion(bytesOf({ tofuController: { chartVersion: TofuControllerVersion.of("0.16.7") } }))).toBe("0.16.7");
    expect(chartVersion(bytesOf({ tofuController: { chartVersion: "0.16.6" } }))).toBe("0.16.6");
  });

  test("a version below the minimum is refused, whichever way it is given", () => {
    for (const chart of [TofuControllerVersion.of("0.15.1"), "0.15.1"]) {
      expect(problems({ tofuController: { chartVersion: chart } })).toEqual([
        expect.stringMatching(/^\[flux\] tofuController\.chartVersion = "0\.15\.1": allowed is 0\.16\.5 or later as its lower bound/),
      ]);
    }
  });
});

describe("the constructs take interfaces", () => {
  test("a FluxBootstrap is an ITerraformCluster by its brand; an object of the same shape is not", () => {
    const a = newApp(workspace());
    const flux = new FluxBootstrap(a, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
    expect(isTerraformCluster(flux)).toBe(true);
    const lookalike = Object.assign(Object.create(Object.getPrototypeOf(flux)), flux);
    expect(isTerraformCluster({ ...flux })).toBe(false);
    expect(isTerraformCluster(lookalike)).toBe(false);
    // A Terraform object on a look-alike cluster is refused with the message it always had.
    new TerraformControllerCR(a, "tf", {
      cluster: { ...flux } as unknown as ITerraformCluster,
      stack: new InfrastructureStack(a, "pools", { subscriptionId: SUBSCRIPTION }),
      approval: ApprovalMode.AUTO,
    });
    expect(validateTree(a)).toEqual([expect.stringMatching(/^\[tf\] cluster = .*: allowed is a FluxBootstrap \(the cluster whose/)]);
  });

  test("members are listed per cluster: the Terraform objects and sources of one cluster never show on another", () => {
    const a = newApp(workspace());
    const stack = new InfrastructureStack(a, "pools", { subscriptionId: SUBSCRIPTION });
    const dev = new FluxBootstrap(a, "dev", { clusterName: "aks-dev", repositoryUrl: REPO });
    const prod = new FluxBootstrap(a, "prod", { clusterName: "aks-prod", repositoryUrl: REPO });
    const t1 = dev.addTerraform("pools", { stack, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
    const t2 = prod.addTerraform("pools", { stack, approval: ApprovalMode.AUTO, runnerPod: RUNNER_CREDENTIALS });
    new GitRepositorySource(a, "release", { cluster: prod, ref: GitRef.branch("release") });
    expect(dev.terraforms).toEqual([t1]);
    expect(TerraformControllerCR.of(prod)).toEqual([t2]);
    expect(validateTree(a)).toEqual([]);
    const files = new Map(a.renderGitOpsFiles().map((f) => [f.path, f.bytes.toString("utf8")]));
    expect(files.get("clusters/aks-prod/terraform/kustomization.yaml")).toContain("release.gitrepository.yaml");
    expect(files.get("clusters/aks-dev/terraform/kustomization.yaml")).not.toContain("release.gitrepository.yaml");
  });
});

describe("Registry", () => {
  test("members per owner and key, in order; owners do not see each other's", () => {
    const r = new Registry<string, number>();
    const one = {};
    const two = {};
    expect(r.of(one, "k")).toEqual([]);
    expect(r.first(one, "k")).toBeUndefined();
    r.add(one, "k", 1);
    expect(r.add(one, "k", 2)).toEqual([1, 2]);
    r.add(two, "k", 3);
    r.add(one, "other", 4);
    expect(r.of(one, "k")).toEqual([1, 2]);
    expect(r.first(two, "k")).toBe(3);
    expect(r.of(one, "other")).toEqual([4]);
  });

  test("two apps in one process: one cluster name each is no clash", () => {
    const apps: GitOpsApp[] = [newApp(workspace()), newApp(workspace())];
    for (const a of apps) new FluxBootstrap(a, "flux", { clusterName: "aks-dev", repositoryUrl: REPO });
    for (const a of apps) expect(validateTree(a)).toEqual([]);
  });
});
