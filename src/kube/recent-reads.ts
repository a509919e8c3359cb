/**
 * Reads of objects no informer holds (a store's credentials Secret, a CA ConfigMap) that many callers repeat:
 * every sync builds its store's client and so reads the store's credentials, and thousands of ExternalSecrets
 * on one store would cost a GET each. Concurrent reads of one object share one request and answers are kept
 * `ttlMs` (0: shared only while in flight), so a rotated credential is in use within that time; a `fresh` read
 * always asks the server and refreshes what the others see. Answers are shared: treat them as read-only.
 */
import type { KubeClient } from "./client.js";
import type { KubeObject } from "./object.js";
import type { ResourceDescriptor } from "./resources.js";

export interface RecentReadsOptions {
  ttlMs?: number;
  /** LRU bound on remembered objects (default 1,024). */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  answer: KubeObject | undefined;
  expires: number;
}

export class RecentReads {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Insertion order = LRU order (a hit re-inserts). */
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<KubeObject | undefined>>();

  constructor(
    private readonly client: KubeClient,
    opts: RecentReadsOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 0;
    this.maxEntries = opts.maxEntries ?? 1_024;
    this.now = opts.now ?? Date.now;
  }

  /** The object (undefined when it does not exist), at most `ttlMs` old unless `fresh`. */
  async get<T extends KubeObject>(
    rd: ResourceDescriptor,
    namespace: string,
    name: string,
    fresh = false,
  ): Promise<T | undefined> {
    const key = `${rd.group}/${rd.plural}\u0000${namespace}\u0000${name}`;
    const hit = fresh ? undefined : this.entries.get(key);
    if (hit && hit.expires > this.now()) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.answer as T | undefined;
    }
    let running = fresh ? undefined : this.inflight.get(key);
    if (!running) {
      const p = this.client.get<KubeObject>(rd, namespace, name);
      running = p;
      this.inflight.set(key, p);
      p.then(
        (answer) => {
          if (this.inflight.get(key) === p) this.inflight.delete(key);
          this.remember(key, answer);
        },
        () => {
          if (this.inflight.get(key) === p) this.inflight.delete(key);
        },
      );
    }
    return (await running) as T | undefined;
  }

  private remember(key: string, answer: KubeObject | undefined): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { answer, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
