/**
 * Built AWS SDK clients kept across reconciles. Building a SecretsManagerClient/SSMClient (middleware stack,
 * HTTP agent, endpoint resolution) and a fresh credential provider on every reconcile dominated the AWS
 * bench; a kept credential provider also keeps its temporary credentials until they near expiry.
 *
 * An entry is keyed by the store identity plus a digest of the resolved credential material, service,
 * region, endpoint and SDK tuning, so stores and tenants with different credentials never share a client.
 * When a store's credentials change, its old entry is dropped. The cache is an LRU bounded by entry count;
 * an evicted SDK client is destroyed once no reconcile still holds it.
 */
import { createHash } from "node:crypto";

export interface SdkClientLike {
  destroy(): void;
}

interface Entry<C> {
  client: C;
  identity: string;
  holders: number;
  evicted: boolean;
}

/** What a reconcile holds: the shared client and a release() to call from its close(). */
export interface Lease<C> {
  client: C;
  release(): void;
}

const DEFAULT_MAX_CLIENTS = 256;

export class AwsClientCache<C extends SdkClientLike> {
  /** Insertion order = LRU order (a hit re-inserts). */
  private readonly entries = new Map<string, Entry<C>>();
  /** Store identity -> key of its current entry, to drop the old client when credentials change. */
  private readonly current = new Map<string, string>();

  constructor(private readonly maxEntries = DEFAULT_MAX_CLIENTS) {}

  /** The cache key: a digest only, so no credential material is kept in (or can leak from) key strings. */
  static key(identity: string, material: unknown): string {
    return createHash("sha256")
      .update(JSON.stringify([identity, material]))
      .digest("hex");
  }

  /** Clients built so far (a reuse does not count). */
  private built = 0;

  get size(): number {
    return this.entries.size;
  }

  get builds(): number {
    return this.built;
  }

  /** Returns the cached client for (identity, key) or builds one with `build`; release it when done. */
  acquire(identity: string, key: string, build: () => C): Lease<C> {
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      const previous = this.current.get(identity);
      if (previous !== undefined) this.evict(previous);
      entry = { client: build(), identity, holders: 0, evicted: false };
      this.built++;
      this.entries.set(key, entry);
      this.current.set(identity, key);
      while (this.entries.size > this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (oldest.done) break;
        this.evict(oldest.value);
      }
    }
    entry.holders++;
    const held = entry;
    let released = false;
    return {
      client: held.client,
      release: () => {
        if (released) return;
        released = true;
        held.holders--;
        if (held.evicted && held.holders === 0) held.client.destroy();
      },
    };
  }

  /** Drops every entry (clients in use are destroyed when released). */
  clear(): void {
    for (const key of [...this.entries.keys()]) this.evict(key);
  }

  private evict(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    if (this.current.get(entry.identity) === key) this.current.delete(entry.identity);
    entry.evicted = true;
    if (entry.holders === 0) entry.client.destroy();
  }
}
