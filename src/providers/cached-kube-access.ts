/**
 * A KubeAccess that serves repeated reads of one Secret or ConfigMap from memory for a moment. Every sync builds
 * its store's client and so reads the store's credentials: thousands of ExternalSecrets on one store would cost a
 * GET each. Concurrent reads share one request and answers are kept `ttlMs` (default 1 s), so a rotated
 * credential is in use within that time; `fresh()` is a view that always reads (a sync the user asked for) and
 * refreshes what the others see. ServiceAccount tokens are never cached: each TokenRequest is meant to be new.
 */
import type { KubeAccess } from "./provider.js";

export interface CachedKubeAccessOptions {
  ttlMs?: number;
  /** LRU bound on remembered objects (default 1,024). */
  maxEntries?: number;
  now?: () => number;
}

type Answer = Record<string, Buffer> | Record<string, string> | undefined;

interface Entry {
  answer: Answer;
  expires: number;
}

function copyOf<A extends Answer>(a: A): A {
  if (a === undefined) return a;
  const out: Record<string, Buffer | string> = {};
  for (const [k, v] of Object.entries(a)) out[k] = Buffer.isBuffer(v) ? Buffer.from(v) : v;
  return out as A;
}

export class CachedKubeAccess implements KubeAccess {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Insertion order = LRU order (a hit re-inserts). */
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Answer>>();

  constructor(
    private readonly inner: KubeAccess,
    opts: CachedKubeAccessOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 1_000;
    this.maxEntries = opts.maxEntries ?? 1_024;
    this.now = opts.now ?? Date.now;
    if (inner.getServiceAccountAnnotations) {
      this.getServiceAccountAnnotations = (namespace, name) => inner.getServiceAccountAnnotations!(namespace, name);
    }
  }

  getServiceAccountAnnotations?: KubeAccess["getServiceAccountAnnotations"];

  getSecret(namespace: string, name: string): Promise<Record<string, Buffer> | undefined> {
    return this.readSecret(namespace, name, false);
  }

  getConfigMap(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    return this.readConfigMap(namespace, name, false);
  }

  createServiceAccountToken(
    namespace: string,
    serviceAccount: string,
    audiences: string[],
    expirationSeconds?: number,
  ): Promise<string> {
    return this.inner.createServiceAccountToken(namespace, serviceAccount, audiences, expirationSeconds);
  }

  /** A view whose reads always go to the cluster (and update what this cache answers others). */
  fresh(): KubeAccess {
    return {
      getSecret: (namespace, name) => this.readSecret(namespace, name, true),
      getConfigMap: (namespace, name) => this.readConfigMap(namespace, name, true),
      createServiceAccountToken: (...args) => this.createServiceAccountToken(...args),
      ...(this.getServiceAccountAnnotations ? { getServiceAccountAnnotations: this.getServiceAccountAnnotations } : {}),
    };
  }

  private readSecret(namespace: string, name: string, fresh: boolean): Promise<Record<string, Buffer> | undefined> {
    return this.read(`secret\u0000${namespace}\u0000${name}`, fresh, () => this.inner.getSecret(namespace, name));
  }

  private readConfigMap(namespace: string, name: string, fresh: boolean): Promise<Record<string, string> | undefined> {
    return this.read(`configmap\u0000${namespace}\u0000${name}`, fresh, () => this.inner.getConfigMap(namespace, name));
  }

  private async read<A extends Answer>(key: string, fresh: boolean, load: () => Promise<A>): Promise<A> {
    const hit = fresh ? undefined : this.entries.get(key);
    if (hit && hit.expires > this.now()) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return copyOf(hit.answer as A);
    }
    let running = fresh ? undefined : (this.inflight.get(key) as Promise<A> | undefined);
    if (!running) {
      const p = load();
      running = p;
      this.inflight.set(key, p);
      p.then(
        (answer) => {
          if (this.inflight.get(key) === p) this.inflight.delete(key);
          this.remember(key, answer);
        },
        () => {
          if (this.inflight.get(key) === p) this.inflight.delete(key);
        },
      );
    }
    return copyOf(await running);
  }

  private remember(key: string, answer: Answer): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { answer, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
