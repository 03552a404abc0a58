import { parse } from "path";
import { IConstruct } from "constructs";
import { isTerraformCluster, ITerraformCluster } from "../../tofu/terraform-cluster";
import { TerraformControllerCR } from "../../tofu/terraform-controller-cr";
import { RuleCompliance } from "../nag-pack";
import { eachTerraformObject, TerraformObjectManifest } from "../subjects";

/** `approvePlan` values that do not wait for a human. */
const NOT_MANUAL = ["auto", "disable"];

/**
 * A Terraform object with manual approval (`approvePlan` empty or a plan id) reads its code from a source other than
 * the one that carries its own manifest. Otherwise approving is a commit to that source, i.e. a new revision, so the
 * controller plans again under a new plan id and the approval never matches (tofu-controller #1878, open in 0.16.5).
 *
 * Same source means: the `sourceRef` is the cluster's own GitRepository (the one its Flux Kustomizations apply
 * `clusters/<cluster>` from), or, for a `TerraformControllerCR`, a source that follows the same repository and
 * branch. `TerraformControllerCR` refuses this combination itself; the rule also covers Terraform objects written
 * by other constructs and sources that do not say they share the manifests' revision.
 */
export default Object.defineProperty(
  (node: IConstruct): RuleCompliance | string[] => {
    const cluster = clusterOf(node);
    return eachTerraformObject(node, (tf) => {
      const approve = tf.spec?.approvePlan;
      if (typeof approve === "string" && NOT_MANUAL.includes(approve)) return RuleCompliance.COMPLIANT;
      return sameSource(node, tf, cluster) ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
    });
  },
  "name",
  { value: parse(__filename).name },
);

function clusterOf(node: IConstruct): ITerraformCluster | undefined {
  if (node instanceof TerraformControllerCR) return node.cluster;
  for (let c: IConstruct | undefined = node; c; c = c.node.scope) if (isTerraformCluster(c)) return c;
  return undefined;
}

function sameSource(node: IConstruct, tf: TerraformObjectManifest, cluster: ITerraformCluster | undefined): boolean {
  if (node instanceof TerraformControllerCR) {
    const s = node.source;
    if (s.sharesRevisionWithManifests || s._revisionKey === node.cluster.source._revisionKey) return true;
  }
  if (!cluster) return false;
  const ref = (tf.spec?.sourceRef ?? {}) as { kind?: unknown; name?: unknown; namespace?: unknown };
  const namespace = ref.namespace ?? tf.metadata.namespace;
  const own = cluster.source;
  return ref.kind === own.kind && ref.name === own.name && namespace === own.namespace;
}
