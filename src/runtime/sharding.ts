/**
 * What shard mode changes in a ControllerSet: sharded informers cache only this replica's share (their filter asks
 * the membership), every reconcile runs only for keys this replica serves, and when a new view is adopted the
 * sharded caches relist and the keys this replica gained are queued.
 */
import { objectKey, type ResourceDescriptor, type Stored } from "../kube/index.js";
import {
  type Controller,
  parseRequestKey,
  type ReconcileContext,
  type Request,
  type Result,
  requestKey,
} from "./controller.js";
import type { Informer } from "./informer.js";
import type { ShardMembership } from "./shard-membership.js";
import type { ShardView } from "./shard-ring.js";

interface Reconciler {
  reconcile(req: Request, ctx: ReconcileContext): Promise<Result | undefined>;
}

export interface Sharding {
  membership: ShardMembership;
  /**
   * How objects of `resource` (in the informer with `labelSelector`) are split: the key an object is owned by (undefined: every replica keeps that
   * object), or no function at all when every replica caches the whole resource (stores, namespaces).
   */
  keyOf(resource: ResourceDescriptor, labelSelector?: string): ((obj: Stored) => string | undefined) | undefined;
  /**
   * Before the first reconcile of a key by `controller` since this replica gained it. Events the previous owner
   * received while handing the key over (a store change, a notification) were not acted on: a controller can
   * owe such keys a full sync here.
   */
  onGained?(controller: string, key: string): void;
}

/** The informer filter of a sharded resource. */
export function shardFilter(
  sharding: Sharding,
  resource: ResourceDescriptor,
  labelSelector?: string,
): ((obj: Stored) => boolean) | undefined {
  const keyOf = sharding.keyOf(resource, labelSelector);
  if (!keyOf) return undefined;
  const m = sharding.membership;
  return (obj) => {
    const key = keyOf(obj);
    return key === undefined || m.owns(key);
  };
}

/** Reconciles only served keys; remembers the others so a later adoption that hands them here queues them. */
export class ShardGate {
  private readonly skipped = new Map<Controller, Set<string>>();
  private readonly primaries = new Map<Controller, Informer>();
  /** Per controller, the keys it reconciled since this replica last gained them. */
  private readonly known = new Map<Controller, Set<string>>();
  private readonly membership: ShardMembership;

  constructor(private readonly sharding: Sharding) {
    this.membership = sharding.membership;
  }

  wrap(reconciler: Reconciler, controller: () => Controller): Reconciler {
    const m = this.membership;
    const setOf = (map: Map<Controller, Set<string>>, c: Controller) => {
      let set = map.get(c);
      if (!set) map.set(c, (set = new Set()));
      return set;
    };
    return {
      reconcile: async (req: Request, ctx) => {
        const key = requestKey(req);
        const c = controller();
        if (!m.serves(key)) {
          setOf(this.skipped, c).add(key);
          return undefined;
        }
        const known = setOf(this.known, c);
        if (!known.has(key)) {
          known.add(key);
          this.sharding.onGained?.(c.name, key);
        }
        return m.run(key, ctx.signal, (signal) => reconciler.reconcile(req, { ...ctx, signal }));
      },
    };
  }

  /** The informer of the kind `controller` reconciles. */
  primary(controller: Controller, informer: Informer): void {
    this.primaries.set(controller, informer);
  }

  /**
   * A new view: relist the sharded caches (other kinds first, so a sync that starts on a gained ExternalSecret
   * finds its Secret cached), then queue what this replica gained.
   */
  async adopted(informers: Informer[], prev: ShardView): Promise<void> {
    const m = this.membership;
    for (const known of this.known.values()) for (const key of known) if (!m.owns(key)) known.delete(key);
    const sharded = informers.filter((i) => i.options.filter);
    const primaries = new Set(this.primaries.values());
    await Promise.all(sharded.filter((i) => !primaries.has(i)).map((i) => i.refilter()));
    await Promise.all(sharded.filter((i) => primaries.has(i)).map((i) => i.refilter()));
    for (const [controller, informer] of this.primaries) {
      const skipped = this.skipped.get(controller);
      for (const key of skipped ?? []) if (m.serves(key)) controller.enqueue(parseRequestKey(key));
      skipped?.clear();
      // A sharded cache queues what it gained through its relist's add events; a whole one is walked here.
      if (informer.options.filter) continue;
      for (const o of informer.cache.list()) {
        const key = objectKey(o);
        if (m.serves(key) && m.ownerIn(key, prev) !== m.identity) controller.enqueue(parseRequestKey(key));
      }
    }
  }
}
