import { Construct } from "constructs";
import { TerraformStack } from "../core/framework";
import { GitOpsFile, IGitOpsFileProducer, markFileProducer } from "../core/gitops-file";
import { AzurermProvider, AzurermProviderConfig } from "./provider/provider";
import { AZURERM_PROVIDER_VERSION } from "./provider/version";

/** The azurerm provider version the bindings in use were generated from, read from the binding package (./provider/version). */
export { AZURERM_PROVIDER_VERSION };

export interface RepoTerraformStackProps {
  /** Repo-relative folder that receives `main.tf.json`. */
  readonly repoPath: string;
  /** azurerm provider settings; `features` and the pinned source are added here. */
  readonly provider: Omit<AzurermProviderConfig, "features">;
  /** Keep a backend declared in the stack (e.g. an azurerm remote state); otherwise there is none. */
  readonly keepBackend?: boolean;
}

/**
 * A Terraform stack whose JSON is a file of the GitOps repo (`<repoPath>/main.tf.json`), usable by `tofu`/`terraform`
 * as it is: `hashicorp/azurerm` at the pinned version, the provider with `features {}`, no absolute path, and no
 * backend unless one is declared on purpose.
 */
export abstract class RepoTerraformStack extends TerraformStack implements IGitOpsFileProducer {
  /** Repo-relative folder of the stack's Terraform, e.g. `infrastructure/aks-gitops-tf`. */
  readonly repoPath: string;
  readonly provider: AzurermProvider;
  private synthesized?: unknown;
  private readonly completions: (() => void)[] = [];

  constructor(scope: Construct, id: string, props: RepoTerraformStackProps) {
    super(scope, id);
    markFileProducer(this);
    this.repoPath = props.repoPath;
    this.provider = new AzurermProvider(this, "azurerm", { features: [{}], ...props.provider });
    // cdktf writes the shorthand source "azurerm"; OpenTofu and Terraform both resolve the full address unambiguously.
    this.addOverride("terraform.required_providers.azurerm", { source: "hashicorp/azurerm", version: AZURERM_PROVIDER_VERSION });
    // cdktf's implicit local backend would carry an absolute path of the synth machine.
    if (!props.keepBackend) this.addOverride("terraform.backend", undefined);
  }

  /**
   * @internal Runs `complete` once, when the stack is first turned into Terraform (by cdktf's synth or by the GitOps
   * file, whichever comes first): the construct tree is whole then, so it may add resources that depend on what other
   * constructs declared later (a runner identity's subnet join on the pools of the stacks it runs).
   */
  _completeBeforeSynth(complete: () => void): void {
    this.completions.push(complete);
  }

  override toTerraform(): ReturnType<TerraformStack["toTerraform"]> {
    for (const complete of this.completions.splice(0)) complete();
    // Kept so that the GitOps file reuses the JSON cdktf just resolved instead of resolving the stack twice.
    const tf = super.toTerraform();
    this.synthesized = tf;
    return tf;
  }

  /** @internal */
  _gitOpsFiles(): GitOpsFile[] {
    const tf = (this.synthesized ?? this.toTerraform()) as Record<string, unknown>;
    this.synthesized = undefined;
    // cdktf's metadata comment goes; the renderer writes our marker in its place.
    const { ["//"]: _metadata, ...rest } = tf;
    return [{ path: `${this.repoPath}/main.tf.json`, source: this.node.path, content: { format: "json", value: rest } }];
  }
}
