/**
 * The informer's in-memory store: objects by "namespace/name", a built-in namespace index and any number of
 * custom indexes (index name → function returning the values an object is filed under).
 */
import { type KubeObject, objectKey, type Stored } from "../kube/index.js";

/** Returns the index values an object is filed under (e.g. the store names an ExternalSecret references). */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: Stored<T>) => string[];

export const NAMESPACE_INDEX = "namespace";

export class Indexer<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, Stored<T>>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.indexers.set(NAMESPACE_INDEX, (o) => [o.metadata.namespace ?? ""]);
    for (const [name, fn] of Object.entries(indexers)) this.indexers.set(name, fn);
    for (const name of this.indexers.keys()) this.indices.set(name, new Map());
  }

  /** Adds an index after creation (existing objects are indexed immediately). */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) throw new Error(`indexer ${name} already exists`);
    this.indexers.set(name, fn);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.indexOne(name, fn, key, obj);
  }

  hasIndex(name: string): boolean {
    return this.indexers.has(name);
  }

  get size(): number {
    return this.items.size;
  }

  /** Object by key ("namespace/name" or "name"). */
  get(key: string): Stored<T> | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string, name: string): Stored<T> | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  /** All objects, or only those of one namespace. */
  list(namespace?: string): Stored<T>[] {
    if (namespace === undefined) return [...this.items.values()];
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Objects filed under `value` in index `name`. */
  byIndex(name: string, value: string): Stored<T>[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`no indexer named ${name}`);
    const keys = index.get(value);
    if (!keys) return [];
    const out: Stored<T>[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  /** Inserts or replaces; returns the previous object. */
  upsert(obj: Stored<T>): Stored<T> | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) this.indexOne(name, fn, key, obj);
    return old;
  }

  /** Removes by key; returns the removed object. */
  delete(key: string): Stored<T> | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private indexOne(name: string, fn: IndexFunc<T>, key: string, obj: Stored<T>): void {
    const index = this.indices.get(name)!;
    let values: string[];
    try {
      values = fn(obj);
    } catch {
      values = [];
    }
    for (const v of new Set(values)) {
      let set = index.get(v);
      if (!set) index.set(v, (set = new Set()));
      set.add(key);
    }
  }

  private unindex(key: string, obj: Stored<T>): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      let values: string[];
      try {
        values = fn(obj);
      } catch {
        values = [];
      }
      for (const v of values) {
        const set = index.get(v);
        if (!set) continue;
        set.delete(key);
        if (set.size === 0) index.delete(v);
      }
    }
  }
}
