/**
 * The composition root of the controllers: builds what they share (API clients, credentials access, provider
 * registry and caches, template pool, events, metrics) and runs each kind's setup. Each setup declares its
 * controller's triggers; the ControllerSet owns the informers they share.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { API_VERSION_V1 } from "../api/constants.js";
import { registerBuiltinGenerators } from "../generators/builtin.js";
import { CachedKubeClient, KubeClient, NAMESPACES } from "../kube/index.js";
import { DEFAULT_COALESCE_WINDOW_MS } from "../notify/coalesce.js";
import type { NotifyStoreRef } from "../notify/keys.js";
import { registerBuiltinProviders } from "../providers/builtin.js";
import { ClientCaches } from "../providers/caches.js";
import { ClusterKubeAccess } from "../providers/kube-access.js";
import type { ProviderServices } from "../providers/open-client.js";
import type { KubeAccess } from "../providers/provider.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { configureTenantPolicy, type TenantPolicy } from "../providers/tenant-policy.js";
import type { Clock } from "../runtime/clock.js";
import type { Controller } from "../runtime/controller.js";
import { ControllerSet } from "../runtime/controller-builder.js";
import { type Logger, silentLogger } from "../runtime/logger.js";
import type { RuntimeMetrics } from "../runtime/metrics.js";
import { ShardMembership } from "../runtime/shard-membership.js";
import { TemplatePool } from "../template/pool/index.js";
import { setupClusterExternalSecrets } from "./clusterexternalsecret/setup.js";
import { setupClusterPushSecrets } from "./clusterpushsecret/setup.js";
import { ApiEventRecorder, type EventRecorder } from "./common/events.js";
import { EsoMetrics } from "./common/metrics.js";
import { NAMESPACE_METADATA } from "./common/scopes.js";
import type { RenderTemplate } from "./common/secret-template.js";
import type { ControllerDeps } from "./deps.js";
import { type ExternalSecrets, setupExternalSecrets } from "./externalsecret/setup.js";
import { setupGeneratorStates } from "./generatorstate/setup.js";
import { pushSecretClient, setupPushSecrets } from "./pushsecret/setup.js";
import { setupWorkloadRollouts } from "./rollouts/setup.js";
import { setupSecretStores } from "./secretstore/setup.js";
import { type ShardModeOptions, shardKeys } from "./sharding.js";

export interface StartControllersOptions {
  kubeConfig: KubeConfig;
  /** Shared runtime API client for informers (one is created when absent). */
  runtimeClient?: KubeClient;
  runtimeMetrics?: RuntimeMetrics;
  registry?: Registry;
  logger?: Logger;
  /** --controller-class: only stores with this spec.controller (or none) are handled. */
  controllerClass?: string;
  /** --namespace: watch one namespace only. */
  namespace?: string;
  /** --concurrent: workers per controller. */
  concurrency?: number;
  enableClusterStores?: boolean;
  enableClusterExternalSecrets?: boolean;
  /** --enable-flood-protection: ExternalSecrets wait for their store to be Ready. */
  floodGate?: boolean;
  /** Fraction of the refresh interval added at random to requeues whose interval has no phase (default 0.05). */
  jitter?: number;
  /** Store re-validation interval when a store sets none (ms). */
  storeRequeueMs?: number;
  clusterStoreNamespace?: string;
  /** Renders templates (default: a worker pool with a deadline of templateTimeoutMs and a 64 MiB budget). */
  render?: RenderTemplate;
  /** --template-timeout: wall-clock deadline of one template render (ms, default 2 s). */
  templateTimeoutMs?: number;
  kubeAccess?: KubeAccess;
  events?: EventRecorder;
  /** QPS / burst of the Events' own client (default 50 / 100; the CLI passes --client-qps / --client-burst). */
  eventQps?: number;
  eventBurst?: number;
  /** How long coalesced provider reads are reused across reconciles (ms, default 5000; 0 = singleflight only). */
  coalesceTtlMs?: number;
  /** The providers stores may use (default: the built-in ones). */
  providers?: ProviderRegistry;
  /** What is kept between provider clients: shared reads, logins, SDK clients (default: new ones). */
  providerCaches?: ClientCaches;
  /** Leave the controllers stopped: a runtime Manager starts them while this process holds the leader lease. */
  deferControllerStart?: boolean;
  /** --enable-push-secret-reconciler (default true). */
  enablePushSecrets?: boolean;
  /** What namespaced stores may do with the operator's identity and host (process-wide; defaults when absent). */
  tenantPolicy?: Partial<TenantPolicy>;
  /** --reconcile-timeout: bound on the provider calls of one reconcile (ms, default 30 s). */
  reconcileTimeoutMs?: number;
  /** --max-concurrent-per-store: syncs one store may run at once (default: half of --concurrent, at least 1). */
  maxConcurrentPerStore?: number;
  /** --notify-coalesce-window: notifications for one ExternalSecret within it cause one refresh (ms, default 1 s). */
  notifyCoalesceWindowMs?: number;
  /** --unsafe-allow-generic-targets: ExternalSecrets may write spec.target.manifest kinds (default false). */
  allowGenericTargets?: boolean;
  /** --enable-workload-rollouts: roll Deployments, StatefulSets, DaemonSets when their Secrets' data changes. */
  enableWorkloadRollouts?: boolean;
  /** --workload-rollout-interval: least time between two rollouts of one workload (ms, default 1 min). */
  workloadRolloutIntervalMs?: number;
  /** Time source of the queues, informers and ExternalSecret refresh decisions (tests inject a FakeClock). */
  clock?: Clock;
  /**
   * --shard-mode: this replica reconciles its share of the ExternalSecrets, PushSecrets and cluster fan-out kinds
   * (split over the live members of the lease group) and caches only that share. Controllers start at once.
   */
  shard?: ShardModeOptions;
}

export interface RunningControllers {
  metrics: EsoMetrics;
  /** The controllers (leader-only work); each replays its informer's cache whenever it (re)starts. */
  controllers: Controller[];
  /** Resolves once every informer has listed. */
  synced(): Promise<void>;
  /** Shard mode: this replica's membership. */
  shard?: ShardMembership;
  /**
   * A remote secret changed: drops cached reads of that key and re-syncs at once exactly the ExternalSecrets
   * that read it from that store. Returns them as "namespace/name".
   */
  notify(store: NotifyStoreRef, key: string): string[];
  stop(): Promise<void>;
}

export async function startControllers(opts: StartControllersOptions): Promise<RunningControllers> {
  const log = opts.logger ?? silentLogger();
  const registry = opts.registry ?? new Registry();
  const metrics = new EsoMetrics(registry);
  const server =
    opts.runtimeClient ?? new KubeClient({ kubeConfig: opts.kubeConfig, metrics: opts.runtimeMetrics, logger: log });
  const client = new CachedKubeClient(server.transport);
  // Credentials Secrets are read by every sync's store client: repeated reads share one GET for a second.
  const kube =
    opts.kubeAccess ?? new ClusterKubeAccess(server, { ttlMs: Math.min(1_000, opts.coalesceTtlMs ?? 1_000) });
  // Events have a client and a QPS budget of their own (as client-go's event broadcaster), so the main budget goes
  // to Secrets and status.
  const eventsClient = opts.events
    ? undefined
    : new KubeClient({
        kubeConfig: opts.kubeConfig,
        qps: opts.eventQps ?? 50,
        burst: opts.eventBurst ?? 100,
        metrics: opts.runtimeMetrics,
        logger: log,
      });
  const events =
    opts.events ??
    new ApiEventRecorder(eventsClient!, "external-secrets", (err) => log.debug({ err }, "event not recorded"));
  // Templates are tenant input: rendered off the main thread, so a runaway one costs a worker, not the process.
  const pool = opts.render ? undefined : new TemplatePool({ timeoutMs: opts.templateTimeoutMs });
  registerBuiltinGenerators();
  const providers: ProviderServices = {
    registry: opts.providers ?? registerBuiltinProviders(),
    caches: opts.providerCaches ?? new ClientCaches(),
  };
  if (opts.coalesceTtlMs !== undefined) providers.caches.reads.configure({ ttlMs: opts.coalesceTtlMs });
  configureTenantPolicy(opts.tenantPolicy);
  // Lease traffic has its own small client: renewals must never wait behind a burst of reconcile writes.
  const shardClient = opts.shard
    ? new KubeClient({ kubeConfig: opts.kubeConfig, qps: 5, burst: 10, logger: log })
    : undefined;
  const shard =
    opts.shard &&
    new ShardMembership({
      ...opts.shard,
      group: opts.shard.group ?? "external-secrets-controller",
      client: shardClient!,
      logger: log,
    });
  const ns = opts.namespace;
  const deps: ControllerDeps = {
    server,
    client,
    kube,
    providers,
    events,
    metrics,
    render: opts.render ?? pool!.render,
    log,
    namespace: ns,
    controllerClass: opts.controllerClass,
    clusterStoreEnabled: opts.enableClusterStores !== false,
    reconcileTimeoutMs: opts.reconcileTimeoutMs,
    sharded: Boolean(shard),
  };

  let externalSecrets: ExternalSecrets | undefined;
  const set = new ControllerSet({
    client: server,
    logger: log,
    metrics: opts.runtimeMetrics,
    concurrency: opts.concurrency,
    clock: opts.clock,
    sharding: shard && {
      membership: shard,
      keyOf: shardKeys,
      onGained: (controller, key) => {
        if (controller === "externalsecret") externalSecrets?.owe(key);
      },
    },
  });
  // Workload informers exist only with the feature on: without it the process never lists or watches workloads.
  const rollouts = opts.enableWorkloadRollouts
    ? setupWorkloadRollouts(set, deps, {
        registry,
        minIntervalMs: opts.workloadRolloutIntervalMs,
        now: opts.clock?.now.bind(opts.clock),
      })
    : undefined;
  externalSecrets = setupExternalSecrets(set, deps, {
    floodGate: opts.floodGate,
    jitter: opts.jitter,
    maxConcurrentPerStore: opts.maxConcurrentPerStore,
    notifyCoalesceWindowMs: opts.notifyCoalesceWindowMs ?? DEFAULT_COALESCE_WINDOW_MS,
    allowGenericTargets: opts.allowGenericTargets,
    now: opts.clock?.now.bind(opts.clock),
    onDataChanged: rollouts?.secretDataChanged,
  });
  const stores = { storeRequeueMs: opts.storeRequeueMs, clusterStoreNamespace: opts.clusterStoreNamespace };
  setupSecretStores(set, deps, "SecretStore", stores);
  if (deps.clusterStoreEnabled) setupSecretStores(set, deps, "ClusterSecretStore", stores);
  // Cluster-scoped fan-out kinds only without --namespace; syncs through a ClusterSecretStore with spec.conditions
  // read their namespace's labels from the same metadata-only Namespace informer.
  const enableCes = opts.enableClusterExternalSecrets !== false && !ns;
  const enablePush = opts.enablePushSecrets !== false;
  if (!ns && (enableCes || enablePush)) client.cache(NAMESPACES, set.informer(NAMESPACES, NAMESPACE_METADATA));
  if (enableCes) setupClusterExternalSecrets(set, deps);
  if (enablePush) {
    const pushClient = pushSecretClient(set, deps);
    const push = setupPushSecrets(set, deps, pushClient);
    set.onStop(push.stop);
    // Sharded, the PushSecret cache holds this replica's share only: the fan-out reads its children from the server.
    const fanOutClient = shard
      ? new CachedKubeClient(server.transport).cache(NAMESPACES, set.informer(NAMESPACES, NAMESPACE_METADATA))
      : pushClient;
    if (!ns) setupClusterPushSecrets(set, deps, fanOutClient);
  }
  setupGeneratorStates(set, deps);

  if (!opts.deferControllerStart || shard) set.startControllers();
  if (shard) {
    // Informers start once the share is known, so a large share is listed once, not listed empty then relisted.
    shard.start();
    await shard.ready(shard.leaseDurationMs);
  }
  set.startInformers();
  log.info({ controllers: set.controllers.map((c) => c.name), apiVersion: API_VERSION_V1 }, "controllers started");

  return {
    notify: externalSecrets.notify,
    metrics,
    controllers: set.controllers,
    synced: () => set.synced(),
    shard,
    stop: async () => {
      externalSecrets.stop();
      await set.stop();
      await shard?.stop();
      shardClient?.close();
      await pool?.close();
      if (!opts.providerCaches) providers.caches.clear();
      if (!opts.runtimeClient) server.close();
      eventsClient?.close();
    },
  };
}
