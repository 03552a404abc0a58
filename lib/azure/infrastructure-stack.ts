import { Construct, IConstruct } from "constructs";
import { isGitOpsApp } from "../core/gitops-app-marker";
import { DNS_LABEL, GUID } from "../core/patterns";
import { appOf, Registry } from "../core/registry";
import { addPropValidation } from "../core/validation";
import { RepoTerraformStack } from "./repo-terraform-stack";

/** Folder names under `infrastructure/` (and Terraform object names derived from them) are DNS labels. */
export { DNS_LABEL };

export { AZURERM_PROVIDER_VERSION } from "./repo-terraform-stack";

/** How the azurerm provider registers Azure resource providers. */
export enum ResourceProviderRegistrations {
  /** Registers nothing: the runner's identity needs no subscription-wide register rights (least privilege). */
  NONE = "none",
  CORE = "core",
  EXTENDED = "extended",
  ALL = "all",
  LEGACY = "legacy",
}

/** Props of an InfrastructureStack. */
export interface InfrastructureStackProps {
  /**
   * Azure subscription the stack manages. azurerm 4 requires one; it is written into the provider block, so the
   * code in Git says where it applies and a runner's environment cannot point it elsewhere.
   */
  readonly subscriptionId: string;
  /**
   * Folder under `infrastructure/` that receives `main.tf.json`; a DNS label.
   * @default - the stack id
   */
  readonly folderName?: string;
  /**
   * Resource provider registration done by the provider at plan time.
   * @default ResourceProviderRegistrations.NONE
   */
  readonly resourceProviderRegistrations?: ResourceProviderRegistrations;
}

/**
 * A Terraform stack that the Flux Terraform Controller reconciles: at synth it writes
 * `infrastructure/<folder>/main.tf.json`, which the runner can `init`/`plan`/`apply` as it is.
 *
 * The file has no `terraform.backend` (the controller injects its kubernetes backend; cdktf's implicit local backend
 * would carry an absolute path of the synth machine), requires `hashicorp/azurerm` at the pinned version, and
 * configures the provider for a runner pod without Azure CLI.
 */
export class InfrastructureStack extends RepoTerraformStack {
  /** Returns true if the construct is an InfrastructureStack. */
  static isInfrastructureStack(x: unknown): x is InfrastructureStack {
    return x instanceof InfrastructureStack;
  }

  /** The InfrastructureStack that contains a construct. */
  static of(c: IConstruct): InfrastructureStack {
    for (let s: IConstruct | undefined = c; s; s = s.node.scope) if (s instanceof InfrastructureStack) return s;
    throw new Error(`[${c.node.path}] must be created inside an InfrastructureStack`);
  }

  /** Folder name under `infrastructure/`. */
  readonly folderName: string;
  readonly subscriptionId: string;

  constructor(scope: Construct, id: string, givenProps: InfrastructureStackProps) {
    // A JavaScript caller without props gets the validation message (subscriptionId unset), not a TypeError.
    const props: InfrastructureStackProps = givenProps ?? ({} as InfrastructureStackProps);
    const registrations = props.resourceProviderRegistrations ?? ResourceProviderRegistrations.NONE;
    super(scope, id, {
      repoPath: `infrastructure/${props.folderName ?? id}`,
      provider: {
        subscriptionId: props.subscriptionId,
        // The runner image has no Azure CLI; credentials come from the pod (workload identity), never from `az login`.
        useCli: false,
        resourceProviderRegistrations: registrations,
      },
    });
    this.folderName = props.folderName ?? id;
    this.subscriptionId = props.subscriptionId;
    STACKS_BY_FOLDER.add(appOf(this), this.folderName, this);

    addPropValidation(this, (c) => {
      // A plain cdktf App never runs the GitOps pipeline: the stack would synthesize and write nothing to the repo.
      c.check(
        isGitOpsApp(this.node.root),
        "scope",
        this.node.root.constructor.name,
        "a construct tree rooted in a GitOpsApp (new GitOpsApp() instead of new App())",
      );
      if (c.literal("folderName", this.folderName)) {
        c.check(
          DNS_LABEL.test(this.folderName),
          "folderName",
          this.folderName,
          "a DNS label: lower-case letters, digits and '-', 1 to 63 characters, starting and ending alphanumeric",
        );
        // Two stacks on one folder: refused here, before cdktf writes anything (reported on the later stacks only).
        const first = STACKS_BY_FOLDER.first(appOf(this), this.folderName);
        if (first && first !== this)
          c.fail("folderName", this.folderName, `a folder no other stack writes (${first.node.path} writes ${this.repoPath} too)`);
      }
      if (c.literal("subscriptionId", props.subscriptionId)) {
        c.check(
          GUID.test(props.subscriptionId),
          "subscriptionId",
          props.subscriptionId,
          "a subscription GUID such as 00000000-0000-0000-0000-000000000000",
        );
      }
      c.oneOf("resourceProviderRegistrations", registrations, Object.values(ResourceProviderRegistrations));
    });
  }
}

/** Stacks per app and folder, registered at construction: a lookup per stack instead of a walk of the whole tree. */
const STACKS_BY_FOLDER = new Registry<string, InfrastructureStack>();
