/**
 * The PushSecret reconciler, as upstream: keeps the finalizer while deletionPolicy is Delete, resolves the
 * stores and the source (Secret(s) or generator), applies the template, pushes every entry to every store
 * (honouring updatePolicy IfNotExists), removes remote keys that are no longer pushed under deletionPolicy
 * Delete, and records status.syncedPushSecrets plus a Ready condition and an event. A push happens when
 * the spec or metadata changed, the source Secret changed, the last attempt failed, or refreshInterval
 * elapsed; otherwise the reconcile only schedules the next refresh.
 */
import { parseDuration } from "../../api/duration.js";
import type { PushSecret } from "../../api/pushsecret.js";
import { GeneratorStateManager } from "../../generators/state/manager.js";
import { CONFIGMAPS, type KubeClient, PUSH_SECRETS, rfc3339, SECRETS } from "../../kube/index.js";
import type { ProviderServices } from "../../providers/open-client.js";
import type { KubeAccess, PushSource } from "../../providers/provider.js";
import type { ReconcileContext, Request, Result } from "../../runtime/controller.js";
import { DEFAULT_RECONCILE_TIMEOUT_MS, type Deadline, raceAbort, startDeadline } from "../../runtime/deadline.js";
import type { Logger } from "../../runtime/logger.js";
import { type Condition, getCondition, setCondition } from "../common/conditions.js";
import type { EventRecorder } from "../common/events.js";
import { resourceVersionOf } from "../common/hash.js";
import { applyTemplate, type RenderTemplate } from "../common/secret-template.js";
import { writeStatusIfChanged } from "../common/status-writer.js";
import { StoreClients } from "../common/stores.js";
import { deleteRemoved, mergeSynced, pushToStore, type SyncedMap } from "./push.js";
import {
  GENERATOR_STATE_KEY,
  MESSAGE_SYNCED,
  PUSH_SECRET_FINALIZER,
  REASON_ERRORED,
  REASON_SYNCED,
} from "./resources.js";
import { generateSource, type ResolvedSources, readSourceSecrets } from "./source.js";
import { resolveStores, type StoreTarget } from "./stores.js";

export interface PushSecretReconcilerOptions {
  /** Reads may come from informer caches (PushSecrets, stores); Secrets must be read from the API server. */
  client: KubeClient;
  /** Reads straight from the API server, for retries after a write conflict (default: `client`). */
  server?: KubeClient;
  kube: KubeAccess;
  /** The provider registry and caches of the process. */
  providers: ProviderServices;
  events: EventRecorder;
  render: RenderTemplate;
  log: Logger;
  controllerClass?: string;
  clusterStoreEnabled?: boolean;
  /** Grace period before superseded generator values are cleaned up (ms). */
  generatorGcGraceMs?: number;
  now?: () => number;
  /** --reconcile-timeout: bound on the provider calls of one push or delete (ms, default 30 s). */
  reconcileTimeoutMs?: number;
}

const DEFAULT_REFRESH_MS = 60 * 60_000;

class SyncFailure extends Error {
  constructor(
    message: string,
    readonly synced?: SyncedMap,
  ) {
    super(message);
  }
}

function keyOf(ps: PushSecret): string {
  return `${ps.metadata?.namespace}/${ps.metadata?.name}`;
}

export class PushSecretReconciler {
  private readonly now: () => number;
  /** Per PushSecret: the source fingerprint last pushed by this process (a restart pushes once more). */
  private readonly pushed = new Map<string, string>();

  constructor(private readonly opts: PushSecretReconcilerOptions) {
    this.now = opts.now ?? Date.now;
  }

  private refreshMs(ps: PushSecret): number {
    const text = ps.spec.refreshInterval;
    if (text === undefined || text === "") return DEFAULT_REFRESH_MS;
    try {
      return parseDuration(text);
    } catch {
      return DEFAULT_REFRESH_MS;
    }
  }

  async reconcile({ namespace, name }: Request, ctx?: Pick<ReconcileContext, "signal">): Promise<Result | undefined> {
    const signal = ctx?.signal;
    const { client } = this.opts;
    let ps = await client.get<PushSecret>(PUSH_SECRETS, namespace, name, signal);
    if (!ps) {
      this.pushed.delete(`${namespace}/${name}`);
      return undefined;
    }
    const policy = ps.spec.deletionPolicy ?? "None";
    const finalizers = (ps.metadata?.finalizers as string[] | undefined) ?? [];
    const held = finalizers.includes(PUSH_SECRET_FINALIZER);

    if (ps.metadata?.deletionTimestamp) {
      if (!held) return undefined;
      if (policy === "Delete") await this.deleteAll(ps, signal);
      ps.metadata.finalizers = finalizers.filter((f) => f !== PUSH_SECRET_FINALIZER);
      await client.update(PUSH_SECRETS, ps);
      this.pushed.delete(keyOf(ps));
      return undefined;
    }
    if (policy === "Delete" && !held) {
      ps.metadata = { ...ps.metadata, finalizers: [...finalizers, PUSH_SECRET_FINALIZER] };
      ps = await client.update(PUSH_SECRETS, ps);
    } else if (policy !== "Delete" && held) {
      ps.metadata!.finalizers = finalizers.filter((f) => f !== PUSH_SECRET_FINALIZER);
      ps = await client.update(PUSH_SECRETS, ps);
    }
    return this.sync(ps, signal);
  }

  private deadline(signal?: AbortSignal): Deadline {
    return startDeadline(this.opts.reconcileTimeoutMs ?? DEFAULT_RECONCILE_TIMEOUT_MS, signal);
  }

  /** Releases the clients; past the deadline a client still being built may never settle, so it is not awaited. */
  private async release(clients: StoreClients, deadline: Deadline): Promise<void> {
    const closing = clients.close();
    if (deadline.signal.aborted) closing.catch(() => {});
    else await closing;
    deadline.clear();
  }

  private storeClients(ps: PushSecret, deadline: Deadline): StoreClients {
    return new StoreClients(
      {
        client: this.opts.client,
        kube: this.opts.kube,
        providers: this.opts.providers,
        controllerClass: this.opts.controllerClass,
        clusterStoreEnabled: this.opts.clusterStoreEnabled !== false,
        // As upstream, pushing does not wait for the store to report Ready.
        floodGate: false,
        signal: deadline.signal,
        deadline: deadline.at,
      },
      ps.metadata?.namespace ?? "",
    );
  }

  private async sync(ps: PushSecret, signal?: AbortSignal): Promise<Result | undefined> {
    const now = this.now();
    const intervalMs = this.refreshMs(ps);
    const before = JSON.stringify(ps.status ?? {});
    const previous = ps.status?.syncedPushSecrets as SyncedMap | undefined;
    let stores: StoreTarget[];
    let sources: ResolvedSources | undefined;
    try {
      const resolved = await resolveStores(this.opts.client, ps, {
        controllerClass: this.opts.controllerClass,
        clusterStoreEnabled: this.opts.clusterStoreEnabled !== false,
      });
      // Every referenced store belongs to another controller: that one reports status.
      if (resolved.targets.length === 0 && resolved.skipped > 0) return undefined;
      stores = resolved.targets;
      sources = await readSourceSecrets(this.opts.client, ps, signal);
    } catch (err) {
      return this.fail(ps, before, new SyncFailure((err as Error).message));
    }

    if (!this.due(ps, intervalMs, now, sources?.fingerprint)) {
      const last = Date.parse(ps.status?.refreshTime ?? "");
      return intervalMs > 0 ? { requeueAfter: Math.max(1, last + intervalMs - now) } : undefined;
    }

    const states = new GeneratorStateManager(this.opts.client, ps, this.opts.generatorGcGraceMs, this.now);
    const deadline = this.deadline(signal);
    const clients = this.storeClients(ps, deadline);
    const bounded = <T>(work: Promise<T>) => raceAbort(work, deadline.signal);
    let synced: SyncedMap = {};
    try {
      if (!sources) {
        try {
          sources = await bounded(
            generateSource(this.opts.client, this.opts.kube, ps, deadline.signal, this.opts.controllerClass),
          );
        } catch (err) {
          throw new SyncFailure(`could not generate source secret: ${(err as Error).message}`);
        }
      }
      for (const source of sources.sources) {
        const templated = await this.templated(ps, source);
        for (const target of stores) {
          let sc: Awaited<ReturnType<StoreClients["get"]>>;
          try {
            sc = await bounded(clients.get({ kind: target.kind, name: target.name }));
          } catch (err) {
            throw new SyncFailure(
              `could not get secrets client for store ${target.name}: ${(err as Error).message}`,
              synced,
            );
          }
          try {
            await bounded(pushToStore(ps, templated, target, sc, this.opts.render, synced));
          } catch (err) {
            throw new SyncFailure(`set secret failed: ${(err as Error).message}`, synced);
          }
        }
      }
      if (ps.spec.deletionPolicy === "Delete") {
        try {
          synced = await bounded(deleteRemoved(previous, synced, (t) => clients.get({ kind: t.kind, name: t.name })));
        } catch (err) {
          const remaining = (err as { remaining?: SyncedMap }).remaining;
          throw new SyncFailure(`Failed to Delete Secrets from Provider: ${(err as Error).message}`, remaining);
        }
      }
    } catch (err) {
      const failure = err instanceof SyncFailure ? err : new SyncFailure((err as Error).message, synced);
      if (sources?.generated?.state) {
        const { loaded, state } = sources.generated;
        await states
          .discard(GENERATOR_STATE_KEY, loaded, state, {
            kube: this.opts.kube,
            namespace: ps.metadata?.namespace ?? "",
          })
          .catch((e) => this.opts.log.warn({ error: (e as Error).message }, "generator state not discarded"));
      }
      return this.fail(ps, before, failure, mergeSynced(failure.synced, previous));
    } finally {
      await this.release(clients, deadline);
    }

    await this.commitGeneratorState(ps, states, sources);
    if (sources.fingerprint !== undefined) this.pushed.set(keyOf(ps), sources.fingerprint);
    const message =
      ps.spec.updatePolicy === "IfNotExists"
        ? `${MESSAGE_SYNCED}. Existing secrets in providers unchanged.`
        : MESSAGE_SYNCED;
    ps.status = {
      ...(ps.status ?? {}),
      syncedPushSecrets: synced,
      refreshTime: rfc3339(new Date(now)),
      syncedResourceVersion: resourceVersionOf(ps.metadata ?? {}),
      conditions: setCondition(
        ps.status?.conditions as Condition[] | undefined,
        { type: "Ready", status: "True", reason: REASON_SYNCED, message },
        new Date(now),
      ),
    };
    this.opts.events.event(ps, "Normal", REASON_SYNCED, message);
    const written = await this.writeStatus(ps, before);
    if (!written) return { requeue: true };
    return intervalMs > 0 ? { requeueAfter: intervalMs } : undefined;
  }

  /** A push is due on spec/metadata change, a changed source, a failed last attempt, or an elapsed refresh. */
  private due(ps: PushSecret, intervalMs: number, now: number, fingerprint: string | undefined): boolean {
    const st = ps.status;
    if (!st?.refreshTime || st.syncedResourceVersion !== resourceVersionOf(ps.metadata ?? {})) return true;
    if (getCondition(st.conditions as Condition[] | undefined, "Ready")?.status !== "True") return true;
    if (fingerprint !== undefined && this.pushed.get(keyOf(ps)) !== fingerprint) return true;
    const last = Date.parse(st.refreshTime);
    if (Number.isNaN(last) || last > now) return true;
    return intervalMs > 0 && last + intervalMs <= now;
  }

  private async templated(ps: PushSecret, source: PushSource): Promise<PushSource> {
    const template = ps.spec.template;
    if (!template) return source;
    const namespace = ps.metadata?.namespace ?? "";
    const { client } = this.opts;
    try {
      const out = await applyTemplate(
        template,
        source.data,
        {},
        {
          configMap: async (n) => {
            const cm = await client.get<{ data?: Record<string, string> }>(CONFIGMAPS, namespace, n);
            return cm ? (cm.data ?? {}) : undefined;
          },
          secret: async (n) => {
            const s = await client.get<{ data?: Record<string, string> }>(SECRETS, namespace, n);
            if (!s) return undefined;
            return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64")]));
          },
        },
        this.opts.render,
      );
      return { ...source, data: out.data };
    } catch (err) {
      throw new SyncFailure(`could not apply template: ${(err as Error).message}`);
    }
  }

  /** Records the generator's new state (if any) and flags the superseded ones for garbage collection. */
  private async commitGeneratorState(ps: PushSecret, states: GeneratorStateManager, sources: ResolvedSources) {
    try {
      let keep: string | undefined;
      if (sources.generated?.state) {
        keep = await states.record(GENERATOR_STATE_KEY, sources.generated.loaded, sources.generated.state);
      }
      await states.flagSuperseded(GENERATOR_STATE_KEY, keep);
    } catch (err) {
      this.opts.log.warn(
        { namespace: ps.metadata?.namespace, name: ps.metadata?.name, error: (err as Error).message },
        "could not update generator state",
      );
    }
  }

  /** deletionPolicy Delete on deletion: every pushed key goes; failures keep the finalizer. */
  private async deleteAll(ps: PushSecret, signal?: AbortSignal): Promise<void> {
    const before = JSON.stringify(ps.status ?? {});
    const deadline = this.deadline(signal);
    const clients = this.storeClients(ps, deadline);
    try {
      await raceAbort(
        deleteRemoved(ps.status?.syncedPushSecrets as SyncedMap | undefined, {}, (t) =>
          clients.get({ kind: t.kind, name: t.name }),
        ),
        deadline.signal,
      );
    } catch (err) {
      const remaining = (err as { remaining?: SyncedMap }).remaining;
      await this.fail(
        ps,
        before,
        new SyncFailure(`Failed to Delete Secrets from Provider: ${(err as Error).message}`),
        remaining,
      );
    } finally {
      await this.release(clients, deadline);
    }
  }

  private async fail(ps: PushSecret, before: string, failure: SyncFailure, synced?: SyncedMap): Promise<never> {
    const now = new Date(this.now());
    ps.status = {
      ...(ps.status ?? {}),
      ...(synced ? { syncedPushSecrets: synced } : {}),
      conditions: setCondition(
        ps.status?.conditions as Condition[] | undefined,
        { type: "Ready", status: "False", reason: REASON_ERRORED, message: failure.message },
        now,
      ),
    };
    this.opts.events.event(ps, "Warning", REASON_ERRORED, failure.message);
    this.opts.log.warn(
      { namespace: ps.metadata?.namespace, name: ps.metadata?.name, error: failure.message },
      "push failed",
    );
    await this.writeStatus(ps, before).catch(() => false);
    throw failure;
  }

  /** Writes status when it changed; on a conflict re-reads once and reapplies. False when still conflicting. */
  private async writeStatus(ps: PushSecret, before: string): Promise<boolean> {
    const { client } = this.opts;
    const status = ps.status ?? {};
    const stored = { ...ps, status: JSON.parse(before) as PushSecret["status"] };
    if ((await writeStatusIfChanged(client, PUSH_SECRETS, stored, status)) !== "conflict") return true;
    const fresh = await (this.opts.server ?? client).get<PushSecret>(
      PUSH_SECRETS,
      ps.metadata?.namespace ?? "",
      ps.metadata?.name ?? "",
    );
    if (!fresh) return true;
    return (await writeStatusIfChanged(client, PUSH_SECRETS, fresh, status)) !== "conflict";
  }
}
