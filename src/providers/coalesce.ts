/**
 * Coalesced provider reads: a read-through layer shared by every reconcile of one store with one set of
 * credentials. Concurrent identical reads share one provider call (singleflight) and answers are kept for a
 * short TTL, so N ExternalSecrets reading the same remote secret cost one call per TTL window, not N.
 *
 * Isolation: entries are keyed by a scope = store identity (kind, namespace, name, uid, resourceVersion), the
 * requesting namespace, and a hash of the credential material the provider resolved while building its client
 * (see RecordingKubeAccess). Two stores, two tenants or two credentials never see each other's entries.
 * Memory is bounded by an LRU over entries and bytes. Values are never logged or put in error messages.
 */
import { createHash } from "node:crypto";
import type { BatchReads, FindRef, KubeAccess, RemoteRef, SecretsClient, StoreKind } from "./provider.js";

export interface CoalescerOptions {
  /** How long an answer is reused (ms). Default 5 s; 0 keeps only the singleflight. */
  ttlMs?: number;
  /** LRU bounds. Defaults: 20,000 entries, 64 MiB of values. */
  maxEntries?: number;
  maxBytes?: number;
  /** Window in which single reads of one scope are gathered into one batch call (ms). Default 2. */
  batchWindowMs?: number;
  now?: () => number;
}

/** What identifies a store for cache scoping and invalidation. */
export interface StoreIdentity {
  kind: StoreKind;
  /** The store's namespace ("" for a ClusterSecretStore). */
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
}

export interface CoalescerStats {
  /** Calls that reached the provider client (single reads + batch calls). */
  providerCalls: number;
  hits: number;
  /** Callers that joined an in-flight read instead of starting one. */
  joined: number;
  entries: number;
  bytes: number;
}

type Value = Buffer | Record<string, Buffer>;

interface Entry {
  value: Value;
  bytes: number;
  expires: number;
  storeKey: string;
  remoteKey: string;
}

function sizeOf(v: Value): number {
  if (Buffer.isBuffer(v)) return v.length + 64;
  let n = 64;
  for (const [k, b] of Object.entries(v)) n += k.length * 2 + b.length + 64;
  return n;
}

/** Callers get their own copies: a caller mutating a Buffer must not change what another one reads. */
function copy(v: Value): Value {
  if (Buffer.isBuffer(v)) return Buffer.from(v);
  const out: Record<string, Buffer> = {};
  for (const [k, b] of Object.entries(v)) out[k] = Buffer.from(b);
  return out;
}

/** Stable JSON (sorted keys) so equal refs produce equal cache keys. */
function stable(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  const keys = Object.keys(v as object)
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(",")}}`;
}

export function storeKeyOf(store: { kind: string; namespace?: string; name: string }): string {
  return `${store.kind}/${store.kind === "ClusterSecretStore" ? "" : (store.namespace ?? "")}/${store.name}`;
}

/**
 * Wraps a KubeAccess and remembers a digest of everything a provider read while resolving its credentials
 * (Secret and ConfigMap contents, which ServiceAccount tokens it asked for). Token bytes themselves change
 * on every request, so the subject (namespace, account, audiences) stands for them.
 */
export class RecordingKubeAccess implements KubeAccess {
  private readonly hash = createHash("sha256");
  private reads = 0;

  constructor(private readonly inner: KubeAccess) {
    if (inner.getServiceAccountAnnotations) {
      this.getServiceAccountAnnotations = async (namespace, name) => {
        const out = await inner.getServiceAccountAnnotations!(namespace, name);
        this.note("sa", namespace, name, stable(out ?? null));
        return out;
      };
    }
  }

  getServiceAccountAnnotations?: KubeAccess["getServiceAccountAnnotations"];

  private note(...parts: string[]): void {
    this.reads++;
    this.hash.update(`${parts.map((p) => `${p.length}:${p}`).join("|")}\n`);
  }

  async getSecret(namespace: string, name: string): Promise<Record<string, Buffer> | undefined> {
    const out = await this.inner.getSecret(namespace, name);
    const digest = createHash("sha256");
    for (const k of Object.keys(out ?? {}).sort()) digest.update(`${k.length}:${k}`).update(out![k]!);
    this.note("secret", namespace, name, out ? digest.digest("hex") : "-");
    return out;
  }

  async getConfigMap(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const out = await this.inner.getConfigMap(namespace, name);
    this.note("configmap", namespace, name, out ? createHash("sha256").update(stable(out)).digest("hex") : "-");
    return out;
  }

  async createServiceAccountToken(
    namespace: string,
    serviceAccount: string,
    audiences: string[],
    expirationSeconds?: number,
  ): Promise<string> {
    this.note("token", namespace, serviceAccount, stable(audiences), String(expirationSeconds ?? ""));
    return this.inner.createServiceAccountToken(namespace, serviceAccount, audiences, expirationSeconds);
  }

  /** Digest of the credential material read so far (call after the provider built its client). */
  fingerprint(): string {
    return `${this.reads}:${this.hash.copy().digest("hex")}`;
  }
}

interface PendingBatch {
  client: SecretsClient;
  batch: BatchReads;
  items: { ref: RemoteRef; resolve: (v: Buffer) => void; reject: (e: unknown) => void }[];
}

export class ProviderReadCoalescer {
  private ttlMs = 5_000;
  private maxEntries = 20_000;
  private maxBytes = 64 * 1024 * 1024;
  private batchWindowMs = 2;
  private now: () => number = Date.now;
  /** Insertion order = LRU order (a hit re-inserts). */
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Value>>();
  private readonly batches = new Map<string, PendingBatch>();
  /** Bumped by invalidate(): an in-flight read started before it must not fill the cache. */
  private readonly generations = new Map<string, number>();
  private bytes = 0;
  private readonly counters = { providerCalls: 0, hits: 0, joined: 0 };

  constructor(opts: CoalescerOptions = {}) {
    this.configure(opts);
  }

  /** Changes the settings (unset fields keep their value); cached answers are kept. */
  configure(opts: CoalescerOptions): void {
    this.ttlMs = opts.ttlMs ?? this.ttlMs;
    this.maxEntries = opts.maxEntries ?? this.maxEntries;
    this.maxBytes = opts.maxBytes ?? this.maxBytes;
    this.batchWindowMs = opts.batchWindowMs ?? this.batchWindowMs;
    this.now = opts.now ?? this.now;
  }

  stats(): CoalescerStats {
    return { ...this.counters, entries: this.entries.size, bytes: this.bytes };
  }

  /** The scope string for one store + requesting namespace + credential fingerprint. */
  scope(store: StoreIdentity, requestingNamespace: string, credentials: string): string {
    const id = createHash("sha256")
      .update(stable([store.uid ?? "", store.resourceVersion ?? "", requestingNamespace, credentials]))
      .digest("hex")
      .slice(0, 32);
    return `${storeKeyOf(store)}#${id}`;
  }

  /**
   * A SecretsClient whose reads go through this layer; writes and the rest go straight to `client`. With `fresh`
   * (a sync the user asked for) its reads skip cached and in-flight answers and refresh the cache with theirs;
   * other readers of the store keep what they have.
   */
  wrap(client: SecretsClient, scope: string, opts: { fresh?: boolean } = {}): SecretsClient {
    const storeKey = scope.slice(0, scope.indexOf("#"));
    const fresh = opts.fresh === true;
    const read = <V extends Value>(op: string, arg: unknown, remoteKey: string, load: () => Promise<V>) =>
      this.read(`${scope}\u0000${op}\u0000${stable(arg)}`, storeKey, remoteKey, load, fresh) as Promise<V>;
    const batch = client.batchReads;
    const together = (ref: RemoteRef) => batch?.batchable(ref) === true;
    return {
      getSecret: (ref) =>
        read("get", ref, ref.key, () =>
          batch && together(ref) ? this.batched(scope, client, batch, ref) : this.call(() => client.getSecret(ref)),
        ),
      getSecretMap: (ref) => read("map", ref, ref.key, () => this.call(() => client.getSecretMap(ref))),
      getAllSecrets: (find: FindRef) => read("find", find, "*", () => this.call(() => client.getAllSecrets(find))),
      // A write through this operator makes cached reads of that key stale at once.
      pushSecret: (source, data) =>
        client.pushSecret(source, data).finally(() => this.invalidateKey(storeKey, data.remoteRef.remoteKey)),
      deleteSecret: (ref) => client.deleteSecret(ref).finally(() => this.invalidateKey(storeKey, ref.remoteKey)),
      secretExists: (ref) => client.secretExists(ref),
      validate: () => client.validate(),
      close: () => client.close(),
      readsTogether: together,
    };
  }

  /**
   * Drops cached answers of a store (every scope): all of them, or those for one remote key plus every
   * find answer (a find may include that key). Used when a notification says the remote secret changed.
   */
  invalidate(store: { kind: string; namespace?: string; name: string }, remoteKey?: string): number {
    return this.invalidateKey(storeKeyOf(store), remoteKey);
  }

  private invalidateKey(storeKey: string, remoteKey?: string): number {
    this.generations.set(storeKey, (this.generations.get(storeKey) ?? 0) + 1);
    let n = 0;
    for (const [k, e] of this.entries) {
      if (e.storeKey !== storeKey) continue;
      if (remoteKey !== undefined && e.remoteKey !== remoteKey && e.remoteKey !== "*") continue;
      this.drop(k, e);
      n++;
    }
    return n;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private async call<V>(fn: () => Promise<V>): Promise<V> {
    this.counters.providerCalls++;
    return fn();
  }

  private read(
    key: string,
    storeKey: string,
    remoteKey: string,
    load: () => Promise<Value>,
    fresh: boolean,
  ): Promise<Value> {
    const hit = fresh ? undefined : this.entries.get(key);
    if (hit) {
      if (hit.expires > this.now()) {
        this.entries.delete(key);
        this.entries.set(key, hit);
        this.counters.hits++;
        return Promise.resolve(copy(hit.value));
      }
      this.drop(key, hit);
    }
    const running = fresh ? undefined : this.inflight.get(key);
    if (running) {
      this.counters.joined++;
      return running.then(copy);
    }
    const generation = this.generations.get(storeKey) ?? 0;
    const settle = () => {
      if (this.inflight.get(key) === p) this.inflight.delete(key);
    };
    const p: Promise<Value> = load().then(
      (value) => {
        settle();
        if (this.ttlMs > 0 && (this.generations.get(storeKey) ?? 0) === generation) {
          this.store(key, { value, bytes: sizeOf(value), expires: this.now() + this.ttlMs, storeKey, remoteKey });
        }
        return value;
      },
      (err: unknown) => {
        settle();
        throw err;
      },
    );
    this.inflight.set(key, p);
    return p.then(copy);
  }

  private batched(scope: string, client: SecretsClient, batch: BatchReads, ref: RemoteRef): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      let pending = this.batches.get(scope);
      if (!pending) {
        pending = { client, batch, items: [] };
        this.batches.set(scope, pending);
        const flush = () => {
          this.batches.delete(scope);
          void this.flush(pending!);
        };
        if (this.batchWindowMs === 0) setImmediate(flush);
        else setTimeout(flush, this.batchWindowMs);
      }
      pending.items.push({ ref, resolve, reject });
    });
  }

  private async flush(pending: PendingBatch): Promise<void> {
    const { client, batch, items } = pending;
    if (items.length === 1) {
      const [only] = items;
      this.counters.providerCalls++;
      client.getSecret(only!.ref).then(only!.resolve, only!.reject);
      return;
    }
    this.counters.providerCalls++;
    try {
      const answers = await batch.getSecretBatch(items.map((i) => i.ref));
      items.forEach((item, i) => {
        const a = answers[i];
        if (a instanceof Error) item.reject(a);
        else if (a) item.resolve(a);
        else item.reject(new Error(`no answer for remote key ${JSON.stringify(item.ref.key)}`));
      });
    } catch (err) {
      for (const item of items) item.reject(err);
    }
  }

  private store(key: string, entry: Entry): void {
    if (entry.bytes > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.drop(oldest.value, this.entries.get(oldest.value)!);
    }
  }

  private drop(key: string, e: Entry): void {
    if (this.entries.delete(key)) this.bytes -= e.bytes;
  }
}
