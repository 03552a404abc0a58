import { addressAtGeneration, NodePoolAddressing, poolKeyOf, RecordedNodePool } from "../azure/guarded-node-pool-generations";

/**
 * State safety's view of the guarded pools: which addresses the committed record guards, and which pools this synth
 * writes at a new generation (an acknowledged blue/green replacement). Which pools are guarded is the library's own
 * record, not only the committed `prevent_destroy` flag, so a flag lifted by hand in the committed JSON never makes a
 * removal pass.
 */
export interface GuardedPools {
  /** `<folder>/<address>` of each pool the committed record lists as guarded, at its committed generation. */
  readonly guardedBefore: ReadonlySet<string>;
  /** The committed `<folder>/<address>` of each pool this synth writes at the next generation → that pool. */
  readonly successors: ReadonlyMap<string, NodePoolAddressing>;
  /** `<folder>/<address>` of each guarded pool written at its committed address → that pool. */
  readonly unmoved: ReadonlyMap<string, NodePoolAddressing>;
}

export function guardedPools(
  record: Readonly<Record<string, RecordedNodePool>> | undefined,
  pools: readonly NodePoolAddressing[] = [],
): GuardedPools {
  const guardedBefore = new Set<string>();
  for (const [key, entry] of Object.entries(record ?? {})) {
    const slash = key.lastIndexOf("/");
    if (entry.guarded) guardedBefore.add(poolKeyOf(key.slice(0, slash), addressAtGeneration(key.slice(slash + 1), entry.generation)));
  }
  const successors = new Map<string, NodePoolAddressing>();
  const unmoved = new Map<string, NodePoolAddressing>();
  for (const p of pools) {
    const committedGeneration = p.committed?.generation ?? 0;
    if (p.generation > committedGeneration) {
      successors.set(poolKeyOf(p.folder, addressAtGeneration(p.firstAddress, committedGeneration)), p);
    } else if (p.guarded) {
      unmoved.set(poolKeyOf(p.folder, p.address), p);
    }
  }
  return { guardedBefore, successors, unmoved };
}

/** The address an acknowledged replacement writes a pool at: its next generation's. */
export function nextAddressOf(pool: NodePoolAddressing): string {
  return addressAtGeneration(pool.firstAddress, (pool.committed?.generation ?? 0) + 1);
}

/** A resource as state safety compares it. */
export interface PoolResource {
  readonly folder: string;
  readonly address: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** azurerm refuses to create a pool whose name exists; the source of that, cited in every message that relies on it. */
const NAME_CLASH_SOURCE =
  "azurerm's create looks the pool up first and returns tf.ImportAsExistsError if one of that name exists " +
  "(resourceKubernetesClusterNodePoolCreate, internal/services/containers/kubernetes_cluster_node_pool_resource.go:502-511@v4.55.0)";

/** What acknowledging the replacement of a guarded pool will do, appended to the refusal. */
export function blueGreenPlan(old: PoolResource, nextAddress: string): string {
  return (
    `; acknowledging it replaces the pool blue/green: it is written at ${nextAddress} with prevent_destroy and ` +
    `${old.address} leaves the configuration, so Terraform creates the new pool and destroys the old one in one apply ` +
    `(prevent_destroy guards only addresses still in the configuration, so this plans at whatever commit a controller ` +
    `plans it); the ownership record keeps the new address when the entry is removed later`
  );
}

/**
 * A guarded pool replaced under the same name cannot be carried out: the new address is created while the old one is
 * destroyed, in no order, and the create fails while the old pool exists. Not acknowledgeable: a new name is needed.
 * Blamed on the pool's `name`, where the fix is typed.
 */
export function sameNameProblem(pool: NodePoolAddressing, old: PoolResource, replaced: readonly string[]): string {
  const name = JSON.stringify(old.body.name);
  return (
    `[${pool.source}] name = ${name}: allowed is a name the committed pool does not have, because ${old.address} in ` +
    `${old.folder} would be replaced (${replaced.join(", ")} force a new resource) and has prevent_destroy, so it is ` +
    `replaced blue/green: a new pool at ${nextAddressOf(pool)} is created while ${old.address} is destroyed, in no ` +
    `order, and ${NAME_CLASH_SOURCE}; with a new name, synth again and acknowledge the change that refusal prints`
  );
}

/**
 * An acknowledgement moved a pool to its next generation, but nothing in the change forces a replacement: blamed on
 * the app's entry (`entry`: the one that names the pool's committed address).
 */
export function needlessReplacementProblem(entry: string, old: PoolResource, pool: NodePoolAddressing): string {
  return (
    `[app] acknowledgedChanges = ${JSON.stringify(entry)}: allowed is an entry for a change this synth makes, but ` +
    `nothing in it forces a replacement of ${old.address} in ${old.folder}, and the entry alone would write the pool ` +
    `at ${pool.address} (destroyed and created again): remove the entry (once a replacement landed, its entry names ` +
    `the address the pool had before)`
  );
}

/** A pool whose address was fixed before the generation could be applied (a read of its logical id). */
export function misplacedPoolProblems(pools: readonly NodePoolAddressing[], has: (key: string) => boolean): string[] {
  return pools
    .filter((p) => p.generation > 0 && !has(poolKeyOf(p.folder, p.address)))
    .map(
      (p) =>
        `[${p.source}] the pool must be written at ${p.address} in ${p.folder} (generation ${p.generation} in the ` +
        `ownership record, or an acknowledged replacement), but its address was fixed before synth (a reference ` +
        `such as resource.id, resource.overrideLogicalId, or friendlyUniqueId): reference the pool's resource after ` +
        `constructing everything else, or not at all, and leave its address to the library`,
    );
}
