/**
 * The Terraform-object rules of the GitOps pack (GitOps-TF1..TF3): compliant, non-compliant, suppressed. Terraform
 * objects live outside stacks, so these also check that applyTo reaches them and reports on the stack they reconcile.
 */
import { Construct } from "constructs";
import {
  ApprovalMode,
  FluxBootstrap,
  GitRef,
  GitRepositorySource,
  GitOpsChecks,
  InfrastructureStack,
  ITerraformSource,
  OciRef,
  OciRepositorySource,
  PolicyPack,
  PolicySuppressions,
  TerraformControllerCR,
  TerraformSourceKind,
} from "../../lib";
import { GitOpsFile, IGitOpsFileProducer, markFileProducer } from "../../lib/core/gitops-file";
import { synthGitOps } from "../../lib/testing";
import { cleanupTempDirs, newApp, RUNNER_CREDENTIALS, SUBSCRIPTION, workspace, terraformFixture, TerraformFixture } from "../helpers";

afterAll(cleanupTempDirs);

const REPO = "https://github.com/example/gitops.git";

type Fixture = TerraformFixture;

function fixture(): Fixture {
  return terraformFixture({ stack: "prod", cluster: "dev", repositoryUrl: REPO });
}

type Finding = { id: string; level: string; path: string; message: string };

function findings(f: Fixture): Finding[] {
  PolicyPack.applyTo(f.app, new GitOpsChecks());
  return synthGitOps(f.app, { allowErrorAnnotations: true })
    .annotations.filter((a) => a.message.startsWith("GitOps-"))
    .map((a) => ({ id: a.message.split(":")[0], level: a.level, path: a.constructPath, message: a.message }));
}

/** A construct that writes a raw Terraform object (not a TerraformControllerCR), as another library might. */
class RawTerraformObject extends Construct implements IGitOpsFileProducer {
  constructor(
    scope: Construct,
    id: string,
    private readonly spec: Record<string, unknown>,
  ) {
    super(scope, id);
    markFileProducer(this);
  }
  _gitOpsFiles(): GitOpsFile[] {
    const doc = {
      apiVersion: "infra.contrib.fluxcd.io/v1alpha2",
      kind: "Terraform",
      metadata: { name: this.node.id, namespace: "flux-system" },
      spec: this.spec,
    };
    return [{ path: `clusters/dev/extra/${this.node.id}.yaml`, source: this.node.path, content: { format: "yaml", documents: [doc] } }];
  }
}

const RAW_BASE = { interval: "10m", path: "./infrastructure/prod", sourceRef: { kind: "GitRepository", name: "flux-system" } };

describe("TerraformControllerCR defaults", () => {
  test("an AUTO object on the cluster's own source complies with every rule", () => {
    const f = fixture();
    f.tf("prod-tf");
    expect(findings(f)).toEqual([]);
  });

  test("MANUAL with a separate source (release branch, OCI artifact) complies", () => {
    const f = fixture();
    const release = new GitRepositorySource(f.flux, "release", { cluster: f.flux, ref: GitRef.branch("release") });
    const oci = new OciRepositorySource(f.flux, "tf-oci", {
      cluster: f.flux,
      url: "oci://ghcr.io/example/infra",
      ref: OciRef.tag("v1.0.0"),
    });
    f.tf("a", { approval: ApprovalMode.MANUAL, source: release });
    f.tf("b", { approval: ApprovalMode.MANUAL, source: oci, secretSuffix: "prod-b" });
    expect(findings(f)).toEqual([]);
  });
});

describe("GitOps-TF1: manual approval with a same-repo source", () => {
  test("a source that follows the cluster's repo and branch without saying so is caught (reported on the stack, naming the object)", () => {
    const f = fixture();
    const own = f.flux.source;
    // e.g. a third-party ITerraformSource: its flag says "separate", but it follows the manifests' own revision.
    const lying: ITerraformSource = {
      cluster: f.flux,
      kind: TerraformSourceKind.GIT_REPOSITORY,
      name: "mirror",
      namespace: own.namespace,
      sharesRevisionWithManifests: false,
      revisionDescription: "a mirror of the cluster's repo",
      _revisionKey: own._revisionKey,
      _pathFor: (s) => `./${s.repoPath}`,
    };
    f.tf("prod-tf", { approval: ApprovalMode.MANUAL, source: lying });
    const [finding, ...rest] = findings(f);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ id: "GitOps-TF1", level: "error", path: "prod" });
    expect(finding.message).toContain("[construct prod-tf]");
    expect(finding.message).toContain("#1878");
  });

  test("a raw Terraform object with approvePlan unset on the cluster's GitRepository", () => {
    const f = fixture();
    new RawTerraformObject(f.flux, "raw", { ...RAW_BASE, backendConfig: { secretSuffix: "prod" } });
    expect(findings(f).map((x) => `${x.path} ${x.id}`)).toEqual(["prod GitOps-TF1"]);
  });

  test("a plan id is manual too; auto and disable are not", () => {
    const f = fixture();
    new RawTerraformObject(f.flux, "planid", { ...RAW_BASE, approvePlan: "plan-main-b8e362c206", backendConfig: { secretSuffix: "a" } });
    new RawTerraformObject(f.flux, "auto", { ...RAW_BASE, approvePlan: "auto", backendConfig: { secretSuffix: "b" } });
    new RawTerraformObject(f.flux, "disable", { ...RAW_BASE, approvePlan: "disable", backendConfig: { secretSuffix: "c" } });
    expect(findings(f).map((x) => x.message.match(/\[construct ([^\]]+)\]/)?.[1] + " " + x.id)).toEqual(["flux/planid GitOps-TF1"]);
  });
});

describe("GitOps-TF2: kubelet identity", () => {
  test("ARM_USE_MSI=true in the runner env is a warning that explains the blast radius", () => {
    const f = fixture();
    f.tf("prod-tf", {
      runnerPod: {
        env: [
          { name: "ARM_USE_MSI", value: "true" },
          { name: "ARM_CLIENT_ID", value: "00000000-0000-0000-0000-000000000001" },
        ],
      },
    });
    const [x, ...rest] = findings(f);
    expect(rest).toEqual([]);
    expect(x).toMatchObject({ id: "GitOps-TF2", level: "warning", path: "prod" });
    expect(x.message).toMatch(/every pod on every node/);
    expect(x.message).toMatch(/Workload Identity/);
    // The advice names what RunnerIdentity writes (ARM_USE_OIDC), not a variable the library never sets.
    expect(x.message).toMatch(/RunnerIdentity/);
    expect(x.message).toMatch(/ARM_USE_OIDC=true/);
    expect(x.message).not.toMatch(/ARM_USE_AKS_WORKLOAD_IDENTITY/);
  });

  test("ARM_USE_MSI from a Secret counts (the synth cannot see the value); false does not", () => {
    const f = fixture();
    f.tf("a", { runnerPod: { env: [{ name: "ARM_USE_MSI", valueFrom: { secretKeyRef: { name: "azure", key: "msi" } } }] } });
    f.tf("b", { secretSuffix: "prod-b", runnerPod: { ...RUNNER_CREDENTIALS, env: [{ name: "ARM_USE_MSI", value: "false" }] } });
    expect(findings(f).map((x) => x.message.match(/\[construct ([^\]]+)\]/)?.[1] + " " + x.id)).toEqual(["a GitOps-TF2"]);
  });

  test("workload identity complies", () => {
    const f = fixture();
    f.tf("prod-tf", {
      serviceAccountName: "tf-runner-wi",
      runnerPod: { labels: { "azure.workload.identity/use": "true" }, env: [{ name: "ARM_USE_AKS_WORKLOAD_IDENTITY", value: "true" }] },
    });
    expect(findings(f)).toEqual([]);
  });

  test("a runner identity construct that opts into kubelet identity is reported", () => {
    const f = fixture();
    const cr = f.tf("prod-tf");
    // What a future runner-identity construct does for its kubelet-identity option.
    Object.defineProperty(cr, Symbol.for("cdktf-aks-gitops/runner-uses-kubelet-identity"), { value: true });
    expect(findings(f).map((x) => x.id)).toEqual(["GitOps-TF2"]);
  });

  test("suppressed with a reason on the Terraform object", () => {
    const f = fixture();
    const cr = f.tf("prod-tf", { runnerPod: { env: [{ name: "ARM_USE_MSI", value: "true" }] } });
    PolicySuppressions.addResourceSuppressions(cr, [
      { id: "GitOps-TF2", reason: "dedicated single-tenant runner pool, nothing else schedules there" },
    ]);
    expect(findings(f)).toEqual([]);
  });
});

describe("GitOps-TF3: state secret suffix", () => {
  test("a Terraform object without backendConfig.secretSuffix is an error", () => {
    const f = fixture();
    new RawTerraformObject(f.flux, "raw", { ...RAW_BASE, approvePlan: "auto" });
    expect(findings(f).map((x) => `${x.id} ${x.level}`)).toEqual(["GitOps-TF3 error"]);
  });

  test("not applicable with another backend (disable / customConfiguration)", () => {
    const f = fixture();
    new RawTerraformObject(f.flux, "a", { ...RAW_BASE, approvePlan: "auto", backendConfig: { disable: true } });
    new RawTerraformObject(f.flux, "b", {
      ...RAW_BASE,
      approvePlan: "auto",
      backendConfig: { customConfiguration: 'backend "azurerm" {}' },
    });
    expect(findings(f)).toEqual([]);
  });

  test("suppressed on an ancestor with applyToChildren", () => {
    const f = fixture();
    new RawTerraformObject(f.flux, "raw", { ...RAW_BASE, approvePlan: "auto" });
    PolicySuppressions.addResourceSuppressions(f.flux, [{ id: "GitOps-TF3", reason: "throwaway cluster, state loss is fine" }], true);
    expect(findings(f)).toEqual([]);
  });
});

describe("where findings of constructs outside stacks go", () => {
  test("each Terraform object is checked once, with the stack it reconciles", () => {
    const app = newApp(workspace());
    const a = new InfrastructureStack(app, "a", { subscriptionId: SUBSCRIPTION });
    const b = new InfrastructureStack(app, "b", { subscriptionId: SUBSCRIPTION });
    const flux = new FluxBootstrap(app, "flux", { clusterName: "dev", repositoryUrl: REPO });
    const msi = { runnerPod: { env: [{ name: "ARM_USE_MSI", value: "true" }] } };
    new TerraformControllerCR(app, "tf-a", { cluster: flux, stack: a, approval: ApprovalMode.AUTO, ...msi });
    new TerraformControllerCR(app, "tf-b", { cluster: flux, stack: b, approval: ApprovalMode.AUTO, ...msi });
    PolicyPack.applyTo(app, new GitOpsChecks());
    const got = synthGitOps(app).annotations.map(
      (x) => `${x.constructPath} ${x.message.split(":")[0]} ${x.message.match(/\[construct ([^\]]+)\]/)?.[1]}`,
    );
    expect(got).toEqual(["a GitOps-TF2 tf-a", "b GitOps-TF2 tf-b"]);
  });

  test("an error on a Terraform object blocks the GitOps write under plain node", () => {
    const f = fixture();
    new RawTerraformObject(f.flux, "raw", { ...RAW_BASE, approvePlan: "auto" });
    PolicyPack.applyTo(f.app, new GitOpsChecks());
    expect(() => f.app.synth()).toThrow(/GitOps-TF3/);
  });
});
