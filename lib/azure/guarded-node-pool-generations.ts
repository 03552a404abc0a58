import { IConstruct } from "constructs";
import { TerraformStack } from "../core/framework";
import { infrastructureFolder } from "../core/repo-layout";
import { GitOpsSynthError } from "../core/validation";
import { GuardedNodePool } from "./guarded-node-pool";
import { addressAtGeneration, NODE_POOL_TYPE, poolKeyOf, RecordedNodePool } from "./guarded-node-pool-address";
import { InfrastructureStack } from "./infrastructure-stack";
import { adoptionProblems, WrittenAdoption, writeAdoption } from "./node-pool-adoption";

export * from "./guarded-node-pool-address";

/** Where one pool is written in this synth, and where the committed record had it. */
export interface NodePoolAddressing {
  /** The pool's construct path. */
  readonly source: string;
  /** `infrastructure/<stack folder>`. */
  readonly folder: string;
  /** The address at generation 0 (`azurerm_kubernetes_cluster_node_pool.<logical id>`): the record's key. */
  readonly firstAddress: string;
  readonly generation: number;
  /** The address this synth writes the pool at. */
  readonly address: string;
  readonly guarded: boolean;
  /** The entry of the committed record, if it had one. */
  readonly committed?: RecordedNodePool;
  /** The import or moved block that takes over an existing pool, if the pool adopts one. */
  readonly adoption?: WrittenAdoption;
}

/** The logical id each pool had before a generation was added (a second synth in one process must start from it). */
const FIRST_LOGICAL_ID = new WeakMap<GuardedNodePool, string>();

/**
 * Decides, before cdktf resolves any address, at which address each GuardedNodePool of `scope` is written: the
 * generation of the committed record (`committed`, from the base state safety compares with), one more where the
 * app acknowledges a replacement of a guarded pool at its committed address (`replace:<folder>/<address>@…`). State
 * safety then checks that acknowledgement against the change (its digest) like any other. Everything is derived
 * from the code and the committed record, never from timing: whichever commit a controller plans, it sees the old
 * address or the new one, and the guard stays on the address in the configuration.
 */
export function assignPoolGenerations(
  scope: IConstruct,
  committed: Readonly<Record<string, RecordedNodePool>> | undefined,
  acknowledged: ReadonlySet<string>,
): NodePoolAddressing[] {
  const pools = scope.node.findAll().filter((c): c is GuardedNodePool => c instanceof GuardedNodePool);
  const problems: string[] = [];
  const result = pools.map((pool) => {
    const firstId = FIRST_LOGICAL_ID.get(pool) ?? TerraformStack.of(pool.resource).getLogicalId(pool.resource);
    const folder = infrastructureFolder(InfrastructureStack.of(pool).folderName);
    const firstAddress = `${NODE_POOL_TYPE}.${firstId}`;
    const entry = committed?.[poolKeyOf(folder, firstAddress)];
    const committedAddress = addressAtGeneration(firstAddress, entry?.generation ?? 0);
    const replacing = pool.preventDestroy && [...acknowledged].some((a) => a.startsWith(`replace:${poolKeyOf(folder, committedAddress)}@`));
    const generation = (entry?.generation ?? 0) + (replacing ? 1 : 0);
    if (generation > 0 || FIRST_LOGICAL_ID.has(pool)) {
      FIRST_LOGICAL_ID.set(pool, firstId);
      const problem = moveLogicalId(pool, addressAtGeneration(firstId, generation));
      if (problem) problems.push(problem);
    }
    const address = addressAtGeneration(firstAddress, generation);
    const adoption = pool.adopt && writeAdoption(pool.resource, pool.adopt);
    return { source: pool.node.path, folder, firstAddress, generation, address, guarded: pool.preventDestroy, committed: entry, adoption };
  });
  problems.push(...adoptionProblems(result));
  if (problems.length) throw new GitOpsSynthError("Synth refused: invalid input", problems);
  return result;
}

/** Gives the pool's resource its address; a resource another construct already referenced cannot move. */
function moveLogicalId(pool: GuardedNodePool, logicalId: string): string | undefined {
  try {
    pool.resource.overrideLogicalId(logicalId);
    return undefined;
  } catch {
    return (
      `[${pool.node.path}] the pool is written at ${NODE_POOL_TYPE}.${logicalId} (an acknowledged replacement of a ` +
      `guarded pool, or the generation in the ownership record), but its resource was referenced (resource.id, fqn) ` +
      `before synth, so its address is fixed: reference the pool after constructing everything else, or not at all`
    );
  }
}

/** The record entries of this synth's pools. */
export function recordedNodePools(pools: readonly NodePoolAddressing[]): Record<string, RecordedNodePool> {
  return Object.fromEntries(
    pools.map((p) => [poolKeyOf(p.folder, p.firstAddress), { generation: p.generation, guarded: p.guarded }] as const),
  );
}
