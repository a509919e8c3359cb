/**
 * The stored cluster: one TypeStore per served resource type, the resourceVersion counter, the owner index, and the
 * low-level commits every write ends in. Also the queue the built-in controllers run on, and snapshot/load.
 */
import { builtinTypes } from "./builtins.js";
import { typeFromCRD } from "./crd.js";
import { ApiError } from "./errors.js";
import { OwnerIndex } from "./owners.js";
import { type EventType, TypeStore } from "./store.js";
import { apiVersionOf, type KObj, type ResourceType, typeKey } from "./types.js";
import { copy, isObject } from "./util.js";
import { crdKey, listFinalizers, nsKey } from "./well-known.js";

export type Converter = (obj: any, toVersion: string) => any;

export class ClusterState {
  rv = 0;
  readonly types = new Map<string, TypeStore>();
  readonly owners = new OwnerIndex();
  private readonly converters = new Map<string, Converter>();
  private queue: (() => void)[] = [];
  private flushing = false;
  /** Called after every stored change (persistence hooks in here). */
  onChange: () => void = () => {};

  constructor(readonly historyCap: number) {
    for (const rt of builtinTypes()) this.register(rt);
  }

  // ---- registry ----

  register(rt: ResourceType): TypeStore {
    const k = typeKey(rt.group, rt.resource);
    const existing = this.types.get(k);
    if (existing) {
      existing.rt = rt;
      return existing;
    }
    const ts = new TypeStore(rt, this.historyCap, this.rv);
    this.types.set(k, ts);
    return ts;
  }

  unregister(k: string): void {
    const ts = this.types.get(k);
    if (!ts) return;
    this.types.delete(k);
    for (const w of [...ts.watchers]) w.close?.();
    ts.watchers.clear();
  }

  setConverter(group: string, fn: Converter): void {
    this.converters.set(group, fn);
  }

  resolve(group: string, version: string, resource: string): TypeStore {
    const ts = this.types.get(typeKey(group, resource));
    if (!ts?.rt.versions.includes(version)) {
      const served = [...this.types.values()].some((t) => t.rt.group === group && t.rt.versions.includes(version));
      // kube's mux has no handler at all for a group-version nobody serves: a plain-text 404.
      if (!served) throw new ApiError(404, "404 page not found\n", "NotFound", { plainText: true });
      throw new ApiError(404, "the server could not find the requested resource", "NotFound", {});
    }
    return ts;
  }

  /** Objects at the requested version (conversion through the group's converter hook for custom resources). */
  toVersion(ts: TypeStore, obj: KObj, version: string): KObj {
    const av = apiVersionOf(ts.rt.group, version);
    if (obj.apiVersion === av) return obj;
    const fn = this.converters.get(ts.rt.group);
    const out = fn ? fn(copy(obj), version) : { ...obj };
    if (!isObject(out)) throw new ApiError(500, `conversion webhook for ${ts.rt.group} returned an invalid object`);
    out.apiVersion = av;
    if (!out.kind) out.kind = ts.rt.kind;
    return out;
  }

  toStorage(ts: TypeStore, obj: KObj): KObj {
    return this.toVersion(ts, obj, ts.rt.storageVersion);
  }

  // ---- background work (GC, namespace and CRD finalization) ----

  later(fn: () => void): void {
    this.queue.push(fn);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    let guard = 0;
    while (this.queue.length > 0 && guard++ < 100000) {
      const fn = this.queue.shift()!;
      try {
        fn();
      } catch {
        // Background controllers retry on the next relevant change, as kube's do.
      }
    }
    this.flushing = false;
  }

  // ---- low-level commits ----

  nextRv(obj: KObj): KObj {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    return obj;
  }

  commit(ts: TypeStore, type: EventType, obj: KObj, prev: KObj | undefined): void {
    const tk = typeKey(ts.rt.group, ts.rt.resource);
    const ns = obj.metadata.namespace ?? "";
    if (type === "DELETED") ts.remove(ns, obj.metadata.name);
    else ts.put(ns, obj.metadata.name, obj);
    this.owners.track(tk, prev, type === "DELETED" ? undefined : obj);
    ts.record({ type, rv: this.rv, obj, prev });
    this.afterCommit(ts, type, obj, prev);
    this.onChange();
  }

  /** Reacts to one stored change before onChange runs; the engine wakes its controllers here. */
  protected afterCommit(_ts: TypeStore, _type: EventType, _obj: KObj, _prev: KObj | undefined): void {}

  /** Stores an updated object; removing the last finalizer of a deleting object deletes it. */
  replace(ts: TypeStore, prev: KObj, next: KObj): KObj {
    if (next.metadata.deletionTimestamp && listFinalizers(next).length === 0 && !this.blocksDeletion(ts, next)) {
      // kube deletes the stored object: watchers see it as it was, finalizers included; the writer gets its update.
      const gone = this.remove(ts, prev, prev);
      return { ...next, metadata: { ...next.metadata, resourceVersion: gone.metadata.resourceVersion } };
    }
    this.nextRv(next);
    this.commit(ts, "MODIFIED", next, prev);
    return next;
  }

  remove(ts: TypeStore, obj: KObj, prev: KObj): KObj {
    const gone = { ...obj, metadata: { ...obj.metadata } };
    this.nextRv(gone);
    this.commit(ts, "DELETED", gone, prev);
    return gone;
  }

  /** Namespaces are held by spec.finalizers until their content is gone. */
  blocksDeletion(ts: TypeStore, obj: KObj): boolean {
    return ts === this.types.get(nsKey) && (obj.spec?.finalizers?.length ?? 0) > 0;
  }

  // ---- persistence ----

  snapshot(): { rv: number; objects: KObj[] } {
    const objects: KObj[] = [];
    const crds = this.types.get(crdKey)!;
    // CRDs first so their types exist when the rest is loaded.
    for (const o of crds.all()) objects.push(o);
    for (const ts of this.types.values()) {
      if (ts === crds) continue;
      for (const o of ts.all()) objects.push(o);
    }
    return { rv: this.rv, objects };
  }

  load(state: { rv: number; objects: KObj[] }): void {
    for (const o of state.objects) {
      const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
      let ts: TypeStore | undefined;
      for (const t of this.types.values()) {
        if (t.rt.group === group && t.rt.kind === o.kind && t.rt.versions.includes(version)) ts = t;
      }
      if (!ts) continue;
      ts.put(o.metadata.namespace ?? "", o.metadata.name, o);
      this.owners.track(typeKey(ts.rt.group, ts.rt.resource), undefined, o);
      if (ts === this.types.get(crdKey)) this.register(typeFromCRD(o));
    }
    this.rv = Math.max(this.rv, state.rv);
    for (const ts of this.types.values()) ts.resetHistory(this.rv);
  }
}
