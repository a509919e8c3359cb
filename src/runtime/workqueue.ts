/**
 * A work queue with client-go semantics:
 * - an item is handed to at most one worker at a time;
 * - adding an item that is already queued is a no-op, and adding one that is being processed marks it dirty so it
 *   runs exactly once more after `done`;
 * - `addAfter` delays an item (keeping the earliest deadline), `addRateLimited` delays it by the rate limiter;
 * - `forget` clears an item's backoff.
 */
import { type Clock, realClock, type TimerHandle } from "./clock.js";
import { defaultControllerRateLimiter, type RateLimiter } from "./ratelimit.js";

/** Observer the metrics layer plugs in (all durations in seconds). */
export interface QueueMetrics {
  add(): void;
  depth(n: number): void;
  /** Time an item waited in the queue before a worker took it. */
  latency(seconds: number): void;
  /** Time a worker spent on an item. */
  workDuration(seconds: number): void;
  retry(): void;
  /** Registers a callback reporting [unfinished work seconds, longest running processor seconds]. */
  inFlight?(probe: () => [number, number]): void;
}

export interface WorkQueueOptions {
  clock?: Clock;
  rateLimiter?: RateLimiter;
  metrics?: QueueMetrics;
}

interface Waiter {
  resolve(item: string | undefined): void;
}

export class WorkQueue {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly metrics?: QueueMetrics;
  private items: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Map<string, number>();
  private readonly enqueuedAt = new Map<string, number>();
  private readonly waiting = new Map<string, { at: number; timer: TimerHandle }>();
  private waiters: Waiter[] = [];
  private drained: (() => void)[] = [];
  private shutdown = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter({ clock: this.clock });
    this.metrics = opts.metrics;
    this.metrics?.inFlight?.(() => this.inFlight());
  }

  /** Queues `item` unless it is already queued; if it is being processed it runs once more afterwards. */
  add(item: string): void {
    if (this.shutdown || this.dirty.has(item)) return;
    this.metrics?.add();
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.push(item);
  }

  /** Like `add`, but ahead of everything queued: for held-back work whose turn has come (a freed store slot). */
  addFirst(item: string): void {
    if (this.shutdown || this.dirty.has(item)) return;
    this.metrics?.add();
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
    this.queued(item);
  }

  /** Adds `item` after `ms`; a later deadline never replaces an earlier pending one. */
  addAfter(item: string, ms: number): void {
    if (this.shutdown) return;
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const at = this.clock.now() + ms;
    const existing = this.waiting.get(item);
    if (existing && existing.at <= at) return;
    existing?.timer.cancel();
    const timer = this.clock.setTimer(() => {
      const w = this.waiting.get(item);
      if (w?.timer !== timer) return;
      this.waiting.delete(item);
      this.add(item);
    }, ms);
    this.waiting.set(item, { at, timer });
  }

  /** Drops a pending `addAfter` of `item` (it is no longer wanted: the work it would retry is running now). */
  cancelAfter(item: string): void {
    this.waiting.get(item)?.timer.cancel();
    this.waiting.delete(item);
  }

  /** Adds `item` after the delay the rate limiter assigns (one more failure). */
  addRateLimited(item: string): void {
    this.metrics?.retry();
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** Resets the backoff of `item`. */
  forget(item: string): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: string): number {
    return this.rateLimiter.numRequeues(item);
  }

  /** Items waiting for a worker (not counting delayed or in-process ones). */
  len(): number {
    return this.items.length - this.head;
  }

  /** Every key with work outstanding: queued, scheduled by addAfter, or being processed. */
  unfinishedKeys(): string[] {
    return [...new Set([...this.dirty, ...this.waiting.keys(), ...this.processing.keys()])];
  }

  /** Items scheduled by addAfter that are not due yet. */
  delayed(): number {
    return this.waiting.size;
  }

  isProcessing(item: string): boolean {
    return this.processing.has(item);
  }

  get shuttingDown(): boolean {
    return this.shutdown;
  }

  /** Waits for the next item; resolves `undefined` once the queue is shut down. Call `done` when finished. */
  get(): Promise<string | undefined> {
    if (this.len() > 0) return Promise.resolve(this.take());
    if (this.shutdown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push({ resolve }));
  }

  /** Marks `item` finished; re-queues it if it was added while being processed. */
  done(item: string): void {
    const started = this.processing.get(item);
    if (started === undefined) return;
    this.processing.delete(item);
    this.metrics?.workDuration((this.clock.now() - started) / 1000);
    if (this.dirty.has(item) && !this.shutdown) this.push(item);
    if (this.processing.size === 0) {
      const drained = this.drained;
      this.drained = [];
      for (const d of drained) d();
    }
  }

  /** Stops handing out items; pending `get` calls resolve `undefined`. Delayed items are dropped. */
  shutDown(): void {
    this.shutdown = true;
    for (const w of this.waiting.values()) w.timer.cancel();
    this.waiting.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(undefined);
  }

  /** Shuts down and resolves once every in-process item is `done`. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private push(item: string): void {
    this.items.push(item);
    this.queued(item);
  }

  private queued(item: string): void {
    this.enqueuedAt.set(item, this.clock.now());
    this.metrics?.depth(this.len());
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(this.take());
  }

  private take(): string {
    const item = this.items[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    const now = this.clock.now();
    this.processing.set(item, now);
    this.dirty.delete(item);
    const queued = this.enqueuedAt.get(item);
    this.enqueuedAt.delete(item);
    this.metrics?.depth(this.len());
    if (queued !== undefined) this.metrics?.latency((now - queued) / 1000);
    return item;
  }

  private inFlight(): [number, number] {
    const now = this.clock.now();
    let total = 0;
    let longest = 0;
    for (const started of this.processing.values()) {
      const s = (now - started) / 1000;
      total += s;
      longest = Math.max(longest, s);
    }
    return [total, longest];
  }
}
