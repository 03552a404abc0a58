import { Construct } from "constructs";
import { DataAzurermKubernetesCluster } from "../azure/provider/data-azurerm-kubernetes-cluster";
import { KubernetesClusterExtension } from "../azure/provider/kubernetes-cluster-extension";
import { KubernetesFluxConfiguration, KubernetesFluxConfigurationKustomizations } from "../azure/provider/kubernetes-flux-configuration";
import { RepoTerraformStack } from "../azure/repo-terraform-stack";
import { AzurermBackend, TerraformVariable } from "../core/framework";
import { GUID, RESOURCE_GROUP } from "../core/patterns";
import { terraformLiteral, terraformLiteralMap } from "../core/terraform-literal";
import { PropChecks } from "../core/validation";
import type { RenderedFluxExtensionSettings } from "./flux-extension-settings-checks";

/** Remote state of the bootstrap stack in an Azure storage account, with Entra ID auth (no keys in Git). */
export interface BootstrapStateBackend {
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  readonly containerName: string;
  readonly key: string;
  readonly subscriptionId?: string;
}

/**
 * Problems of a bootstrap state backend, in either install mode (`stateBackend` of the flux CLI install or the AKS
 * extension). A token for the whole backend is one problem: its fields are not looked into.
 */
export function checkBootstrapStateBackend(c: PropChecks, prop: string, sb: BootstrapStateBackend): void {
  if (!c.literal(prop, sb)) return;
  c.pattern(
    `${prop}.storageAccountName`,
    sb.storageAccountName,
    /^[a-z0-9]{3,24}$/,
    "a storage account name: 3 to 24 lower-case letters and digits",
  );
  c.pattern(
    `${prop}.containerName`,
    sb.containerName,
    /^[a-z0-9](?!.*--)[-a-z0-9]{1,61}[a-z0-9]$/,
    "a blob container name: 3 to 63 lower-case letters, digits and single '-'",
  );
  c.check(typeof sb.key === "string" && sb.key.length > 0, `${prop}.key`, sb.key, "a blob name such as bootstrap/aks-dev.tfstate");
  c.pattern(`${prop}.resourceGroupName`, sb.resourceGroupName, RESOURCE_GROUP, "a resource group name");
  c.pattern(`${prop}.subscriptionId`, sb.subscriptionId, GUID, "a subscription GUID such as 00000000-0000-0000-0000-000000000000");
}

export interface FluxExtensionStackProps {
  /** Repo-relative folder of the stack's `main.tf.json`. */
  readonly repoPath: string;
  readonly subscriptionId: string;
  readonly resourceProviderRegistrations: string;
  readonly clusterName: string;
  readonly resourceGroupName: string;
  readonly extensionName: string;
  readonly extensionVersion?: string;
  readonly configurationName: string;
  readonly namespace: string;
  readonly url: string;
  readonly branch: string;
  readonly localAuthReference?: string;
  readonly sourceIntervalSeconds: number;
  readonly sourceTimeoutSeconds: number;
  readonly kustomizations: KubernetesFluxConfigurationKustomizations[];
  readonly stateBackend?: BootstrapStateBackend;
  /** The extension's settings, rendered (lib/cluster/flux-extension-settings-checks.ts). */
  readonly settings?: RenderedFluxExtensionSettings;
}

/**
 * The Terraform that installs Flux on an AKS cluster through the `microsoft.flux` extension and points it at the
 * cluster's folder: written to `bootstrap/<cluster>/main.tf.json` and applied once (and on changes) from a
 * workstation or pipeline with `tofu -chdir=bootstrap/<cluster> init && tofu -chdir=bootstrap/<cluster> apply`.
 *
 * Why there and not under `infrastructure/`: tofu-controller runs inside Flux, and this stack installs Flux, so the
 * controller cannot be what applies it (and a Terraform object deleting its own controller would be a trap). No
 * Flux Kustomization and no Terraform object ever points at `bootstrap/` (Flux reads `./clusters/<cluster>` only, and
 * skips `.json` files anyway). It is committed so the bootstrap is reviewed, versioned and reproducible like the
 * rest of the repo, instead of living only in a local `cdktf.out/`.
 */
export class FluxExtensionStack extends RepoTerraformStack {
  readonly extension: KubernetesClusterExtension;
  readonly fluxConfiguration: KubernetesFluxConfiguration;

  constructor(scope: Construct, id: string, props: FluxExtensionStackProps) {
    super(scope, id, {
      repoPath: props.repoPath,
      // Applied from a workstation or pipeline, so the Azure CLI login is a fine credential here.
      provider: { subscriptionId: props.subscriptionId, resourceProviderRegistrations: props.resourceProviderRegistrations },
      keepBackend: props.stateBackend !== undefined,
    });
    if (props.stateBackend) new AzurermBackend(this, { ...props.stateBackend, useAzureadAuth: true });

    const cluster = new DataAzurermKubernetesCluster(this, "cluster", {
      name: props.clusterName,
      resourceGroupName: props.resourceGroupName,
    });

    const settings = props.settings ?? {};
    this.extension = new KubernetesClusterExtension(this, "flux-extension", {
      name: props.extensionName,
      clusterId: cluster.id,
      extensionType: "microsoft.flux",
      version: props.extensionVersion,
      // Sorted keys, string values, `${` escaped: the setting reads back exactly.
      configurationSettings: terraformLiteralMap(settings.configurationSettings),
      configurationProtectedSettings: this.protectedSettings(settings.protectedSettings),
      releaseTrain: settings.releaseTrain,
    });

    this.fluxConfiguration = new KubernetesFluxConfiguration(this, "flux-configuration", {
      name: props.configurationName,
      clusterId: cluster.id,
      namespace: props.namespace,
      // The cluster folder installs tofu-controller (CRDs, ClusterRoles): namespace scope could not apply it.
      scope: "cluster",
      continuousReconciliationEnabled: true,
      gitRepository: {
        url: props.url,
        referenceType: "branch",
        referenceValue: terraformLiteral(props.branch),
        syncIntervalInSeconds: props.sourceIntervalSeconds,
        timeoutInSeconds: props.sourceTimeoutSeconds,
        // Credentials only by reference to a Secret in the configuration's namespace; never keys in Terraform.
        localAuthReference: props.localAuthReference,
      },
      kustomizations: props.kustomizations,
      // The configuration fails until the extension (and its CRDs) exist.
      dependsOn: [this.extension],
    });
  }

  /**
   * Protected settings by reference only: each names a sensitive variable of this stack, set when applying it
   * (`TF_VAR_<name>`); azurerm keeps the configured values in state and never reads them back (EXT:371@v4.55.0).
   */
  private protectedSettings(byKey: Record<string, string> | undefined): Record<string, string> | undefined {
    if (!byKey) return undefined;
    const variables = new Map<string, TerraformVariable>();
    const out: Record<string, string> = {};
    for (const [key, name] of Object.entries(byKey)) {
      let v = variables.get(name);
      if (!v) {
        v = new TerraformVariable(this, `protected-setting-${name}`, {
          type: "string",
          sensitive: true,
          nullable: false,
          description: `A configuration_protected_settings value of the microsoft.flux extension (set TF_VAR_${name}; never commit it)`,
        });
        v.overrideLogicalId(name);
        variables.set(name, v);
      }
      out[terraformLiteral(key)] = v.stringValue;
    }
    return out;
  }
}
