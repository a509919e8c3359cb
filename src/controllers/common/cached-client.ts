/**
 * A KubeClient whose reads are answered from informer caches where one covers the resource, as
 * controller-runtime's cached client does: a reconcile then costs only its writes, not a GET per object.
 *
 * - A cache miss falls back to the API server (an informer may filter by label, e.g. managed Secrets only,
 *   or not have seen a brand-new object yet).
 * - Read-your-writes: after this client writes an object, reads of it go to the API server until the cache
 *   has caught up with that write, so a reconcile never acts on its own stale copy.
 * - Callers get copies; they may mutate what they read (status) without touching the cache.
 */
import type { Informer } from "../../runtime/informer.js";
import type { KubeObject as CachedObject } from "../../runtime/resource.js";
import { KubeClient, type KubeObject, type ResourceType } from "./kube-client.js";

const idOf = (rt: ResourceType) => `${rt.group}/${rt.plural}`;

/**
 * A copy the caller may change: metadata and status deep, other top-level maps (Secret data) shallow. `spec`
 * is shared: reconcilers never write it, and stores' specs can be large (deep copies were the hot spot).
 */
function copyOf<T>(o: CachedObject): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === "spec" || v === null || typeof v !== "object") out[k] = v;
    else if (k === "metadata" || k === "status" || Array.isArray(v)) out[k] = structuredClone(v);
    else out[k] = { ...(v as object) };
  }
  return out as T;
}

export class CachedKubeClient extends KubeClient {
  private readonly informers = new Map<string, Informer<CachedObject>>();
  /** "<resource>|<ns>/<name>" → resourceVersion this client last wrote. */
  private readonly written = new Map<string, string>();

  /** Serve reads of `rt` from `informer` (once it has synced). */
  cache(rt: ResourceType, informer: Informer<CachedObject>): this {
    this.informers.set(idOf(rt), informer);
    return this;
  }

  private synced(rt: ResourceType): Informer<CachedObject> | undefined {
    const inf = this.informers.get(idOf(rt));
    return inf?.hasSynced() ? inf : undefined;
  }

  private note(rt: ResourceType, obj: KubeObject | undefined): void {
    const m = obj?.metadata;
    if (!m?.name || !m.resourceVersion || !this.informers.has(idOf(rt))) return;
    if (this.written.size > 50_000) this.written.clear();
    this.written.set(`${idOf(rt)}|${m.namespace ?? ""}/${m.name}`, m.resourceVersion);
  }

  override peek<T = any>(rt: ResourceType, namespace: string, name: string): { object?: T } | undefined {
    const inf = this.synced(rt);
    if (!inf) return undefined;
    const ns = rt.namespaced ? namespace : "";
    const hit = inf.cache.getByName(ns, name);
    const key = `${idOf(rt)}|${ns}/${name}`;
    const wrote = this.written.get(key);
    if (wrote !== undefined) {
      // Our own write is not in the cache yet: only the server knows.
      if (hit?.metadata.resourceVersion !== wrote) return undefined;
      this.written.delete(key);
    }
    return hit ? { object: copyOf<T>(hit) } : {};
  }

  override async get<T = any>(
    rt: ResourceType,
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    const cached = this.peek<T>(rt, namespace, name);
    return cached?.object ?? super.get<T>(rt, namespace, name, signal);
  }

  /** Equality label selectors ("k=v,k2=v2") are answered from the cache; anything else goes to the server. */
  override async list<T = any>(rt: ResourceType, namespace?: string, labelSelector?: string): Promise<T[]> {
    const inf = this.synced(rt);
    const pairs = (labelSelector ?? "")
      .split(",")
      .filter(Boolean)
      .map((p) => p.split("="));
    if (!inf || !labelSelector || pairs.some((p) => p.length !== 2 || /[!()\s]/.test(p[0]!) || !p[1])) {
      return super.list<T>(rt, namespace, labelSelector);
    }
    // Indexed by the first label of the selector (built on first use), so a list costs its result size.
    const [k0, v0] = pairs[0]!;
    const index = `label:${k0}`;
    if (!inf.cache.hasIndex(index)) {
      inf.cache.addIndexer(index, (o) => {
        const v = o.metadata.labels?.[k0!];
        return v === undefined ? [] : [`${o.metadata.namespace ?? ""}|${v}`];
      });
    }
    const found =
      rt.namespaced && namespace !== undefined
        ? inf.cache.byIndex(index, `${namespace}|${v0}`)
        : inf.cache.list().filter((o) => o.metadata.labels?.[k0!] === v0);
    return found.filter((o) => pairs.every(([k, v]) => o.metadata.labels?.[k!] === v)).map((o) => copyOf<T>(o));
  }

  override async create<T extends KubeObject>(rt: ResourceType, obj: T): Promise<T> {
    const out = await super.create(rt, obj);
    this.note(rt, out);
    return out;
  }

  override async update<T extends KubeObject>(rt: ResourceType, obj: T): Promise<T> {
    const out = await super.update(rt, obj);
    this.note(rt, out);
    return out;
  }

  override async mergePatch<T extends KubeObject>(
    rt: ResourceType,
    namespace: string,
    name: string,
    patch: unknown,
  ): Promise<T> {
    const out = await super.mergePatch<T>(rt, namespace, name, patch);
    this.note(rt, out);
    return out;
  }

  override async updateStatus<T extends KubeObject>(rt: ResourceType, obj: T): Promise<T> {
    const out = await super.updateStatus(rt, obj);
    this.note(rt, out);
    return out;
  }
}
