/**
 * Per-store in-flight limit: at most `perStore` syncs may use one store at a time, so a store whose provider
 * hangs or fails slowly can hold at most that many of the controller's workers; the others keep serving the
 * other stores. A sync that cannot get a slot for every store it reads is deferred, not run, and waits in line:
 * when a slot frees up the longest-waiting sync is woken and no newcomer (such as a failed sync retrying after a
 * few milliseconds of backoff) may take the slot before it.
 */
import type { StoreKind } from "../../providers/provider.js";

/** Default per-store limit for `concurrency` workers: half of them, at least one. */
export function defaultPerStoreLimit(concurrency: number): number {
  return Math.max(1, Math.floor(concurrency / 2));
}

/** The slot key of a store as seen from `namespace` (ClusterSecretStores are one store for every namespace). */
export function storeSlotKey(kind: StoreKind, name: string, namespace: string): string {
  return kind === "ClusterSecretStore" ? `css/${name}` : `ss/${namespace}/${name}`;
}

/** A deferred sync that did not come back for its turn within this long (deleted, say) loses its place. */
const WAITER_TTL_MS = 5_000;

export class StoreSlots {
  private readonly inFlight = new Map<string, number>();
  /** Per store: deferred syncs in arrival order, with when they last asked. */
  private readonly waiting = new Map<string, Map<string, number>>();

  /** `wake(id)` is called when a slot `id` waits for frees up (it should queue that sync now). */
  constructor(
    readonly perStore: number,
    private readonly wake: (id: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes one slot of every store in `keys` for the sync `id`, or none when one is full or others wait ahead of
   * it (then `id` joins the line). The returned function gives the slots back.
   */
  tryAcquire(keys: string[], id: string): (() => void) | undefined {
    const unique = [...new Set(keys)];
    const blocked = unique.filter((k) => (this.inFlight.get(k) ?? 0) >= this.perStore || !this.isNext(k, id));
    if (blocked.length > 0) {
      for (const k of blocked) this.enqueue(k, id);
      return undefined;
    }
    for (const k of unique) {
      this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + 1);
      this.dequeue(k, id);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const k of unique) {
        const n = (this.inFlight.get(k) ?? 1) - 1;
        if (n <= 0) this.inFlight.delete(k);
        else this.inFlight.set(k, n);
        const next = this.head(k);
        if (next !== undefined) this.wake(next);
      }
    };
  }

  /** Syncs currently using the store. */
  using(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  /** True when no other live sync waits ahead of `id` for `key`. */
  private isNext(key: string, id: string): boolean {
    const head = this.head(key);
    return head === undefined || head === id;
  }

  /** The longest-waiting live sync for `key` (stale ones are dropped on the way). */
  private head(key: string): string | undefined {
    const line = this.waiting.get(key);
    if (!line) return undefined;
    const now = this.now();
    for (const [id, at] of line) {
      if (now - at <= WAITER_TTL_MS) return id;
      line.delete(id);
    }
    this.waiting.delete(key);
    return undefined;
  }

  private enqueue(key: string, id: string): void {
    let line = this.waiting.get(key);
    if (!line) {
      line = new Map();
      this.waiting.set(key, line);
    }
    // Keeps its place in line; only the time it last asked is refreshed.
    line.set(id, this.now());
  }

  private dequeue(key: string, id: string): void {
    const line = this.waiting.get(key);
    if (!line) return;
    line.delete(id);
    if (line.size === 0) this.waiting.delete(key);
  }
}
