/**
 * Opens a provider client for one store and one requesting namespace, stacked as every caller needs it:
 * credentials read through a recording view (their digest scopes the shared reads), the provider's own client,
 * provider call metrics around it, and the shared read layer (coalescing, short-lived answers) in front.
 * The controllers and `eso render` open clients only through here.
 */
import type { ClientCaches } from "./caches.js";
import { RecordingKubeAccess, type StoreIdentity } from "./coalesce.js";
import { instrumentClient, type ProviderCallMetrics } from "./instrument.js";
import type { KubeAccess, Provider, SecretsClient } from "./provider.js";
import type { ProviderRegistry } from "./registry.js";

/** What opening store clients needs from the process: built once by the composition root. */
export interface ProviderServices {
  registry: ProviderRegistry;
  caches: ClientCaches;
}

/**
 * How reads reach the provider: "shared" through the read layer (answers reused by other reconciles of the
 * store), "fresh" through it but never answered from it (a sync the user asked for; its answers refresh the
 * layer), "direct" straight to the client (store validation reads nothing worth sharing).
 */
export type ReadPath = "shared" | "fresh" | "direct";

export interface OpenClientOptions {
  store: StoreIdentity;
  /** Namespace of the object using the store; credentials without a namespace resolve here. */
  namespace: string;
  kube: KubeAccess;
  caches: ClientCaches;
  signal?: AbortSignal;
  /** Epoch ms of the reconcile deadline (caps providers' own timeouts). */
  deadline?: number;
  metrics?: ProviderCallMetrics;
  reads?: ReadPath;
}

export async function openClient(provider: Provider, spec: unknown, opts: OpenClientOptions): Promise<SecretsClient> {
  const { store, caches } = opts;
  const recording = new RecordingKubeAccess(opts.kube);
  const client = await instrumentClient(opts.metrics, { provider: provider.name, store: store.name }, () =>
    provider.newClient(spec, {
      kube: recording,
      caches,
      storeKind: store.kind,
      storeName: store.name,
      namespace: opts.namespace,
      signal: opts.signal,
      deadline: opts.deadline,
    }),
  );
  const reads = opts.reads ?? "shared";
  if (reads === "direct") return client;
  const scope = caches.reads.scope(store, opts.namespace, recording.fingerprint());
  return caches.reads.wrap(client, scope, { fresh: reads === "fresh" });
}
