import { IConstruct } from "constructs";

/**
 * Members in registration order, per owner and key: the per-app registries (owner = the construct tree's root, so
 * two apps in one process never see each other's members) and the per-cluster member lists. Constructs register in
 * their constructor and validation looks the others up here, instead of walking the whole tree per construct (which
 * made synth quadratic in the number of constructs). Owners are held weakly: a finished app is collected.
 */
export class Registry<K, T> {
  private readonly byOwner = new WeakMap<object, Map<K, T[]>>();

  /** Adds `member` under `owner` and `key`; returns the members of that key so far, `member` last. */
  add(owner: object, key: K, member: T): readonly T[] {
    const list = this.listOf(owner, key);
    list.push(member);
    return list;
  }

  /** The members under `owner` and `key`, in registration order (empty if none). */
  of(owner: object, key: K): readonly T[] {
    return this.byOwner.get(owner)?.get(key) ?? [];
  }

  /** The first member registered under `owner` and `key`, if any. */
  first(owner: object, key: K): T | undefined {
    return this.of(owner, key)[0];
  }

  private listOf(owner: object, key: K): T[] {
    let byKey = this.byOwner.get(owner);
    if (!byKey) this.byOwner.set(owner, (byKey = new Map()));
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    return list;
  }
}

/** The owner of a per-app registry entry: the root of the construct tree `scope` is in (one app). */
export function appOf(scope: IConstruct): object {
  return scope.node.root;
}
