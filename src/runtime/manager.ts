/**
 * The Manager owns what every controller of one process shares: the rate-limited API client, the metrics
 * registry, the /healthz /readyz /metrics endpoints and leader election. Caches (informers) run on every replica;
 * the runnables added with `add` (controllers) run only while this process holds the lease, as in
 * controller-runtime. Losing the lease stops them at once; a later win starts them again with fresh queues.
 *
 * Shutdown order (SIGTERM): stop handing out work, let in-flight reconciles finish within the graceful timeout
 * while still holding the lease, run the stop hooks (informers), release the lease, close the endpoints.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { KubeConfig } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { KubeClient } from "../kube/index.js";
import type { Clock } from "./clock.js";
import { type Check, EndpointServers } from "./health.js";
import { LeaderElector } from "./leader.js";
import { type Logger, silentLogger } from "./logger.js";
import { RuntimeMetrics } from "./metrics.js";
import { MetricsAuthorizer } from "./metrics-auth.js";
import type { MetricsTlsOptions } from "./metrics-tls.js";

/** Work that runs only on the leader. `Controller` is one. */
export interface LeaderRunnable {
  readonly name: string;
  start(): void;
  /** Resolves true when it stopped within `timeoutMs`. */
  stop(timeoutMs: number, opts?: { graceful?: boolean }): Promise<boolean>;
}

export interface LeaderElectionConfig {
  /** Lease name (upstream ESO: "external-secrets-controller"). */
  id: string;
  namespace: string;
  /** Unique per process (default hostname_random). */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ManagerOptions {
  kubeConfig: KubeConfig;
  /** --client-qps / --client-burst for the shared client (defaults 50 / 100). */
  qps?: number;
  burst?: number;
  logger?: Logger;
  /** Registry to expose on /metrics (a fresh one with process metrics by default). */
  registry?: Registry;
  /** "host:port", ":port" or "0" (disabled). Default ":8081". */
  healthAddr?: string;
  /** Default ":8080"; "0" disables. */
  metricsAddr?: string;
  /** --metrics-secure: serve /metrics over HTTPS with this certificate (self-signed without a directory). */
  metricsTls?: MetricsTlsOptions;
  /** Scrapes must carry a bearer token allowed `get /metrics` (TokenReview + SubjectAccessReview). */
  metricsAuth?: boolean;
  /** Leader election; absent means this process always leads. */
  leaderElection?: LeaderElectionConfig;
  /** How long in-flight reconciles may take to finish on shutdown (default 30 s). */
  gracefulShutdownMs?: number;
  clock?: Clock;
}

export class Manager {
  readonly client: KubeClient;
  readonly registry: Registry;
  readonly metrics: RuntimeMetrics;
  readonly log: Logger;
  readonly elector?: LeaderElector;
  private readonly opts: ManagerOptions;
  private readonly runnables: LeaderRunnable[] = [];
  private readonly stopHooks: (() => Promise<void> | void)[] = [];
  private readonly healthChecks = new Map<string, Check>([["ping", () => true]]);
  private readonly readyChecks = new Map<string, Check>([["ping", () => true]]);
  private readonly endpoints: EndpointServers;
  private leading = false;
  private transition: Promise<void> = Promise.resolve();
  private leaderWaiters: (() => void)[] = [];
  private state: "new" | "started" | "stopping" | "stopped" = "new";
  private stopped?: Promise<void>;

  constructor(opts: ManagerOptions) {
    this.opts = opts;
    this.log = opts.logger ?? silentLogger();
    this.registry = opts.registry ?? new Registry();
    this.metrics = new RuntimeMetrics({ registry: this.registry, processMetrics: !opts.registry });
    this.client = new KubeClient({
      kubeConfig: opts.kubeConfig,
      qps: opts.qps,
      burst: opts.burst,
      metrics: this.metrics,
      logger: this.log,
      clock: opts.clock,
    });
    this.endpoints = new EndpointServers({
      healthAddr: opts.healthAddr ?? ":8081",
      metricsAddr: opts.metricsAddr ?? ":8080",
      registry: this.registry,
      healthChecks: this.healthChecks,
      readyChecks: this.readyChecks,
      metricsTls: opts.metricsTls,
      metricsAuth: opts.metricsAuth ? new MetricsAuthorizer({ client: this.client }) : undefined,
    });
    const le = opts.leaderElection;
    if (le) {
      this.elector = new LeaderElector({
        client: this.client,
        name: le.id,
        namespace: le.namespace,
        identity: le.identity ?? `${hostname()}_${randomBytes(6).toString("hex")}`,
        leaseDurationMs: le.leaseDurationMs,
        renewDeadlineMs: le.renewDeadlineMs,
        retryPeriodMs: le.retryPeriodMs,
        clock: opts.clock,
        logger: this.log,
        metrics: this.metrics,
        onStartedLeading: () => this.startLeading(),
        onStoppedLeading: () => this.stopLeading(),
        onNewLeader: (id) => this.log.info({ leader: id || "(none)" }, "leader changed"),
      });
    }
  }

  /** True while this process may reconcile. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Bound addresses of the endpoints (after start). */
  get healthAddress(): string | undefined {
    return this.endpoints.healthAddress;
  }
  get metricsAddress(): string | undefined {
    return this.endpoints.metricsAddress;
  }

  /** Adds leader-only work; started right away when already leading. */
  add(runnable: LeaderRunnable): void {
    this.runnables.push(runnable);
    if (this.leading) this.transition = this.transition.then(() => this.safeStart(runnable));
  }

  /** /readyz fails until every ready check passes (e.g. "informers synced"). */
  addReadyCheck(name: string, check: Check): void {
    this.readyChecks.set(name, check);
  }

  /** Runs on shutdown after the leader-only work has stopped and before the lease is released. */
  onStop(hook: () => Promise<void> | void): void {
    this.stopHooks.push(hook);
  }

  /** Serves the endpoints and starts campaigning (or leading at once without leader election). */
  async start(): Promise<void> {
    if (this.state !== "new") throw new Error("manager already started");
    this.state = "started";
    await this.endpoints.start();
    if (this.endpoints.healthAddress) this.log.info({ addr: this.endpoints.healthAddress }, "serving health probes");
    if (this.endpoints.metricsAddress) this.log.info({ addr: this.endpoints.metricsAddress }, "serving metrics");
    if (this.elector) this.elector.start();
    else this.startLeading();
  }

  /** Resolves once this process leads (immediately without leader election), or when the manager stops. */
  elected(): Promise<void> {
    if (this.leading) return Promise.resolve();
    return new Promise((resolve) => this.leaderWaiters.push(resolve));
  }

  /** Graceful shutdown (idempotent): see the module comment for the order. Resolves false on a timeout. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.state = "stopping";
    this.log.info("shutting down");
    const timeoutMs = this.opts.gracefulShutdownMs ?? 30_000;
    this.readyChecks.set("shutdown", () => false);
    // Stop handing out work synchronously, before anything else can be dequeued.
    const stops = this.leading ? this.runnables.map((r) => r.stop(timeoutMs, { graceful: true })) : [];
    this.leading = false;
    await this.transition;
    const results = await Promise.all(stops);
    if (results.some((ok) => !ok)) this.log.warn({ timeoutMs }, "graceful shutdown timed out");
    for (const hook of this.stopHooks) {
      try {
        await hook();
      } catch (err) {
        this.log.error({ err }, "stop hook failed");
      }
    }
    await this.elector?.stop();
    await this.endpoints.stop();
    this.client.close();
    this.state = "stopped";
    for (const w of this.leaderWaiters.splice(0)) w();
    this.log.info("shutdown complete");
  }

  private startLeading(): void {
    if (this.state !== "started" || this.leading) return;
    this.leading = true;
    this.log.info({ runnables: this.runnables.map((r) => r.name) }, "leading: starting controllers");
    this.transition = this.transition.then(() => {
      if (!this.leading) return;
      for (const r of this.runnables) this.safeStart(r);
    });
    for (const w of this.leaderWaiters.splice(0)) w();
  }

  /** Lost the lease: every runnable stops taking work now and its in-flight reconciles are aborted. */
  private stopLeading(): void {
    if (!this.leading) return;
    this.leading = false;
    this.log.warn("lost leadership: stopping controllers");
    const stops = this.runnables.map((r) => r.stop(this.opts.gracefulShutdownMs ?? 30_000));
    this.transition = this.transition.then(async () => {
      await Promise.all(stops);
    });
  }

  private safeStart(r: LeaderRunnable): void {
    try {
      r.start();
    } catch (err) {
      this.log.error({ err, runnable: r.name }, "could not start");
    }
  }
}
