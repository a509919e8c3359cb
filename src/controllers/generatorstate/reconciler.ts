/**
 * The GeneratorState controller: keeps the cleanup finalizer on every state, deletes a state once its
 * garbage-collection deadline has passed, and on deletion runs the generator's cleanup (revoke a lease,
 * a token) with the recorded manifest before letting the object go.
 */
import { resolveGenerator } from "../../generators/registry.js";
import { GENERATOR_STATE_FINALIZER, type GeneratorStateObject } from "../../generators/state/manager.js";
import { GENERATOR_STATES, isConflict, type KubeClient } from "../../kube/index.js";
import type { KubeAccess } from "../../providers/provider.js";
import type { ReconcileContext, Request, Result } from "../../runtime/controller.js";
import type { Logger } from "../../runtime/logger.js";
import { type Condition, setCondition } from "../common/conditions.js";
import { writeStatusIfChanged } from "../common/status-writer.js";

export interface GeneratorStateReconcilerOptions {
  /** May answer reads from a cache holding summaries (metadata, status, spec.garbageCollectionDeadline). */
  client: KubeClient;
  /** Reads whole GeneratorStates from the API server, before cleanup and whole-object writes (default: `client`). */
  server?: KubeClient;
  kube: KubeAccess;
  log: Logger;
  now?: () => number;
}

export class GeneratorStateReconciler {
  private readonly now: () => number;

  constructor(private readonly opts: GeneratorStateReconcilerOptions) {
    this.now = opts.now ?? Date.now;
  }

  async reconcile({ namespace, name }: Request, ctx?: Pick<ReconcileContext, "signal">): Promise<Result | undefined> {
    const signal = ctx?.signal;
    const { client } = this.opts;
    const gs = await client.get<GeneratorStateObject>(GENERATOR_STATES, namespace, name, signal);
    if (!gs) return undefined;
    const finalizers = gs.metadata.finalizers ?? [];
    if (gs.metadata.deletionTimestamp) {
      if (!finalizers.includes(GENERATOR_STATE_FINALIZER)) return undefined;
      const whole = await this.whole(namespace, name, signal);
      if (!whole?.metadata.finalizers?.includes(GENERATOR_STATE_FINALIZER)) return undefined;
      try {
        await this.cleanup(whole, signal);
      } catch (err) {
        await this.setReady(whole, "False", "Error", `could not cleanup generator state: ${(err as Error).message}`);
        throw err;
      }
      whole.metadata.finalizers = whole.metadata.finalizers.filter((f) => f !== GENERATOR_STATE_FINALIZER);
      return (await this.update(whole)) ? undefined : { requeue: true };
    }
    if (!finalizers.includes(GENERATOR_STATE_FINALIZER)) {
      const whole = await this.whole(namespace, name, signal);
      if (!whole) return undefined;
      const held = whole.metadata.finalizers ?? [];
      if (!held.includes(GENERATOR_STATE_FINALIZER)) {
        whole.metadata.finalizers = [...held, GENERATOR_STATE_FINALIZER];
        await this.update(whole);
      }
      return { requeue: true };
    }
    const deadline = gs.spec.garbageCollectionDeadline ? Date.parse(gs.spec.garbageCollectionDeadline) : Number.NaN;
    if (!Number.isNaN(deadline)) {
      const left = deadline - this.now();
      if (left <= 0) {
        await client.delete(GENERATOR_STATES, namespace, name);
        return undefined;
      }
      await this.setReady(gs, "True", "Created", "GeneratorState flagged for garbage collection");
      return { requeueAfter: left };
    }
    await this.setReady(gs, "True", "Created", "GeneratorState created");
    return undefined;
  }

  /** The whole object (recorded state and generator manifest), which a cached summary lacks. */
  private whole(namespace: string, name: string, signal?: AbortSignal): Promise<GeneratorStateObject | undefined> {
    return (this.opts.server ?? this.opts.client).get<GeneratorStateObject>(GENERATOR_STATES, namespace, name, signal);
  }

  private async cleanup(gs: GeneratorStateObject, signal?: AbortSignal): Promise<void> {
    const resource = gs.spec.resource as { kind?: unknown; spec?: Record<string, unknown> };
    const kind = resource?.kind;
    if (typeof kind !== "string") throw new Error("spec.resource.kind: is missing");
    const { generator, spec } = resolveGenerator({ ...resource, kind });
    await generator.cleanup?.(spec, gs.spec.state ?? {}, {
      kube: this.opts.kube,
      namespace: gs.metadata.namespace ?? "",
      signal,
    });
    this.opts.log.info(
      { namespace: gs.metadata.namespace, name: gs.metadata.name, kind },
      "generator state cleaned up",
    );
  }

  /** Returns false on a write conflict, so the caller can requeue. */
  private async update(gs: GeneratorStateObject): Promise<boolean> {
    try {
      await this.opts.client.update(GENERATOR_STATES, gs);
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  private async setReady(gs: GeneratorStateObject, status: "True" | "False", reason: string, message: string) {
    const conditions = setCondition(
      gs.status?.conditions as Condition[] | undefined,
      { type: "Ready", status, reason, message },
      new Date(this.now()),
    );
    const next = { ...(gs.status ?? {}), conditions };
    // A conflict leaves the next reconcile to write it.
    await writeStatusIfChanged(this.opts.client, GENERATOR_STATES, gs, next);
    gs.status = next;
  }
}
