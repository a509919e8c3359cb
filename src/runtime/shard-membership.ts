/**
 * Shard mode: every replica reconciles its own share of the objects instead of one leader reconciling all.
 *
 * Membership. Each replica holds one coordination.k8s.io/v1 Lease (labelled with the group) and renews it every
 * retryPeriod. The members are the holders of the group's leases whose record changed within leaseDuration, as
 * measured on this replica's own clock (as client-go's leader election: no trust in other clocks). A replica that
 * cannot renew for renewDeadline (< leaseDuration) stops reconciling at once, before its peers can count it out.
 * A replica that stops cleanly deletes its lease, so its peers take over on their next round.
 *
 * Ownership. A key belongs to `ownerOf(key, view)` (rendezvous hashing over the view's members), or with
 * `by: "namespace"` to the owner of its namespace.
 *
 * Handover without two writers. A replica reconciles a key only if it owns it in the view it has adopted AND in
 * every newer view it has seen since (a replica that sees the membership change only narrows what it serves).
 * Having narrowed, and once its in-flight reconciles of keys it gave up have finished, it publishes "released
 * <view id>" on its lease. It adopts the new view (and with it the keys it gains) only when every member of that
 * view has published that it released it (or adopted it). So whenever a replica starts on a key, the previous owner
 * has already stopped. A replica that is new, or that lost its lease, serves nothing until it adopts a view.
 */
import { type KubeClient, type KubeObject, LEASES, resourcePath, type Stored } from "../kube/index.js";
import { type Clock, realClock, sleep } from "./clock.js";
import { microTime } from "./leader.js";
import { type Logger, silentLogger } from "./logger.js";
import { EMPTY_VIEW, ownerOf, placementKey, type ShardBy, type ShardView, viewOf } from "./shard-ring.js";

export const SHARD_GROUP_LABEL = "external-secrets.io/shard-group";
const RELEASED_ANNOTATION = "external-secrets.io/shard-released";
const ADOPTED_ANNOTATION = "external-secrets.io/shard-adopted";

type ShardLease = Stored<ShardLeaseObject>;
interface ShardLeaseObject extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string };
}

export interface ShardMembershipOptions {
  /** Its own client: lease traffic must not queue behind reconcile writes in the shared rate limiter. */
  client: KubeClient;
  /** Names the leases and labels them; replicas with the same group split the work. */
  group: string;
  namespace: string;
  identity: string;
  /** Keys are placed by object (default) or by namespace; every member of a group must use the same. */
  by?: ShardBy;
  /** Peers count a member out this long after its lease last changed (default 15 s). */
  leaseDurationMs?: number;
  /** This replica stops reconciling when it could not renew for this long (default 10 s). */
  renewDeadlineMs?: number;
  /** Renew and look at the members this often (default 2 s). */
  retryPeriodMs?: number;
  /** In-flight reconciles of released keys are aborted after this long (default retryPeriod). */
  releaseTimeoutMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** "external-secrets-controller-shard-<identity>", made a valid object name. */
export function shardLeaseName(group: string, identity: string): string {
  const safe = identity
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return `${group}-shard-${safe || "replica"}`.slice(0, 253);
}

interface InFlight {
  count: number;
  aborts: Set<AbortController>;
}

export class ShardMembership {
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  private readonly opts: ShardMembershipOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly leaseName: string;
  /** The view whose keys this replica owns (and caches). */
  private adopted: ShardView = EMPTY_VIEW;
  /** Newer views seen since adopting: a key is served only if this replica owns it in each of them too. */
  private pending: ShardView[] = [];
  /** Id of the view this replica has published as released. */
  private releasedId = "";
  private releaseSince?: { id: string; at: number };
  private lease?: ShardLease;
  private lastRenew = 0;
  private fenced = true;
  /** Peer lease → [record key, when this replica saw it change]. */
  private readonly seen = new Map<string, [string, number]>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly adoptListeners: ((next: ShardView, prev: ShardView) => Promise<void> | void)[] = [];
  private abort = new AbortController();
  private loop?: Promise<void>;
  private stopped = false;
  private watchdog?: ReturnType<typeof setInterval>;
  private firstAdoption?: () => void;
  private readonly firstAdopted: Promise<void>;
  /** Views adopted so far (observability and tests). */
  adoptions = 0;

  constructor(opts: ShardMembershipOptions) {
    this.opts = opts;
    this.identity = opts.identity;
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs)
      throw new Error("leaseDuration must be greater than renewDeadline");
    if (this.renewDeadlineMs <= this.retryPeriodMs) throw new Error("renewDeadline must be greater than retryPeriod");
    if (!opts.identity) throw new Error("shard identity must not be empty");
    this.clock = opts.clock ?? realClock;
    this.leaseName = shardLeaseName(opts.group, opts.identity);
    this.log = (opts.logger ?? silentLogger()).child({ shardLease: `${opts.namespace}/${this.leaseName}` });
    this.firstAdopted = new Promise((resolve) => {
      this.firstAdoption = resolve;
    });
  }

  /** The view this replica works in. */
  get view(): ShardView {
    return this.adopted;
  }

  /** Cache filter: this replica owns `key` in the view it adopted (it may not reconcile it yet, see `serves`). */
  owns(key: string): boolean {
    return !this.fenced && this.ownerIn(key, this.adopted) === this.identity;
  }

  /** The member owning `key` in `view`. */
  ownerIn(key: string, view: ShardView): string | undefined {
    return ownerOf(placementKey(key, this.opts.by ?? "name"), view);
  }

  /** True while this replica may reconcile `key`. */
  serves(key: string): boolean {
    if (!this.owns(key)) return false;
    for (const v of this.pending) if (this.ownerIn(key, v) !== this.identity) return false;
    return true;
  }

  /**
   * Runs `fn` (one reconcile of `key`) if this replica serves the key; undefined without running it otherwise.
   * Its signal also aborts when the key is released and the release timeout passes, or when the lease is lost.
   */
  async run<T>(key: string, signal: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    if (!this.serves(key)) return undefined;
    const own = new AbortController();
    const forward = () => own.abort(signal.reason);
    if (signal.aborted) forward();
    else signal.addEventListener("abort", forward, { once: true });
    let entry = this.inFlight.get(key);
    if (!entry) {
      entry = { count: 0, aborts: new Set() };
      this.inFlight.set(key, entry);
    }
    entry.count++;
    entry.aborts.add(own);
    try {
      return await fn(own.signal);
    } finally {
      signal.removeEventListener("abort", forward);
      entry.aborts.delete(own);
      if (--entry.count === 0) this.inFlight.delete(key);
    }
  }

  /** Called after a new view is adopted, before the next round (e.g. relist sharded caches, queue gained keys). */
  onAdopt(fn: (next: ShardView, prev: ShardView) => Promise<void> | void): void {
    this.adoptListeners.push(fn);
  }

  /** Resolves once this replica adopted its first view, or after `timeoutMs`. */
  async ready(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.firstAdopted, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  start(): void {
    if (this.loop || this.stopped) return;
    this.abort = new AbortController();
    this.loop = this.run_(this.abort.signal);
    // A renewal that hangs must not keep this replica reconciling past renewDeadline.
    this.watchdog = setInterval(() => this.checkRenewDeadline(), Math.max(10, this.retryPeriodMs / 4));
    this.watchdog.unref?.();
  }

  private checkRenewDeadline(): void {
    if (!this.fenced && this.clock.now() - this.lastRenew > this.renewDeadlineMs) this.fence("lease not renewed");
  }

  /**
   * Stops taking part. With `release` (default: a clean shutdown, after the controllers stopped) the lease is
   * deleted so the peers take over at once; without it (a crash, in tests) they wait for it to expire. Only the
   * first call counts.
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    clearInterval(this.watchdog);
    await this.loop;
    this.loop = undefined;
    this.fence("stopped");
    if (opts.release === false || !this.lease) return;
    try {
      await this.opts.client.delete(LEASES, this.opts.namespace, this.leaseName);
    } catch (err) {
      this.log.warn({ err }, "could not delete the shard lease; it expires on its own");
    }
  }

  private async run_(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.round(signal);
      await sleep(this.clock, this.retryPeriodMs, signal).catch(() => {});
    }
  }

  /** One round: renew, look at the members, narrow or adopt. Never throws. */
  private async round(signal: AbortSignal): Promise<void> {
    try {
      await this.renew(signal);
    } catch (err) {
      if (signal.aborted) return;
      this.log.warn({ err }, "shard lease renewal failed");
    }
    this.checkRenewDeadline();
    if (this.fenced || signal.aborted) return;
    let peers: ShardLease[];
    try {
      peers = await this.opts.client.list<ShardLease>(
        LEASES,
        this.opts.namespace,
        `${SHARD_GROUP_LABEL}=${this.opts.group}`,
        signal,
      );
    } catch (err) {
      if (!signal.aborted) this.log.warn({ err }, "could not list shard leases");
      return;
    }
    const live = this.liveMembers(peers);
    const target = viewOf(live.map((l) => l.spec?.holderIdentity ?? ""));
    if (target.id === this.adopted.id) {
      this.pending = [];
      if (this.releasedId !== target.id) {
        this.releasedId = target.id;
        await this.renew(signal).catch(() => {});
      }
      return;
    }
    if (!this.pending.some((v) => v.id === target.id)) {
      this.pending.push(target);
      this.log.info({ members: target.members }, "shard membership changed: releasing keys");
    }
    if (this.releasedId !== target.id) {
      // Published only once no reconcile of a released key is still running; until then renewals go on.
      if (!this.releaseDrained(target)) return;
      this.releasedId = target.id;
      await this.renew(signal).catch(() => {});
    }
    const waiting = live.filter((l) => {
      if (l.spec?.holderIdentity === this.identity) return false;
      const a = l.metadata.annotations ?? {};
      return a[RELEASED_ANNOTATION] !== target.id && a[ADOPTED_ANNOTATION] !== target.id;
    });
    if (waiting.length > 0) return;
    this.adopt(target);
    await this.renew(signal).catch(() => {});
  }

  private adopt(next: ShardView): void {
    const prev = this.adopted;
    this.adopted = next;
    this.pending = [];
    this.adoptions++;
    this.log.info({ members: next.members, view: next.id }, "shard view adopted");
    // Not awaited: relisting a large share must not hold up the next renewal.
    for (const fn of this.adoptListeners) {
      Promise.resolve()
        .then(() => fn(next, prev))
        .catch((err) => this.log.error({ err }, "shard adoption listener failed"));
    }
    this.firstAdoption?.();
  }

  /**
   * True when no reconcile of a key this replica no longer serves is running. Those still running past the
   * release timeout (counted from the first round that saw `target`) are aborted.
   */
  private releaseDrained(target: ShardView): boolean {
    const released = [...this.inFlight.entries()].filter(([key]) => !this.serves(key));
    if (released.length === 0) return true;
    const now = this.clock.now();
    if (this.releaseSince?.id !== target.id) this.releaseSince = { id: target.id, at: now };
    if (now - this.releaseSince.at >= (this.opts.releaseTimeoutMs ?? this.retryPeriodMs)) {
      for (const [, e] of released) for (const a of e.aborts) a.abort(new Error("shard key released"));
    }
    return false;
  }

  /** Stops serving everything at once (lost lease, shutdown): in-flight reconciles are aborted. */
  private fence(reason: string): void {
    if (!this.fenced) this.log.warn({ reason }, "shard lease lost: reconciling nothing until a view is adopted");
    this.fenced = true;
    this.adopted = EMPTY_VIEW;
    this.pending = [];
    this.releasedId = "";
    for (const e of this.inFlight.values()) for (const a of e.aborts) a.abort(new Error(`shard fenced: ${reason}`));
  }

  /** Members whose lease record changed within leaseDuration (on this replica's clock); this replica always. */
  private liveMembers(leases: ShardLease[]): ShardLease[] {
    const now = this.clock.now();
    const names = new Set<string>();
    const live: ShardLease[] = [];
    for (const l of leases) {
      const name = l.metadata.name;
      names.add(name);
      const holder = l.spec?.holderIdentity;
      if (!holder) continue;
      if (holder === this.identity) {
        live.push(l);
        continue;
      }
      const record = `${holder}|${l.spec?.renewTime ?? ""}`;
      const prior = this.seen.get(name);
      if (!prior || prior[0] !== record) this.seen.set(name, [record, now]);
      const changedAt = this.seen.get(name)![1];
      const durationMs = (l.spec?.leaseDurationSeconds ?? this.leaseDurationMs / 1000) * 1000;
      if (now - changedAt < durationMs) live.push(l);
    }
    for (const name of this.seen.keys()) if (!names.has(name)) this.seen.delete(name);
    if (!live.some((l) => l.spec?.holderIdentity === this.identity)) {
      live.push({ metadata: { name: this.leaseName }, spec: { holderIdentity: this.identity } });
    }
    return live;
  }

  /** Creates or renews this replica's lease with what it has released and adopted. */
  private async renew(signal: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const { namespace, group } = this.opts;
    const body: ShardLeaseObject = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: {
        name: this.leaseName,
        namespace,
        labels: { [SHARD_GROUP_LABEL]: group },
        annotations: { [RELEASED_ANNOTATION]: this.releasedId, [ADOPTED_ANNOTATION]: this.adopted.id },
        ...(this.lease ? { resourceVersion: this.lease.metadata.resourceVersion } : {}),
      },
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: Math.max(1, Math.ceil(this.leaseDurationMs / 1000)),
        acquireTime: this.lease?.spec?.acquireTime ?? microTime(now),
        renewTime: microTime(now),
      },
    };
    const path = resourcePath(LEASES, namespace, this.lease ? this.leaseName : undefined);
    const timeoutMs = this.renewDeadlineMs;
    try {
      this.lease = await this.opts.client.request<ShardLease>({
        method: this.lease ? "PUT" : "POST",
        path,
        body,
        signal,
        timeoutMs,
      });
    } catch (err) {
      // Someone else changed or removed it (a stale resourceVersion, or a leftover from a previous run): start over.
      this.lease = await this.opts.client.get<ShardLease>(LEASES, namespace, this.leaseName, signal);
      if (this.lease?.spec?.holderIdentity !== undefined && this.lease.spec.holderIdentity !== this.identity) {
        throw new Error("shard lease held by another identity");
      }
      throw err;
    }
    this.lastRenew = now;
    if (this.fenced) {
      this.fenced = false;
      this.log.info("shard lease held");
    }
  }
}
