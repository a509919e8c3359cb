/**
 * client-go's EventSourceObjectSpamFilter: each object (with the component reporting about it) has a token bucket,
 * by default 25 events at once and then one per 5 minutes, so one object stuck in a failure loop cannot flood
 * the API server with Event writes. An event refused here is not written (a repeat's count still grows, so the
 * next write carries it). Buckets are kept for the most recently seen objects only.
 */
import { type Clock, realClock } from "./clock.js";
import { TokenBucket } from "./ratelimit.js";

export interface EventSpamFilterOptions {
  /** Events one object may emit at once (default 25). */
  burst?: number;
  /** Sustained events per second per object (default 1/300). */
  qps?: number;
  /** Objects remembered (least recently seen are forgotten; default 4096). */
  maxObjects?: number;
  clock?: Clock;
}

export class EventSpamFilter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly burst: number;
  private readonly qps: number;
  private readonly maxObjects: number;
  private readonly clock: Clock;

  constructor(opts: EventSpamFilterOptions = {}) {
    this.burst = opts.burst ?? 25;
    this.qps = opts.qps ?? 1 / 300;
    this.maxObjects = Math.max(1, opts.maxObjects ?? 4096);
    this.clock = opts.clock ?? realClock;
  }

  /** Whether an event about the object with this key may be written now (takes a token if so). */
  allow(objectKey: string): boolean {
    let bucket = this.buckets.get(objectKey);
    if (bucket) this.buckets.delete(objectKey);
    else bucket = new TokenBucket(this.qps, this.burst, this.clock);
    this.buckets.set(objectKey, bucket);
    while (this.buckets.size > this.maxObjects) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
    return bucket.tryTake();
  }
}
