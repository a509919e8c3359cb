/**
 * The ExternalSecret controller's triggers: its own changes (spec, labels, annotations, deletion: the reconciler's
 * status writes do not count), its managed target Secrets (edited or deleted: drift), and its stores (changed,
 * broken or gone: a forced sync; recovered: a re-queue). Also the store-notification entry point.
 */
import type { ExternalSecret } from "../../api/externalsecret.js";
import type { SecretStore } from "../../api/secretstore.js";
import { CLUSTER_SECRET_STORES, EXTERNAL_SECRETS, SECRET_STORES, SECRETS, type Stored } from "../../kube/index.js";
import { RefreshCoalescer } from "../../notify/coalesce.js";
import {
  findMayInclude,
  lookupKeys,
  type NotifyStoreRef,
  REMOTE_KEY_INDEX,
  remoteKeyIndex,
} from "../../notify/keys.js";
import { type Controller, parseRequestKey, type Request, requestKey } from "../../runtime/controller.js";
import { type ControllerSet, requestOf } from "../../runtime/controller-builder.js";
import { specOrMetaChanged } from "../common/predicates.js";
import { managedSecrets } from "../common/scopes.js";
import { defaultPerStoreLimit, StoreSlots } from "../common/store-slots.js";
import { referencedStores, storeUpdate } from "../common/stores.js";
import type { ControllerDeps } from "../deps.js";
import { GenericTargets } from "./generic-targets.js";
import { targetIndexKey } from "./pipeline/generic-target.js";
import { ForcedSyncs } from "./pipeline/plan.js";
import { ExternalSecretReconciler } from "./reconciler.js";
import type { SecretDataChange } from "./target-writer.js";

const STORE_INDEX = "store";
const TARGET_INDEX = "target";

function storeIndex(es: ExternalSecret): string[] {
  const ns = es.metadata?.namespace ?? "";
  return referencedStores(es.spec ?? {}).map((r) =>
    r.kind === "ClusterSecretStore" ? `css/${r.name}` : `ss/${ns}/${r.name}`,
  );
}

export interface ExternalSecretSetupOptions {
  floodGate?: boolean;
  jitter?: number;
  /** --max-concurrent-per-store (default: half of --concurrent, at least 1). */
  maxConcurrentPerStore?: number;
  /** --notify-coalesce-window (ms). */
  notifyCoalesceWindowMs: number;
  /** --unsafe-allow-generic-targets: ExternalSecrets may write spec.target.manifest kinds (ConfigMaps, CRs). */
  allowGenericTargets?: boolean;
  /** The reconciler's clock (default Date.now). */
  now?: () => number;
  /** Told after a sync changed a managed Secret's data (--enable-workload-rollouts). */
  onDataChanged?: (change: SecretDataChange) => void;
}

export interface ExternalSecrets {
  controller: Controller;
  /**
   * A remote secret changed: drops cached reads of that key and re-syncs at once exactly the ExternalSecrets
   * that read it from that store. Returns them as "namespace/name".
   */
  notify(store: NotifyStoreRef, key: string): string[];
  /** Owe this ExternalSecret ("namespace/name") a sync on its next run (shard mode: taken over from a peer). */
  owe(id: string): void;
  stop(): void;
}

export function setupExternalSecrets(set: ControllerSet, deps: ControllerDeps, opts: ExternalSecretSetupOptions) {
  const { client, metrics } = deps;
  const ns = deps.namespace;
  const forced = new ForcedSyncs();
  let controller: Controller | undefined;
  let targets: ReturnType<typeof set.informer>["cache"] | undefined;
  // Drift of generic targets: an edited or deleted managed object of a watched kind re-syncs its ExternalSecrets.
  const genericTargets = opts.allowGenericTargets
    ? new GenericTargets(deps.server, {
        namespace: ns,
        log: deps.log,
        changed: (key) => {
          for (const o of targets?.byIndex(TARGET_INDEX, key) ?? []) controller?.enqueue(requestOf(o));
        },
      })
    : undefined;
  if (genericTargets) set.onStop(() => genericTargets.stop());
  const reconciler = new ExternalSecretReconciler({
    client,
    kube: deps.kube,
    providers: deps.providers,
    events: deps.events,
    metrics,
    render: deps.render,
    log: deps.log,
    controllerClass: deps.controllerClass,
    clusterStoreEnabled: deps.clusterStoreEnabled,
    floodGate: opts.floodGate,
    jitter: opts.jitter ?? 0.05,
    forced,
    reconcileTimeoutMs: deps.reconcileTimeoutMs,
    genericTargets,
    now: opts.now,
    onDataChanged: opts.onDataChanged,
    // A deferred sync runs next as soon as its store has a free slot (behind a deep queue it would leave the slot
    // idle while workers pop, and defer, other syncs of the same store).
    storeSlots: new StoreSlots(opts.maxConcurrentPerStore || defaultPerStoreLimit(set.concurrency), (id) =>
      controller?.enqueueFirst(parseRequestKey(id)),
    ),
  });

  const builder = set.controller("externalsecret").for(EXTERNAL_SECRETS, {
    namespace: ns,
    indexers: {
      [STORE_INDEX]: (o) => storeIndex(o as Stored<ExternalSecret>),
      [TARGET_INDEX]: (o) => [targetIndexKey(o as Stored<ExternalSecret>)],
      [REMOTE_KEY_INDEX]: (o) => remoteKeyIndex(o as Stored<ExternalSecret>),
    },
    // As upstream's predicates: the reconciler's own status writes would otherwise run every refresh twice.
    predicate: specOrMetaChanged,
    onDelete: (o) => metrics.forget("ExternalSecret", o.metadata.name, o.metadata.namespace),
  });
  const esCache = builder.forInformer.cache;
  targets = esCache;
  const secrets = set.informer(SECRETS, managedSecrets(ns));
  const stores = set.informer(SECRET_STORES, { namespace: ns });
  // Reconciles read these from the caches instead of GETting them (their writes still go to the server).
  client.cache(EXTERNAL_SECRETS, builder.forInformer).cache(SECRETS, secrets).cache(SECRET_STORES, stores);

  // A store that changed, became unready or went away: its periodically refreshed ExternalSecrets sync now, not at
  // their next interval (CreatedOnce / OnChange / interval 0 keep their own rules). A store that became ready only
  // re-queues them: those whose last sync failed (or never ran) are due anyway, healthy ones need no second sync.
  const users =
    (indexKey: (s: Stored) => string) =>
    (store: Stored, event: string, before?: Stored): Request[] => {
      const change = event === "delete" ? "force" : before && storeUpdate(before as SecretStore, store as SecretStore);
      if (!change) return [];
      return esCache.byIndex(STORE_INDEX, indexKey(store)).map((es) => {
        if (change === "force") forced.request(requestKey(requestOf(es)), es as Stored<ExternalSecret>);
        return requestOf(es);
      });
    };
  builder
    .watches(secrets, {
      events: ["update", "delete"],
      predicate: (a, b) => a.metadata.resourceVersion !== b.metadata.resourceVersion,
      map: (s) => esCache.byIndex(TARGET_INDEX, `${s.metadata.namespace}/${s.metadata.name}`).map(requestOf),
    })
    .watches(stores, {
      events: ["update", "delete"],
      map: users((s) => `ss/${s.metadata.namespace}/${s.metadata.name}`),
    });
  if (deps.clusterStoreEnabled) {
    const clusterStores = set.informer(CLUSTER_SECRET_STORES);
    client.cache(CLUSTER_SECRET_STORES, clusterStores);
    builder.watches(clusterStores, { events: ["update", "delete"], map: users((s) => `css/${s.metadata.name}`) });
  }
  controller = builder.complete(reconciler);
  const es = controller;

  // Notifications for one ExternalSecret inside the window share one refresh, run when the window closes.
  const notified = new RefreshCoalescer(opts.notifyCoalesceWindowMs, (id) => {
    forced.request(id);
    es.enqueue(parseRequestKey(id));
  });
  const notify = (store: NotifyStoreRef, key: string): string[] => {
    deps.providers.caches.reads.invalidate(store, key);
    const k = lookupKeys(store, key);
    const hits = new Set<string>();
    for (const o of esCache.byIndex(REMOTE_KEY_INDEX, k.exact)) hits.add(requestKey(requestOf(o)));
    for (const o of esCache.byIndex(REMOTE_KEY_INDEX, k.find)) {
      if (findMayInclude(o as Stored<ExternalSecret>, k.store, key)) hits.add(requestKey(requestOf(o)));
    }
    for (const id of hits) notified.request(id);
    return [...hits];
  };
  return {
    controller: es,
    notify,
    owe: (id) => forced.request(id),
    stop: () => notified.stop(),
  } satisfies ExternalSecrets;
}
