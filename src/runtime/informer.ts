/**
 * An informer keeps an indexed cache of one resource in sync with the API server: list, then watch from the
 * list's resourceVersion (with bookmarks), resume from the last seen resourceVersion when a watch ends or breaks,
 * relist on 410 Gone, and optionally replay every cached object as an update every resync period.
 *
 * A label selector (e.g. managed Secrets only) is sent with both list and watch, so unrelated objects never
 * reach this process. Handlers run synchronously in event order; a throwing handler is logged and ignored.
 * Cached objects are shared: treat them as read-only.
 */

import {
  ApiError,
  apiVersionOf,
  isGone,
  type KubeClient,
  type KubeObject,
  type ListMeta,
  type ListOptions,
  objectKey,
  type Query,
  type ResourceDescriptor,
  type Stored,
  type WatchEvent,
} from "../kube/index.js";
import { Indexer, type IndexFunc } from "./cache.js";
import { type Clock, realClock, sleep } from "./clock.js";
import { type Logger, silentLogger } from "./logger.js";

export interface EventHandler<T extends KubeObject = KubeObject> {
  add?(obj: Stored<T>): void;
  update?(oldObj: Stored<T>, newObj: Stored<T>): void;
  delete?(obj: Stored<T>): void;
  /**
   * Shard mode: an object outside this cache's filter (another replica's share) was deleted. An owner this replica
   * serves may need to know (a ClusterExternalSecret re-creates its deleted ExternalSecret).
   */
  deleteOutside?(obj: Stored<T>): void;
}

export interface InformerOptions<T extends KubeObject = KubeObject> {
  /** Watch one namespace only (namespaced resources). */
  namespace?: string;
  /** Server-side label filter for list and watch. */
  labelSelector?: string;
  fieldSelector?: string;
  /** Custom indexes on top of the built-in "namespace" index. */
  indexers?: Record<string, IndexFunc<T>>;
  /** Replays every cached object as an update this often (ms); 0/undefined disables. */
  resyncPeriodMs?: number;
  /** List page size (default 500). */
  pageSize?: number;
  /** Applied to every object before caching (e.g. drop fields to cache metadata only). */
  transform?: (obj: Stored<T>) => Stored<T>;
  /**
   * Objects it rejects are not cached (shard mode: another replica's share). Dropping is silent, not a delete
   * event: the object still exists. After the answer changes, `refilter()` relists.
   */
  filter?: (obj: Stored<T>) => boolean;
  /** Server-side watch timeout; default random 5-10 min like client-go's reflector. */
  watchTimeoutSeconds?: number;
  logger?: Logger;
  clock?: Clock;
}

const FIRST_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;
/** A list/watch that ran this long before failing resets the retry backoff (client-go: 2 minutes). */
export const BACKOFF_RESET_MS = 120_000;

export class Informer<T extends KubeObject = KubeObject> {
  readonly resource: ResourceDescriptor;
  readonly cache: Indexer<T>;
  readonly options: InformerOptions<T>;
  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly clock: Clock;
  private handlers: EventHandler<T>[] = [];
  private rv: string | undefined;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private abort = new AbortController();
  private running?: Promise<void>;
  private resyncTimer?: ReturnType<typeof setInterval>;
  private currentWatch?: AbortController;
  /** Bumped by refilter(); a relist started under an older generation must run again. */
  private filterGeneration = 0;
  private refilterWaiters: { generation: number; resolve: () => void }[] = [];
  /** Counters for observability and tests. */
  readonly stats = { lists: 0, watches: 0, relistsAfterGone: 0, events: 0 };
  /** Query of the most recent list and watch requests. */
  lastListQuery?: Query;
  lastWatchQuery?: Query;

  constructor(client: KubeClient, resource: ResourceDescriptor, options: InformerOptions<T> = {}) {
    this.client = client;
    this.resource = resource;
    this.options = options;
    this.cache = new Indexer<T>(options.indexers);
    this.clock = options.clock ?? realClock;
    this.log = (options.logger ?? silentLogger()).child({
      informer: resource.plural,
      ...(options.namespace ? { namespace: options.namespace } : {}),
    });
  }

  /** resourceVersion the informer will resume from. */
  get lastResourceVersion(): string | undefined {
    return this.rv;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /**
   * Registers a handler. With `replay` (default, as client-go) it first gets an `add` for every cached object.
   * Returns a function that removes it.
   */
  addHandler(handler: EventHandler<T>, replay = true): () => void {
    this.handlers.push(handler);
    if (replay) for (const obj of this.cache.list()) this.call(handler, "add", obj);
    return () => {
      this.handlers = this.handlers.filter((h) => h !== handler);
    };
  }

  /** Starts list+watch in the background (idempotent). */
  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.loop(this.abort.signal);
    const period = this.options.resyncPeriodMs;
    if (period && period > 0) {
      this.resyncTimer = setInterval(() => this.resync(), period);
      this.resyncTimer.unref?.();
    }
  }

  /** Stops watching; the cache keeps its last content. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.abort.abort();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.resyncTimer = undefined;
    await this.running;
    this.running = undefined;
    for (const w of this.syncWaiters.splice(0)) w();
    for (const w of this.refilterWaiters.splice(0)) w.resolve();
  }

  /**
   * The filter's answers changed: relist now, caching what it accepts and silently dropping what it no longer
   * does. Resolves once a relist that started after this call has been applied (or the informer stops).
   */
  refilter(): Promise<void> {
    if (!this.running) return Promise.resolve();
    const generation = ++this.filterGeneration;
    this.rv = undefined;
    this.currentWatch?.abort();
    return new Promise((resolve) => this.refilterWaiters.push({ generation, resolve }));
  }

  /** Resolves once the first list has been applied (or the informer stops). */
  waitForSync(): Promise<void> {
    if (this.synced || !this.running) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Emits an update (old === new) for every cached object. */
  resync(): void {
    for (const obj of this.cache.list()) this.emit("update", obj, obj);
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let backoff = 0;
    while (!signal.aborted) {
      const started = this.clock.now();
      try {
        if (this.rv === undefined && !(await this.relist(signal))) continue;
        const delivered = await this.watchOnce(signal);
        if (!delivered) await this.pause(signal, 100);
        backoff = 0;
      } catch (e) {
        if (signal.aborted) break;
        if (this.rv === undefined && this.options.filter) continue; // refilter() cut the watch
        if (isGone(e)) {
          this.stats.relistsAfterGone++;
          this.log.info({ resourceVersion: this.rv }, "resourceVersion expired; relisting");
          this.rv = undefined;
          continue;
        }
        // As client-go's backoff manager: a list/watch that worked for a while before it broke starts over at the
        // first step, so a long-lived watch that drops now and then is not retried ever more slowly.
        if (this.clock.now() - started >= BACKOFF_RESET_MS) backoff = 0;
        backoff = backoff ? Math.min(backoff * 2, MAX_BACKOFF_MS) : FIRST_BACKOFF_MS;
        this.log.warn({ err: e, retryInMs: backoff }, "list/watch failed");
        await this.pause(signal, backoff);
      }
    }
  }

  private pause(signal: AbortSignal, ms: number): Promise<void> {
    return sleep(this.clock, ms, signal).catch(() => {});
  }

  /** Lists and applies the result; false when it must run again (stopped, or refiltered meanwhile). */
  private async relist(signal: AbortSignal): Promise<boolean> {
    const query = {
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
    };
    this.lastListQuery = query;
    this.stats.lists++;
    const kind = this.resource.kind;
    const apiVersion = apiVersionOf(this.resource);
    // List items carry no kind/apiVersion; fill them so handlers see complete objects. The transform (and the filter)
    // run per page, so neither a metadata-only nor a sharded informer ever holds a whole list of full objects.
    const generation = this.filterGeneration;
    const filter = this.options.filter;
    const prepare = (raw: Stored<T>) =>
      this.prepare({ ...raw, kind: raw.kind ?? kind, apiVersion: raw.apiVersion ?? apiVersion });
    const listOptions = { ...query, namespace: this.options.namespace, limit: this.options.pageSize ?? 500, signal };
    const { items, metadata } = filter
      ? await this.listFiltered(listOptions, prepare, filter, signal)
      : await this.client.listAll<T>(this.resource, listOptions, prepare);
    if (signal.aborted) return false;
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.cache.get(key);
      if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) continue;
      this.cache.upsert(obj);
      if (old) this.emit("update", old, obj);
      else this.emit("add", obj);
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const old = this.cache.delete(key);
      // Gone from the server, or only out of this replica's share (still on the server): then drop it silently.
      if (old && (!filter || filter(old))) this.emit("delete", old);
    }
    if (generation !== this.filterGeneration) return false; // refiltered meanwhile: list again
    this.rv = metadata.resourceVersion;
    for (const w of this.refilterWaiters.filter((x) => x.generation <= generation)) w.resolve();
    this.refilterWaiters = this.refilterWaiters.filter((x) => x.generation > generation);
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    return true;
  }

  /** Lists page by page, keeping only what `filter` accepts, so the rejected share is never held all at once. */
  private async listFiltered(
    opts: ListOptions,
    prepare: (raw: Stored<T>) => Stored<T>,
    filter: (obj: Stored<T>) => boolean,
    signal: AbortSignal,
  ): Promise<{ items: Stored<T>[]; metadata: ListMeta }> {
    const items: Stored<T>[] = [];
    let metadata: ListMeta = {};
    let cont: string | undefined;
    do {
      const page = await this.client.listPage<T>(this.resource, { ...opts, continue: cont });
      for (const raw of page.items ?? []) {
        const obj = prepare(raw);
        if (filter(obj)) items.push(obj);
      }
      metadata = page.metadata ?? {};
      cont = metadata.continue || undefined;
    } while (cont && !signal.aborted);
    return { items, metadata };
  }

  /** One watch request; resolves true if it delivered any event. Throws ApiError (410 → relist). */
  private async watchOnce(signal: AbortSignal): Promise<boolean> {
    const local = new AbortController();
    this.currentWatch = local;
    const onAbort = () => local.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    let failure: ApiError | undefined;
    let delivered = false;
    const query: Query = {
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      resourceVersion: this.rv,
      allowWatchBookmarks: true,
      timeoutSeconds: this.options.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300),
    };
    this.lastWatchQuery = query;
    this.stats.watches++;
    try {
      await this.client.watch<T>(
        this.resource,
        { ...query, namespace: this.options.namespace, signal: local.signal },
        (ev) => {
          if (failure || local.signal.aborted) return;
          delivered = true;
          failure = this.apply(ev);
          if (failure) local.abort();
        },
      );
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    if (failure) throw failure;
    return delivered;
  }

  /** Applies one watch event to the cache; returns an error for ERROR events. */
  private apply(ev: WatchEvent<Stored<T>>): ApiError | undefined {
    this.stats.events++;
    switch (ev.type) {
      case "ADDED":
      case "MODIFIED": {
        const obj = this.prepare(ev.object);
        if (this.options.filter && !this.options.filter(obj)) {
          this.cache.delete(objectKey(obj));
          this.rv = obj.metadata.resourceVersion ?? this.rv;
          return undefined;
        }
        const old = this.cache.upsert(obj);
        this.rv = obj.metadata.resourceVersion ?? this.rv;
        if (old) this.emit("update", old, obj);
        else this.emit("add", obj);
        return undefined;
      }
      case "DELETED": {
        const obj = this.prepare(ev.object);
        const old = this.cache.delete(objectKey(obj));
        this.rv = obj.metadata.resourceVersion ?? this.rv;
        if (old || !this.options.filter || this.options.filter(obj)) this.emit("delete", old ?? obj);
        else for (const h of this.handlers) this.call(h, "deleteOutside", obj);
        return undefined;
      }
      case "BOOKMARK":
        this.rv = ev.object.metadata?.resourceVersion ?? this.rv;
        return undefined;
      case "ERROR": {
        const status = ev.object;
        return new ApiError(status.code ?? 500, status.message ?? "watch error", status.reason);
      }
      default:
        return undefined;
    }
  }

  private prepare(obj: Stored<T>): Stored<T> {
    // As controller-runtime's default transform: managedFields are the API server's write bookkeeping, often
    // larger than the object itself, and no reconciler reads them (an update without them keeps them).
    if (obj.metadata?.managedFields !== undefined) delete obj.metadata.managedFields;
    const t = this.options.transform;
    return t ? t(obj) : obj;
  }

  private emit(type: "add" | "update" | "delete", a: Stored<T>, b?: Stored<T>): void {
    for (const h of this.handlers) this.call(h, type, a, b);
  }

  private call(
    h: EventHandler<T>,
    type: "add" | "update" | "delete" | "deleteOutside",
    a: Stored<T>,
    b?: Stored<T>,
  ): void {
    try {
      if (type === "add") h.add?.(a);
      else if (type === "update") h.update?.(a, b!);
      else if (type === "delete") h.delete?.(a);
      else h.deleteOutside?.(a);
    } catch (err) {
      this.log.error({ err, event: type }, "event handler failed");
    }
  }
}
