import { Construct } from "constructs";
import { DNS_LABEL, InfrastructureStack } from "../azure/infrastructure-stack";
import { ClusterLocation, NodePoolCluster } from "../azure/node-pool-cluster";
import { FederatedIdentityCredential } from "../azure/provider/federated-identity-credential";
import { RoleAssignment } from "../azure/provider/role-assignment";
import { RoleDefinition } from "../azure/provider/role-definition";
import { UserAssignedIdentity } from "../azure/provider/user-assigned-identity";
import { Annotations, TerraformOutput } from "../core/framework";
import { GitOpsFile, IGitOpsFileProducer, markFileProducer } from "../core/gitops-file";
import { DNS_SUBDOMAIN, GUID, RESOURCE_GROUP } from "../core/patterns";
import { Registry } from "../core/registry";
import { clusterTerraformFile, clusterTerraformFolder } from "../core/repo-layout";
import { addPropValidation, PropChecks } from "../core/validation";
import { KubeletIdentityProps, KubeletRunnerIdentity } from "./kubelet-runner-identity";
import { checkStackCoveredByRole, createRunnerAzureSide } from "./runner-identity-azure";
import { IRunnerIdentity, RunnerIdentityKind, RunnerIdentitySettings } from "./runner-identity-kind";
import { RunnerIdentityProps } from "./runner-identity-props";
import { checkRunnerRoleChoice, RunnerRole } from "./runner-role";
import { NODE_POOL_MANAGER_ACTIONS, roleActions } from "./runner-role-actions";
import { runnerServiceAccountDocuments } from "./runner-service-account";
import { checkSubnetJoinable, grantSubnetJoin } from "./runner-subnet-join";
import { isTerraformCluster, ITerraformCluster, ITerraformObject } from "./terraform-cluster";

export { NODE_POOL_MANAGER_ACTIONS, WORKLOAD_IDENTITY_AUDIENCE } from "./runner-identity-azure";
export { TF_RUNNER_CLUSTER_ROLE } from "./runner-service-account";
export { kubeletIdentityWarning } from "./kubelet-runner-identity";
export type { KubeletIdentityProps } from "./kubelet-runner-identity";
export type { RunnerIdentityProps } from "./runner-identity-props";
export { RunnerIdentityKind } from "./runner-identity-kind";
export type { IRunnerIdentity, RunnerIdentitySettings } from "./runner-identity-kind";

/**
 * Context key of the runner identities' client ids, an object from identity name to client id:
 * `"runnerClientIds": { "aks-gitops-tf-tf-runner": "<client id>" }` in cdktf.json. A client id is not a secret.
 */
export const RUNNER_CLIENT_IDS_CONTEXT = "runnerClientIds";

/** Where the AKS workload identity webhook mounts the service account token (with audience api://AzureADTokenExchange). */
export const WORKLOAD_IDENTITY_TOKEN_FILE = "/var/run/secrets/azure/tokens/azure-identity-token";
/** Annotation on a Terraform object written suspended because its runner identity is not usable yet. */
export const SUSPENDED_ANNOTATION = "cdktf-aks-gitops/suspended";

/** The runner identities of each cluster, in creation order. */
const RUNNER_IDENTITIES = new Registry<undefined, RunnerIdentity>();
const IDENTITY_NAME = /^[a-zA-Z0-9][-_a-zA-Z0-9]{2,127}$/;
const LOCATION = /^[a-z0-9]+$/;
const CHART_SERVICE_ACCOUNT = "tf-runner";

/**
 * A least-privilege Azure identity for the Terraform runners of one cluster (AKS workload identity):
 *
 * - in `bootstrap/<cluster>/main.tf.json` (applied once, from a workstation or pipeline that may grant roles; never by
 *   the runner, so it cannot grant itself rights): a user-assigned managed identity, a federated identity credential
 *   that trusts the cluster's OIDC issuer for `system:serviceaccount:<namespace>:<serviceAccount>` only, and a custom
 *   role with only NODE_POOL_MANAGER_ACTIONS (and the `additionalActions` given), assignable on and assigned on the
 *   cluster (never a resource group or subscription, never Owner or Contributor), or the subscription's FleetRunnerRole
 *   assigned on the cluster (`role`); for BYO-subnet pools, a join-only role on each of their VNets; the output
 *   `client_id_<identity>`;
 * - in `clusters/<cluster>/terraform/`: the runner ServiceAccount, annotated with the client id, and a RoleBinding to
 *   tofu-controller's `tf-runner-role` in its namespace;
 * - on each Terraform object that uses it (`runnerIdentity`): that ServiceAccount, the pod label
 *   `azure.workload.identity/use: "true"` and ARM_USE_OIDC, ARM_OIDC_TOKEN_FILE_PATH, ARM_CLIENT_ID, ARM_TENANT_ID,
 *   ARM_SUBSCRIPTION_ID for the azurerm provider.
 *
 * The client id only exists after the bootstrap apply, and the YAML is written at synth: until it is given (prop or
 * `runnerClientIds` context entry) the objects are written suspended (no runs) and the synth prints the two steps.
 */
export class RunnerIdentity extends Construct implements IRunnerIdentity, IGitOpsFileProducer {
  /**
   * The nodes' kubelet identity (ARM_USE_MSI), as an explicit opt-in. Every Terraform object that uses it gets a synth
   * warning explaining the blast radius, and the policy rule GitOps-TF2 reports it. Nothing is created in Azure: the
   * kubelet identity must already hold the rights Terraform needs.
   */
  static kubeletIdentity(props: KubeletIdentityProps): IRunnerIdentity {
    return new KubeletRunnerIdentity(props);
  }

  readonly kind = RunnerIdentityKind.WORKLOAD_IDENTITY;
  readonly cluster: ITerraformCluster;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly identityName: string;
  readonly tenantId: string;
  /** Subscription of the AKS cluster (empty when it could not be told: then validation says so). */
  readonly subscriptionId: string;
  /** The client id, or undefined until the bootstrap stack is applied and the id is given. */
  readonly clientId?: string;
  /** `system:serviceaccount:<namespace>:<serviceAccountName>`, the subject the federated credential trusts. */
  readonly subject: string;
  /** Name of the bootstrap stack output holding the client id. */
  readonly clientIdOutput: string;
  /** The Azure resources (escape hatches), in the cluster's bootstrap stack. */
  readonly identity: UserAssignedIdentity;
  readonly federatedCredential: FederatedIdentityCredential;
  /** The cluster's own role; undefined with a fleet role (its definition is the FleetRunnerRole's). */
  readonly roleDefinition: RoleDefinition | undefined;
  readonly roleAssignment: RoleAssignment;
  /** The custom role assigned on the cluster. */
  readonly role: RunnerRole;
  /** @internal File name in the cluster's `terraform/` folder. */
  readonly _fileName: string;

  private readonly props: RunnerIdentityProps;
  private readonly location?: ClusterLocation;
  private readonly users: ITerraformObject[] = [];

  constructor(scope: Construct, id: string, given: RunnerIdentityProps) {
    super(scope, id);
    // A JavaScript caller without props gets the validation's message, not a TypeError here.
    const props = given ?? ({} as RunnerIdentityProps);
    markFileProducer(this);
    this.props = props;
    this.cluster = props.cluster;
    const aks = props.cluster?._aksExtensionCluster;
    // Only a NodePoolCluster locates itself; anything else (JavaScript) is reported by validation.
    const aksCluster: unknown = props.aksCluster;
    this.location = isLocatable(aksCluster)
      ? aksCluster._locate()
      : aks
        ? {
            name: aks.clusterName,
            resourceGroupName: aks.resourceGroupName,
            subscriptionId: aks.subscriptionId,
            keyIn: (s) => `${s}/${aks.resourceGroupName}/${aks.clusterName}`.toLowerCase(),
          }
        : undefined;
    this.subscriptionId = props.subscriptionId ?? this.location?.subscriptionId ?? aks?.subscriptionId ?? "";
    this.namespace = props.namespace ?? props.cluster?.namespace;
    this.serviceAccountName = props.serviceAccountName ?? "tf-runner-azure";
    this.identityName = props.identityName ?? `${props.cluster?.clusterName}-tf-runner`;
    this.tenantId = props.tenantId;
    const fromContext = this.node.tryGetContext(RUNNER_CLIENT_IDS_CONTEXT) as Record<string, unknown> | undefined;
    const contextId = fromContext !== null && typeof fromContext === "object" ? fromContext[this.identityName] : undefined;
    this.clientId = props.clientId ?? (typeof contextId === "string" ? contextId : undefined);
    this.subject = `system:serviceaccount:${this.namespace}:${this.serviceAccountName}`;
    this.clientIdOutput = `client_id_${String(this.identityName).replace(/[^A-Za-z0-9_]/g, "_")}`;
    this._fileName = `${this.serviceAccountName}.serviceaccount.yaml`;
    this.role = props.role instanceof RunnerRole ? props.role : RunnerRole.perCluster();

    if (!isTerraformCluster(props.cluster)) {
      // Without a cluster (JavaScript) there is no bootstrap stack for the Azure side: the one message is about the cluster.
      addPropValidation(this, (c) => c.fail("cluster", props.cluster, "a FluxBootstrap (the cluster whose runners use the identity)"));
      this.identity = this.federatedCredential = this.roleDefinition = this.roleAssignment = undefined as never;
      return;
    }
    // The Azure side, in the cluster's bootstrap stack (one per cluster, also when the cluster has several identities).
    RUNNER_IDENTITIES.add(props.cluster, undefined, this);
    const stack = props.cluster._bootstrapStackFor(this.subscriptionId);
    // Two identities with one name are a validation message (below), not a construct-id clash here.
    const groupId = `runner-identity-${this.identityName}`;
    const group = new Construct(stack, stack.node.tryFindChild(groupId) ? `${groupId}-${this.node.addr.slice(0, 8)}` : groupId);
    const azure = createRunnerAzureSide(group, {
      location: this.location,
      subscriptionId: this.subscriptionId,
      identityName: this.identityName,
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
      subject: this.subject,
      resourceGroupName: props.resourceGroupName,
      azureLocation: props.location,
      clusterName: props.cluster?.clusterName,
      actions: roleActions(NODE_POOL_MANAGER_ACTIONS, props),
      fleet: this.role.fleetRole,
    });
    this.identity = azure.identity;
    this.federatedCredential = azure.federatedCredential;
    this.roleDefinition = azure.roleDefinition;
    this.roleAssignment = azure.roleAssignment;
    // The pools (and their subnets) of the stacks this identity runs are known once the whole tree is declared.
    const joinSpec = {
      ...{ identity: this.identity, subscriptionId: this.subscriptionId, fleet: this.role.fleetRole, subject: this.subject },
      roleNameKey: `${this.subscriptionId}/${this.location?.resourceGroupName}/${this.location?.name}/${this.identityName}`,
      clusterName: this.location?.name ?? props.cluster.clusterName,
    };
    if (props.grantSubnetJoin !== false)
      stack._completeBeforeSynth(() => grantSubnetJoin(group, { ...joinSpec, stacks: this.users.map((u) => u.stack) }));
    new TerraformOutput(group, "client-id", {
      value: this.identity.clientId,
      description:
        `Client id of ${this.identityName}: put it into the cdktf.json context as ${RUNNER_CLIENT_IDS_CONTEXT}.${this.identityName} ` +
        `and synth again.`,
    }).overrideLogicalId(this.clientIdOutput);

    addPropValidation(this, (c) => this.validate(c));
  }

  /** The Terraform objects that use this identity. */
  get terraforms(): readonly ITerraformObject[] {
    return [...this.users];
  }

  /** What to run to get the client id, once the bootstrap stack is applied. */
  get clientIdCommand(): string {
    return `tofu -chdir=${this.cluster.bootstrapStack?.repoPath} output -raw ${this.clientIdOutput}`;
  }

  private validate(c: PropChecks): void {
    checkRunnerRoleChoice(c, this.props, this.subscriptionId);
    this.validateAzureTarget(c);
    this.validateNames(c);
    this.validateClusterAndClashes(c);
  }

  /** The AKS cluster and subscription the identity is for. */
  private validateAzureTarget(c: PropChecks): void {
    const p = this.props;
    const aksMode = p.cluster?._aksExtensionCluster !== undefined;
    if (!this.location) {
      c.fail(
        "aksCluster",
        p.aksCluster === undefined || !isLocatable(p.aksCluster) ? p.aksCluster : "<unresolved token>",
        aksMode
          ? "a cluster whose name and resource group are literals"
          : "the AKS cluster the runners run on (NodePoolCluster.fromClusterName/fromClusterId/fromCluster, literals): flux CLI mode does not " +
              "know it",
      );
    }
    // Without a cluster there is no subscription to derive: the aksCluster message above says what to give.
    if ((this.location || p.subscriptionId !== undefined) && c.literal("subscriptionId", this.subscriptionId)) {
      c.check(
        GUID.test(this.subscriptionId),
        "subscriptionId",
        this.subscriptionId || undefined,
        "the subscription GUID of the AKS cluster",
      );
    }
    const stackSub = p.cluster?._bootstrapSubscriptionId;
    if (stackSub !== undefined && GUID.test(this.subscriptionId) && stackSub.toLowerCase() !== this.subscriptionId.toLowerCase()) {
      c.fail(
        "subscriptionId",
        this.subscriptionId,
        `the subscription of ${p.cluster.bootstrapStack?.repoPath} (${stackSub}): one bootstrap stack per cluster, one provider`,
      );
    }
    if (
      this.location?.subscriptionId !== undefined &&
      GUID.test(this.subscriptionId) &&
      this.location.subscriptionId.toLowerCase() !== this.subscriptionId.toLowerCase()
    ) {
      c.fail("subscriptionId", this.subscriptionId, `the subscription of the AKS cluster (${this.location.subscriptionId})`);
    }
  }

  /** The names and ids the identity is created with. */
  private validateNames(c: PropChecks): void {
    const p = this.props;
    if (this.tenantId === undefined) c.fail("tenantId", undefined, "the Entra tenant GUID (e.g. from the tenantId context entry)");
    else c.pattern("tenantId", this.tenantId, GUID, "the Entra tenant GUID (e.g. from the tenantId context entry)");
    if (this.clientId !== undefined)
      c.pattern("clientId", this.clientId, GUID, `the client id GUID of the identity (${this.clientIdCommand})`);
    c.pattern(
      "identityName",
      this.identityName,
      IDENTITY_NAME,
      "a managed identity name: 3 to 128 letters, digits, '-' and '_', starting alphanumeric",
    );
    c.pattern("resourceGroupName", p.resourceGroupName, RESOURCE_GROUP, "a resource group name");
    c.pattern("location", p.location, LOCATION, "an Azure region name such as westeurope");
    c.pattern("namespace", this.namespace, DNS_LABEL, "a Kubernetes namespace name (DNS label)");
    if (c.pattern("serviceAccountName", this.serviceAccountName, DNS_SUBDOMAIN, "a ServiceAccount name")) {
      c.check(
        this.serviceAccountName !== CHART_SERVICE_ACCOUNT,
        "serviceAccountName",
        this.serviceAccountName,
        `a name other than ${CHART_SERVICE_ACCOUNT} (the tofu-controller chart creates and owns that ServiceAccount)`,
      );
    }
    const federatedName = `${this.namespace}-${this.serviceAccountName}`;
    c.check(
      federatedName.length <= 120,
      "serviceAccountName",
      this.serviceAccountName,
      "a name short enough for the federated credential name <namespace>-<serviceAccount> (at most 120 characters)",
    );
  }

  /** What workload identity needs of a cluster defined in this app, and no clash with the cluster's other files. */
  private validateClusterAndClashes(c: PropChecks): void {
    // A cluster defined in this app must have what workload identity needs.
    const resource = this.location?.resource;
    if (resource) {
      const where = `KubernetesCluster ${resource.node.path}`;
      c.check(
        resource.oidcIssuerEnabledInput === true,
        "aksCluster",
        where,
        "a cluster with oidcIssuerEnabled: true (the federated credential trusts its OIDC issuer)",
      );
      c.check(
        resource.workloadIdentityEnabledInput === true,
        "aksCluster",
        where,
        "a cluster with workloadIdentityEnabled: true (the webhook that mounts the runner's token)",
      );
    }

    const sameFile = this.users.length ? this.cluster?._sourceWithSameFile(this) : undefined;
    if (sameFile) {
      c.fail(
        "serviceAccountName",
        this.serviceAccountName,
        `a name no other file of ${clusterTerraformFolder(this.cluster.clusterName)} uses (${sameFile.node.path} writes ${this._fileName} too)`,
      );
    }

    // Two identities of one cluster must not share a name, a ServiceAccount or a federated credential.
    for (const other of RUNNER_IDENTITIES.of(this.cluster, undefined)) {
      if (other === this) break; // report on the later one only
      if (other.identityName === this.identityName)
        c.fail(
          "identityName",
          this.identityName,
          `a name no other RunnerIdentity of cluster ${this.cluster.clusterName} uses (${other.node.path} has it)`,
        );
      if (other.namespace === this.namespace && other.serviceAccountName === this.serviceAccountName) {
        c.fail(
          "serviceAccountName",
          this.serviceAccountName,
          `a ServiceAccount no other RunnerIdentity of ${this.cluster.clusterName}/${this.namespace} uses (${other.node.path} has it)`,
        );
      }
    }
  }

  /** @internal */
  _attach(cr: ITerraformObject): void {
    if (this.users.length === 0) this.cluster._registerSource(this);
    if (!this.users.includes(cr)) this.users.push(cr);
    if (this.clientId === undefined) {
      Annotations.of(cr).addWarning(
        `Terraform object ${cr.namespace}/${cr.name} is written suspended: its runner identity ${this.identityName} has no client id yet. ` +
          `1) apply ${this.cluster.bootstrapStack?.repoPath} once with rights to grant roles on the cluster: ` +
          `tofu -chdir=${this.cluster.bootstrapStack?.repoPath} init && tofu -chdir=${this.cluster.bootstrapStack?.repoPath} apply; ` +
          `2) put the output (${this.clientIdCommand}) into cdktf.json: ` +
          `"context": {"${RUNNER_CLIENT_IDS_CONTEXT}": {"${this.identityName}": "<client id>"}} ` +
          `(or the clientId prop of ${this.node.path}), and synth again.`,
      );
    }
  }

  /** @internal */
  _validateFor(cr: ITerraformObject, c: PropChecks): void {
    const me = `<RunnerIdentity ${this.node.path}>`;
    if (cr.cluster !== this.cluster) {
      c.fail(
        "runnerIdentity",
        me,
        `a RunnerIdentity of cluster ${cr.cluster.clusterName} (this one is of ${this.cluster.clusterName}: its federated credential trusts ` +
          `that cluster's issuer)`,
      );
      return;
    }
    if (cr.namespace !== this.namespace) {
      c.fail(
        "runnerIdentity",
        me,
        `a RunnerIdentity whose ServiceAccount is in the object's namespace ${cr.namespace} (it is in ${this.namespace}; a pod can only use a ` +
          `ServiceAccount of its own namespace)`,
      );
    }
    if (!(cr.stack instanceof InfrastructureStack)) return;
    checkStackCoveredByRole(c, me, cr.stack, this.subscriptionId, this.location);
    if (this.props.grantSubnetJoin !== false) checkSubnetJoinable(c, me, this.node.path, cr.stack, this.subscriptionId);
  }

  /** @internal */
  _runner(cr: ITerraformObject): RunnerIdentitySettings {
    const env = [
      { name: "ARM_USE_OIDC", value: "true" },
      { name: "ARM_OIDC_TOKEN_FILE_PATH", value: WORKLOAD_IDENTITY_TOKEN_FILE },
      ...(this.clientId !== undefined ? [{ name: "ARM_CLIENT_ID", value: this.clientId }] : []),
      { name: "ARM_TENANT_ID", value: this.tenantId },
      { name: "ARM_SUBSCRIPTION_ID", value: cr.stack?.subscriptionId ?? this.subscriptionId },
    ];
    return {
      serviceAccountName: this.serviceAccountName,
      labels: { "azure.workload.identity/use": "true" },
      env,
      suspendedBecause:
        this.clientId === undefined
          ? `runner identity ${this.identityName} has no client id yet: apply ${this.cluster.bootstrapStack?.repoPath}, ` +
            `then set ${RUNNER_CLIENT_IDS_CONTEXT}.${this.identityName} in the cdktf.json context and synth again`
          : undefined,
    };
  }

  /** @internal */
  _gitOpsFiles(): GitOpsFile[] {
    if (this.users.length === 0) return [];
    return [
      {
        path: clusterTerraformFile(this.cluster.clusterName, this._fileName),
        source: this.node.path,
        content: { format: "yaml", documents: runnerServiceAccountDocuments(this.serviceAccountName, this.namespace, this.clientId) },
      },
    ];
  }
}

function isLocatable(x: unknown): x is NodePoolCluster {
  return x !== null && typeof x === "object" && typeof (x as NodePoolCluster)._locate === "function";
}
