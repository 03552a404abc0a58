import { Token } from "../core/framework";
import { GUID } from "../core/patterns";
import { PropChecks } from "../core/validation";
import { NODE_POOL_TYPE } from "./guarded-node-pool-address";
import { ClusterLocation } from "./node-pool-cluster";
import { KubernetesClusterNodePool } from "./provider/kubernetes-cluster-node-pool";

/**
 * An agent pool id exactly as azurerm reads it back. The importer only checks the id's shape (parse.NodePoolID,
 * internal/services/containers/parse/node_pool.go:48-79@v4.55.0), but every read parses the id with
 * agentpools.ParseAgentPoolID (kubernetes_cluster_node_pool_resource.go:1064@v4.55.0, :1112@v4.73.0), which parses
 * case-sensitively (`parser.Parse(input, false)`, vendor/.../containerservice/2025-07-01/agentpools/id_agentpool.go:39-41)
 * and compares every fixed segment exactly (vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/resourceids/
 * parse.go:263-279@v4.55.0): `resourcegroups` or `agentpools` fails every plan after the import.
 */
const AGENT_POOL_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)\/agentPools\/([^/]+)$/;

/**
 * A node pool's address in the state a Terraform object keeps: the type, a resource name (optionally an instance
 * key), optionally inside modules. A moved block cannot change the resource type.
 */
const PREVIOUS_ADDRESS = new RegExp(
  `^(module\\.[A-Za-z_][A-Za-z0-9_-]*(\\[(\\d+|"[^"\\\\]*")\\])?\\.)*${NODE_POOL_TYPE}\\.[A-Za-z_][A-Za-z0-9_-]*(\\[(\\d+|"[^"\\\\]*")\\])?$`,
);

const ID_SHAPE =
  "an agent pool id /subscriptions/<guid>/resourceGroups/<resource group>/providers/Microsoft.ContainerService/" +
  "managedClusters/<cluster>/agentPools/<name>, the fixed segments cased exactly so (azurerm reads the id back with " +
  "agentpools.ParseAgentPoolID, which compares them case-sensitively)";

/** Where the reads set name and kubernetes_cluster_id from the imported id; both force a new pool. */
const READ_SETS =
  "azurerm's read sets name and kubernetes_cluster_id from the id (kubernetes_cluster_node_pool_resource.go:1069-1083@v4.55.0), " +
  "both force a new resource (:125-137), so any difference replaces the pool";

/** What a NodePoolAdoption does. */
export enum NodePoolAdoptionKind {
  /** A Terraform `import` block: the pool is in no state yet. */
  IMPORT = "import",
  /** A Terraform `moved` block: the pool is in the state the Terraform object keeps, at another address. */
  MOVED = "moved",
}

/**
 * How a GuardedNodePool takes over a pool that already exists instead of creating it (docs/migrating-from-hand-written.md).
 * Both are written once and stay harmless after the apply that uses them: remove them when the synth says so.
 */
export class NodePoolAdoption {
  /**
   * The pool exists in Azure but in no Terraform state: written as an `import` block (`resource.importFrom(id)`), so
   * the next plan imports it instead of creating it. The id's pool name must be `name`, and its cluster the pool's
   * `cluster` (where the synth can know it), exactly: azurerm sets both from the id and either difference replaces the
   * pool. Needs Terraform ≥ 1.5 or OpenTofu on the runner, and `terraform version` at synth (cdktf checks it).
   */
  static importFrom(resourceId: string): NodePoolAdoption {
    return new NodePoolAdoption(NodePoolAdoptionKind.IMPORT, resourceId);
  }

  /**
   * The pool is in the state the pool's Terraform object keeps (its `secretSuffix`, `workspace` and `namespace` name
   * the existing Secret), at another address, e.g. the article's `azurerm_kubernetes_cluster_node_pool.core_pool`:
   * written as a `moved` block (`resource.moveFromId(address)`), so an unchanged pool plans no create and no destroy.
   */
  static fromPreviousAddress(address: string): NodePoolAdoption {
    return new NodePoolAdoption(NodePoolAdoptionKind.MOVED, address);
  }

  private constructor(
    readonly kind: NodePoolAdoptionKind,
    /** The resource id (import) or the previous address (moved). */
    readonly from: string,
  ) {}
}

/** What the checks of an adoption need to know about its pool. */
export interface AdoptingPool {
  readonly name: unknown;
  readonly preventDestroy: unknown;
  /** Where the pool's cluster is, when the synth can know it. */
  readonly cluster: ClusterLocation | undefined;
  /** The subscription of the pool's stack (the provider's, which a cluster given by name is looked up in). */
  readonly stackSubscriptionId: string;
}

/** Problems of `adopt`: its kind, the id or address, and agreement with the pool's name, cluster and guard. */
export function validateAdoption(c: PropChecks, adopt: unknown, pool: AdoptingPool): void {
  if (adopt === undefined) return;
  if (!(adopt instanceof NodePoolAdoption)) {
    c.fail("adopt", adopt, "NodePoolAdoption.importFrom(<pool resource id>) or NodePoolAdoption.fromPreviousAddress(<address>)");
    return;
  }
  c.check(
    pool.preventDestroy === true,
    "preventDestroy",
    pool.preventDestroy,
    "true (the default) on an adopted pool: where the code and the live pool disagree on an attribute that forces a " +
      "new pool, the plan must fail (Terraform refuses to destroy a prevent_destroy resource) instead of replacing the pool it adopts",
  );
  if (adopt.kind === NodePoolAdoptionKind.MOVED) {
    c.pattern(
      "adopt (fromPreviousAddress)",
      adopt.from,
      PREVIOUS_ADDRESS,
      `the pool's address in the state it is moved from, ${NODE_POOL_TYPE}.<name> (optionally an instance key or module.<name>. ` +
        `before it; a moved block cannot change the resource type), e.g. ${NODE_POOL_TYPE}.core_pool`,
    );
    return;
  }
  const id = adopt.from;
  if (Token.isUnresolved(id)) return; // known at plan time only: the runner's import checks it
  const parts = typeof id === "string" ? AGENT_POOL_ID.exec(id) : null;
  if (!parts) {
    c.fail("adopt (importFrom)", id, ID_SHAPE);
    return;
  }
  const [, subscriptionId, resourceGroupName, clusterName, poolName] = parts;
  if (!GUID.test(subscriptionId)) {
    c.fail("adopt (importFrom)", id, `${ID_SHAPE}; the subscription is a GUID`);
    return;
  }
  if (typeof pool.name === "string") {
    c.check(
      poolName === pool.name,
      "adopt (importFrom)",
      id,
      `the id of the pool named ${JSON.stringify(pool.name)}, .../agentPools/${pool.name}: ${READ_SETS}`,
    );
  }
  const cluster = pool.cluster;
  if (!cluster) return;
  const expected = {
    subscriptionId: cluster.subscriptionId ?? pool.stackSubscriptionId,
    resourceGroupName: cluster.resourceGroupName,
    name: cluster.name,
  };
  const same =
    expected.subscriptionId === subscriptionId && expected.resourceGroupName === resourceGroupName && expected.name === clusterName;
  c.check(
    same,
    "adopt (importFrom)",
    id,
    `a pool of the pool's cluster, /subscriptions/${expected.subscriptionId}/resourceGroups/${expected.resourceGroupName}/` +
      `providers/Microsoft.ContainerService/managedClusters/${expected.name}/agentPools/<name>, spelt exactly as the ` +
      `cluster reference (${READ_SETS})`,
  );
}

/** An adopted pool as the synth wrote it (the checks print what happens next from it). */
export interface WrittenAdoption {
  readonly kind: NodePoolAdoptionKind;
  readonly from: string;
}

/** The resources whose moved block is written (a second synth in one process must not write it twice). */
const MOVED = new WeakMap<KubernetesClusterNodePool, string>();

/**
 * Writes the adoption on the pool's resource once its address is fixed (after the generations are assigned: cdktf
 * computes a moved block's `to` when `moveFromId` is called, TerraformResource.moveFromId in cdktf 0.21 and in cdktn,
 * packages/cdktn/lib/terraform-resource.ts:521-535@31eceb82d; an import block's `to` when the JSON is written, :289-298).
 */
export function writeAdoption(resource: KubernetesClusterNodePool, adopt: NodePoolAdoption): WrittenAdoption {
  if (adopt.kind === NodePoolAdoptionKind.IMPORT) resource.importFrom(adopt.from);
  else if (!MOVED.has(resource)) {
    resource.moveFromId(adopt.from);
    MOVED.set(resource, adopt.from);
  }
  return { kind: adopt.kind, from: adopt.from };
}

/** A pool as the generations assigned it (the fields of NodePoolAddressing the adoption checks read). */
interface AddressedPool {
  readonly source: string;
  readonly folder: string;
  readonly address: string;
  readonly adoption?: WrittenAdoption;
}

/**
 * What the addresses tell before cdktf's synth: a move onto the pool's own address, and two pools of one stack
 * adopting the same pool (Terraform refuses both blocks).
 */
export function adoptionProblems(pools: readonly AddressedPool[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, AddressedPool>();
  for (const p of pools) {
    const a = p.adoption;
    if (!a) continue;
    const prop = a.kind === NodePoolAdoptionKind.IMPORT ? "adopt (importFrom)" : "adopt (fromPreviousAddress)";
    const at = `[${p.source}] ${prop} = ${JSON.stringify(a.from)}: allowed is`;
    if (a.kind === NodePoolAdoptionKind.MOVED && a.from === p.address) {
      problems.push(`${at} an address other than the one the pool is written at (${p.address} in ${p.folder}): nothing moves`);
    }
    // Azure ids are case-insensitive: two spellings of one id are one pool.
    const key = `${p.folder}\n${a.kind}\n${a.kind === NodePoolAdoptionKind.IMPORT ? a.from.toLowerCase() : a.from}`;
    const first = seen.get(key);
    if (first) {
      problems.push(
        `${at} an ${a.kind === NodePoolAdoptionKind.IMPORT ? "id" : "address"} no other pool of ${p.folder} adopts ` +
          `(${first.source} does; Terraform refuses two ${a.kind} blocks for one object)`,
      );
    } else seen.set(key, p);
  }
  return problems;
}

/**
 * An adoption in the synth that acknowledges the pool's replacement, refused against the committed tree: the pool is
 * written at its next generation's address while the committed one is destroyed, so the import or move would hand the
 * adopted pool to an address that replaces it.
 */
export function adoptionIntoReplacement(
  pool: AddressedPool & { readonly generation: number; readonly committed?: { readonly generation: number } },
): string | undefined {
  const a = pool.adoption;
  if (!a || pool.generation <= (pool.committed?.generation ?? 0)) return undefined;
  const prop = a.kind === NodePoolAdoptionKind.IMPORT ? "adopt (importFrom)" : "adopt (fromPreviousAddress)";
  return (
    `[${pool.source}] ${prop} = ${JSON.stringify(a.from)}: allowed is no adoption in the synth that acknowledges the ` +
    `pool's replacement: the pool is written at its next address ${pool.address} while the committed one is destroyed, ` +
    `so the ${a.kind} block would hand the adopted pool to an address that replaces it; adopt first, let it apply, ` +
    `remove adopt, then acknowledge the replacement`
  );
}
