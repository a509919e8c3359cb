/**
 * Declarative controller setup, as controller-runtime's builder: a controller reconciles one kind (`for`), is
 * triggered by objects it `owns` (through their owner references) and by other objects it `watches` (through a
 * map function), with predicates on updates. The set owns the informers: one per resource and scope, shared by
 * every controller that asks for the same one, started and stopped together.
 */
import type { KubeClient, KubeObject, ResourceDescriptor, Stored } from "../kube/index.js";
import type { IndexFunc } from "./cache.js";
import type { Clock } from "./clock.js";
import { Controller, type ReconcileContext, type Request, type Result } from "./controller.js";
import { Informer, type InformerOptions } from "./informer.js";
import { type Logger, silentLogger } from "./logger.js";
import type { RuntimeMetrics } from "./metrics.js";
import { ShardGate, type Sharding, shardFilter } from "./sharding.js";

/** Every reconciler's one signature. */
export interface Reconciler {
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | undefined>;
}

export type UpdatePredicate = (before: Stored, after: Stored) => boolean;

/** Which informer: the resource, and optionally a namespace, a label selector and a cached shape. */
export interface InformerScope {
  namespace?: string;
  labelSelector?: string;
  /** A named transform applied before caching (e.g. "metadata" for metadata-only caches). */
  shape?: { name: string; transform: (obj: Stored) => Stored };
  /** Extra indexes on this informer's cache (added once; a second registration under a name is ignored). */
  indexers?: Record<string, IndexFunc>;
}

export interface ControllerSetOptions {
  client: KubeClient;
  logger?: Logger;
  metrics?: RuntimeMetrics;
  /** Workers per controller (--concurrent). */
  concurrency?: number;
  clock?: Clock;
  /** Shard mode: sharded informers cache this replica's share, reconciles run only for keys it serves. */
  sharding?: Sharding;
}

export function requestOf(obj: Stored): Request {
  return { namespace: obj.metadata.namespace ?? "", name: obj.metadata.name };
}

export class ControllerSet {
  readonly controllers: Controller[] = [];
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private readonly stops: (() => Promise<void>)[] = [];
  private readonly log: Logger;
  private readonly gate?: ShardGate;

  constructor(private readonly opts: ControllerSetOptions) {
    this.log = opts.logger ?? silentLogger();
    const sharding = opts.sharding;
    if (sharding) {
      const gate = new ShardGate(sharding);
      this.gate = gate;
      sharding.membership.onAdopt((_next, prev) => gate.adopted([...this.informers.values()], prev));
    }
  }

  get concurrency(): number {
    return this.opts.concurrency ?? 1;
  }

  get logger(): Logger {
    return this.log;
  }

  /** The shared informer of this resource and scope (created on first use). */
  informer(resource: ResourceDescriptor, scope: InformerScope = {}): Informer<KubeObject> {
    const key = [
      resource.group,
      resource.plural,
      scope.namespace ?? "",
      scope.labelSelector ?? "",
      scope.shape?.name ?? "",
    ].join("|");
    let informer = this.informers.get(key);
    if (!informer) {
      const options: InformerOptions<KubeObject> = {
        namespace: resource.namespaced ? scope.namespace : undefined,
        labelSelector: scope.labelSelector,
        transform: scope.shape?.transform,
        filter: this.opts.sharding ? shardFilter(this.opts.sharding, resource, scope.labelSelector) : undefined,
        logger: this.log,
        clock: this.opts.clock,
      };
      informer = new Informer<KubeObject>(this.opts.client, resource, options);
      this.informers.set(key, informer);
    }
    for (const [name, fn] of Object.entries(scope.indexers ?? {})) {
      if (!informer.cache.hasIndex(name)) informer.cache.addIndexer(name, fn);
    }
    return informer;
  }

  /** Starts building a controller named `name`. */
  controller(name: string): ControllerBuilder {
    return new ControllerBuilder(this, name);
  }

  /** @internal the builder's registration */
  add(controller: Controller, primary?: Informer<KubeObject>): void {
    this.controllers.push(controller);
    if (primary) this.gate?.primary(controller, primary);
  }

  /** Something else to stop with the set (e.g. watches a controller starts lazily). */
  onStop(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  get allInformers(): Informer<KubeObject>[] {
    return [...this.informers.values()];
  }

  startInformers(): void {
    for (const i of this.informers.values()) i.start();
  }

  startControllers(): void {
    for (const c of this.controllers) c.start();
  }

  async synced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    await Promise.all(this.stops.map((stop) => stop()));
    await Promise.all(this.controllers.map((c) => c.stop(10_000)));
  }

  /** @internal */
  newController(name: string, reconciler: Reconciler, concurrency?: number): Controller {
    const r = this.gate ? this.gate.wrap(reconciler, () => controller) : reconciler;
    const controller: Controller = new Controller({
      name,
      concurrency: concurrency ?? this.concurrency,
      logger: this.log,
      metrics: this.opts.metrics,
      clock: this.opts.clock,
      reconcile: (req, ctx) => r.reconcile(req, ctx),
    });
    return controller;
  }
}

export interface ForOptions extends InformerScope {
  /** Which updates reconcile (default: every update). */
  predicate?: UpdatePredicate;
  /** What a deletion does instead of a reconcile (e.g. forget the object's metrics). */
  onDelete?: (obj: Stored) => void;
}

export interface WatchOptions {
  /** The requests an event on this object maps to. */
  map: (obj: Stored, event: "add" | "update" | "delete", before?: Stored) => Request[];
  /** Which updates count (default: every update). */
  predicate?: UpdatePredicate;
  /** Events to react to (default: all three). */
  events?: ("add" | "update" | "delete")[];
  /** Shard mode: deletes of objects in other replicas' shares count too (an owner here may be theirs). */
  outsideDeletes?: boolean;
}

type Wiring = (controller: Controller) => void;

export class ControllerBuilder {
  private primary?: Informer<KubeObject>;
  private readonly wirings: Wiring[] = [];
  private concurrency?: number;

  constructor(
    private readonly set: ControllerSet,
    private readonly name: string,
  ) {}

  /** The kind this controller reconciles: every object in the cache is reconciled whenever the controller starts. */
  for(resource: ResourceDescriptor, opts: ForOptions = {}): this {
    const informer = this.set.informer(resource, opts);
    this.primary = informer;
    this.wirings.push((controller) => {
      controller.onStarted(() => {
        for (const o of informer.cache.list()) controller.enqueue(requestOf(o));
      });
      informer.addHandler({
        add: (o) => controller.enqueue(requestOf(o)),
        update: (a, b) => {
          if (!opts.predicate || opts.predicate(a, b)) controller.enqueue(requestOf(b));
        },
        delete: (o) => (opts.onDelete ? opts.onDelete(o) : controller.enqueue(requestOf(o))),
      });
    });
    return this;
  }

  /** The `for` kind's informer (after `for`), for indexes and lookups in watches. */
  get forInformer(): Informer<KubeObject> {
    if (!this.primary) throw new Error(`controller ${this.name}: for() must come first`);
    return this.primary;
  }

  /** Objects of `resource` with an owner reference to an object of the `for` kind: their events reconcile it. */
  owns(resource: ResourceDescriptor, scope: InformerScope & { events?: WatchOptions["events"] } = {}): this {
    const owner = this.forInformer.resource;
    const ownedBy = (apiVersion: string, kind: string) =>
      kind === owner.kind && apiVersion.startsWith(owner.group ? `${owner.group}/` : "v1");
    return this.watches(this.set.informer(resource, scope), {
      events: scope.events,
      outsideDeletes: true,
      map: (o) =>
        (o.metadata.ownerReferences ?? [])
          .filter((r) => ownedBy(r.apiVersion, r.kind))
          .map((r) => ({ namespace: owner.namespaced ? (o.metadata.namespace ?? "") : "", name: r.name })),
    });
  }

  /** Another informer's events, mapped to requests of this controller. */
  watches(source: Informer<KubeObject>, opts: WatchOptions): this {
    const on = new Set(opts.events ?? ["add", "update", "delete"]);
    this.wirings.push((controller) => {
      const enqueue = (reqs: Request[]) => {
        for (const r of reqs) controller.enqueue(r);
      };
      source.addHandler(
        {
          add: on.has("add") ? (o) => enqueue(opts.map(o, "add")) : undefined,
          update: on.has("update")
            ? (a, b) => {
                if (!opts.predicate || opts.predicate(a, b)) enqueue(opts.map(b, "update", a));
              }
            : undefined,
          delete: on.has("delete") ? (o) => enqueue(opts.map(o, "delete")) : undefined,
          deleteOutside: on.has("delete") && opts.outsideDeletes ? (o) => enqueue(opts.map(o, "delete")) : undefined,
        },
        false,
      );
    });
    return this;
  }

  withConcurrency(n: number): this {
    this.concurrency = n;
    return this;
  }

  /** Builds the controller and wires its triggers. */
  complete(reconciler: Reconciler): Controller {
    const controller = this.set.newController(this.name, reconciler, this.concurrency);
    for (const wire of this.wirings) wire(controller);
    this.set.add(controller, this.primary);
    return controller;
  }
}
