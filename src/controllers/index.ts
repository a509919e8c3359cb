/**
 * Wires the ExternalSecret, SecretStore, ClusterSecretStore and ClusterExternalSecret controllers:
 * informers trigger reconciles (managed Secrets only, so drift is seen within seconds and unrelated
 * Secrets never reach this process), work queues run them.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { API_VERSION_V1, GROUP } from "../api/constants.js";
import { parseDuration } from "../api/duration.js";
import type { ExternalSecret } from "../api/externalsecret.js";
import type { SecretStore } from "../api/secretstore.js";
import { DEFAULT_COALESCE_WINDOW_MS, RefreshCoalescer } from "../notify/coalesce.js";
import { findMayInclude, lookupKeys, type NotifyStoreRef, REMOTE_KEY_INDEX, remoteKeyIndex } from "../notify/keys.js";
import { CachedKubeAccess } from "../providers/cached-kube-access.js";
import { providerReads } from "../providers/coalesce.js";
import { ClusterKubeAccess, connectionFromKubeConfig } from "../providers/kube-access.js";
import type { KubeAccess } from "../providers/provider.js";
import { configureTenantPolicy, type TenantPolicy } from "../providers/tenant-policy.js";
import { KubeClient as RuntimeKubeClient } from "../runtime/client.js";
import { Controller, parseRequestKey, requestKey } from "../runtime/controller.js";
import { Informer } from "../runtime/informer.js";
import { type Logger, silentLogger } from "../runtime/logger.js";
import type { RuntimeMetrics } from "../runtime/metrics.js";
import {
  type KubeObject,
  MANAGED_SELECTOR,
  Namespaces,
  type ResourceDescriptor,
  Secrets,
} from "../runtime/resource.js";
import { TemplatePool } from "../template/pool/index.js";
import { ClusterExternalSecretReconciler } from "./clusterexternalsecret/reconciler.js";
import { CachedKubeClient } from "./common/cached-client.js";
import { ApiEventRecorder, type EventRecorder } from "./common/events.js";
import {
  CLUSTER_EXTERNAL_SECRETS,
  CLUSTER_SECRET_STORES,
  EXTERNAL_SECRETS,
  NAMESPACES,
  SECRET_STORES,
  SECRETS,
} from "./common/kube-client.js";
import { EsoMetrics } from "./common/metrics.js";
import { defaultPerStoreLimit, StoreSlots } from "./common/store-slots.js";
import { referencedStores, storeUpdate } from "./common/stores.js";
import { labelsChanged, metadataOnly, metaOf, replayOnStart, specOrMetaChanged } from "./common/wiring.js";
import { ExternalSecretReconciler } from "./externalsecret/reconciler.js";
import type { RenderTemplate } from "./externalsecret/render.js";
import { targetSecretName } from "./externalsecret/secret.js";
import { startPushSecretControllers } from "./pushsecret/wiring.js";
import { SecretStoreReconciler } from "./secretstore/reconciler.js";

export interface StartControllersOptions {
  kubeConfig: KubeConfig;
  /** Shared runtime API client for informers (one is created when absent). */
  runtimeClient?: RuntimeKubeClient;
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
  /** Fraction of the refresh interval added at random to requeues (default 0.05). */
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
  /** How long coalesced provider reads are reused across reconciles (ms, default 5000; 0 = singleflight only). */
  coalesceTtlMs?: number;
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
}

export interface RunningControllers {
  metrics: EsoMetrics;
  /** The controllers (leader-only work); each replays its informer's cache whenever it (re)starts. */
  controllers: Controller[];
  /** Resolves once every informer has listed. */
  synced(): Promise<void>;
  /**
   * A remote secret changed: drops cached reads of that key and re-syncs at once exactly the ExternalSecrets
   * that read it from that store. Returns them as "namespace/name".
   */
  notify(store: NotifyStoreRef, key: string): string[];
  stop(): Promise<void>;
}

const esRd = (plural: string, kind: string, namespaced: boolean): ResourceDescriptor => ({
  group: GROUP,
  version: "v1",
  plural,
  kind,
  namespaced,
});
const ExternalSecrets = esRd("externalsecrets", "ExternalSecret", true);
const SecretStores = esRd("secretstores", "SecretStore", true);
const ClusterSecretStores = esRd("clustersecretstores", "ClusterSecretStore", false);
const ClusterExternalSecrets = esRd("clusterexternalsecrets", "ClusterExternalSecret", false);

const STORE_INDEX = "store";
const TARGET_INDEX = "target";

function storeIndex(es: ExternalSecret): string[] {
  const ns = es.metadata?.namespace ?? "";
  return referencedStores(es.spec ?? {}).map((r) =>
    r.kind === "ClusterSecretStore" ? `css/${r.name}` : `ss/${ns}/${r.name}`,
  );
}

function refreshesPeriodically(es: ExternalSecret): boolean {
  const policy = es.spec?.refreshPolicy ?? "Periodic";
  if (policy !== "Periodic") return false;
  const interval = es.spec?.refreshInterval;
  if (!interval) return true;
  try {
    return parseDuration(interval) > 0;
  } catch {
    return true; // the reconciler falls back to the default interval
  }
}

export async function startControllers(opts: StartControllersOptions): Promise<RunningControllers> {
  const log = opts.logger ?? silentLogger();
  const registry = opts.registry ?? new Registry();
  const metrics = new EsoMetrics(registry);
  const runtimeClient =
    opts.runtimeClient ??
    new RuntimeKubeClient({ kubeConfig: opts.kubeConfig, metrics: opts.runtimeMetrics, logger: log });
  const conn = await connectionFromKubeConfig(opts.kubeConfig);
  const client = new CachedKubeClient(conn, runtimeClient);
  // Credentials Secrets are read by every sync's store client: repeated reads share one GET for a second.
  const kube = new CachedKubeAccess(opts.kubeAccess ?? new ClusterKubeAccess(conn), {
    ttlMs: Math.min(1_000, opts.coalesceTtlMs ?? 1_000),
  });
  const events =
    opts.events ?? new ApiEventRecorder(client, "external-secrets", (err) => log.debug({ err }, "event not recorded"));
  // Templates are tenant input: rendered off the main thread, so a runaway one costs a worker, not the process.
  const pool = opts.render ? undefined : new TemplatePool({ timeoutMs: opts.templateTimeoutMs });
  const render = opts.render ?? pool!.render;
  const clusterStores = opts.enableClusterStores !== false;
  const concurrency = opts.concurrency ?? 1;
  const ns = opts.namespace;

  const esInformer = new Informer<KubeObject>(runtimeClient, ExternalSecrets, {
    namespace: ns,
    logger: log,
    indexers: {
      [STORE_INDEX]: (o) => storeIndex(o as unknown as ExternalSecret),
      [TARGET_INDEX]: (o) => [`${o.metadata.namespace}/${targetSecretName(o as unknown as ExternalSecret)}`],
      [REMOTE_KEY_INDEX]: (o) => remoteKeyIndex(o as unknown as ExternalSecret),
    },
  });
  const secretInformer = new Informer<KubeObject>(runtimeClient, Secrets, {
    namespace: ns,
    labelSelector: MANAGED_SELECTOR,
    logger: log,
    // Managed Secrets are kept whole: reconciles read them (and their data hash) from this cache.
  });
  const storeInformer = new Informer<KubeObject>(runtimeClient, SecretStores, { namespace: ns, logger: log });
  const informers: Informer<KubeObject>[] = [esInformer, secretInformer, storeInformer];
  // Reconciles read these from the caches instead of GETting them (their writes still go to the server).
  client.cache(EXTERNAL_SECRETS, esInformer).cache(SECRETS, secretInformer).cache(SECRET_STORES, storeInformer);

  /** ExternalSecrets a notification asked to re-sync now (consumed by their next reconcile). */
  const forced = new Set<string>();
  if (opts.coalesceTtlMs !== undefined) providerReads.configure({ ttlMs: opts.coalesceTtlMs });
  configureTenantPolicy(opts.tenantPolicy);
  const esReconciler = new ExternalSecretReconciler({
    client,
    kube,
    events,
    metrics,
    render,
    log,
    controllerClass: opts.controllerClass,
    clusterStoreEnabled: clusterStores,
    floodGate: opts.floodGate,
    jitter: opts.jitter ?? 0.05,
    forceRefresh: (namespace, name) => forced.delete(`${namespace}/${name}`),
    reconcileTimeoutMs: opts.reconcileTimeoutMs,
    // A deferred sync runs next as soon as its store has a free slot (behind a deep queue it would leave the slot
    // idle while workers pop, and defer, other syncs of the same store).
    storeSlots: new StoreSlots(opts.maxConcurrentPerStore || defaultPerStoreLimit(concurrency), (id) =>
      esController.enqueueFirst(parseRequestKey(id)),
    ),
  });
  const esController = new Controller({
    name: "externalsecret",
    concurrency,
    logger: log,
    metrics: opts.runtimeMetrics,
    reconcile: async (req, ctx) => esReconciler.reconcile(req.namespace, req.name, ctx.signal),
  });
  const controllers: Controller[] = [esController];
  replayOnStart(esController, esInformer);

  // A store that changed, became unready or went away: its periodically refreshed ExternalSecrets sync now, not at
  // their next interval (CreatedOnce / OnChange / interval 0 keep their own rules). A store that became ready only
  // re-queues them: those whose last sync failed (or never ran) are due anyway, healthy ones need no second sync.
  const enqueueUsers = (indexKey: string, force = true) => {
    for (const es of esInformer.cache.byIndex(STORE_INDEX, indexKey)) {
      if (force && refreshesPeriodically(es as unknown as ExternalSecret)) forced.add(requestKey(metaOf(es)));
      esController.enqueue(metaOf(es));
    }
  };

  esInformer.addHandler({
    add: (o) => esController.enqueue(metaOf(o)),
    // As upstream's predicates: spec (generation), labels, annotations (force-sync) or deletion; the reconciler's
    // own status writes would otherwise run every refresh twice.
    update: (a, b) => {
      if (specOrMetaChanged(a, b)) esController.enqueue(metaOf(b));
    },
    delete: (o) => metrics.forget("ExternalSecret", o.metadata.name, o.metadata.namespace),
  });
  const onSecret = (s: KubeObject) => {
    for (const es of esInformer.cache.byIndex(TARGET_INDEX, `${s.metadata.namespace}/${s.metadata.name}`)) {
      esController.enqueue(metaOf(es));
    }
  };
  secretInformer.addHandler({
    update: (a, b) => {
      if (a.metadata.resourceVersion !== b.metadata.resourceVersion) onSecret(b);
    },
    delete: onSecret,
  });

  const ssReconciler = new SecretStoreReconciler({
    kind: "SecretStore",
    client,
    kube,
    events,
    metrics,
    log,
    controllerClass: opts.controllerClass,
    defaultRequeueMs: opts.storeRequeueMs,
    reconcileTimeoutMs: opts.reconcileTimeoutMs,
  });
  const ssController = new Controller({
    name: "secretstore",
    concurrency,
    logger: log,
    metrics: opts.runtimeMetrics,
    reconcile: async (req, ctx) => ssReconciler.reconcile(req.namespace, req.name, ctx.signal),
  });
  controllers.push(ssController);
  replayOnStart(ssController, storeInformer);
  storeInformer.addHandler({
    add: (o) => ssController.enqueue(metaOf(o)),
    update: (a, b) => {
      if (a.metadata.generation !== b.metadata.generation) ssController.enqueue(metaOf(b));
      const change = storeUpdate(a as unknown as SecretStore, b as unknown as SecretStore);
      if (change) enqueueUsers(`ss/${b.metadata.namespace}/${b.metadata.name}`, change === "force");
    },
    delete: (o) => {
      enqueueUsers(`ss/${o.metadata.namespace}/${o.metadata.name}`);
      metrics.forget("SecretStore", o.metadata.name, o.metadata.namespace);
    },
  });

  let clusterStoreInformer: Informer<KubeObject> | undefined;
  if (clusterStores) {
    const cssInformer = new Informer<KubeObject>(runtimeClient, ClusterSecretStores, { logger: log });
    informers.push(cssInformer);
    client.cache(CLUSTER_SECRET_STORES, cssInformer);
    clusterStoreInformer = cssInformer;
    const cssReconciler = new SecretStoreReconciler({
      kind: "ClusterSecretStore",
      client,
      kube,
      events,
      metrics,
      log,
      controllerClass: opts.controllerClass,
      defaultRequeueMs: opts.storeRequeueMs,
      clusterStoreNamespace: opts.clusterStoreNamespace,
      reconcileTimeoutMs: opts.reconcileTimeoutMs,
    });
    const cssController = new Controller({
      name: "clustersecretstore",
      concurrency,
      logger: log,
      metrics: opts.runtimeMetrics,
      reconcile: async (req, ctx) => cssReconciler.reconcile("", req.name, ctx.signal),
    });
    controllers.push(cssController);
    replayOnStart(cssController, cssInformer);
    cssInformer.addHandler({
      add: (o) => cssController.enqueue(metaOf(o)),
      update: (a, b) => {
        if (a.metadata.generation !== b.metadata.generation) cssController.enqueue(metaOf(b));
        const change = storeUpdate(a as unknown as SecretStore, b as unknown as SecretStore);
        if (change) enqueueUsers(`css/${b.metadata.name}`, change === "force");
      },
      delete: (o) => {
        enqueueUsers(`css/${o.metadata.name}`);
        metrics.forget("ClusterSecretStore", o.metadata.name);
      },
    });
  }

  // One metadata-only Namespace informer for both cluster-scoped fan-out kinds (none when watching one namespace).
  const enableCes = opts.enableClusterExternalSecrets !== false && !ns;
  const nsInformer =
    !ns && (enableCes || opts.enablePushSecrets !== false)
      ? new Informer<KubeObject>(runtimeClient, Namespaces, { logger: log, transform: metadataOnly })
      : undefined;
  if (nsInformer) {
    informers.push(nsInformer);
    // Syncs through a ClusterSecretStore with spec.conditions read their namespace's labels from here.
    client.cache(NAMESPACES, nsInformer);
  }

  if (enableCes && nsInformer) {
    const cesInformer = new Informer<KubeObject>(runtimeClient, ClusterExternalSecrets, { logger: log });
    informers.push(cesInformer);
    client.cache(CLUSTER_EXTERNAL_SECRETS, cesInformer);
    const cesReconciler = new ClusterExternalSecretReconciler({ client, log, metrics, namespaces: nsInformer });
    const cesController = new Controller({
      name: "clusterexternalsecret",
      concurrency,
      logger: log,
      metrics: opts.runtimeMetrics,
      reconcile: async (req, ctx) => cesReconciler.reconcile(req.name, ctx.signal),
    });
    controllers.push(cesController);
    replayOnStart(cesController, cesInformer);
    const enqueueAll = () => {
      for (const c of cesInformer.cache.list()) cesController.enqueue(metaOf(c));
    };
    cesInformer.addHandler({
      add: (o) => cesController.enqueue(metaOf(o)),
      update: (a, b) => {
        if (a.metadata.generation !== b.metadata.generation) cesController.enqueue(metaOf(b));
      },
      delete: (o) => metrics.forget("ClusterExternalSecret", o.metadata.name),
    });
    nsInformer.addHandler({
      add: enqueueAll,
      update: (a, b) => {
        if (labelsChanged(a, b)) enqueueAll();
      },
      delete: enqueueAll,
    });
    // An ExternalSecret owned by a ClusterExternalSecret that goes away is re-created.
    esInformer.addHandler(
      {
        delete: (o) => {
          for (const ref of o.metadata.ownerReferences ?? []) {
            if (ref.kind === "ClusterExternalSecret" && ref.apiVersion.startsWith(`${GROUP}/`)) {
              cesController.enqueue({ namespace: "", name: ref.name });
            }
          }
        },
      },
      false,
    );
  }

  /** Stops for what is not in `informers` (lazily started watches). */
  const extraStops: (() => Promise<void>)[] = [];
  if (opts.enablePushSecrets !== false) {
    const push = startPushSecretControllers({
      runtimeClient,
      client,
      kube,
      events,
      render,
      log,
      runtimeMetrics: opts.runtimeMetrics,
      controllerClass: opts.controllerClass,
      namespace: ns,
      namespaces: nsInformer,
      secretStores: storeInformer,
      clusterSecretStores: clusterStoreInformer,
      concurrency,
      clusterStoreEnabled: clusterStores,
      reconcileTimeoutMs: opts.reconcileTimeoutMs,
    });
    controllers.push(...push.controllers);
    informers.push(...push.informers);
    extraStops.push(push.stop);
  }

  if (!opts.deferControllerStart) for (const c of controllers) c.start();
  for (const i of informers) i.start();
  log.info({ controllers: controllers.map((c) => c.name), apiVersion: API_VERSION_V1 }, "controllers started");

  // Notifications for one ExternalSecret inside the window share one refresh, run when the window closes.
  const notified = new RefreshCoalescer(opts.notifyCoalesceWindowMs ?? DEFAULT_COALESCE_WINDOW_MS, (id) => {
    forced.add(id);
    esController.enqueue(parseRequestKey(id));
  });
  const notify = (store: NotifyStoreRef, key: string): string[] => {
    providerReads.invalidate(store, key);
    const k = lookupKeys(store, key);
    const hits = new Map<string, KubeObject>();
    for (const es of esInformer.cache.byIndex(REMOTE_KEY_INDEX, k.exact)) hits.set(requestKey(metaOf(es)), es);
    for (const es of esInformer.cache.byIndex(REMOTE_KEY_INDEX, k.find)) {
      if (findMayInclude(es as unknown as ExternalSecret, k.store, key)) hits.set(requestKey(metaOf(es)), es);
    }
    for (const id of hits.keys()) notified.request(id);
    return [...hits.keys()];
  };

  return {
    notify,
    metrics,
    controllers,
    synced: async () => {
      await Promise.all(informers.map((i) => i.waitForSync()));
    },
    stop: async () => {
      notified.stop();
      await Promise.all(informers.map((i) => i.stop()));
      await Promise.all(extraStops.map((stop) => stop()));
      await Promise.all(controllers.map((c) => c.stop(10_000)));
      await pool?.close();
      if (!opts.runtimeClient) runtimeClient.close();
    },
  };
}
