/**
 * Everything a process keeps between provider clients: the shared read layer in front of every client
 * (coalesce.ts) and the state providers keep under their own keys (Vault logins, AWS SDK clients). The
 * composition root creates one (the controllers, `eso render`) and passes it down; tests create their own.
 */
import { type CoalescerOptions, ProviderReadCoalescer } from "./coalesce.js";
import type { CacheKey, ProviderCaches } from "./provider.js";

export class ClientCaches implements ProviderCaches {
  /** Coalesced, short-lived provider reads, scoped by store and credentials. */
  readonly reads: ProviderReadCoalescer;
  private readonly kept = new Map<CacheKey<unknown>, unknown>();

  constructor(opts: { reads?: CoalescerOptions } = {}) {
    this.reads = new ProviderReadCoalescer(opts.reads);
  }

  get<T>(key: CacheKey<T>): T {
    if (!this.kept.has(key)) this.kept.set(key, key.create());
    return this.kept.get(key) as T;
  }

  /** Drops everything kept, releasing what it holds (clients still in use are released when they close). */
  clear(): void {
    for (const [key, value] of this.kept) key.dispose?.(value);
    this.kept.clear();
    this.reads.clear();
  }
}
