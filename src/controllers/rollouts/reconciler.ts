/**
 * Rolls one workload for the Secret changes it is owed: waits out its rate-limit interval, then patches its pod
 * template annotation as `kubectl rollout restart` does (so the workload's own strategy and PodDisruptionBudgets
 * govern the restart), with an Event on the workload and on each ExternalSecret involved, and counts it.
 */
import { Counter, type Registry } from "prom-client";
import { type CachedKubeClient, isNotFound, type KubeObject, type ResourceDescriptor } from "../../kube/index.js";
import type { Indexer } from "../../runtime/cache.js";
import type { Request, Result } from "../../runtime/controller.js";
import type { Logger } from "../../runtime/logger.js";
import type { EventRecorder } from "../common/events.js";
import { LAST_RELOADED_FROM } from "./annotations.js";
import type { PendingRollouts, RolloutTrigger } from "./pending.js";
import { type WorkloadSummary, workloadKind } from "./workloads.js";

export const EVENT_ROLLED = "Rolled";
export const EVENT_WORKLOAD_ROLLED = "WorkloadRolled";
export const EVENT_ROLLOUT_REFUSED = "RolloutRefused";
export const EVENT_ROLLOUT_FAILED = "RolloutFailed";

/** The request of one workload: its namespace, and "<kind>/<name>" (kind in lower case). */
export function workloadRequest(kind: string, namespace: string, name: string): Request {
  return { namespace, name: `${kind.toLowerCase()}/${name}` };
}

export class RolloutMetrics {
  readonly rollouts: Counter<"kind" | "namespace" | "name" | "result">;

  constructor(registry: Registry) {
    this.rollouts = new Counter({
      name: "externalsecret_workload_rollouts_total",
      help: "Workload rollouts caused by a change of a Secret's data (result: rolled, rate_limited, failed)",
      labelNames: ["kind", "namespace", "name", "result"],
      registers: [registry],
    });
  }
}

export interface RolloutReconcilerOptions {
  client: CachedKubeClient;
  caches: Map<ResourceDescriptor, Indexer>;
  pending: PendingRollouts;
  events: EventRecorder;
  metrics: RolloutMetrics;
  log: Logger;
  /** Least time between two rollouts of one workload (ms). */
  minIntervalMs: number;
  now?: () => number;
}

/** The pod template annotation's value: Reloader's shape, carrying the new data hash. */
export function lastReloadedFrom(namespace: string, trigger: RolloutTrigger, nowMs: number): string {
  return JSON.stringify({
    kind: "Secret",
    name: trigger.secret,
    namespace,
    hash: trigger.hash,
    containers: [],
    reloadedAt: new Date(nowMs).toISOString(),
  });
}

export class RolloutReconciler {
  private readonly now: () => number;

  constructor(private readonly opts: RolloutReconcilerOptions) {
    this.now = opts.now ?? Date.now;
  }

  async reconcile(req: Request): Promise<Result | undefined> {
    const { pending } = this.opts;
    const key = `${req.namespace}/${req.name}`;
    const slash = req.name.indexOf("/");
    const resource = workloadKind(req.name.slice(0, slash));
    const name = req.name.slice(slash + 1);
    const workload = resource
      ? (this.opts.caches.get(resource)?.getByName(req.namespace, name) as WorkloadSummary | undefined)
      : undefined;
    if (!resource || !workload) {
      pending.forget(key);
      return undefined;
    }
    if (!pending.has(key)) return undefined;
    const nowMs = this.now();
    const labels = { kind: resource.kind ?? "", namespace: req.namespace, name };
    const wait = pending.waitMs(key, nowMs, this.opts.minIntervalMs);
    if (wait > 0) {
      this.opts.metrics.rollouts.inc({ ...labels, result: "rate_limited" });
      return { requeueAfter: wait };
    }
    const triggers = pending.take(key);
    const latest = triggers[triggers.length - 1]!;
    // Already rolled for exactly this data (e.g. a repeated notification): a second patch would restart it again.
    const done = workload.lastRollout;
    if (triggers.length === 1 && done?.name === latest.secret && done.hash === latest.hash) return undefined;
    const patch = {
      spec: {
        template: {
          metadata: { annotations: { [LAST_RELOADED_FROM]: lastReloadedFrom(req.namespace, latest, nowMs) } },
        },
      },
    };
    try {
      await this.opts.client.patch(resource, req.namespace, name, patch, "merge");
    } catch (err) {
      if (isNotFound(err)) {
        pending.forget(key);
        return undefined;
      }
      pending.restore(key, triggers);
      this.opts.metrics.rollouts.inc({ ...labels, result: "failed" });
      this.opts.events.event(
        workload,
        "Warning",
        EVENT_ROLLOUT_FAILED,
        "rollout after a Secret change failed; retrying",
      );
      throw err;
    }
    pending.rolled(key, nowMs);
    pending.prune(nowMs, this.opts.minIntervalMs);
    this.opts.metrics.rollouts.inc({ ...labels, result: "rolled" });
    this.record(workload, resource, triggers);
    return undefined;
  }

  private record(workload: WorkloadSummary, resource: ResourceDescriptor, triggers: RolloutTrigger[]): void {
    const secrets = triggers.map((t) => `${t.secret} (${t.reason})`).join(", ");
    const subject = `${resource.kind} ${workload.metadata.name}`;
    this.opts.events.event(workload, "Normal", EVENT_ROLLED, `rolled out: data of Secret ${secrets} changed`);
    const seen = new Set<string>();
    for (const t of triggers) {
      const es: KubeObject = t.externalSecret;
      const id = `${es.metadata?.name}|${t.secret}`;
      if (seen.has(id)) continue;
      seen.add(id);
      this.opts.events.event(
        es,
        "Normal",
        EVENT_WORKLOAD_ROLLED,
        `${subject} rolled out: data of Secret ${t.secret} changed`,
      );
    }
    this.opts.log.info(
      { namespace: workload.metadata.namespace, workload: subject, secrets: triggers.map((t) => t.secret) },
      "workload rolled out",
    );
  }
}
