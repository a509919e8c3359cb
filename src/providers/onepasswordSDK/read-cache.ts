/**
 * The `cache` option: reads kept for a TTL, least recently used evicted past maxSize, and dropped by prefix when a
 * PushSecret or deletion changes the item. One cache per store and credentials, kept in the provider caches.
 */
import type { CacheKey } from "../provider.js";

export class ReadCache {
  private readonly entries = new Map<string, { value: unknown; expires: number }>();

  constructor(
    readonly ttlMs: number,
    readonly maxSize: number,
  ) {}

  get<T>(key: string, now = Date.now()): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.expires <= now) return undefined;
    this.entries.set(key, e);
    return e.value as T;
  }

  set(key: string, value: unknown, now = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    while (this.entries.size > this.maxSize) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Drops `prefix` itself and every key continuing it with "/" (a field) or "|" (an extract). */
  invalidatePrefix(prefix: string): void {
    for (const key of [...this.entries.keys()]) {
      if (key === prefix || key.startsWith(`${prefix}/`) || key.startsWith(`${prefix}|`)) this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Read caches by store identity and a digest of its credentials and settings. */
export const READ_CACHES: CacheKey<Map<string, ReadCache>> = {
  name: "onepasswordsdk-read-caches",
  create: () => new Map(),
};
