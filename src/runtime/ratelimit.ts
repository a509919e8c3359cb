/**
 * Rate limiters with client-go semantics: per-item exponential backoff, an overall token bucket, and the
 * max-of combination controllers use by default.
 */
import { type Clock, realClock, sleep } from "./clock.js";

/** Decides how long an item waits before it is processed again. */
export interface RateLimiter {
  /** Delay in ms before `item` may be retried; each call counts as one more failure. */
  when(item: string): number;
  /** Clears the failure history of `item` (call after a successful reconcile). */
  forget(item: string): void;
  /** How many times `item` has failed since it was last forgotten. */
  numRequeues(item: string): number;
}

/** Per-item exponential backoff: base * 2^failures, capped at max (client-go: 5 ms .. 1000 s). */
export class ItemExponentialFailureRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1_000_000,
  ) {}

  when(item: string): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    // 2^n overflows to Infinity long before doubles lose meaning; the cap keeps it finite.
    const delay = this.baseMs * 2 ** n;
    return Number.isFinite(delay) ? Math.min(delay, this.maxMs) : this.maxMs;
  }

  forget(item: string): void {
    this.failures.delete(item);
  }

  numRequeues(item: string): number {
    return this.failures.get(item) ?? 0;
  }
}

/**
 * A token bucket refilled at `qps` tokens per second up to `burst`. `reserve` always takes a token and returns
 * how long the caller must wait for it; `qps <= 0` means unlimited.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = Math.max(1, burst);
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(Math.max(1, this.burst), this.tokens + (elapsed * this.qps) / 1000);
  }

  /** Takes one token and returns the delay (ms) until it is actually available. */
  reserve(): number {
    if (this.qps <= 0) return 0;
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.qps;
  }

  /** Takes a token only if one is available now. */
  tryTake(): boolean {
    if (this.qps <= 0) return true;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Waits until a token is available (and takes it). */
  async wait(signal?: AbortSignal): Promise<void> {
    const delay = this.reserve();
    if (delay > 0) await sleep(this.clock, delay, signal);
  }
}

/** Overall limiter: every retry of any item takes a token from one shared bucket. */
export class BucketRateLimiter implements RateLimiter {
  constructor(private readonly bucket: TokenBucket) {}
  when(): number {
    return this.bucket.reserve();
  }
  forget(): void {}
  numRequeues(): number {
    return 0;
  }
}

/** Uses the longest delay of its limiters. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: RateLimiter[];
  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }
  when(item: string): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(item));
    return max;
  }
  forget(item: string): void {
    for (const l of this.limiters) l.forget(item);
  }
  numRequeues(item: string): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.numRequeues(item));
    return max;
  }
}

export interface ControllerRateLimiterOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  qps?: number;
  burst?: number;
  clock?: Clock;
}

/** controller-runtime's default: max(exponential 5 ms → 1000 s per item, bucket 10 qps / 100 burst overall). */
export function defaultControllerRateLimiter(opts: ControllerRateLimiterOptions = {}): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialFailureRateLimiter(opts.baseDelayMs ?? 5, opts.maxDelayMs ?? 1_000_000),
    new BucketRateLimiter(new TokenBucket(opts.qps ?? 10, opts.burst ?? 100, opts.clock ?? realClock)),
  );
}
