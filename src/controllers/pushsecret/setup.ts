/**
 * The PushSecret controller: its spec changes, and the Secrets it pushes (watched only for PushSecrets that exist,
 * and only the ones they select). Reconciles read PushSecrets, stores, namespaces and GeneratorState summaries
 * from the informers; Secrets from the API server, since no informer here holds arbitrary Secrets whole.
 */
import type { PushSecret } from "../../api/pushsecret.js";
import {
  CachedKubeClient,
  CLUSTER_SECRET_STORES,
  GENERATOR_STATES,
  NAMESPACES,
  PUSH_SECRETS,
  SECRET_STORES,
  type Stored,
} from "../../kube/index.js";
import type { Controller, Request } from "../../runtime/controller.js";
import { type ControllerSet, requestOf } from "../../runtime/controller-builder.js";
import { labelsChanged, specOrMetaChanged } from "../common/predicates.js";
import { generatorStateSummaries, NAMESPACE_METADATA } from "../common/scopes.js";
import { selectorMatches } from "../common/selector.js";
import type { ControllerDeps } from "../deps.js";
import { PushSecretReconciler } from "./reconciler.js";
import { SourceSecretWatch } from "./source-watch.js";

const SECRET_INDEX = "source-secret";
const SELECTOR_INDEX = "source-selector";

export interface PushSecretSetupOptions {
  /** Grace period before superseded generated values are cleaned up (upstream --generator-gc-grace-period). */
  generatorGcGraceMs?: number;
}

/** The client the push controllers read through (PushSecrets, stores, namespaces, GeneratorState summaries). */
export function pushSecretClient(set: ControllerSet, deps: ControllerDeps): CachedKubeClient {
  const ns = deps.namespace;
  const client = new CachedKubeClient(deps.server.transport)
    .cache(PUSH_SECRETS, set.informer(PUSH_SECRETS, { namespace: ns }))
    .cache(SECRET_STORES, set.informer(SECRET_STORES, { namespace: ns }))
    .cache(GENERATOR_STATES, set.informer(GENERATOR_STATES, generatorStateSummaries(ns)));
  if (deps.clusterStoreEnabled) client.cache(CLUSTER_SECRET_STORES, set.informer(CLUSTER_SECRET_STORES));
  if (!ns) client.cache(NAMESPACES, set.informer(NAMESPACES, NAMESPACE_METADATA));
  return client;
}

export function setupPushSecrets(
  set: ControllerSet,
  deps: ControllerDeps,
  client: CachedKubeClient,
  opts: PushSecretSetupOptions = {},
): { controller: Controller; stop(): Promise<void> } {
  const reconciler = new PushSecretReconciler({
    client,
    server: deps.server,
    kube: deps.kube,
    providers: deps.providers,
    events: deps.events,
    render: deps.render,
    log: deps.log,
    controllerClass: deps.controllerClass,
    clusterStoreEnabled: deps.clusterStoreEnabled,
    generatorGcGraceMs: opts.generatorGcGraceMs,
    reconcileTimeoutMs: deps.reconcileTimeoutMs,
  });
  let sourceWatch: SourceSecretWatch | undefined;
  const builder = set.controller("pushsecret").for(PUSH_SECRETS, {
    namespace: deps.namespace,
    indexers: {
      [SECRET_INDEX]: (o) => {
        const name = (o as Stored<PushSecret>).spec?.selector?.secret?.name;
        return name ? [`${o.metadata.namespace}/${name}`] : [];
      },
      [SELECTOR_INDEX]: (o) =>
        (o as Stored<PushSecret>).spec?.selector?.secret?.selector ? [o.metadata.namespace ?? ""] : [],
    },
    predicate: specOrMetaChanged,
    onDelete: (o) => sourceWatch?.untrack(o as Stored<PushSecret>),
  });
  const pushSecrets = builder.forInformer;
  const controller = builder.complete(reconciler);

  const selecting = (s: Stored): Request[] => {
    const nsName = s.metadata.namespace ?? "";
    const reqs = pushSecrets.cache.byIndex(SECRET_INDEX, `${nsName}/${s.metadata.name}`).map(requestOf);
    for (const ps of pushSecrets.cache.byIndex(SELECTOR_INDEX, nsName)) {
      const sel = (ps as Stored<PushSecret>).spec?.selector?.secret?.selector;
      if (sel && selectorMatches(sel, s.metadata.labels)) reqs.push(requestOf(ps));
    }
    return reqs;
  };
  const enqueue = (reqs: Request[]) => {
    for (const r of reqs) controller.enqueue(r);
  };
  sourceWatch = new SourceSecretWatch({
    client: deps.server,
    namespace: deps.namespace,
    logger: deps.log,
    handler: {
      add: (s) => enqueue(selecting(s as Stored)),
      update: (a, b) => {
        if (a.metadata.resourceVersion === b.metadata.resourceVersion) return;
        enqueue(selecting(b as Stored));
        // A Secret that lost its labels stops being a source: selector PushSecrets see it go.
        if (labelsChanged(a, b)) enqueue(selecting(a as Stored));
      },
      delete: (s) => enqueue(selecting(s as Stored)),
    },
  });
  const watch = sourceWatch;
  pushSecrets.addHandler({
    add: (o) => watch.track(o as Stored<PushSecret>),
    update: (_a, b) => watch.track(b as Stored<PushSecret>),
  });
  return { controller, stop: () => watch.stop() };
}
