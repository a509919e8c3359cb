/**
 * The ExternalSecret reconciler: decides whether a sync is due, fetches from the provider(s), renders
 * the target Secret and writes it only when it differs from the live one. A provider error never
 * touches the existing Secret; the condition and a Warning event explain it.
 */

import { parseDuration } from "../../api/duration.js";
import type { ExternalSecret, GeneratorRef } from "../../api/externalsecret.js";
import type { SecretStore } from "../../api/secretstore.js";
import { type LoadedGenerator, loadGenerator } from "../../generators/resolve.js";
import { GeneratorStateManager } from "../../generators/state/manager.js";
import type { KubeAccess } from "../../providers/provider.js";
import type { Result } from "../../runtime/controller.js";
import { DEFAULT_RECONCILE_TIMEOUT_MS, raceAbort, startDeadline } from "../../runtime/deadline.js";
import type { Logger } from "../../runtime/logger.js";
import { type Condition, getCondition, rfc3339, setCondition } from "../common/conditions.js";
import type { EventRecorder } from "../common/events.js";
import {
  CONFIGMAPS,
  EXTERNAL_SECRETS,
  isAlreadyExists,
  isConflict,
  type KubeClient,
  SECRETS,
} from "../common/kube-client.js";
import type { EsoMetrics } from "../common/metrics.js";
import { storeMatchesClass } from "../common/store-access.js";
import { type StoreSlots, storeSlotKey } from "../common/store-slots.js";
import { getStore, referencedStores, StoreClients } from "../common/stores.js";
import {
  CONDITION_READY,
  EVENT_CREATED,
  EVENT_DELETED,
  EVENT_DRIFT_RESTORED,
  EVENT_MISSING_PROVIDER_SECRET,
  EVENT_UPDATE_FAILED,
  EVENT_UPDATED,
  LABEL_OWNER,
  REASON_DELETED,
  REASON_MISSING,
  REASON_SYNCED,
  REASON_SYNCED_ERROR,
} from "./constants.js";
import { fetchSecretData } from "./fetch.js";
import { esResourceVersion, isSecretValid, requeueAfterMs, shouldRefresh } from "./refresh.js";
import type { RenderTemplate } from "./render.js";
import {
  desiredSecret,
  immutableDataChanged,
  ownerLabelValue,
  SecretNotOwnedError,
  type SecretObject,
  SecretOwnedError,
  secretNeedsWrite,
  targetSecretName,
} from "./secret.js";
import { applyTemplate, isTemplateLimitError, type TemplateOutput, type TemplateSources } from "./template.js";

export interface ExternalSecretReconcilerOptions {
  client: KubeClient;
  kube: KubeAccess;
  events: EventRecorder;
  metrics: EsoMetrics;
  render: RenderTemplate;
  log: Logger;
  controllerClass?: string;
  clusterStoreEnabled?: boolean;
  /** Refuse to use stores that are not Ready (upstream --enable-flood-protection, default on). */
  floodGate?: boolean;
  /** Fraction of the refresh interval added at random to each requeue (0 disables). */
  jitter?: number;
  /** Fallback refresh interval when spec.refreshInterval is unset (ms). */
  defaultRefreshMs?: number;
  now?: () => number;
  /** True (once) when a notification asked for an immediate re-sync of this ExternalSecret. */
  forceRefresh?: (namespace: string, name: string) => boolean;
  /** --reconcile-timeout: bound on the provider calls (and generators) of one sync (ms, default 30 s). */
  reconcileTimeoutMs?: number;
  /** Per-store in-flight limit shared by this controller's workers (none: unlimited). */
  storeSlots?: StoreSlots;
}

const DEFAULT_REFRESH = "1h";
/** How often a creationPolicy=Merge ExternalSecret looks again for its missing target Secret. */
const MERGE_TARGET_POLL_MS = 10_000;

/** How long a new store without a Ready condition is given for its first validation before users report it. */
const STORE_VALIDATION_GRACE_MS = 30_000;
const STORE_VALIDATION_POLL_MS = 2_000;
/** How soon a sync deferred because its store is at its in-flight limit is tried again (plus jitter). */
const STORE_BUSY_RETRY_MS = 500;

function awaitsFirstValidation(store: SecretStore, now: number): boolean {
  if (getCondition(store.status?.conditions as Condition[] | undefined, "Ready")) return false;
  const created = Date.parse(store.metadata?.creationTimestamp ?? "");
  return !Number.isNaN(created) && now - created < STORE_VALIDATION_GRACE_MS;
}

/** A sync after the ExternalSecret itself changed (not its first one, not a timer): the user wants fresh data. */
function isUserRequestedSync(es: ExternalSecret): boolean {
  const synced = es.status?.syncedResourceVersion ?? "";
  return synced !== "" && synced !== esResourceVersion(es);
}

/** The live target Secret; `unverified` when its absence is the cache's word only. */
interface LiveSecret {
  existing: SecretObject | undefined;
  unverified: boolean;
}

/** One generator run of a sync: settled (recorded or cleaned up) when the sync ends. */
interface GeneratedValue {
  key: string;
  loaded: LoadedGenerator;
  state?: Record<string, unknown>;
}

class SyncFailure extends Error {
  constructor(
    readonly summary: string,
    readonly underlying: Error,
    readonly retry: boolean,
  ) {
    super(`${summary}: ${underlying.message}`);
  }
}

export class ExternalSecretReconciler {
  private readonly now: () => number;
  /** Forced re-syncs ("namespace/name") that were deferred by a busy store and are still owed. */
  private readonly deferredForced = new Set<string>();

  constructor(private readonly opts: ExternalSecretReconcilerOptions) {
    this.now = opts.now ?? Date.now;
  }

  private refreshIntervalMs(es: ExternalSecret): number {
    const text = es.spec.refreshInterval;
    if (text === undefined || text === "") return this.opts.defaultRefreshMs ?? parseDuration(DEFAULT_REFRESH);
    try {
      return parseDuration(text);
    } catch {
      return parseDuration(DEFAULT_REFRESH);
    }
  }

  /**
   * How the referenced stores stand: "unmanaged" when one belongs to another controller class; "validating" when,
   * with flood protection on, one was created moments ago and has not been validated yet. Waiting for that first
   * validation (its status change re-queues this ExternalSecret) saves a "store is not ready" status write and
   * Warning event per ExternalSecret when stores and ExternalSecrets are applied together; a store still without
   * a Ready condition after the grace period is reported as not ready, as upstream.
   */
  private async storeStanding(es: ExternalSecret, now: number): Promise<"unmanaged" | "validating" | undefined> {
    let validating = false;
    for (const ref of referencedStores(es.spec)) {
      const store = await getStore(this.opts.client, ref.kind, ref.name, es.metadata?.namespace ?? "");
      if (!store) continue;
      if (!storeMatchesClass(store, this.opts.controllerClass)) return "unmanaged";
      if (this.opts.floodGate !== false && awaitsFirstValidation(store, now)) validating = true;
    }
    return validating ? "validating" : undefined;
  }

  async reconcile(namespace: string, name: string, signal?: AbortSignal): Promise<Result | undefined> {
    const done = this.opts.metrics.reconcileTimer("ExternalSecret", name, namespace);
    try {
      return await this.reconcileOnce(namespace, name, signal);
    } finally {
      done();
    }
  }

  private async reconcileOnce(namespace: string, name: string, signal?: AbortSignal): Promise<Result | undefined> {
    const { client } = this.opts;
    const es = await client.get<ExternalSecret>(EXTERNAL_SECRETS, namespace, name, signal);
    if (!es || es.metadata?.deletionTimestamp) {
      this.opts.metrics.forget("ExternalSecret", name, namespace);
      return undefined;
    }
    const labels = { name, namespace };
    this.opts.metrics.syncCalls.inc(labels);
    if (es.spec.secretStoreRef?.kind === "ClusterSecretStore" && this.opts.clusterStoreEnabled === false) {
      return undefined;
    }
    const now = this.now();
    const standing = await this.storeStanding(es, now);
    if (standing === "unmanaged") return undefined;
    if (standing === "validating") return { requeueAfter: STORE_VALIDATION_POLL_MS };

    const intervalMs = this.refreshIntervalMs(es);
    const secretName = targetSecretName(es);
    const policy = es.spec.target?.creationPolicy ?? "Owner";
    const { existing, unverified } = await this.liveSecret(namespace, secretName, policy, signal);
    const forced =
      this.opts.forceRefresh?.(namespace, name) === true || this.deferredForced.delete(`${namespace}/${name}`);
    const refreshDue = shouldRefresh(es, intervalMs, now) || forced;
    const valid = isSecretValid(existing, policy);
    if (!refreshDue && valid) return this.requeue(es, intervalMs, now);
    const drift = !refreshDue && !valid;

    // Deferred without taking a worker's time: the store is busy with as many syncs as one store may run.
    const slotKeys = referencedStores(es.spec).map((r) => storeSlotKey(r.kind, r.name, namespace));
    const release = this.opts.storeSlots ? this.opts.storeSlots.tryAcquire(slotKeys, `${namespace}/${name}`) : () => {};
    if (!release) {
      if (forced) this.deferredForced.add(`${namespace}/${name}`);
      return { requeueAfter: STORE_BUSY_RETRY_MS + Math.random() * STORE_BUSY_RETRY_MS, deferred: true };
    }
    try {
      return await this.syncAndRecord(es, { existing, unverified }, intervalMs, now, drift, signal);
    } catch (err) {
      // A forced sync (store change, force-sync, notification) that failed is still owed: its retry must not fall
      // back to the refresh schedule, which would call an unchanged ExternalSecret with a valid Secret up to date.
      if (forced) this.deferredForced.add(`${namespace}/${name}`);
      throw err;
    } finally {
      release();
    }
  }

  private async syncAndRecord(
    es: ExternalSecret,
    live: LiveSecret,
    intervalMs: number,
    now: number,
    drift: boolean,
    signal?: AbortSignal,
  ): Promise<Result | undefined> {
    const { client } = this.opts;
    const namespace = es.metadata?.namespace ?? "";
    const name = es.metadata?.name ?? "";
    const labels = { name, namespace };
    const before = JSON.stringify(es.status ?? {});
    let result: Result | undefined;
    let failure: SyncFailure | undefined;
    const syncStart = performance.now();
    try {
      result = await this.sync(es, live, intervalMs, now, drift, signal);
    } catch (err) {
      failure =
        err instanceof SyncFailure
          ? err
          : new SyncFailure("could not update secret", err instanceof Error ? err : new Error(String(err)), true);
      this.opts.metrics.syncCallsError.inc(labels);
      this.opts.events.event(es as never, "Warning", EVENT_UPDATE_FAILED, failure.message);
      this.setReady(es, "False", REASON_SYNCED_ERROR, failure.message, now);
      this.opts.log.warn(
        { namespace, name, reason: failure.summary, error: failure.underlying.message },
        "sync failed",
      );
    }
    const syncSeconds = (performance.now() - syncStart) / 1000;
    const store = es.spec.secretStoreRef?.name ?? "";
    this.opts.metrics.recordSync(name, namespace, store, failure ? "error" : "success", syncSeconds);
    this.recordCondition(es);
    if (JSON.stringify(es.status ?? {}) !== before) {
      try {
        await client.updateStatus(EXTERNAL_SECRETS, es as never);
      } catch (err) {
        if (isConflict(err)) return { requeue: true };
        throw err;
      }
    }
    if (failure) {
      if (failure.retry) throw failure;
      return this.requeue(es, intervalMs, now);
    }
    return result;
  }

  /**
   * The target Secret as the reconcile starts. Every Secret this controller writes carries the managed label and
   * so sits in the managed-Secret cache; for Owner and Orphan a cache miss is taken as "absent" without a GET
   * (`unverified`: a create that finds it exists falls back to reading it). Merge targets are someone else's
   * Secret and are read from the server.
   */
  private async liveSecret(namespace: string, name: string, policy: string, signal?: AbortSignal): Promise<LiveSecret> {
    const cached =
      policy === "Owner" || policy === "Orphan"
        ? this.opts.client.peek<SecretObject>(SECRETS, namespace, name)
        : undefined;
    if (cached) return { existing: cached.object, unverified: cached.object === undefined };
    return { existing: await this.opts.client.get<SecretObject>(SECRETS, namespace, name, signal), unverified: false };
  }

  private requeue(es: ExternalSecret, intervalMs: number, now: number): Result | undefined {
    const after = requeueAfterMs(es, intervalMs, now, this.opts.jitter ?? 0);
    if (after === undefined) return undefined;
    return after > 0 ? { requeueAfter: after } : { requeue: true };
  }

  private setReady(es: ExternalSecret, status: "True" | "False", reason: string, message: string, now: number): void {
    es.status = es.status ?? {};
    es.status.conditions = setCondition(
      es.status.conditions as Condition[] | undefined,
      { type: CONDITION_READY, status, reason, message },
      new Date(now),
    );
  }

  private markDone(es: ExternalSecret, reason: string, message: string, now: number): void {
    this.setReady(es, "True", reason, message, now);
    es.status = es.status ?? {};
    es.status.refreshTime = rfc3339(new Date(now));
    es.status.syncedResourceVersion = esResourceVersion(es);
  }

  private recordCondition(es: ExternalSecret): void {
    const ready = getCondition(es.status?.conditions as Condition[] | undefined, CONDITION_READY);
    const labels = { name: es.metadata?.name ?? "", namespace: es.metadata?.namespace ?? "", condition: "Ready" };
    for (const status of ["True", "False"]) {
      this.opts.metrics.esReady.set({ ...labels, status }, ready?.status === status ? 1 : 0);
    }
  }

  private templateSources(namespace: string): TemplateSources {
    const { client } = this.opts;
    return {
      configMap: async (name) => {
        const cm = await client.get<{ data?: Record<string, string> }>(CONFIGMAPS, namespace, name);
        return cm ? (cm.data ?? {}) : undefined;
      },
      secret: async (name) => {
        const s = await client.get<SecretObject>(SECRETS, namespace, name);
        if (!s) return undefined;
        return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64")]));
      },
    };
  }

  private async generate(
    ref: GeneratorRef,
    namespace: string,
    generated: GeneratedValue[],
    signal?: AbortSignal,
  ): Promise<Record<string, Buffer>> {
    const loaded = await loadGenerator(this.opts.client, ref, namespace, "sourceRef.generatorRef", signal);
    const out = await loaded.generator.generate(loaded.spec, { kube: this.opts.kube, namespace, signal });
    generated.push({ key: `${ref.kind}-${ref.name}`, loaded, state: out.state });
    return out.data;
  }

  /**
   * Runs one sync and settles what generators produced, as upstream's state manager: values that need
   * cleanup are recorded as GeneratorStates (older ones get a GC deadline) once the sync succeeded, and
   * cleaned up at once when it failed.
   */
  private async sync(
    es: ExternalSecret,
    live: LiveSecret,
    intervalMs: number,
    now: number,
    drift: boolean,
    signal?: AbortSignal,
  ): Promise<Result | undefined> {
    const generated: GeneratedValue[] = [];
    let result: Result | undefined;
    let failure: unknown;
    try {
      result = await this.syncWith(es, live, intervalMs, now, drift, generated, signal);
    } catch (err) {
      failure = err;
    }
    const stateful = generated.filter((g) => g.state);
    if (stateful.length > 0) {
      const states = new GeneratorStateManager(this.opts.client, es);
      if (failure !== undefined) {
        // Nothing was written from these values: clean them up now.
        const ctx = { kube: this.opts.kube, namespace: es.metadata?.namespace ?? "" };
        for (const g of stateful) await states.discard(g.key, g.loaded, g.state!, ctx).catch(() => {});
      } else {
        try {
          const keep = new Map<string, string[]>();
          for (const g of stateful)
            keep.set(g.key, [...(keep.get(g.key) ?? []), await states.record(g.key, g.loaded, g.state!)]);
          for (const [key, names] of keep) await states.flagSuperseded(key, names);
        } catch (err) {
          this.opts.log.warn(
            { namespace: es.metadata?.namespace, name: es.metadata?.name, error: (err as Error).message },
            "could not record generator state",
          );
        }
      }
    }
    if (failure !== undefined) throw failure;
    return result;
  }

  private async syncWith(
    es: ExternalSecret,
    live: LiveSecret,
    intervalMs: number,
    now: number,
    drift: boolean,
    generated: GeneratedValue[],
    signal?: AbortSignal,
  ): Promise<Result | undefined> {
    const { client, events } = this.opts;
    const namespace = es.metadata?.namespace ?? "";
    const secretName = targetSecretName(es);
    const target = es.spec.target ?? {};
    const policy = target.creationPolicy ?? "Owner";
    // Every provider call and generator of this sync runs under one deadline; past it the sync fails at once
    // (in-flight requests aborted) and the worker moves on.
    const deadline = startDeadline(this.opts.reconcileTimeoutMs ?? DEFAULT_RECONCILE_TIMEOUT_MS, signal);
    const stores = new StoreClients(
      {
        client,
        kube: this.opts.kube,
        controllerClass: this.opts.controllerClass,
        clusterStoreEnabled: this.opts.clusterStoreEnabled !== false,
        floodGate: this.opts.floodGate !== false,
        signal: deadline.signal,
        deadline: deadline.at,
        metrics: this.opts.metrics,
        fresh: isUserRequestedSync(es),
      },
      namespace,
    );
    let fetched: Awaited<ReturnType<typeof fetchSecretData>>;
    try {
      fetched = await raceAbort(
        fetchSecretData(
          es,
          {
            client: (ref) => stores.get(ref ?? es.spec.secretStoreRef),
            generate: (ref) => this.generate(ref, namespace, generated, deadline.signal),
          },
          this.opts.render,
        ),
        deadline.signal,
      );
    } catch (err) {
      throw new SyncFailure("could not get secret data from provider", err as Error, true);
    } finally {
      const closing = stores.close();
      // A client still being built past the deadline may never settle: do not wait for it.
      if (deadline.signal.aborted) closing.catch(() => {});
      else await closing;
      deadline.clear();
    }
    for (const note of fetched.missing) events.event(es as never, "Normal", EVENT_MISSING_PROVIDER_SECRET, note);

    if (Object.keys(fetched.data).length === 0) {
      const deletion = target.deletionPolicy ?? "Retain";
      if (deletion === "Delete") {
        if (policy !== "Owner") {
          throw new SyncFailure(
            "could not delete secret",
            new Error(`unable to delete secret ${secretName}: creationPolicy=${policy} is not Owner`),
            false,
          );
        }
        if ((live.existing || live.unverified) && (await client.delete(SECRETS, namespace, secretName))) {
          events.event(es as never, "Normal", EVENT_DELETED, "secret deleted due to DeletionPolicy=Delete");
        }
        this.markDone(es, REASON_DELETED, "secret deleted due to DeletionPolicy=Delete", now);
        return this.requeue(es, intervalMs, now);
      }
      if (deletion === "Retain") {
        this.markDone(es, REASON_SYNCED, "secret retained due to DeletionPolicy=Retain", now);
        return this.requeue(es, intervalMs, now);
      }
    }

    if (policy === "None") {
      this.markDone(es, REASON_SYNCED, "secret synced", now);
      return this.requeue(es, intervalMs, now);
    }
    if (policy === "Merge" && !live.existing) {
      // Not synced: nothing was written. Ready=False (as upstream) until the Secret appears; polled, since a
      // Secret created by someone else carries no managed label and so never reaches the Secret watch.
      const message = `secret ${secretName} will not be created due to CreationPolicy=Merge; waiting for it to exist`;
      const previous = getCondition(es.status?.conditions as Condition[] | undefined, CONDITION_READY);
      if (previous?.reason !== REASON_MISSING) events.event(es as never, "Warning", REASON_MISSING, message);
      this.setReady(es, "False", REASON_MISSING, message, now);
      const after = this.requeue(es, intervalMs, now);
      return { requeueAfter: Math.min(after?.requeueAfter ?? MERGE_TARGET_POLL_MS, MERGE_TARGET_POLL_MS) };
    }
    if (policy === "Owner") await this.deleteOrphanedSecrets(es, secretName);

    let out: TemplateOutput;
    try {
      out = await applyTemplate(
        target.template,
        fetched.data,
        es.metadata ?? {},
        this.templateSources(namespace),
        this.opts.render,
      );
    } catch (err) {
      // A template stopped at its deadline or memory budget is retried with the controller's backoff.
      throw new SyncFailure("could not apply template", err as Error, isTemplateLimitError(err));
    }
    es.status = es.status ?? {};
    await this.writeSecret(es, live, out, signal);
    if (drift) {
      this.opts.metrics.driftDetected.inc({ name: es.metadata?.name ?? "", namespace });
      events.event(
        es as never,
        "Warning",
        EVENT_DRIFT_RESTORED,
        `secret ${secretName} was changed or deleted out of band and has been restored`,
      );
    }
    es.status.binding = { name: secretName };
    this.markDone(es, REASON_SYNCED, "secret synced", now);
    return this.requeue(es, intervalMs, now);
  }

  /** Creates or updates the target Secret when it differs from what the ExternalSecret wants. */
  private async writeSecret(
    es: ExternalSecret,
    live: LiveSecret,
    out: TemplateOutput,
    signal?: AbortSignal,
  ): Promise<void> {
    const { client, events } = this.opts;
    const namespace = es.metadata?.namespace ?? "";
    const secretName = targetSecretName(es);
    const desired = this.desired(es, live.existing, out);
    const existing = live.existing;
    if (!existing) {
      try {
        await client.create(SECRETS, desired);
      } catch (err) {
        if (!live.unverified || !isAlreadyExists(err)) throw err;
        // It exists without the managed label (not in the cache): read it and decide as for any live Secret.
        const found = await client.get<SecretObject>(SECRETS, namespace, secretName, signal);
        if (!found) throw err;
        return this.writeSecret(es, { existing: found, unverified: false }, out, signal);
      }
      events.event(es as never, "Normal", EVENT_CREATED, "secret created");
    } else if (secretNeedsWrite(existing, desired)) {
      if (immutableDataChanged(existing, desired)) {
        throw new SyncFailure(
          "could not update secret, target is immutable",
          new Error(`unable to update secret ${secretName}: secret is immutable`),
          false,
        );
      }
      await client.update(SECRETS, desired);
      events.event(es as never, "Normal", EVENT_UPDATED, "secret updated");
    }
  }

  private desired(es: ExternalSecret, existing: SecretObject | undefined, out: TemplateOutput): SecretObject {
    try {
      return desiredSecret(es, existing, out);
    } catch (err) {
      if (err instanceof SecretOwnedError) {
        throw new SyncFailure("target is owned by another ExternalSecret", err, false);
      }
      if (err instanceof SecretNotOwnedError)
        throw new SyncFailure("failed to take ownership of target secret", err, false);
      throw new SyncFailure("could not apply template", err as Error, false);
    }
  }

  /** Secrets this ExternalSecret created under a previous target name. */
  private async deleteOrphanedSecrets(es: ExternalSecret, secretName: string): Promise<void> {
    const namespace = es.metadata?.namespace ?? "";
    const owned = await this.opts.client.list<SecretObject>(
      SECRETS,
      namespace,
      `${LABEL_OWNER}=${ownerLabelValue(es)}`,
    );
    for (const s of owned) {
      if (s.metadata.name && s.metadata.name !== secretName) {
        await this.opts.client.delete(SECRETS, namespace, s.metadata.name);
        this.opts.events.event(es as never, "Normal", EVENT_DELETED, "secret deleted because it was orphaned");
      }
    }
  }
}
