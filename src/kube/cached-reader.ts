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
import { cloneJson } from "../util/clone-json.js";
import { KubeClient, type PatchOptions, type PatchType } from "./client.js";
import type { KubeObject, Stored } from "./object.js";
import type { ResourceDescriptor } from "./resources.js";

/** What this client needs of an informer (runtime/informer.ts's Informer has it). */
export interface CacheSource {
  hasSynced(): boolean;
  readonly cache: {
    getByName(namespace: string, name: string): Stored | undefined;
    list(): Stored[];
    hasIndex(name: string): boolean;
    addIndexer(name: string, fn: (obj: Stored) => string[]): void;
    byIndex(name: string, value: string): Stored[];
  };
}

const ids = new WeakMap<ResourceDescriptor, string>();
/** "<group>/<plural>", built once per descriptor: every cached read asks for it. */
function idOf(rd: ResourceDescriptor): string {
  let id = ids.get(rd);
  if (id === undefined) ids.set(rd, (id = `${rd.group}/${rd.plural}`));
  return id;
}

/**
 * A copy the caller may change: metadata and status deep, other top-level maps (Secret data) shallow. `spec`
 * is shared: reconcilers never write it, and stores' specs can be large (deep copies were the hot spot).
 */
function copyOf<T>(o: Stored): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === "spec" || v === null || typeof v !== "object") out[k] = v;
    else if (k === "metadata" || k === "status" || Array.isArray(v)) out[k] = cloneJson(v);
    else out[k] = { ...(v as object) };
  }
  return out as T;
}

export class CachedKubeClient extends KubeClient {
  private readonly sources = new Map<string, CacheSource>();
  /** "<resource>|<ns>/<name>" → resourceVersion this client last wrote. */
  private readonly written = new Map<string, string>();

  /** Serve reads of `rd` from `informer` (once it has synced). */
  cache(rd: ResourceDescriptor, informer: CacheSource): this {
    this.sources.set(idOf(rd), informer);
    return this;
  }

  private synced(rd: ResourceDescriptor): CacheSource | undefined {
    const source = this.sources.get(idOf(rd));
    return source?.hasSynced() ? source : undefined;
  }

  private note(rd: ResourceDescriptor, obj: KubeObject | undefined): void {
    const m = obj?.metadata;
    if (!m?.name || !m.resourceVersion || !this.sources.has(idOf(rd))) return;
    if (this.written.size > 50_000) this.written.clear();
    this.written.set(`${idOf(rd)}|${m.namespace ?? ""}/${m.name}`, m.resourceVersion);
  }

  override peek<T = any>(rd: ResourceDescriptor, namespace: string, name: string): { object?: T } | undefined {
    const source = this.synced(rd);
    if (!source) return undefined;
    const ns = rd.namespaced ? namespace : "";
    const hit = source.cache.getByName(ns, name);
    if (this.written.size === 0) return hit ? { object: copyOf<T>(hit) } : {};
    const key = `${idOf(rd)}|${ns}/${name}`;
    const wrote = this.written.get(key);
    if (wrote !== undefined) {
      // Our own write is not in the cache yet: only the server knows.
      if (hit?.metadata.resourceVersion !== wrote) return undefined;
      this.written.delete(key);
    }
    return hit ? { object: copyOf<T>(hit) } : {};
  }

  override async get<T = any>(
    rd: ResourceDescriptor,
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    const cached = this.peek<T>(rd, namespace, name);
    return cached?.object ?? super.get<T>(rd, namespace, name, signal);
  }

  /** Equality label selectors ("k=v,k2=v2") are answered from the cache; anything else goes to the server. */
  override async list<T = any>(
    rd: ResourceDescriptor,
    namespace?: string,
    labelSelector?: string,
    signal?: AbortSignal,
  ): Promise<T[]> {
    const source = this.synced(rd);
    const pairs = (labelSelector ?? "")
      .split(",")
      .filter(Boolean)
      .map((p) => p.split("="));
    const first = pairs[0];
    if (!source || !first || pairs.some((p) => p.length !== 2 || /[!()\s]/.test(p[0] ?? "") || !p[1])) {
      return super.list<T>(rd, namespace, labelSelector, signal);
    }
    // Indexed by the first label of the selector (built on first use), so a list costs its result size.
    const [k0 = "", v0 = ""] = first;
    const index = `label:${k0}`;
    if (!source.cache.hasIndex(index)) {
      source.cache.addIndexer(index, (o) => {
        const v = o.metadata.labels?.[k0];
        return v === undefined ? [] : [`${o.metadata.namespace ?? ""}|${v}`];
      });
    }
    const found =
      rd.namespaced && namespace !== undefined
        ? source.cache.byIndex(index, `${namespace}|${v0}`)
        : source.cache.list().filter((o) => o.metadata.labels?.[k0] === v0);
    return found.filter((o) => pairs.every(([k = "", v]) => o.metadata.labels?.[k] === v)).map((o) => copyOf<T>(o));
  }

  override async create<T extends KubeObject>(rd: ResourceDescriptor, obj: T, signal?: AbortSignal) {
    const out = await super.create(rd, obj, signal);
    this.note(rd, out);
    return out;
  }

  override async update<T extends KubeObject>(rd: ResourceDescriptor, obj: T, signal?: AbortSignal) {
    const out = await super.update(rd, obj, signal);
    this.note(rd, out);
    return out;
  }

  override async updateStatus<T extends KubeObject>(rd: ResourceDescriptor, obj: T, signal?: AbortSignal) {
    const out = await super.updateStatus(rd, obj, signal);
    this.note(rd, out);
    return out;
  }

  override async patch<T extends KubeObject = any>(
    rd: ResourceDescriptor,
    namespace: string,
    name: string,
    patch: unknown,
    type?: PatchType,
    opts?: PatchOptions,
  ) {
    const out = await super.patch<T>(rd, namespace, name, patch, type, opts);
    this.note(rd, out);
    return out;
  }
}
