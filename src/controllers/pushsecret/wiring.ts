/**
 * Starts the PushSecret, ClusterPushSecret and GeneratorState controllers on runtime informers:
 * PushSecrets (re)push on spec changes and when a Secret they select changes; ClusterPushSecrets follow
 * namespace label changes; GeneratorStates are garbage-collected at their deadline. Reconciles read their own
 * objects, their stores and the namespaces from these informers' caches; only writes and Secret reads cost
 * API requests.
 */
import "../../generators/all.js";
import { GROUP } from "../../api/constants.js";
import type { PushSecret } from "../../api/pushsecret.js";
import { GENERATOR_STATES } from "../../generators/state/manager.js";
import { GeneratorStateReconciler } from "../../generators/state/reconciler.js";
import type { KubeAccess } from "../../providers/provider.js";
import type { KubeClient as RuntimeKubeClient } from "../../runtime/client.js";
import { Controller } from "../../runtime/controller.js";
import { Informer } from "../../runtime/informer.js";
import type { Logger } from "../../runtime/logger.js";
import type { RuntimeMetrics } from "../../runtime/metrics.js";
import type { KubeObject, ResourceDescriptor } from "../../runtime/resource.js";
import { ClusterPushSecretReconciler } from "../clusterpushsecret/reconciler.js";
import { CachedKubeClient } from "../common/cached-client.js";
import type { EventRecorder } from "../common/events.js";
import {
  CLUSTER_SECRET_STORES,
  KubeClient,
  NAMESPACES,
  type ResourceType,
  SECRET_STORES,
} from "../common/kube-client.js";
import { selectorMatches } from "../common/selector.js";
import { labelsChanged, metaOf, replayOnStart, specOrMetaChanged } from "../common/wiring.js";
import type { RenderTemplate } from "../externalsecret/render.js";
import { PushSecretReconciler } from "./reconciler.js";
import { CLUSTER_PUSH_SECRETS, PUSH_SECRETS } from "./resources.js";
import { SourceSecretWatch } from "./source-watch.js";

export interface PushSecretControllersOptions {
  runtimeClient: RuntimeKubeClient;
  client: KubeClient;
  kube: KubeAccess;
  events: EventRecorder;
  render: RenderTemplate;
  log: Logger;
  runtimeMetrics?: RuntimeMetrics;
  controllerClass?: string;
  namespace?: string;
  concurrency?: number;
  clusterStoreEnabled?: boolean;
  /**
   * The shared Namespace informer (cluster scope only): ClusterPushSecrets follow its label changes and select
   * namespaces from its cache.
   */
  namespaces?: Informer<KubeObject>;
  /** The shared SecretStore / ClusterSecretStore informers: PushSecrets read their stores from these caches. */
  secretStores?: Informer<KubeObject>;
  clusterSecretStores?: Informer<KubeObject>;
  /** Grace period before superseded generated values are cleaned up (upstream --generator-gc-grace-period). */
  generatorGcGraceMs?: number;
  /** --reconcile-timeout (ms). */
  reconcileTimeoutMs?: number;
}

export interface PushSecretControllers {
  controllers: Controller[];
  informers: Informer<KubeObject>[];
  /** Stops what `informers` does not cover (the source-Secret watches). */
  stop(): Promise<void>;
}

const descriptor = (rt: ResourceType, kind: string): ResourceDescriptor => ({ ...rt, kind });
const PushSecrets = descriptor(PUSH_SECRETS, "PushSecret");
const ClusterPushSecrets = descriptor(CLUSTER_PUSH_SECRETS, "ClusterPushSecret");
const GeneratorStates = descriptor(GENERATOR_STATES, "GeneratorState");

const SECRET_INDEX = "source-secret";
const SELECTOR_INDEX = "source-selector";

/** What the GeneratorState cache keeps: metadata, status and the deadline, not the recorded state or manifest. */
function generatorStateSummary(o: KubeObject): KubeObject {
  const deadline = (o as { spec?: { garbageCollectionDeadline?: string } }).spec?.garbageCollectionDeadline;
  return { ...o, spec: deadline ? { garbageCollectionDeadline: deadline } : {} };
}

export function startPushSecretControllers(opts: PushSecretControllersOptions): PushSecretControllers {
  const { runtimeClient, log } = opts;
  // Reads that must see the server's latest version (conflict retries, whole GeneratorStates).
  const server = new KubeClient(opts.client.conn, runtimeClient);
  // The push controllers' own objects, their stores and GeneratorState lists (summaries: enough to find and
  // flag superseded states, which is done by patch) are read from the informers below. Secrets are not:
  // PushSecrets read arbitrary source Secrets (by name or label), which no informer here holds whole.
  const client = new CachedKubeClient(opts.client.conn, runtimeClient);
  if (opts.secretStores) client.cache(SECRET_STORES, opts.secretStores);
  if (opts.clusterSecretStores) client.cache(CLUSTER_SECRET_STORES, opts.clusterSecretStores);
  if (opts.namespaces) client.cache(NAMESPACES, opts.namespaces);
  const ns = opts.namespace;
  const concurrency = opts.concurrency ?? 1;
  const controllers: Controller[] = [];
  const informers: Informer<KubeObject>[] = [];

  const psInformer = new Informer<KubeObject>(runtimeClient, PushSecrets, {
    namespace: ns,
    logger: log,
    indexers: {
      [SECRET_INDEX]: (o) => {
        const name = (o as unknown as PushSecret).spec?.selector?.secret?.name;
        return name ? [`${o.metadata.namespace}/${name}`] : [];
      },
      [SELECTOR_INDEX]: (o) =>
        (o as unknown as PushSecret).spec?.selector?.secret?.selector ? [o.metadata.namespace ?? ""] : [],
    },
  });
  informers.push(psInformer);
  client.cache(PUSH_SECRETS, psInformer);

  const psReconciler = new PushSecretReconciler({
    client,
    server,
    kube: opts.kube,
    events: opts.events,
    render: opts.render,
    log,
    controllerClass: opts.controllerClass,
    clusterStoreEnabled: opts.clusterStoreEnabled,
    generatorGcGraceMs: opts.generatorGcGraceMs,
    reconcileTimeoutMs: opts.reconcileTimeoutMs,
  });
  const psController = new Controller({
    name: "pushsecret",
    concurrency,
    logger: log,
    metrics: opts.runtimeMetrics,
    reconcile: async (req, ctx) => psReconciler.reconcile(req.namespace, req.name, ctx.signal),
  });
  controllers.push(psController);
  psInformer.addHandler({
    add: (o) => psController.enqueue(metaOf(o)),
    update: (a, b) => {
      if (specOrMetaChanged(a, b)) psController.enqueue(metaOf(b));
    },
  });
  const onSecret = (s: KubeObject) => {
    const nsName = s.metadata.namespace ?? "";
    for (const ps of psInformer.cache.byIndex(SECRET_INDEX, `${nsName}/${s.metadata.name}`)) {
      psController.enqueue(metaOf(ps));
    }
    for (const ps of psInformer.cache.byIndex(SELECTOR_INDEX, nsName)) {
      const sel = (ps as unknown as PushSecret).spec?.selector?.secret?.selector;
      if (sel && selectorMatches(sel, s.metadata.labels)) psController.enqueue(metaOf(ps));
    }
  };
  // Source Secrets are watched only for PushSecrets that exist, and only the ones they select.
  const sourceWatch = new SourceSecretWatch({
    client: runtimeClient,
    namespace: ns,
    logger: log,
    handler: {
      add: onSecret,
      update: (a, b) => {
        if (a.metadata.resourceVersion !== b.metadata.resourceVersion) {
          onSecret(b);
          // A Secret that lost its labels stops being a source: selector PushSecrets see it go.
          if (labelsChanged(a, b)) onSecret(a);
        }
      },
      delete: onSecret,
    },
  });
  psInformer.addHandler({
    add: (o) => sourceWatch.track(o),
    update: (_a, b) => sourceWatch.track(b),
    delete: (o) => sourceWatch.untrack(o),
  });

  const gsInformer = new Informer<KubeObject>(runtimeClient, GeneratorStates, {
    namespace: ns,
    logger: log,
    transform: generatorStateSummary,
  });
  informers.push(gsInformer);
  client.cache(GENERATOR_STATES, gsInformer);
  const gsReconciler = new GeneratorStateReconciler({ client, server, kube: opts.kube, log });
  const gsController = new Controller({
    name: "generatorstate",
    concurrency,
    logger: log,
    metrics: opts.runtimeMetrics,
    reconcile: async (req, ctx) => gsReconciler.reconcile(req.namespace, req.name, ctx.signal),
  });
  controllers.push(gsController);
  gsInformer.addHandler({
    add: (o) => gsController.enqueue(metaOf(o)),
    update: (a, b) => {
      if (a.metadata.resourceVersion !== b.metadata.resourceVersion) gsController.enqueue(metaOf(b));
    },
  });

  const nsInformer = opts.namespaces;
  if (!ns && nsInformer) {
    const cpsInformer = new Informer<KubeObject>(runtimeClient, ClusterPushSecrets, { logger: log });
    informers.push(cpsInformer);
    client.cache(CLUSTER_PUSH_SECRETS, cpsInformer);
    const cpsReconciler = new ClusterPushSecretReconciler({ client, log, namespaces: nsInformer });
    const cpsController = new Controller({
      name: "clusterpushsecret",
      concurrency,
      logger: log,
      metrics: opts.runtimeMetrics,
      reconcile: async (req, ctx) => cpsReconciler.reconcile(req.name, ctx.signal),
    });
    controllers.push(cpsController);
    replayOnStart(cpsController, cpsInformer);
    const enqueueAll = () => {
      for (const c of cpsInformer.cache.list()) cpsController.enqueue(metaOf(c));
    };
    cpsInformer.addHandler({
      add: (o) => cpsController.enqueue(metaOf(o)),
      update: (a, b) => {
        if (a.metadata.generation !== b.metadata.generation) cpsController.enqueue(metaOf(b));
      },
    });
    nsInformer.addHandler(
      {
        add: enqueueAll,
        update: (a, b) => {
          if (labelsChanged(a, b)) enqueueAll();
        },
        delete: enqueueAll,
      },
      false,
    );
    // A PushSecret owned by a ClusterPushSecret that goes away is re-created.
    psInformer.addHandler(
      {
        delete: (o) => {
          for (const ref of o.metadata.ownerReferences ?? []) {
            if (ref.kind === "ClusterPushSecret" && ref.apiVersion.startsWith(`${GROUP}/`)) {
              cpsController.enqueue({ namespace: "", name: ref.name });
            }
          }
        },
      },
      false,
    );
  }
  replayOnStart(psController, psInformer);
  replayOnStart(gsController, gsInformer);
  return { controllers, informers, stop: () => sourceWatch.stop() };
}
