import { DNS_LABEL } from "../core/patterns";
import { infrastructureFolder } from "../core/repo-layout";

/** The Terraform resource type of a node pool. */
export const NODE_POOL_TYPE = "azurerm_kubernetes_cluster_node_pool";

/**
 * What the ownership record keeps of one pool, by `<stack folder>/<first address>` (its address at generation 0).
 * A guarded pool whose replacement was acknowledged is written at the next generation's address: Terraform refuses
 * to replace a `prevent_destroy` resource in place, but plans a new address and the old one gone (the guard only
 * protects addresses still in the configuration). The generation lives in the record, not in the code, so removing
 * the acknowledgement later does not move the pool back.
 */
export interface RecordedNodePool {
  /** 0 for the first address, +1 per acknowledged replacement. */
  readonly generation: number;
  /** Written with `prevent_destroy`; only an acknowledged `unguard:` (or `destroy:`) takes a pool out of this set. */
  readonly guarded: boolean;
}

/** A record that claims more replacements than anyone makes is not ours (and would write absurd addresses). */
export const MAX_GENERATION = 999;

/** `azurerm_kubernetes_cluster_node_pool.<id>` at a generation: the first address, then `<id>_g<generation>`. */
export function addressAtGeneration(firstAddress: string, generation: number): string {
  return generation === 0 ? firstAddress : `${firstAddress}_g${generation}`;
}

/** `<folder>/<address>`, the key of the record and the target of an acknowledgement. */
export function poolKeyOf(folder: string, address: string): string {
  return `${folder}/${address}`;
}

/** A Terraform resource name as cdktf writes logical ids (letters, digits, `_`, `-`; not starting with a digit). */
const RESOURCE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;

/**
 * What is wrong with one record entry, if anything (the record is untrusted input): the key must name a node pool
 * of an infrastructure stack folder, the entry exactly a generation from 0 to MAX_GENERATION and a guard flag.
 */
export function checkRecordedNodePool(key: string, entry: unknown): string[] {
  const at = `entry ${JSON.stringify(key)}`;
  const [root, folder, address, ...rest] = key.split("/");
  const name = address?.startsWith(`${NODE_POOL_TYPE}.`) ? address.slice(NODE_POOL_TYPE.length + 1) : undefined;
  const problems: string[] = [];
  if (
    rest.length ||
    `${root}/${folder}` !== infrastructureFolder(folder ?? "") ||
    !DNS_LABEL.test(folder ?? "") ||
    name === undefined ||
    !RESOURCE_NAME.test(name)
  ) {
    problems.push(`${at} is not infrastructure/<stack folder>/${NODE_POOL_TYPE}.<name>`);
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry))
    return [...problems, `${at} is ${JSON.stringify(entry)}, not an object`];
  const { generation, guarded, ...extra } = entry as Record<string, unknown>;
  if (typeof generation !== "number" || !Number.isInteger(generation) || generation < 0 || generation > MAX_GENERATION) {
    problems.push(`${at} has generation ${JSON.stringify(generation)}, not a whole number from 0 to ${MAX_GENERATION}`);
  }
  if (typeof guarded !== "boolean") problems.push(`${at} has guarded ${JSON.stringify(guarded)}, not true or false`);
  const unknown = Object.keys(extra);
  if (unknown.length) problems.push(`${at} has fields the library never writes (${unknown.join(", ")})`);
  return problems;
}
