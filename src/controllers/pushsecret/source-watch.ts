/**
 * Watches only the Secrets that PushSecrets read, so memory does not grow with unrelated Secrets.
 *
 * Per namespace, the PushSecrets there decide what is watched: a source named in selector.secret.name gets a
 * watch with fieldSelector metadata.name=<name>, a selector.secret.selector a watch with that label selector.
 * Past a few distinct sources (or for a selector matching everything) one namespace-wide watch replaces them,
 * and past MAX_WATCHES in all one watch over the controllers' whole scope replaces every other one.
 * Informers start when the first PushSecret needs them and stop when the last one goes: with no PushSecret,
 * no Secret is listed or watched here at all. Cached Secrets keep only name, namespace, resourceVersion and
 * labels (annotations such as last-applied-configuration can hold the whole Secret), and lists are paged small
 * and trimmed page by page, so a list holds at most one page of Secret data at a time.
 */
import type { PushSecret } from "../../api/pushsecret.js";
import { type KubeClient, type KubeObject, SECRETS, type Stored } from "../../kube/index.js";
import { type EventHandler, Informer } from "../../runtime/informer.js";
import type { Logger } from "../../runtime/logger.js";
import { selectorToQuery } from "./selector.js";

/** Above this many distinct sources in one namespace, one namespace-wide watch is cheaper than many. */
export const MAX_WATCHES_PER_NAMESPACE = 8;
/**
 * Above this many watches in all, one watch over the whole scope replaces them: every watch holds a socket
 * of the shared client (256 at most), which the rest of the controllers need too.
 */
export const MAX_WATCHES = 32;
/** List page size: bounds what one list response holds before trimming. */
const SOURCE_PAGE_SIZE = 50;

const ALL = "all";

export interface SourceWatchOptions {
  client: KubeClient;
  logger?: Logger;
  /** Called for every add/update/delete of a watched Secret (metadata only). */
  handler: EventHandler<KubeObject>;
  /** The controllers' --namespace, if any: the scope of the wide watch. */
  namespace?: string;
}

/** What one PushSecret needs watched: "name:<n>", "labels:<query>", ALL, or nothing (generator source). */
function watchKeyOf(ps: PushSecret): string | undefined {
  const sel = ps.spec?.selector?.secret;
  if (!sel) return undefined;
  if (sel.name) return `name:${sel.name}`;
  if (!sel.selector) return undefined;
  try {
    const query = selectorToQuery(sel.selector, "spec.selector.secret.selector");
    return query ? `labels:${query}` : ALL;
  } catch {
    // An invalid selector fails the PushSecret's reconcile with a clear error; nothing to watch.
    return undefined;
  }
}

function trimmed(s: Stored): Stored {
  const m = s.metadata;
  return {
    apiVersion: s.apiVersion,
    kind: s.kind,
    metadata: { name: m.name, namespace: m.namespace, resourceVersion: m.resourceVersion, labels: m.labels },
  };
}

/** Watch key -> how many PushSecrets of one namespace need it. */
type NamespaceWants = Map<string, number>;

const effective = (w: NamespaceWants | undefined): string[] => {
  if (!w || w.size === 0) return [];
  return w.has(ALL) || w.size > MAX_WATCHES_PER_NAMESPACE ? [ALL] : [...w.keys()];
};

export class SourceSecretWatch {
  /** PushSecret key -> watch key. */
  private readonly wants = new Map<string, string>();
  private readonly byNamespace = new Map<string, NamespaceWants>();
  /** Sum of the namespaces' effective watch counts. */
  private total = 0;
  /** One watch over the whole scope instead of per-namespace ones (too many namespaces/sources). */
  private wide = false;
  /** "namespace\twatch key" -> running informer. */
  private readonly running = new Map<string, Informer<KubeObject>>();
  private stopped = false;
  private readonly stopping = new Set<Promise<void>>();

  constructor(private readonly opts: SourceWatchOptions) {}

  /** Records what a PushSecret (added or updated) reads and adjusts the watches. */
  track(ps: Stored<PushSecret>): void {
    const ns = ps.metadata.namespace ?? "";
    const key = `${ns}/${ps.metadata.name}`;
    const want = ps.metadata.deletionTimestamp ? undefined : watchKeyOf(ps);
    const before = this.wants.get(key);
    if (before === want) return;
    if (want) this.wants.set(key, want);
    else this.wants.delete(key);
    this.change(ns, before, want);
  }

  untrack(ps: Stored): void {
    const ns = ps.metadata.namespace ?? "";
    const key = `${ns}/${ps.metadata.name}`;
    const before = this.wants.get(key);
    if (!before) return;
    this.wants.delete(key);
    this.change(ns, before, undefined);
  }

  /** Running watches as "namespace: watch key" ("*" for all namespaces in scope), for tests and debugging. */
  describe(): string[] {
    return [...this.running.keys()].map((id) => id.replace("\t", ": ")).sort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const inf of this.running.values()) this.stopInformer(inf);
    this.running.clear();
    await Promise.all([...this.stopping]);
  }

  private change(ns: string, before: string | undefined, after: string | undefined): void {
    const w = this.byNamespace.get(ns) ?? new Map<string, number>();
    const oldEffective = effective(w);
    if (before) {
      const n = (w.get(before) ?? 1) - 1;
      if (n > 0) w.set(before, n);
      else w.delete(before);
    }
    if (after) w.set(after, (w.get(after) ?? 0) + 1);
    if (w.size > 0) this.byNamespace.set(ns, w);
    else this.byNamespace.delete(ns);
    this.total += effective(w).length - oldEffective.length;
    if (this.stopped) return;
    // Hysteresis: switching scope relists, so do not flap around the limit.
    const wide = this.wide ? this.total > MAX_WATCHES / 2 : this.total > MAX_WATCHES;
    if (wide !== this.wide) {
      this.wide = wide;
      this.apply(this.plan());
    } else if (wide) this.apply(this.total > 0 ? [`*\t${ALL}`] : []);
    else
      this.apply(
        effective(w).map((k) => `${ns}\t${k}`),
        `${ns}\t`,
      );
  }

  /** Every watch the current wants call for. */
  private plan(): string[] {
    if (this.wide) return this.total > 0 ? [`*\t${ALL}`] : [];
    const ids: string[] = [];
    for (const [ns, w] of this.byNamespace) for (const k of effective(w)) ids.push(`${ns}\t${k}`);
    return ids;
  }

  /** Starts and stops informers so that those with ids starting with `prefix` are exactly `ids`. */
  private apply(ids: string[], prefix = ""): void {
    const want = new Set(ids);
    for (const [id, inf] of this.running) {
      if (!id.startsWith(prefix) || want.has(id)) continue;
      this.running.delete(id);
      this.stopInformer(inf);
    }
    for (const id of want) if (!this.running.has(id)) this.running.set(id, this.startInformer(id));
  }

  private startInformer(id: string): Informer<KubeObject> {
    const [ns, key] = id.split("\t") as [string, string];
    const inf = new Informer<KubeObject>(this.opts.client, SECRETS, {
      namespace: ns === "*" ? this.opts.namespace : ns || undefined,
      fieldSelector: key.startsWith("name:") ? `metadata.name=${key.slice(5)}` : undefined,
      labelSelector: key.startsWith("labels:") ? key.slice(7) : undefined,
      pageSize: SOURCE_PAGE_SIZE,
      transform: trimmed,
      logger: this.opts.logger?.child({ sourceWatch: key }),
    });
    // Initial adds count too: a Secret changed between a PushSecret's first read and this list is re-pushed.
    inf.addHandler(this.opts.handler, false);
    inf.start();
    return inf;
  }

  private stopInformer(inf: Informer<KubeObject>): void {
    const p = inf.stop().finally(() => this.stopping.delete(p));
    this.stopping.add(p);
  }
}
