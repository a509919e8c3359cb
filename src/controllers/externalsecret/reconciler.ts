/**
 * The ExternalSecret reconciler: the sync pipeline's steps (pipeline/) glued together. plan → resolve → fetch and
 * transform (collect) → render → desired → apply → status. A provider error never touches the existing Secret;
 * the condition and a Warning event explain it.
 */

import type { ExternalSecret } from "../../api/externalsecret.js";
import type { SecretStore } from "../../api/secretstore.js";
import {
  CLUSTER_SECRET_STORES,
  CONFIGMAPS,
  EXTERNAL_SECRETS,
  type KubeClient,
  type ResourceDescriptor,
  SECRET_STORES,
  SECRETS,
} from "../../kube/index.js";
import type { ProviderServices } from "../../providers/open-client.js";
import type { KubeAccess } from "../../providers/provider.js";
import type { ReconcileContext, Request, Result } from "../../runtime/controller.js";
import { DEFAULT_RECONCILE_TIMEOUT_MS, raceAbort, startDeadline } from "../../runtime/deadline.js";
import type { Logger } from "../../runtime/logger.js";
import { type Condition, getCondition } from "../common/conditions.js";
import type { EventRecorder } from "../common/events.js";
import type { EsoMetrics } from "../common/metrics.js";
import type { RenderTemplate, TemplateSources } from "../common/secret-template.js";
import { writeStatusIfChanged } from "../common/status-writer.js";
import { type StoreSlots, storeSlotKey } from "../common/store-slots.js";
import { referencedStores, StoreClients } from "../common/stores.js";
import {
  CONDITION_READY,
  EVENT_DELETED,
  EVENT_MISSING_PROVIDER_SECRET,
  EVENT_UPDATE_FAILED,
  LABEL_OWNER,
} from "./constants.js";
import { ClusterScopedTargetError, type GenericTargets } from "./generic-targets.js";
import type { LiveSecret } from "./pipeline/apply.js";
import { collectSecretData } from "./pipeline/collect.js";
import { ownerLabelValue, targetSecretName } from "./pipeline/desired.js";
import { asError, asSyncFailure, SyncFailure } from "./pipeline/failure.js";
import { GeneratorRuns } from "./pipeline/generated.js";
import { desiredTarget, isTargetValid, manifestOf, targetNeedsWrite } from "./pipeline/generic-target.js";
import { type ForcedSyncs, nextVisit, type Plan, planSync } from "./pipeline/plan.js";
import { resolveStores, type StoreLookup } from "./pipeline/resolve.js";
import type { SecretObject } from "./pipeline/secret-object.js";
import { nextStatus } from "./pipeline/status.js";
import { heldStatus } from "./pipeline/sync-windows.js";
import {
  type Ended,
  genericTarget,
  type SecretDataChange,
  secretTarget,
  type TargetWriteContext,
  writeTarget,
} from "./target-writer.js";

export interface ExternalSecretReconcilerOptions {
  client: KubeClient;
  kube: KubeAccess;
  /** The provider registry and caches of the process. */
  providers: ProviderServices;
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
  /** Syncs owed regardless of the schedule (notifications, store changes); shared with the controller's wiring. */
  forced?: ForcedSyncs;
  /** --reconcile-timeout: bound on the provider calls (and generators) of one sync (ms, default 30 s). */
  reconcileTimeoutMs?: number;
  /** Per-store in-flight limit shared by this controller's workers (none: unlimited). */
  storeSlots?: StoreSlots;
  /** --unsafe-allow-generic-targets: spec.target.manifest kinds (absent: such ExternalSecrets fail). */
  genericTargets?: GenericTargets;
  /** Told after a sync changed a managed Secret's data (--enable-workload-rollouts). */
  onDataChanged?: (change: SecretDataChange) => void;
}

const STORE_VALIDATION_POLL_MS = 2_000;
/** How soon a sync deferred because its store is at its in-flight limit is tried again (plus jitter). */
const STORE_BUSY_RETRY_MS = 500;

type DueSync = Extract<Plan, { sync: true }>;

export class ExternalSecretReconciler {
  private readonly now: () => number;

  constructor(private readonly opts: ExternalSecretReconcilerOptions) {
    this.now = opts.now ?? Date.now;
  }

  async reconcile({ namespace, name }: Request, ctx?: Pick<ReconcileContext, "signal">): Promise<Result | undefined> {
    const signal = ctx?.signal;
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
    this.opts.metrics.syncCalls.inc({ name, namespace });
    if (es.spec.secretStoreRef?.kind === "ClusterSecretStore" && this.opts.clusterStoreEnabled === false) {
      return undefined;
    }
    const id = `${namespace}/${name}`;
    const nowMs = this.now();
    const policy = es.spec.target?.creationPolicy ?? "Owner";
    const generic = manifestOf(es) !== undefined;
    const live = generic
      ? await this.liveTarget(es, signal)
      : await this.liveSecret(namespace, targetSecretName(es), policy, signal);
    const forced = this.opts.forced?.take(id) ?? false;
    const plan = planSync({
      es,
      live: live.existing,
      nowMs,
      forced,
      defaultRefreshMs: this.opts.defaultRefreshMs,
      valid: generic ? isTargetValid(live.existing, policy) : undefined,
    });
    if (!plan.sync && plan.held) return this.hold(es, id, forced, plan.intervalMs, plan.held.untilMs, nowMs);
    if (!plan.sync) return nextVisit(es, plan.intervalMs, nowMs, this.opts.jitter);
    // A forced sync that does not complete below is still owed: its retry must not fall back to the refresh
    // schedule, which would call an unchanged ExternalSecret with a valid Secret up to date.
    const owe = () => forced && this.opts.forced?.request(id);

    const resolution = await resolveStores(es, {
      lookup: (kind, storeName) => this.getStore(kind, storeName, namespace),
      controllerClass: this.opts.controllerClass,
      floodGate: this.opts.floodGate !== false,
      nowMs,
    });
    if (resolution.kind === "unmanaged") return undefined;
    if (resolution.kind === "validating") {
      owe();
      return { requeueAfter: STORE_VALIDATION_POLL_MS };
    }

    // Deferred without taking a worker's time: the store is busy with as many syncs as one store may run.
    const slotKeys = referencedStores(es.spec).map((r) => storeSlotKey(r.kind, r.name, namespace));
    const release = this.opts.storeSlots ? this.opts.storeSlots.tryAcquire(slotKeys, id) : () => {};
    if (!release) {
      owe();
      return { requeueAfter: STORE_BUSY_RETRY_MS + Math.random() * STORE_BUSY_RETRY_MS, deferred: true };
    }
    let ended: Ended;
    try {
      ended = await this.syncAndRecord(es, live, plan, resolution.lookup, nowMs, signal);
    } finally {
      release();
    }
    if (ended.failure) owe();
    return this.finish(es, ended, nowMs);
  }

  /**
   * spec.syncWindows holds a due refresh: say so in the status, keep any forced sync owed, and come back when a
   * window lets it run (or after one interval when none opens within the search horizon).
   */
  private async hold(
    es: ExternalSecret,
    id: string,
    forced: boolean,
    intervalMs: number,
    untilMs: number | undefined,
    nowMs: number,
  ): Promise<Result | undefined> {
    if (forced) this.opts.forced?.request(id);
    const write = await writeStatusIfChanged(this.opts.client, EXTERNAL_SECRETS, es, heldStatus(es, untilMs, nowMs));
    if (write === "conflict") return { requeue: true };
    const after = untilMs === undefined ? (intervalMs > 0 ? intervalMs : 3600_000) : untilMs - nowMs;
    return { requeueAfter: Math.max(1, after) };
  }

  /** Writes the status the outcome calls for (only when it changed), then says when to come back. */
  private async finish(es: ExternalSecret, ended: Ended, nowMs: number): Promise<Result | undefined> {
    const status = nextStatus(es, ended.outcome, nowMs);
    this.recordCondition(es, status.conditions as Condition[] | undefined);
    const write = await writeStatusIfChanged(this.opts.client, EXTERNAL_SECRETS, es, status);
    if (write === "conflict") return { requeue: true };
    if (ended.failure?.retry) throw ended.failure;
    return ended.next;
  }

  private getStore(kind: string, name: string, namespace: string): Promise<SecretStore | undefined> {
    return kind === "ClusterSecretStore"
      ? this.opts.client.get<SecretStore>(CLUSTER_SECRET_STORES, "", name)
      : this.opts.client.get<SecretStore>(SECRET_STORES, namespace, name);
  }

  /** Runs the sync, and turns a failure into its outcome, event, log line and metrics. */
  private async syncAndRecord(
    es: ExternalSecret,
    live: LiveSecret,
    plan: DueSync,
    lookup: StoreLookup,
    nowMs: number,
    signal?: AbortSignal,
  ): Promise<Ended> {
    const namespace = es.metadata?.namespace ?? "";
    const name = es.metadata?.name ?? "";
    const started = performance.now();
    let ended: Ended;
    try {
      ended = await this.sync(es, live, plan, lookup, nowMs, signal);
    } catch (err) {
      const failure = asSyncFailure(err);
      this.opts.metrics.syncCallsError.inc({ name, namespace });
      this.opts.events.event(es, "Warning", EVENT_UPDATE_FAILED, failure.message);
      this.opts.log.warn(
        { namespace, name, reason: failure.summary, error: failure.underlying.message },
        "sync failed",
      );
      const next = failure.retry ? undefined : nextVisit(es, plan.intervalMs, nowMs, this.opts.jitter);
      ended = { outcome: { kind: "failed", message: failure.message }, next, failure };
    }
    const seconds = (performance.now() - started) / 1000;
    const store = es.spec.secretStoreRef?.name ?? "";
    this.opts.metrics.recordSync(name, namespace, store, ended.failure ? "error" : "success", seconds);
    return ended;
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

  /**
   * The live generic target (spec.target.manifest), read from the server: a Merge target is someone else's object
   * and carries no managed label. Records the resource serving its kind, or why it cannot be written.
   */
  private async liveTarget(es: ExternalSecret, signal?: AbortSignal): Promise<LiveSecret> {
    const manifest = manifestOf(es)!;
    const targets = this.opts.genericTargets;
    if (!targets) {
      const refused = "generic targets are disabled. Enable with --unsafe-allow-generic-targets flag";
      return { existing: undefined, unverified: false, generic: { refused } };
    }
    let resource: ResourceDescriptor | undefined;
    try {
      resource = await targets.resource(manifest.apiVersion, manifest.kind);
    } catch (err) {
      if (!(err instanceof ClusterScopedTargetError)) throw err;
      return { existing: undefined, unverified: false, generic: { refused: err.message } };
    }
    if (!resource) {
      const refused = `no resource serves kind ${manifest.kind} in ${manifest.apiVersion}`;
      return { existing: undefined, unverified: false, generic: { refused } };
    }
    targets.watch(resource);
    const existing = await this.opts.client.get<SecretObject>(
      resource,
      es.metadata?.namespace ?? "",
      targetSecretName(es),
      signal,
    );
    return { existing, unverified: false, generic: { resource } };
  }

  private recordCondition(es: ExternalSecret, conditions: Condition[] | undefined): void {
    const ready = getCondition(conditions, CONDITION_READY);
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

  /** Fetches and transforms every source under one deadline. */
  private async collect(
    es: ExternalSecret,
    plan: DueSync,
    lookup: StoreLookup,
    generators: GeneratorRuns,
    signal?: AbortSignal,
  ): Promise<{ data: Record<string, Buffer>; missing: string[] }> {
    // Every provider call and generator of this sync runs under one deadline; past it the sync fails at once
    // (in-flight requests aborted) and the worker moves on.
    const deadline = startDeadline(this.opts.reconcileTimeoutMs ?? DEFAULT_RECONCILE_TIMEOUT_MS, signal);
    const stores = new StoreClients(
      {
        client: this.opts.client,
        kube: this.opts.kube,
        providers: this.opts.providers,
        controllerClass: this.opts.controllerClass,
        clusterStoreEnabled: this.opts.clusterStoreEnabled !== false,
        floodGate: this.opts.floodGate !== false,
        signal: deadline.signal,
        deadline: deadline.at,
        metrics: this.opts.metrics,
        fresh: plan.fresh,
        lookup,
      },
      es.metadata?.namespace ?? "",
    );
    const sources = {
      client: (ref: Parameters<StoreClients["get"]>[0]) => stores.get(ref ?? es.spec.secretStoreRef),
      generate: (ref: Parameters<GeneratorRuns["generate"]>[0]) => generators.generate(ref, deadline.signal),
    };
    try {
      return await raceAbort(collectSecretData(es, sources, this.opts.render), deadline.signal);
    } catch (err) {
      throw new SyncFailure("could not get secret data from provider", asError(err), true);
    } finally {
      const closing = stores.close();
      // A client still being built past the deadline may never settle: do not wait for it.
      if (deadline.signal.aborted) closing.catch(() => {});
      else await closing;
      deadline.clear();
    }
  }

  private async sync(
    es: ExternalSecret,
    live: LiveSecret,
    plan: DueSync,
    lookup: StoreLookup,
    nowMs: number,
    signal?: AbortSignal,
  ): Promise<Ended> {
    const { events } = this.opts;
    const generators = new GeneratorRuns(this.opts.client, this.opts.kube, es, this.opts.controllerClass);
    let ended: Ended;
    try {
      const collected = await this.collect(es, plan, lookup, generators, signal);
      for (const note of collected.missing) events.event(es, "Normal", EVENT_MISSING_PROVIDER_SECRET, note);
      ended = await this.writeTarget(es, live, plan, collected.data, nowMs, signal);
    } catch (err) {
      await generators.settle(false, this.opts.log);
      throw err;
    }
    await generators.settle(true, this.opts.log);
    return ended;
  }

  /** The policy branch the data calls for, then render → desired → apply, on a Secret or a generic target. */
  private writeTarget(
    es: ExternalSecret,
    live: LiveSecret,
    plan: DueSync,
    data: Record<string, Buffer>,
    nowMs: number,
    signal?: AbortSignal,
  ): Promise<Ended> {
    const namespace = es.metadata?.namespace ?? "";
    const name = targetSecretName(es);
    const ctx: TargetWriteContext = {
      es,
      live,
      data,
      intervalMs: plan.intervalMs,
      drift: plan.drift,
      nowMs,
      jitter: this.opts.jitter,
      client: this.opts.client,
      events: this.opts.events,
      metrics: this.opts.metrics,
      render: this.opts.render,
      templateSources: this.templateSources(namespace),
      signal,
      onDataChanged: this.opts.onDataChanged,
    };
    if (live.generic) {
      const resource = live.generic.resource;
      if (!resource) {
        const why = new Error(live.generic.refused ?? "unknown kind");
        return Promise.reject(new SyncFailure("could not write target", why, false));
      }
      return writeTarget(ctx, genericTarget(name, resource, desiredTarget, targetNeedsWrite));
    }
    const target = secretTarget(name, SECRETS);
    if ((es.spec.target?.creationPolicy ?? "Owner") === "Owner") {
      target.beforeWrite = () => this.deleteOrphanedSecrets(es, name);
    }
    return writeTarget(ctx, target);
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
        this.opts.events.event(es, "Normal", EVENT_DELETED, "secret deleted because it was orphaned");
      }
    }
  }
}
