/**
 * Approval, the value type of a Terraform object's `approval`: what each form writes to `spec.approvePlan`, that the
 * deprecated ApprovalMode/approvedPlan props still write the same, that giving an Approval and approvedPlan together
 * is refused, and that the approval-loop guard (tofu-controller #1878) and policy rule GitOps-TF1 treat both forms alike.
 */
import {
  Approval,
  ApprovalMode,
  GitOpsApp,
  GitOpsChecks,
  GitRef,
  GitRepositorySource,
  ITerraformSource,
  PolicyPack,
  TerraformControllerCRProps,
  TerraformSourceKind,
} from "../lib";
import { validateTree } from "../lib/synth/validate-tree";
import { synthGitOps } from "../lib/testing";
import { cleanupTempDirs, terraformFixture, TerraformFixture } from "./helpers";

afterAll(cleanupTempDirs);

const PLAN = "plan-release-b8e362c206";

function fixture(): TerraformFixture {
  return terraformFixture({ stack: "node-pools", cluster: "aks-dev", repositoryUrl: "https://github.com/example-org/gitops.git" });
}

/** A source separate from the cluster's manifests, so that manual approval is allowed. */
function release(f: TerraformFixture): GitRepositorySource {
  return new GitRepositorySource(f.app, "release", { cluster: f.flux, ref: GitRef.branch("release") });
}

/** The spec of the one Terraform object `pools` (validation must pass). */
function spec(app: GitOpsApp): Record<string, unknown> {
  expect(validateTree(app)).toEqual([]);
  const file = app.renderGitOpsFiles().find((x) => x.path === "clusters/aks-dev/terraform/pools.yaml");
  if (!file || file.file.content.format !== "yaml") throw new Error("no Terraform object written");
  return JSON.parse(JSON.stringify(file.file.content.documents[0])).spec;
}

function specWith(props: Partial<TerraformControllerCRProps>, separateSource = true): Record<string, unknown> {
  const f = fixture();
  f.tf("pools", { source: separateSource ? release(f) : undefined, ...props });
  return spec(f.app);
}

describe("each form writes its approvePlan", () => {
  test.each([
    ["Approval.auto()", () => Approval.auto(), "auto"],
    ["Approval.disabled()", () => Approval.disabled(), "disable"],
    ["Approval.manual({ approvedPlan })", () => Approval.manual({ approvedPlan: PLAN }), PLAN],
  ])("%s → approvePlan %j", (_name, approval, expected) => {
    const s = specWith({ approval: approval() });
    expect(s.approvePlan).toBe(expected);
  });

  test.each([
    ["Approval.manual()", () => Approval.manual()],
    ["Approval.manual({})", () => Approval.manual({})],
  ])("%s leaves approvePlan out (the CRD default: a `tfctl approve` is not reverted by Flux)", (_name, approval) => {
    const s = specWith({ approval: approval() });
    expect("approvePlan" in s).toBe(false);
  });

  test.each([
    [Approval.auto(), { approval: ApprovalMode.AUTO }],
    [Approval.disabled(), { approval: ApprovalMode.DRIFT_DETECTION_ONLY }],
    [Approval.manual(), { approval: ApprovalMode.MANUAL }],
    [Approval.manual({ approvedPlan: PLAN }), { approval: ApprovalMode.MANUAL, approvedPlan: PLAN }],
  ])("%s writes the same object as the deprecated %j", (approval, deprecated) => {
    expect(specWith({ approval })).toEqual(specWith(deprecated));
  });

  test("a deprecated ApprovalMode is converted: the object's approval is an Approval", () => {
    const f = fixture();
    const cr = f.tf("pools", { approval: ApprovalMode.MANUAL, approvedPlan: PLAN, source: release(f) });
    expect(Approval.isApproval(cr.approval)).toBe(true);
    expect(String(cr.approval)).toBe("Approval.manual()");
    expect(cr.approval._toKube()).toBe(PLAN);
  });

  test("isApproval tells an Approval from an ApprovalMode or a look-alike", () => {
    expect(Approval.isApproval(Approval.disabled())).toBe(true);
    expect(Approval.isApproval(ApprovalMode.AUTO)).toBe(false);
    expect(Approval.isApproval({ kind: "auto", approvePlan: "auto" })).toBe(false);
    expect(Approval.isApproval(undefined)).toBe(false);
  });
});

describe("bad input", () => {
  function problems(props: Partial<TerraformControllerCRProps>, separateSource = true): string[] {
    const f = fixture();
    f.tf("pools", { source: separateSource ? release(f) : undefined, ...props });
    return validateTree(f.app);
  }

  test.each([
    ["Approval.manual()", () => Approval.manual()],
    ["Approval.manual({ approvedPlan })", () => Approval.manual({ approvedPlan: PLAN })],
    ["Approval.auto()", () => Approval.auto()],
  ])("%s together with the deprecated approvedPlan is refused", (_name, approval) => {
    expect(problems({ approval: approval(), approvedPlan: "plan-main-b8e362c206" })).toEqual([
      '[pools] approvedPlan = "plan-main-b8e362c206": allowed is unset with an Approval as approval (approvedPlan is ' +
        "the deprecated companion of ApprovalMode.MANUAL): use Approval.manual({ approvedPlan }) alone",
    ]);
  });

  test("a plan id that is not one names the prop inside the Approval", () => {
    expect(problems({ approval: Approval.manual({ approvedPlan: "yes" }) })).toEqual([
      '[pools] approval.approvedPlan = "yes": allowed is a plan id as the object\'s status prints it, e.g. plan-main-b8e362c206',
    ]);
  });

  test("Approval.manual() on the cluster's own GitRepository is refused, naming the Approval forms", () => {
    const found = problems({ approval: Approval.manual() }, false);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^\[pools\] approval = <Approval\.manual\(\)>: allowed is Approval\.auto\(\) or Approval\.disabled\(\) with source https:\/\/github\.com\/example-org\/gitops\.git \(branch main, the cluster's own GitRepository flux-system\/flux-system\): .*loops forever \(tofu-controller #1878, open in 0\.16\.5\)\. Use Approval\.auto\(\), Approval\.disabled\(\), or Approval\.manual\(\) with `source:` a GitRepositorySource/,
    );
  });

  test.each([Approval.auto(), Approval.disabled()])("%s on the cluster's own GitRepository is fine", (approval) => {
    expect(problems({ approval }, false)).toEqual([]);
  });

  test("the deprecated MANUAL keeps its message", () => {
    expect(problems({ approval: ApprovalMode.MANUAL }, false)).toEqual([
      expect.stringMatching(
        /^\[pools\] approval = "MANUAL": allowed is AUTO or DRIFT_DETECTION_ONLY with source .* Use ApprovalMode\.AUTO, /,
      ),
    ]);
  });
});

describe("policy rule GitOps-TF1 sees the same approvePlan from both forms", () => {
  test.each([
    ["Approval.manual()", Approval.manual(), ["GitOps-TF1"]],
    ["ApprovalMode.MANUAL", ApprovalMode.MANUAL, ["GitOps-TF1"]],
    ["Approval.auto()", Approval.auto(), []],
    ["Approval.disabled()", Approval.disabled(), []],
  ])("%s from a source that follows the manifests' revision without saying so", (_name, approval, expected) => {
    const f = fixture();
    const own = f.flux.source;
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
    f.tf("pools", { approval, source: lying });
    PolicyPack.applyTo(f.app, new GitOpsChecks());
    const ids = synthGitOps(f.app, { allowErrorAnnotations: true })
      .annotations.filter((a) => a.message.startsWith("GitOps-TF1"))
      .map((a) => a.message.slice(0, "GitOps-TF1".length));
    expect(ids).toEqual(expected);
  });
});
