/**
 * Watches only the Secrets that PushSecrets read, so memory does not grow with unrelated Secrets.
 *
 * Per namespace, the PushSecrets there decide what is watched: a source named in selector.secret.name gets a
 * watch with fieldSelector metadata.name=<name>, a selector.secret.selector a watch with that label selector.
 * Past a few distinct sources (or for a selector matching everything) one namespace-wide watch replaces them.
 * Informers start when the first PushSecret needs them and stop when the last one goes: with no PushSecret,
 * no Secret is listed or watched here at all. Cached Secrets keep only name, namespace, resourceVersion and
 * labels (annotations such as last-applied-configuration can hold the whole Secret), and lists are paged small.
 */
import type { PushSecret } from "../../api/pushsecret.js";
import type { KubeClient } from "../../runtime/client.js";
import { type EventHandler, Informer } from "../../runtime/informer.js";
import type { Logger } from "../../runtime/logger.js";
import { type KubeObject, Secrets } from "../../runtime/resource.js";
import { selectorToQuery } from "./selector.js";

/** Above this many distinct sources in one namespace, one namespace-wide watch is cheaper than many. */
export const MAX_WATCHES_PER_NAMESPACE = 8;
/** List page size: bounds what one list response holds before trimming. */
export const SOURCE_PAGE_SIZE = 50;

const ALL = "all";

export interface SourceWatchOptions {
  client: KubeClient;
  logger?: Logger;
  /** Called for every add/update/delete of a watched Secret (metadata only). */
  handler: EventHandler<KubeObject>;
  pageSize?: number;
}

/** What one PushSecret needs watched: "name:<n>", "labels:<query>", ALL, or nothing (generator source). */
function watchKeyOf(ps: KubeObject): string | undefined {
  const sel = (ps as unknown as PushSecret).spec?.selector?.secret;
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

function trimmed(s: KubeObject): KubeObject {
  const m = s.metadata;
  return {
    apiVersion: s.apiVersion,
    kind: s.kind,
    metadata: { name: m.name, namespace: m.namespace, resourceVersion: m.resourceVersion, labels: m.labels },
  };
}

export class SourceSecretWatch {
  private readonly opts: SourceWatchOptions;
  /** PushSecret key -> [namespace, watch key]. */
  private readonly wants = new Map<string, [string, string]>();
  /** namespace -> watch key -> running informer. */
  private readonly running = new Map<string, Map<string, Informer<KubeObject>>>();
  private stopped = false;
  private readonly stopping = new Set<Promise<void>>();

  constructor(opts: SourceWatchOptions) {
    this.opts = opts;
  }

  /** Records what a PushSecret (added or updated) reads and adjusts its namespace's watches. */
  track(ps: KubeObject): void {
    const ns = ps.metadata.namespace ?? "";
    const key = `${ns}/${ps.metadata.name}`;
    const want = ps.metadata.deletionTimestamp ? undefined : watchKeyOf(ps);
    const before = this.wants.get(key);
    if (before && before[1] === want) return;
    if (want) this.wants.set(key, [ns, want]);
    else this.wants.delete(key);
    if (want || before) this.reconcileNamespace(ns);
  }

  untrack(ps: KubeObject): void {
    const ns = ps.metadata.namespace ?? "";
    if (this.wants.delete(`${ns}/${ps.metadata.name}`)) this.reconcileNamespace(ns);
  }

  /** Running watches as "namespace: query" strings, for tests and debugging. */
  describe(): string[] {
    const out: string[] = [];
    for (const [ns, m] of this.running) for (const k of m.keys()) out.push(`${ns}: ${k}`);
    return out.sort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const m of this.running.values()) for (const inf of m.values()) this.stopInformer(inf);
    this.running.clear();
    await Promise.all([...this.stopping]);
  }

  private reconcileNamespace(ns: string): void {
    if (this.stopped) return;
    const desired = new Set<string>();
    for (const [wantNs, k] of this.wants.values()) if (wantNs === ns) desired.add(k);
    if (desired.has(ALL) || desired.size > MAX_WATCHES_PER_NAMESPACE) {
      desired.clear();
      desired.add(ALL);
    }
    const current = this.running.get(ns) ?? new Map<string, Informer<KubeObject>>();
    for (const [k, inf] of current) {
      if (desired.has(k)) continue;
      current.delete(k);
      this.stopInformer(inf);
    }
    for (const k of desired) if (!current.has(k)) current.set(k, this.startInformer(ns, k));
    if (current.size > 0) this.running.set(ns, current);
    else this.running.delete(ns);
  }

  private startInformer(ns: string, key: string): Informer<KubeObject> {
    const inf = new Informer<KubeObject>(this.opts.client, Secrets, {
      namespace: ns || undefined,
      fieldSelector: key.startsWith("name:") ? `metadata.name=${key.slice(5)}` : undefined,
      labelSelector: key.startsWith("labels:") ? key.slice(7) : undefined,
      pageSize: this.opts.pageSize ?? SOURCE_PAGE_SIZE,
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
