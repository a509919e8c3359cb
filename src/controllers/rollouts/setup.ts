/**
 * Workload rollouts (--enable-workload-rollouts): one summary-only informer per workload kind, indexed by the
 * Secrets each pod template references, and a controller that rolls the workloads a changed Secret selects. The
 * ExternalSecret sync calls `secretDataChanged` after it wrote new data; nothing else triggers a rollout.
 */
import type { Registry } from "prom-client";
import type { KubeObject, ResourceDescriptor, Stored } from "../../kube/index.js";
import type { Indexer } from "../../runtime/cache.js";
import type { Controller } from "../../runtime/controller.js";
import type { ControllerSet } from "../../runtime/controller-builder.js";
import type { ControllerDeps } from "../deps.js";
import type { SecretDataChange } from "../externalsecret/target-writer.js";
import { ES_ROLLOUT_WORKLOADS } from "./annotations.js";
import { namesSecrets, rollReason } from "./match.js";
import { PendingRollouts, type RolloutTrigger } from "./pending.js";
import { EVENT_ROLLOUT_REFUSED, RolloutMetrics, RolloutReconciler, workloadRequest } from "./reconciler.js";
import { summarizeWorkload, WORKLOAD_KINDS, type WorkloadSummary, workloadKind } from "./workloads.js";

/** Default least time between two rollouts of one workload. */
export const DEFAULT_ROLLOUT_INTERVAL_MS = 60_000;

const SECRET_REF_INDEX = "secretRef";
const NAMES_SECRETS_INDEX = "namesSecrets";

export interface RolloutSetupOptions {
  registry: Registry;
  /** --workload-rollout-interval (ms, default 1 min). */
  minIntervalMs?: number;
  now?: () => number;
}

export interface WorkloadRollouts {
  controller: Controller;
  /** The ExternalSecret sync's hook: a managed Secret's data changed. */
  secretDataChanged(change: SecretDataChange): void;
}

const summary = (o: Stored): WorkloadSummary => o as Stored & WorkloadSummary;

export function setupWorkloadRollouts(
  set: ControllerSet,
  deps: ControllerDeps,
  opts: RolloutSetupOptions,
): WorkloadRollouts {
  const pending = new PendingRollouts();
  const caches = new Map<ResourceDescriptor, Indexer>();
  const builder = set.controller("workload-rollouts");
  for (const kind of WORKLOAD_KINDS) {
    const informer = set.informer(kind, {
      namespace: deps.namespace,
      shape: { name: "rollout-summary", transform: summarizeWorkload },
      indexers: {
        [SECRET_REF_INDEX]: (o) => summary(o).secrets.map((s) => `${o.metadata.namespace}/${s}`),
        [NAMES_SECRETS_INDEX]: (o) => (namesSecrets(summary(o)) ? [o.metadata.namespace ?? ""] : []),
      },
    });
    caches.set(kind, informer.cache);
    builder.watches(informer, {
      events: ["delete"],
      map: (o) => {
        const req = workloadRequest(kind.kind ?? "", o.metadata.namespace ?? "", o.metadata.name);
        pending.forget(`${req.namespace}/${req.name}`);
        return [];
      },
    });
  }
  const controller = builder.complete(
    new RolloutReconciler({
      client: deps.client,
      caches,
      pending,
      events: deps.events,
      metrics: new RolloutMetrics(opts.registry),
      log: deps.log.child({ controller: "workload-rollouts" }),
      minIntervalMs: opts.minIntervalMs ?? DEFAULT_ROLLOUT_INTERVAL_MS,
      now: opts.now,
    }),
  );

  const owe = (kind: ResourceDescriptor, workload: WorkloadSummary, trigger: RolloutTrigger) => {
    const req = workloadRequest(kind.kind ?? "", workload.metadata.namespace ?? "", workload.metadata.name);
    pending.add(`${req.namespace}/${req.name}`, trigger);
    controller.enqueue(req);
  };

  const secretDataChanged = (change: SecretDataChange) => {
    const { namespace, name } = change;
    const es = change.es;
    const externalSecret: KubeObject = {
      apiVersion: es.apiVersion,
      kind: es.kind ?? "ExternalSecret",
      metadata: { name: es.metadata?.name, namespace: es.metadata?.namespace, uid: es.metadata?.uid },
    };
    const trigger = (reason: string): RolloutTrigger => ({ secret: name, hash: change.hash, reason, externalSecret });
    const secret = { name, annotations: change.annotations };
    for (const [kind, cache] of caches) {
      const candidates = new Set([
        ...cache.byIndex(SECRET_REF_INDEX, `${namespace}/${name}`),
        ...cache.byIndex(NAMES_SECRETS_INDEX, namespace),
      ]);
      for (const o of candidates) {
        const workload = summary(o);
        // The indexes are keyed by namespace already; this guard keeps it so whatever an index returns.
        if (workload.metadata.namespace !== namespace) continue;
        const reason = rollReason(workload, secret);
        if (reason) owe(kind, workload, trigger(`reloader ${reason}`));
      }
    }
    for (const entry of listed(es.metadata?.annotations?.[ES_ROLLOUT_WORKLOADS])) {
      const parts = entry.split("/");
      const resource = parts.length === 2 ? workloadKind(parts[0]!) : undefined;
      if (!resource) {
        const why =
          parts.length > 2
            ? `${ES_ROLLOUT_WORKLOADS}: "${entry}" names another namespace; only workloads in ${namespace} are rolled`
            : `${ES_ROLLOUT_WORKLOADS}: "${entry}" is not Deployment/, StatefulSet/ or DaemonSet/<name>`;
        deps.events.event(es, "Warning", EVENT_ROLLOUT_REFUSED, why);
        continue;
      }
      const found = caches.get(resource)?.getByName(namespace, parts[1]!);
      if (!found) {
        deps.events.event(
          es,
          "Warning",
          EVENT_ROLLOUT_REFUSED,
          `${ES_ROLLOUT_WORKLOADS}: no ${resource.kind} ${parts[1]} in ${namespace}`,
        );
        continue;
      }
      owe(resource, summary(found), trigger(ES_ROLLOUT_WORKLOADS));
    }
  };
  return { controller, secretDataChanged };
}

function listed(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
