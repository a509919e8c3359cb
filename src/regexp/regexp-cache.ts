/**
 * A bounded least-recently-used cache of compiled expressions, keyed by source text. Bounded by count and by
 * the bytes the entries hold (an RE2 engine grows a DFA state cache as it matches, up to megabytes for a
 * hostile expression), so distinct expressions from many tenants cannot grow the heap without limit.
 */
export class RegexpCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(
    private readonly cost: (value: T) => number,
    private readonly maxEntries = 256,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** The cached value for `key`, or `make()`'s (cached unless it throws). */
  get(key: string, make: () => T): T {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = make();
    this.entries.set(key, value);
    this.evict();
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held by the cached entries now (their costs change as they are used). */
  bytes(): number {
    let total = 0;
    for (const v of this.entries.values()) total += this.cost(v);
    return total;
  }

  /** Drops least recently used entries (never the newest) until both bounds hold. */
  private evict(): void {
    let total = this.bytes();
    for (const [key, value] of this.entries) {
      if (this.entries.size <= 1 || (this.entries.size <= this.maxEntries && total <= this.maxBytes)) break;
      total -= this.cost(value);
      this.entries.delete(key);
    }
  }
}
