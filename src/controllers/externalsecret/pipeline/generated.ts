/**
 * Generator runs of one sync, settled when the sync ends, as upstream's state manager: values that need cleanup
 * are recorded as GeneratorStates (older ones get a GC deadline) once the sync succeeded, and cleaned up at once
 * when it failed (nothing was written from them).
 */
import type { ExternalSecret, GeneratorRef } from "../../../api/externalsecret.js";
import { type LoadedGenerator, loadGenerator } from "../../../generators/resolve.js";
import { GeneratorStateManager } from "../../../generators/state/manager.js";
import type { KubeClient } from "../../../kube/index.js";
import type { KubeAccess } from "../../../providers/provider.js";
import type { Logger } from "../../../runtime/logger.js";

interface GeneratorRun {
  key: string;
  loaded: LoadedGenerator;
  state: Record<string, unknown>;
}

export class GeneratorRuns {
  private readonly stateful: GeneratorRun[] = [];

  constructor(
    private readonly client: KubeClient,
    private readonly kube: KubeAccess,
    private readonly es: ExternalSecret,
    private readonly controllerClass?: string,
  ) {}

  private get namespace(): string {
    return this.es.metadata?.namespace ?? "";
  }

  async generate(ref: GeneratorRef, signal?: AbortSignal): Promise<Record<string, Buffer>> {
    const loaded = await loadGenerator(this.client, ref, this.namespace, "sourceRef.generatorRef", signal);
    const out = await loaded.generator.generate(loaded.spec, {
      kube: this.kube,
      namespace: this.namespace,
      controllerClass: this.controllerClass,
      signal,
    });
    if (out.state) this.stateful.push({ key: `${ref.kind}-${ref.name}`, loaded, state: out.state });
    return out.data;
  }

  async settle(succeeded: boolean, log: Logger): Promise<void> {
    if (this.stateful.length === 0) return;
    const states = new GeneratorStateManager(this.client, this.es);
    if (!succeeded) {
      const ctx = { kube: this.kube, namespace: this.namespace };
      for (const g of this.stateful) await states.discard(g.key, g.loaded, g.state, ctx).catch(() => {});
      return;
    }
    try {
      const keep = new Map<string, string[]>();
      for (const g of this.stateful)
        keep.set(g.key, [...(keep.get(g.key) ?? []), await states.record(g.key, g.loaded, g.state)]);
      for (const [key, names] of keep) await states.flagSuperseded(key, names);
    } catch (err) {
      log.warn(
        { namespace: this.namespace, name: this.es.metadata?.name, error: (err as Error).message },
        "could not record generator state",
      );
    }
  }
}
