import { Construct } from "constructs";
import { Annotations } from "../core/framework";
import { addPropValidation, PropChecks } from "../core/validation";
import { normalizeGitUrl } from "../flux/flux-source";
import { ENVIRONMENT_ALLOWED, ENVIRONMENT_PATTERN } from "../flux/terraform-alerts";
import type { TerraformControllerCR } from "../tofu/terraform-controller-cr";
import { FluxBootstrap } from "./flux-bootstrap";

/** Props of a PromotionOrder: the clusters a change goes through, first to last. */
export interface PromotionOrderProps {
  /**
   * Clusters in the order a change reaches them, e.g. `[dev, prod]`. Each later cluster must apply its Terraform from
   * refs of its own (e.g. dev follows `main`, prod a `release` branch or semver tags), so that a merge reaches the
   * first stage only and is promoted by moving the later ref. Works with one shared stack and with a stack per cluster.
   */
  readonly stages: FluxBootstrap[];
  /**
   * The environment of each stage, e.g. `["dev", "staging", "prod"]`: the `environment` of every Alert of that cluster
   * (unless the cluster declares its own `environment`).
   * @default - none
   */
  readonly environments?: string[];
  /**
   * Also refuse a later stage whose own manifests (its Flux source: repository and branch) are the same as an earlier
   * stage's. By default that is a synth warning: the manifests (the Terraform objects' interval, approval, vars, and
   * the cluster's Flux objects) then reach every stage on merge; only the Terraform code is promoted.
   * @default false
   */
  readonly promoteManifests?: boolean;
}

/** What one stage reads: its Terraform objects' refs and its own manifests' ref. */
interface StageRefs {
  readonly cluster: FluxBootstrap;
  readonly terraforms: readonly TerraformControllerCR[];
  /** `git:<url>#branch=<branch>`, as `_revisionKey` writes it. */
  readonly manifestKey: string;
}

/**
 * The order in which a change reaches the clusters of a fleet. It writes nothing of its own: it checks at synth what
 * the construct tree can show, and annotates each Terraform object with its stage, what was checked and what was not
 * (`cdktf-aks-gitops/promotion`), so `kubectl get tf -o yaml` says it too.
 *
 * Checked at synth, for every Terraform object of a later stage, whichever stack it reconciles (one shared stack or a
 * stack per cluster): its ref is none an earlier stage's Terraform objects read, and not the branch an earlier stage's
 * manifests follow (where merges land first), so it is downstream of the earlier stages. A later stage whose manifests
 * follow the same repository and branch as an earlier one's is a warning (`promoteManifests: true` refuses it).
 *
 * Not checked, because it is not in the code: that the later ref only ever moves to commits the earlier stage applied
 * successfully (the release process: fast-forward `release` to a commit dev applied, or tag it), and what other
 * tools change in the repo or in Azure.
 */
export class PromotionOrder extends Construct {
  readonly stages: readonly FluxBootstrap[];
  private readonly givenStages: unknown;
  private readonly props: PromotionOrderProps;

  constructor(scope: Construct, id: string, props: PromotionOrderProps) {
    super(scope, id);
    // A JavaScript caller's stages that are no array are reported by validation and read as none here.
    this.props = props ?? ({} as PromotionOrderProps);
    this.givenStages = props?.stages;
    this.stages = Array.isArray(props?.stages) ? [...props.stages] : [];
    const environments = Array.isArray(props?.environments) ? props.environments : [];
    this.stages.forEach((cluster, i) => {
      if (cluster instanceof FluxBootstrap) cluster._setPromotionStage(() => this.describe(i), this, environments[i]);
    });
    addPropValidation(this, (c) => this.validate(c));
  }

  private validate(c: PropChecks): void {
    if (!c.array("stages", this.givenStages, "an array of FluxBootstrap, in the order changes reach them")) return;
    const names = this.stages.map((s) => (s instanceof FluxBootstrap ? s.clusterName : String(s)));
    if (this.stages.length < 2) c.fail("stages", names, "at least two clusters, in the order changes reach them");
    this.stages.forEach((s, i) => {
      if (!(s instanceof FluxBootstrap)) c.fail(`stages[${i}]`, s, "a FluxBootstrap");
      else if (this.stages.indexOf(s) !== i) c.fail(`stages[${i}]`, s.clusterName, "each cluster once");
      else if (s.promotion && s.promotion.order !== this)
        c.fail(`stages[${i}]`, s.clusterName, `a cluster of one PromotionOrder only (it is in ${s.promotion.order.node.path} too)`);
    });
    this.validateEnvironments(c);
    const earlier: StageRefs[] = [];
    this.stages.forEach((cluster, i) => {
      if (!(cluster instanceof FluxBootstrap) || this.stages.indexOf(cluster) !== i) return;
      const stage = refsOf(cluster);
      for (const t of stage.terraforms) this.checkTerraformDownstream(c, i, t, earlier);
      this.checkManifests(c, i, stage, earlier);
      earlier.push(stage);
    });
  }

  private validateEnvironments(c: PropChecks): void {
    const envs: unknown = this.props.environments;
    if (envs === undefined || !c.array("environments", envs, "an array of environment names, one per stage")) return;
    const list = envs as unknown[];
    c.check(list.length === this.stages.length, "environments", list, `one environment per stage (${this.stages.length})`);
    list.forEach((e, i) => c.pattern(`environments[${i}]`, e as string, ENVIRONMENT_PATTERN, ENVIRONMENT_ALLOWED));
  }

  /** A later stage's Terraform object reads a ref no earlier stage reads (Terraform or manifests). */
  private checkTerraformDownstream(c: PropChecks, i: number, t: TerraformControllerCR, earlier: readonly StageRefs[]): void {
    const key = t.source?._revisionKey;
    if (key === undefined) return; // an invalid source is reported by the object
    const prop = `stages[${i}] (${t.cluster.clusterName})`;
    const fix =
      `Give it source: a GitRepositorySource with GitRef.branch("release") or GitRef.semver(">=1.0.0") (or an OciRepositorySource), and ` +
      `promote by moving that ref`;
    for (const e of earlier) {
      const before = e.terraforms.find((b) => b.source?._revisionKey === key);
      if (before) {
        c.fail(
          prop,
          t.node.path,
          `a stage that applies ${t.stack?.repoPath} from a ref of its own, downstream of ${e.cluster.clusterName}: ${t.name} reads ` +
            `${t.source.revisionDescription}, the same ref ${e.cluster.clusterName} applies (${before.node.path}), so a merge reaches ` +
            `both at once. ${fix}`,
        );
        return;
      }
      if (e.manifestKey === key) {
        c.fail(
          prop,
          t.node.path,
          `a stage that applies ${t.stack?.repoPath} downstream of ${e.cluster.clusterName}: ${t.name} reads ${t.source.revisionDescription}, ` +
            `the branch ${e.cluster.clusterName}'s own manifests follow, where merges land first. ${fix}`,
        );
        return;
      }
    }
  }

  /** A later stage's own manifests follow another ref than every earlier stage's: a warning, or refused with promoteManifests. */
  private checkManifests(c: PropChecks, i: number, stage: StageRefs, earlier: readonly StageRefs[]): void {
    const same = earlier.find((e) => e.manifestKey === stage.manifestKey);
    if (!same) return;
    const what =
      `its manifests (clusters/${stage.cluster.clusterName}/: the Terraform objects' interval, approval and vars, and its Flux objects) ` +
      `come from ${stage.cluster.repositoryUrl} branch ${stage.cluster.branch}, like ${same.cluster.clusterName}'s, so they reach both on merge`;
    if (this.props.promoteManifests === true) {
      c.fail(`stages[${i}] (${stage.cluster.clusterName})`, stage.cluster.branch, `a branch of its own (FluxBootstrap branch): ${what}`);
    } else {
      const message =
        `promotion: stage ${i + 1} (${stage.cluster.clusterName}) promotes its Terraform only: ${what} ` +
        `(promoteManifests: true refuses this)`;
      if (!this.node.metadata.some((m) => m.data === message)) Annotations.of(this).addWarning(message);
    }
  }

  /** The annotation text of stage `i`: its place, what was checked and what was not. */
  private describe(i: number): string {
    const cluster = this.stages[i];
    const previous = this.stages[i - 1];
    const head = `${i + 1}/${this.stages.length} ${cluster.clusterName}`;
    if (!(previous instanceof FluxBootstrap)) return head;
    const sameManifests = refsOf(previous).manifestKey === refsOf(cluster).manifestKey;
    return (
      `${head}, after ${previous.clusterName}; checked at synth: its Terraform refs are not ${previous.clusterName}'s; ` +
      `not checked: that they only move to commits ${previous.clusterName} applied` +
      (sameManifests ? `; its manifests follow branch ${cluster.branch} like ${previous.clusterName}'s (not promoted)` : "")
    );
  }
}

function refsOf(cluster: FluxBootstrap): StageRefs {
  return {
    cluster,
    terraforms: cluster.terraforms,
    manifestKey: `git:${normalizeGitUrl(String(cluster.repositoryUrl ?? ""))}#branch=${cluster.branch}`,
  };
}
