import type { Matcher } from "./selectors.js";
import type { KObj, ResourceType } from "./types.js";

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoredEvent {
  type: EventType;
  rv: number;
  obj: KObj;
  prev?: KObj;
  /** Serialized object per served version, filled lazily by whoever sends the event first. */
  json?: Map<string, string>;
}

export interface Watcher {
  namespace?: string;
  match?: Matcher;
  send(type: EventType, ev: StoredEvent): void;
  /** Ends the watch from the server side (type removed, watches cut). */
  close?(): void;
}

/**
 * Objects of one resource type plus its bounded event history and open watches.
 * Stored objects are never mutated once stored: writers replace them, so readers can serialize without copying.
 */
export class TypeStore {
  readonly byNs = new Map<string, Map<string, KObj>>();
  size = 0;
  readonly watchers = new Set<Watcher>();
  private events: StoredEvent[] = [];
  /** A watch may start at any resourceVersion >= this; older ones were compacted away (410 Gone). */
  compactedRv: number;

  constructor(
    public rt: ResourceType,
    private readonly historyCap: number,
    startRv: number,
  ) {
    this.compactedRv = startRv;
  }

  get(ns: string, name: string): KObj | undefined {
    return this.byNs.get(ns)?.get(name);
  }

  put(ns: string, name: string, obj: KObj): void {
    let m = this.byNs.get(ns);
    if (!m) {
      m = new Map();
      this.byNs.set(ns, m);
    }
    if (!m.has(name)) this.size++;
    m.set(name, obj);
  }

  remove(ns: string, name: string): void {
    const m = this.byNs.get(ns);
    if (m?.delete(name)) {
      this.size--;
      if (m.size === 0) this.byNs.delete(ns);
    }
  }

  /** Objects in one namespace (or all when ns is undefined), in key order as etcd returns them. */
  list(ns: string | undefined): KObj[] {
    const out: KObj[] = [];
    if (ns !== undefined) {
      const m = this.byNs.get(ns);
      if (m) for (const name of [...m.keys()].sort()) out.push(m.get(name)!);
      return out;
    }
    for (const n of [...this.byNs.keys()].sort()) {
      const m = this.byNs.get(n)!;
      for (const name of [...m.keys()].sort()) out.push(m.get(name)!);
    }
    return out;
  }

  *all(): Iterable<KObj> {
    for (const m of this.byNs.values()) yield* m.values();
  }

  record(ev: StoredEvent): void {
    this.events.push(ev);
    // Trim in batches so the amortized cost per write stays O(1).
    if (this.events.length > this.historyCap + (this.historyCap >> 2) + 1) {
      const drop = this.events.length - this.historyCap;
      this.compactedRv = this.events[drop - 1]!.rv;
      this.events.splice(0, drop);
    }
    for (const w of this.watchers) {
      const ns = ev.obj.metadata?.namespace ?? "";
      if (w.namespace !== undefined && w.namespace !== ns) continue;
      deliver(w, ev);
    }
  }

  /** Events after rv, or undefined when rv is older than the retained history. */
  since(rv: number): StoredEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }

  /** Forget history (used when the type is re-created or state is loaded from disk). */
  resetHistory(rv: number): void {
    this.events = [];
    this.compactedRv = rv;
  }
}

/** Applies a watcher's selector the way kube does: objects entering or leaving the selection become ADDED/DELETED. */
export function deliver(w: Watcher, ev: StoredEvent): void {
  if (!w.match) {
    w.send(ev.type, ev);
    return;
  }
  const now = w.match(ev.obj);
  if (ev.type !== "MODIFIED" || !ev.prev) {
    if (now) w.send(ev.type, ev);
    return;
  }
  const before = w.match(ev.prev);
  if (now && before) w.send("MODIFIED", ev);
  else if (now) w.send("ADDED", ev);
  else if (before) {
    // kube sends the object as it was when it still matched, at the new resourceVersion.
    const meta = { ...ev.prev.metadata, resourceVersion: ev.obj.metadata.resourceVersion };
    w.send("DELETED", { type: "DELETED", rv: ev.rv, obj: { ...ev.prev, metadata: meta } });
  }
}
