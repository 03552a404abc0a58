import { Construct } from "constructs";
import { addPropValidation, PropChecks } from "../core/validation";
import type { TerraformControllerCR } from "../tofu/terraform-controller-cr";
import { FluxBootstrap } from "./flux-bootstrap";

/** Props of a PromotionOrder: the clusters a change goes through, first to last. */
export interface PromotionOrderProps {
  /**
   * Clusters in the order a change reaches them, e.g. `[dev, prod]`. Each later cluster must apply a stack from a
   * different ref than the clusters before it (e.g. dev follows `main`, prod a `release` branch or semver tags), so
   * that a merge reaches the first stage only and is promoted by moving the later ref.
   */
  readonly stages: FluxBootstrap[];
}

/**
 * The order in which a change to shared Terraform reaches the clusters of a fleet. It writes nothing of its own:
 * it checks at synth that the order holds, and annotates each Terraform object with its stage
 * (`cdktf-aks-gitops/promotion: "2/2 prod, after dev"`), so `kubectl get tf -o yaml` shows it too.
 *
 * What it checks, for every stack reconciled by a later stage and by an earlier one: the two Terraform objects read
 * different refs (else a merge lands on both at once and nothing is promoted). What it cannot check: that the later
 * ref only ever moves to commits the earlier stage applied; that is the release process (fast-forward `release`
 * to a commit dev applied, or tag it).
 *
 * The Terraform code is promoted; the Terraform objects themselves (interval, vars, approval) come from the
 * cluster's own branch and take effect on merge.
 */
export class PromotionOrder extends Construct {
  readonly stages: readonly FluxBootstrap[];
  private readonly givenStages: unknown;

  constructor(scope: Construct, id: string, props: PromotionOrderProps) {
    super(scope, id);
    // A JavaScript caller's stages that are no array are reported by validation and read as none here.
    this.givenStages = props?.stages;
    this.stages = Array.isArray(props?.stages) ? [...props.stages] : [];
    this.stages.forEach((cluster, i) => {
      if (!(cluster instanceof FluxBootstrap)) return;
      const previous = this.stages[i - 1];
      const after = i > 0 && previous instanceof FluxBootstrap ? `, after ${previous.clusterName}` : "";
      cluster._setPromotionStage(`${i + 1}/${this.stages.length} ${cluster.clusterName}${after}`, this);
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
    });
    const earlier: TerraformControllerCR[] = [];
    this.stages.forEach((cluster, i) => {
      if (!(cluster instanceof FluxBootstrap) || this.stages.indexOf(cluster) !== i) return;
      if (cluster.promotion && cluster.promotion.order !== this) {
        c.fail(
          `stages[${i}]`,
          cluster.clusterName,
          `a cluster of one PromotionOrder only (it is in ${cluster.promotion.order.node.path} too)`,
        );
      }
      for (const t of cluster.terraforms) {
        const before = earlier.find((e) => e.stack === t.stack && e.source._revisionKey === t.source._revisionKey);
        if (before) {
          c.fail(
            `stages[${i}] (${cluster.clusterName})`,
            t.node.path,
            `a stage that applies ${t.stack.repoPath} from a ref of its own: ${t.name} reads ${t.source.revisionDescription}, the same ref ` +
              `${before.cluster.clusterName} applies (${before.node.path}), so a merge reaches both at once. Give it source: a GitRepositorySource ` +
              `with GitRef.branch("release") or GitRef.semver(">=1.0.0") (or an OciRepositorySource), and promote by moving that ref`,
          );
        }
      }
      earlier.push(...cluster.terraforms);
    });
  }
}
