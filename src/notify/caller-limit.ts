/**
 * Per-caller rate limit of the notification endpoint: one token bucket per caller (client certificate when the
 * endpoint uses mTLS, else remote address). A caller over its limit gets 429 with the seconds until its next
 * token, so one flooding caller can neither force endless refreshes nor crowd out the others.
 */
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { type Clock, realClock } from "../runtime/clock.js";
import { TokenBucket } from "../runtime/ratelimit.js";

export interface CallerLimitOptions {
  /** Sustained requests per second per caller (0 or less: unlimited). Default 5. */
  qps?: number;
  /** Requests a caller may send at once above the sustained rate. Default 20. */
  burst?: number;
  /** Callers tracked at most; idle ones are dropped first. Default 10,000. */
  maxCallers?: number;
  clock?: Clock;
}

export const DEFAULT_CALLER_QPS = 5;
export const DEFAULT_CALLER_BURST = 20;

/** Who is calling: the client certificate's fingerprint when one was verified, else the remote address. */
export function callerOf(req: IncomingMessage): string {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.authorized && typeof socket.getPeerCertificate === "function") {
    const fp = socket.getPeerCertificate()?.fingerprint256;
    if (fp) return `cert:${fp}`;
  }
  return `addr:${req.socket.remoteAddress ?? "unknown"}`;
}

export class CallerLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly qps: number;
  private readonly burst: number;
  private readonly maxCallers: number;
  private readonly clock: Clock;

  constructor(opts: CallerLimitOptions = {}) {
    this.qps = opts.qps ?? DEFAULT_CALLER_QPS;
    this.burst = Math.max(1, opts.burst ?? DEFAULT_CALLER_BURST);
    this.maxCallers = opts.maxCallers ?? 10_000;
    this.clock = opts.clock ?? realClock;
  }

  /** 0 when `caller` may go on (a token is taken), else the ms until it may try again. */
  take(caller: string): number {
    if (this.qps <= 0) return 0;
    let bucket = this.buckets.get(caller);
    if (bucket) {
      this.buckets.delete(caller); // re-inserted below: the map's order is least recently seen first
    } else {
      bucket = new TokenBucket(this.qps, this.burst, this.clock);
      if (this.buckets.size >= this.maxCallers) this.buckets.delete(this.buckets.keys().next().value as string);
    }
    this.buckets.set(caller, bucket);
    if (bucket.tryTake()) return 0;
    return Math.ceil(1000 / this.qps);
  }
}
