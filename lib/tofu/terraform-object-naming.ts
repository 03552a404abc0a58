import { DNS_LABEL } from "../azure/infrastructure-stack";
import { clusterTerraformFile } from "../core/repo-layout";
import { PropChecks } from "../core/validation";
import { ITerraformSource } from "../flux/flux-cluster";
import { checkStateNaming, TRAILING_NUMBER } from "./state-secret";

/** What the naming checks read of a Terraform object. */
export interface ObjectNaming {
  readonly cluster: { readonly clusterName: string };
  readonly name: string;
  readonly namespace: string;
  /** False when the namespace is the source's (checked where it comes from: no second message). */
  readonly namespaceGiven: boolean;
  readonly source: ITerraformSource;
  readonly workspace: string;
  readonly secretSuffix: string;
  /** False when the suffix is the stack folder's. */
  readonly suffixGiven: boolean;
}

/** Problems of a Terraform object's name, namespace, workspace and state suffix. */
export function checkObjectNaming(c: PropChecks, o: ObjectNaming): void {
  if (
    c.pattern(
      "name",
      o.name,
      DNS_LABEL,
      "a DNS label: lower-case letters, digits and '-', 1 to 63 characters, starting and ending alphanumeric",
    )
  ) {
    c.check(
      !TRAILING_NUMBER.test(o.name),
      "name",
      o.name,
      "a name not ending in -<digits> (Terraform's kubernetes backend refuses such state suffixes: it numbers the Secrets of a " +
        "large state itself)",
    );
    c.check(
      o.name !== "kustomization",
      "name",
      o.name,
      `a name other than "kustomization" (${clusterTerraformFile(o.cluster.clusterName, "kustomization.yaml")} lists the folder)`,
    );
  }
  if (!o.namespaceGiven || c.pattern("namespace", o.namespace, DNS_LABEL, "a Kubernetes namespace name (DNS label)")) {
    c.check(
      o.namespace === o.source.namespace,
      "namespace",
      o.namespace,
      `the namespace of its source ${o.source.kind} ${o.source.namespace}/${o.source.name} (tofu-controller ` +
        `denies cross-namespace source references)`,
    );
  }
  checkStateNaming(c, { workspace: o.workspace, secretSuffix: o.secretSuffix, suffixGiven: o.suffixGiven });
}
