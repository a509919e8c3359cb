/**
 * A controller: a rate-limited work queue of request keys and N workers calling one reconcile function, with
 * controller-runtime's result handling (throw → backoff, requeueAfter → forget + delay, success → forget).
 * Nothing a reconciler does (throwing, rejecting, throwing non-Errors) escapes a worker.
 */
import { setMaxListeners } from "node:events";
import { type Clock, realClock } from "./clock.js";
import { type Logger, silentLogger } from "./logger.js";
import type { RuntimeMetrics } from "./metrics.js";
import { defaultControllerRateLimiter, type RateLimiter } from "./ratelimit.js";
import { WorkQueue } from "./workqueue.js";

/** What to reconcile: one object's identity. `namespace` is "" for cluster-scoped objects. */
export interface Request {
  namespace: string;
  name: string;
}

/** Optional reconcile outcome: `requeueAfter` (ms) schedules another run; `requeue` retries with backoff. */
export interface Result {
  requeueAfter?: number;
  requeue?: boolean;
  /**
   * With `requeueAfter`: the item was only deferred (e.g. its store is at its in-flight limit), not reconciled,
   * so its failure backoff is kept instead of reset.
   */
  deferred?: boolean;
}

export interface ReconcileContext {
  /** Aborted when the controller stops (shutdown or lost leadership). */
  signal: AbortSignal;
  log: Logger;
}

// biome-ignore lint/suspicious/noConfusingVoidType: an async reconciler that returns nothing yields Promise<void>
export type ReconcileFunc = (req: Request, ctx: ReconcileContext) => Promise<Result | undefined | void>;

/** "namespace/name", or "name" for cluster-scoped requests (the cache key format too). */
export function requestKey(req: Request): string {
  return req.namespace ? `${req.namespace}/${req.name}` : req.name;
}

export function parseRequestKey(key: string): Request {
  const i = key.indexOf("/");
  return i < 0 ? { namespace: "", name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export interface ControllerOptions {
  name: string;
  reconcile: ReconcileFunc;
  /** Concurrent workers (default 1); one key is never reconciled by two workers at once. */
  concurrency?: number;
  clock?: Clock;
  /** Factory so every (re)start gets a fresh limiter; default controller-runtime's. */
  rateLimiter?: () => RateLimiter;
  metrics?: RuntimeMetrics;
  logger?: Logger;
}

export class Controller {
  readonly name: string;
  readonly concurrency: number;
  private readonly reconcileFn: ReconcileFunc;
  private readonly clock: Clock;
  private readonly makeLimiter: () => RateLimiter;
  private readonly metrics?: RuntimeMetrics;
  private readonly log: Logger;
  private q: WorkQueue;
  private abort = new AbortController();
  private workers: Promise<void>[] = [];
  private running = false;
  private onStart: (() => void)[] = [];
  /** Keys to queue on the next start: enqueued while stopped, or unfinished when the controller stopped. */
  private parked = new Set<string>();
  /** Keys whose last reconcile was deferred: their retry timer is dropped once they run again. */
  private readonly deferred = new Set<string>();

  constructor(opts: ControllerOptions) {
    this.name = opts.name;
    this.reconcileFn = opts.reconcile;
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.clock = opts.clock ?? realClock;
    this.makeLimiter = opts.rateLimiter ?? (() => defaultControllerRateLimiter({ clock: this.clock }));
    this.metrics = opts.metrics;
    this.log = (opts.logger ?? silentLogger()).child({ controller: opts.name });
    this.q = this.newQueue();
    this.q.shutDown();
  }

  /** The current work queue (replaced on every start). */
  get queue(): WorkQueue {
    return this.q;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Queues a reconcile of `req`. While stopped (a standby replica, or after losing the lease) the key is kept and
   * queued on the next start, so no event is lost across leadership changes.
   */
  enqueue(req: Request): void {
    if (this.running) this.q.add(requestKey(req));
    else this.parked.add(requestKey(req));
  }

  /** Queues a reconcile of `req` ahead of the queued ones (while stopped: on the next start). */
  enqueueFirst(req: Request): void {
    if (this.running) this.q.addFirst(requestKey(req));
    else this.parked.add(requestKey(req));
  }

  /** Queues a reconcile of `req` after `ms` (while stopped: on the next start). */
  enqueueAfter(req: Request, ms: number): void {
    if (this.running) this.q.addAfter(requestKey(req), ms);
    else this.parked.add(requestKey(req));
  }

  /** Runs `fn` every time the controller starts, after its queue exists (used to replay caches). */
  onStarted(fn: () => void): void {
    this.onStart.push(fn);
    if (this.running) fn();
  }

  /** Starts the workers with a fresh queue. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    // Each in-flight reconcile links one listener to the workers' signal (see process()): a known, bounded count.
    setMaxListeners(this.concurrency + 10, this.abort.signal);
    this.q = this.newQueue();
    this.deferred.clear();
    for (const key of this.parked) this.q.add(key);
    this.parked.clear();
    this.metrics?.maxConcurrent.set({ controller: this.name }, this.concurrency);
    for (const fn of this.onStart) fn();
    for (let i = 0; i < this.concurrency; i++) this.workers.push(this.worker(this.q, this.abort.signal));
    this.log.debug({ workers: this.concurrency }, "controller started");
  }

  /**
   * Stops taking work at once and waits up to `timeoutMs` for in-flight reconciles; resolves true when every
   * worker finished in time. By default their signal aborts immediately (lost leadership: stop now). With
   * `graceful` (shutdown) in-flight reconciles may finish undisturbed; the signal aborts only at the timeout.
   */
  async stop(timeoutMs = 30_000, opts: { graceful?: boolean } = {}): Promise<boolean> {
    if (!this.running) return true;
    this.running = false;
    const abort = this.abort;
    for (const key of this.q.unfinishedKeys()) this.parked.add(key);
    const drained = this.q.shutDownWithDrain();
    if (!opts.graceful) abort.abort(new Error(`controller ${this.name} stopping`));
    const workers = Promise.all(this.workers);
    this.workers = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ok = await Promise.race([Promise.all([drained, workers]).then(() => true), timedOut]);
    clearTimeout(timer);
    if (!ok) {
      abort.abort(new Error(`controller ${this.name} shutdown timeout`));
      this.log.warn({ timeoutMs }, "in-flight reconciles did not finish before the shutdown timeout");
    }
    return ok;
  }

  private newQueue(): WorkQueue {
    return new WorkQueue({
      clock: this.clock,
      rateLimiter: this.makeLimiter(),
      metrics: this.metrics?.queue(this.name),
    });
  }

  private async worker(q: WorkQueue, signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await q.get();
      if (key === undefined) return;
      if (q.shuttingDown) {
        // Stopped: take no more work (the key was parked for the next start).
        q.done(key);
        return;
      }
      try {
        await this.process(q, key, signal);
      } catch (err) {
        // Only a broken observer (logger, metrics) gets here; the worker must survive it.
        this.log.error({ err, key }, "worker error");
      } finally {
        q.done(key);
      }
    }
  }

  private async process(q: WorkQueue, key: string, signal: AbortSignal): Promise<void> {
    const req = parseRequestKey(key);
    const log = this.log.child({ namespace: req.namespace, name: req.name });
    const labels = { controller: this.name };
    const started = this.clock.now();
    // A deferred reconcile that was woken early runs now: its fallback timer must not run it again later, past
    // a failure backoff this run may set.
    if (this.deferred.delete(key)) q.cancelAfter(key);
    this.metrics?.activeWorkers.inc(labels);
    try {
      let result: Result | undefined;
      // A signal per reconcile: whatever listeners the reconcile (SDKs, HTTP clients) leaves on it are dropped with
      // it, instead of piling up on the long-lived signal every worker shares.
      const own = new AbortController();
      setMaxListeners(0, own.signal); // lives for one reconcile, which may run many requests at once
      const forward = () => own.abort(signal.reason);
      if (signal.aborted) forward();
      else signal.addEventListener("abort", forward, { once: true });
      try {
        result = (await this.reconcileFn(req, { signal: own.signal, log })) ?? undefined;
      } catch (err) {
        this.metrics?.reconcileTotal.inc({ ...labels, result: "error" });
        this.metrics?.reconcileErrors.inc(labels);
        if (!(err instanceof Error)) this.metrics?.reconcilePanics.inc(labels);
        log.error({ err, retries: q.numRequeues(key) }, "reconcile failed");
        q.addRateLimited(key);
        return;
      } finally {
        signal.removeEventListener("abort", forward);
      }
      if (result?.requeueAfter !== undefined && result.requeueAfter > 0) {
        this.metrics?.reconcileTotal.inc({ ...labels, result: "requeue_after" });
        if (result.deferred) this.deferred.add(key);
        else q.forget(key);
        q.addAfter(key, result.requeueAfter);
      } else if (result?.requeue) {
        this.metrics?.reconcileTotal.inc({ ...labels, result: "requeue" });
        q.addRateLimited(key);
      } else {
        this.metrics?.reconcileTotal.inc({ ...labels, result: "success" });
        q.forget(key);
      }
    } finally {
      this.metrics?.activeWorkers.dec(labels);
      this.metrics?.reconcileTime.observe(labels, (this.clock.now() - started) / 1000);
    }
  }
}
