/**
 * Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics:
 * - a candidate takes the lease when it is free (no holder) or when the holder's record has not changed for
 *   leaseDuration as measured on the candidate's own clock (no trust in other machines' clocks);
 * - the leader renews every retryPeriod; if it cannot renew for renewDeadline it stops leading at once, before the
 *   lease can expire for anyone else (renewDeadline < leaseDuration);
 * - stepping down on shutdown releases the lease (empty holder) so a standby takes over on its next try.
 * Updates use the lease's resourceVersion, so two candidates can never both win the same round.
 */
import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  type KubeClient,
  type KubeObject,
  LEASES,
  resourcePath,
} from "../kube/index.js";
import { type Clock, realClock, sleep } from "./clock.js";
import { type Logger, silentLogger } from "./logger.js";
import type { RuntimeMetrics } from "./metrics.js";

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectorOptions {
  client: KubeClient;
  /** Lease name (upstream ESO: "external-secrets-controller"). */
  name: string;
  namespace: string;
  /** This candidate's unique identity (default hostname + random suffix). */
  identity: string;
  /** How long a standby waits after the last observed change before taking the lease (default 15 s). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up leading (default 10 s). */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  /** Release the lease when stopping (default true). */
  releaseOnCancel?: boolean;
  onStartedLeading?: () => void;
  /** Called synchronously the moment leadership ends (lost lease or stop). */
  onStoppedLeading?: () => void;
  /** Called when a different holder is observed (including "" when the lease is released). */
  onNewLeader?: (identity: string) => void;
  clock?: Clock;
  logger?: Logger;
  metrics?: RuntimeMetrics;
}

const JITTER = 1.2;

/** RFC 3339 with microseconds (metav1.MicroTime), as Lease timestamps are serialized. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class LeaderElector {
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  private readonly opts: LeaderElectorOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private observed?: Lease;
  private observedRecordKey = "";
  private observedAt = 0;
  private leading = false;
  private lastHolder?: string;
  private abort = new AbortController();
  private loop?: Promise<void>;

  constructor(opts: LeaderElectorOptions) {
    this.opts = opts;
    this.identity = opts.identity;
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs)
      throw new Error("leaseDuration must be greater than renewDeadline");
    if (this.renewDeadlineMs <= JITTER * this.retryPeriodMs) {
      throw new Error("renewDeadline must be greater than retryPeriod*1.2");
    }
    if (!opts.identity) throw new Error("leader election identity must not be empty");
    this.clock = opts.clock ?? realClock;
    this.log = (opts.logger ?? silentLogger()).child({ lease: `${opts.namespace}/${opts.name}` });
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Holder identity last seen on the lease ("" when free). */
  get leader(): string | undefined {
    return this.lastHolder;
  }

  /** Starts campaigning in the background (idempotent). */
  start(): void {
    if (this.loop) return;
    this.opts.metrics?.leaderStatus.set({ name: this.opts.name }, 0);
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  /** Stops campaigning; a leader stops leading at once and (by default) releases the lease. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
    const wasLeader = this.leading;
    this.setLeading(false);
    if (wasLeader && this.opts.releaseOnCancel !== false) await this.release();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) return;
      this.setLeading(true);
      await this.renewLoop(signal);
      if (signal.aborted) return;
      this.setLeading(false);
      this.log.warn("leader lease lost; stopped leading");
    }
  }

  /** Tries every retryPeriod (jittered) until the lease is ours; false when stopped first. */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.log.debug({ identity: this.identity }, "attempting to acquire leader lease");
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(signal)) {
        this.log.info({ identity: this.identity }, "acquired leader lease");
        return true;
      }
      if (!(await this.pause(signal, this.retryPeriodMs * (1 + Math.random() * (JITTER - 1))))) return false;
    }
    return false;
  }

  /** Renews every retryPeriod; returns when a renewal could not succeed within renewDeadline (or on stop). */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.pause(signal, this.retryPeriodMs))) return;
      const deadline = this.clock.now() + this.renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted && this.clock.now() < deadline) {
        const attempt = new AbortController();
        const onAbort = () => attempt.abort();
        signal.addEventListener("abort", onAbort, { once: true });
        const timer = this.clock.setTimer(() => attempt.abort(), deadline - this.clock.now());
        try {
          renewed = await this.tryAcquireOrRenew(attempt.signal);
        } finally {
          timer.cancel();
          signal.removeEventListener("abort", onAbort);
        }
        if (renewed || signal.aborted) break;
        const left = deadline - this.clock.now();
        if (left <= 0 || !(await this.pause(signal, Math.min(this.retryPeriodMs, left)))) break;
      }
      if (!renewed) return;
    }
  }

  /** One round of client-go's tryAcquireOrRenew; never throws. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.clock.now();
    const mine: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.leaseDurationMs / 1000)),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    const { name, namespace } = this.opts;
    try {
      let lease: Lease | undefined;
      try {
        lease = await this.call("GET", undefined, signal);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      if (!lease) {
        const body = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name, namespace }, spec: mine };
        this.observe(await this.call("POST", body, signal), now);
        return true;
      }
      this.observe(lease, now);
      const old = lease.spec ?? {};
      const holder = old.holderIdentity ?? "";
      const held = holder !== "" && holder !== this.identity;
      if (held && this.observedAt + this.leaseDurationMsOf(old) > now) return false;
      if (holder === this.identity) {
        mine.acquireTime = old.acquireTime ?? mine.acquireTime;
        mine.leaseTransitions = old.leaseTransitions ?? 0;
      } else {
        mine.leaseTransitions = (old.leaseTransitions ?? 0) + 1;
      }
      if (signal.aborted) return false;
      this.observe(await this.call("PUT", { ...lease, spec: mine }, signal), now);
      return true;
    } catch (e) {
      if (!signal.aborted && !isConflict(e) && !isAlreadyExists(e)) {
        this.log.warn({ err: e }, "leader lease request failed");
      }
      return false;
    }
  }

  /** One lease request that gives up when `signal` aborts (a hung connection must not delay losing the lease). */
  private call(method: "GET" | "POST" | "PUT", body: Lease | undefined, signal: AbortSignal): Promise<Lease> {
    const { namespace, name } = this.opts;
    const path = resourcePath(LEASES, namespace, method === "POST" ? undefined : name);
    return this.opts.client.request<Lease>({ method, path, body, signal, timeoutMs: this.renewDeadlineMs });
  }

  /** client-go trusts the record's own duration (a leader may run with a different config). */
  private leaseDurationMsOf(spec: LeaseSpec): number {
    return spec.leaseDurationSeconds ? spec.leaseDurationSeconds * 1000 : this.leaseDurationMs;
  }

  private observe(lease: Lease, now: number): void {
    const spec = lease.spec ?? {};
    const key = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.acquireTime, spec.leaseTransitions]);
    if (key !== this.observedRecordKey) {
      this.observedRecordKey = key;
      this.observedAt = now;
    }
    this.observed = lease;
    const holder = spec.holderIdentity ?? "";
    if (holder !== this.lastHolder) {
      this.lastHolder = holder;
      this.callback(() => this.opts.onNewLeader?.(holder));
    }
  }

  /** Empties the holder so a standby takes over on its next try; re-reads once if a renewal raced with it. */
  private async release(): Promise<void> {
    if (this.observed?.spec?.holderIdentity !== this.identity) return;
    const signal = AbortSignal.timeout(this.renewDeadlineMs);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const lease = attempt === 0 ? this.observed : await this.call("GET", undefined, signal);
        if (lease.spec?.holderIdentity !== this.identity) return;
        const now = this.clock.now();
        const spec: LeaseSpec = {
          holderIdentity: "",
          leaseDurationSeconds: 1,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: lease.spec?.leaseTransitions ?? 0,
        };
        this.observe(await this.call("PUT", { ...lease, spec }, signal), now);
        this.log.info("released leader lease");
        return;
      } catch (e) {
        if (isConflict(e) && !signal.aborted) continue;
        this.log.warn({ err: e }, "could not release leader lease; it expires on its own");
        return;
      }
    }
  }

  private setLeading(value: boolean): void {
    if (this.leading === value) return;
    this.leading = value;
    this.opts.metrics?.leaderStatus.set({ name: this.opts.name }, value ? 1 : 0);
    this.callback(() => (value ? this.opts.onStartedLeading?.() : this.opts.onStoppedLeading?.()));
  }

  private callback(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, "leader election callback failed");
    }
  }

  private pause(signal: AbortSignal, ms: number): Promise<boolean> {
    return sleep(this.clock, ms, signal).then(
      () => true,
      () => false,
    );
  }
}
