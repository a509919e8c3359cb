/** Indexes for garbage collection: where each uid lives, and which objects name each uid as an owner. */
import type { KObj } from "./types.js";

export interface Ref {
  tk: string;
  ns: string;
  name: string;
}

const sep = "\u0000";

export function refKey(r: Ref): string {
  return r.tk + sep + r.ns + sep + r.name;
}

export function parseRefKey(k: string): Ref {
  const [tk = "", ns = "", name = ""] = k.split(sep);
  return { tk, ns, name };
}

export class OwnerIndex {
  readonly uids = new Map<string, Ref>();
  private readonly deps = new Map<string, Set<string>>();

  /** Keeps the indexes in step with one stored change (next undefined on deletion). */
  track(tk: string, prev: KObj | undefined, next: KObj | undefined): void {
    if (prev) {
      const key = refKey({ tk, ns: prev.metadata.namespace ?? "", name: prev.metadata.name });
      if (!next) this.uids.delete(prev.metadata.uid);
      for (const r of prev.metadata.ownerReferences ?? []) {
        const s = this.deps.get(r.uid);
        if (s) {
          s.delete(key);
          if (s.size === 0) this.deps.delete(r.uid);
        }
      }
    }
    if (next) {
      const ref = { tk, ns: next.metadata.namespace ?? "", name: next.metadata.name };
      this.uids.set(next.metadata.uid, ref);
      const key = refKey(ref);
      for (const r of next.metadata.ownerReferences ?? []) {
        if (!r?.uid) continue;
        let s = this.deps.get(r.uid);
        if (!s) {
          s = new Set();
          this.deps.set(r.uid, s);
        }
        s.add(key);
      }
    }
  }

  dependents(uid: string): Ref[] {
    return [...(this.deps.get(uid) ?? [])].map(parseRefKey);
  }

  hasDependents(uid: string): boolean {
    return (this.deps.get(uid)?.size ?? 0) > 0;
  }

  clear(): void {
    this.uids.clear();
    this.deps.clear();
  }
}
