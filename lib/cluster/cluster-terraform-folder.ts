import { IConstruct } from "constructs";
import { Duration } from "../core/duration";
import { GitOpsFile } from "../core/gitops-file";
import { clusterTerraformFile, clusterTerraformFolder } from "../core/repo-layout";
import { ITerraformFolderMember } from "../flux/flux-cluster";
import { kustomizationObject, KustomizationSpec } from "../kubernetes/kustomization";
import { kustomizeConfig } from "../kubernetes/kustomize-config";
import { SourceReference } from "../kubernetes/meta";
import { forFluxTarget } from "../schema/flux-api-versions";
import type { FluxTarget } from "../schema/flux-target";
import { ClusterFileOwner, clusterYaml } from "./cluster-files";

/** How the cluster's `terraform` Kustomization applies the folder. */
export interface TerraformFolderSync {
  readonly sourceRef: SourceReference;
  readonly interval: Duration;
  readonly retryInterval: Duration;
  readonly timeout: Duration;
  readonly decryption?: KustomizationSpec["decryption"];
  /** The cluster's Flux target: the Kustomization's apiVersion. */
  readonly fluxTarget: FluxTarget;
}

/**
 * The cluster's `terraform/` folder: the Terraform objects write their own files, the sources and runner
 * identities beside them register here; this writes the `terraform.yaml` Kustomization that applies the folder
 * (after tofu-controller) and the folder's kustomization.yaml listing exactly its members.
 */
export class ClusterTerraformFolder {
  private readonly sources: ITerraformFolderMember[] = [];

  /** Adds a source (or runner identity) file to the folder. */
  addSource(member: ITerraformFolderMember): void {
    this.sources.push(member);
  }

  /** The source registered before `member` that writes the same file, if any. */
  sourceWithSameFile(member: ITerraformFolderMember): IConstruct | undefined {
    const i = this.sources.indexOf(member);
    return this.sources.slice(0, i < 0 ? this.sources.length : i).find((m) => m._fileName === member._fileName);
  }

  /** `terraform.yaml` and `terraform/kustomization.yaml`, or nothing when the cluster has no Terraform objects. */
  files(owner: ClusterFileOwner, sync: TerraformFolderSync, terraforms: readonly { readonly _fileName: string }[]): GitOpsFile[] {
    if (terraforms.length === 0) return [];
    const kustomization = kustomizationObject(
      { name: "terraform", namespace: owner.namespace },
      {
        interval: sync.interval.toGo(),
        retryInterval: sync.retryInterval.toGo(),
        timeout: sync.timeout.toGo(),
        path: `./${clusterTerraformFolder(owner.clusterName)}`,
        prune: true,
        sourceRef: sync.sourceRef,
        dependsOn: [{ name: "tofu-controller" }],
        decryption: sync.decryption,
        // No wait/healthChecks: a Terraform object is healthy once its apply finished, which can take far longer than
        // any Kustomization timeout; the objects report plan, apply and drift in their own status and events.
      },
    );
    const members = [...this.sources, ...terraforms].map((m) => m._fileName).sort();
    const list: GitOpsFile = {
      path: clusterTerraformFile(owner.clusterName, "kustomization.yaml"),
      source: owner.source,
      content: { format: "yaml", documents: [kustomizeConfig(members)] },
    };
    return [clusterYaml(owner, "terraform.yaml", [forFluxTarget(kustomization, sync.fluxTarget)]), list];
  }
}
