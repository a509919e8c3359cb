/**
 * Resolves a store reference to a provider client for one requesting namespace, enforcing upstream's
 * rules: a SecretStore only from its own namespace, a ClusterSecretStore only where its conditions allow,
 * only stores of this controller's class, and (flood protection) only stores that are Ready.
 */
import type { SecretStoreRef } from "../../api/meta.js";
import type { SecretStore } from "../../api/secretstore.js";
import { CLUSTER_SECRET_STORES, type KubeClient, NAMESPACES, SECRET_STORES } from "../../kube/index.js";
import { ClusterKubeAccess } from "../../providers/kube-access.js";
import { openClient, type ProviderServices } from "../../providers/open-client.js";
import type { KubeAccess, SecretsClient, StoreKind } from "../../providers/provider.js";
import type { EsoMetrics } from "./metrics.js";
import { clusterStoreAllowsNamespace, storeMatchesClass } from "./store-access.js";

/** A store's Ready condition, as its controller last wrote it. */
function readyCondition(store: SecretStore): { status: string; reason?: string } | undefined {
  return store.status?.conditions?.find((c) => c.type === "Ready");
}

export class StoreAccessError extends Error {
  override readonly name = "StoreAccessError";
}

export interface StoreResolverOptions {
  client: KubeClient;
  kube: KubeAccess;
  controllerClass?: string;
  clusterStoreEnabled: boolean;
  floodGate: boolean;
  signal?: AbortSignal;
  /** Epoch ms of the reconcile deadline (caps providers' own timeouts). */
  deadline?: number;
  /** The provider registry and caches of the process. */
  providers: ProviderServices;
  /** Counts provider API calls, secrets read and auth failures. */
  metrics?: EsoMetrics;
  /**
   * The user asked for this sync (the ExternalSecret's spec, labels or annotations changed, e.g. the
   * force-sync annotation): drop answers cached for the stores it uses so it reads the provider now.
   */
  fresh?: boolean;
  /** Where stores are read (default: the client); a sync passes the stores it already resolved. */
  lookup?: (kind: StoreKind, name: string) => Promise<SecretStore | undefined>;
}

export function storeKindOf(ref: SecretStoreRef | undefined): StoreKind {
  return ref?.kind === "ClusterSecretStore" ? "ClusterSecretStore" : "SecretStore";
}

export async function getStore(
  client: KubeClient,
  kind: StoreKind,
  name: string,
  namespace: string,
): Promise<SecretStore | undefined> {
  return kind === "ClusterSecretStore"
    ? client.get<SecretStore>(CLUSTER_SECRET_STORES, "", name)
    : client.get<SecretStore>(SECRET_STORES, namespace, name);
}

/** Builds and caches provider clients for one reconcile; close() releases them. */
export class StoreClients {
  private readonly clients = new Map<string, Promise<SecretsClient>>();

  constructor(
    private readonly opts: StoreResolverOptions,
    private readonly namespace: string,
  ) {}

  get(ref: SecretStoreRef | undefined): Promise<SecretsClient> {
    const kind = storeKindOf(ref);
    const name = ref?.name ?? "";
    const key = `${kind}/${name}`;
    let client = this.clients.get(key);
    if (!client) {
      client = this.build(kind, name);
      this.clients.set(key, client);
    }
    return client;
  }

  private async build(kind: StoreKind, name: string): Promise<SecretsClient> {
    const { client, kube } = this.opts;
    if (!name) throw new StoreAccessError("secretStoreRef.name: is required");
    if (kind === "ClusterSecretStore" && !this.opts.clusterStoreEnabled) {
      throw new StoreAccessError(`ClusterSecretStore ${JSON.stringify(name)}: cluster stores are disabled`);
    }
    const store = await (this.opts.lookup?.(kind, name) ?? getStore(client, kind, name, this.namespace));
    if (!store) {
      throw new StoreAccessError(
        kind === "ClusterSecretStore"
          ? `ClusterSecretStore ${JSON.stringify(name)} not found`
          : `SecretStore ${JSON.stringify(name)} not found in namespace ${this.namespace}`,
      );
    }
    if (!storeMatchesClass(store, this.opts.controllerClass)) {
      throw new StoreAccessError(`${kind} ${JSON.stringify(name)}: can not reference unmanaged store`);
    }
    if (kind === "ClusterSecretStore" && (store.spec.conditions?.length ?? 0) > 0) {
      const ns = await client.get<{ metadata?: { labels?: Record<string, string> } }>(NAMESPACES, "", this.namespace);
      let allowed: boolean;
      try {
        allowed = clusterStoreAllowsNamespace(store, this.namespace, ns?.metadata?.labels);
      } catch (err) {
        throw new StoreAccessError(`ClusterSecretStore ${JSON.stringify(name)}: ${(err as Error).message}`);
      }
      if (!allowed) {
        throw new StoreAccessError(
          `using cluster store ${JSON.stringify(name)} is not allowed from namespace ${JSON.stringify(this.namespace)}: denied by spec.conditions`,
        );
      }
    }
    if (this.opts.floodGate) {
      const ready = readyCondition(store);
      if (ready?.status !== "True") throw new StoreAccessError(`${kind} ${JSON.stringify(name)} is not ready`);
    }
    const resolved = this.opts.providers.registry.resolve(store.spec.provider);
    if ("error" in resolved) throw new StoreAccessError(`${kind} ${JSON.stringify(name)}: ${resolved.error}`);
    const m = store.metadata ?? {};
    return openClient(resolved.provider, resolved.spec, {
      store: { kind, namespace: m.namespace ?? "", name, uid: m.uid, resourceVersion: m.resourceVersion },
      namespace: this.namespace,
      kube: this.opts.fresh && kube instanceof ClusterKubeAccess ? kube.fresh() : kube,
      caches: this.opts.providers.caches,
      signal: this.opts.signal,
      deadline: this.opts.deadline,
      metrics: this.opts.metrics,
      reads: this.opts.fresh ? "fresh" : "shared",
    });
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => {})));
  }
}

/** Every store an ExternalSecret-like spec references (default store and sourceRef.storeRef entries). */
export function referencedStores(spec: {
  secretStoreRef?: SecretStoreRef;
  data?: { sourceRef?: { storeRef?: SecretStoreRef } }[];
  dataFrom?: { sourceRef?: { storeRef?: SecretStoreRef; generatorRef?: unknown } }[];
}): { kind: StoreKind; name: string }[] {
  const refs: { kind: StoreKind; name: string }[] = [];
  const add = (ref: SecretStoreRef | undefined) => {
    if (!ref?.name) return;
    const kind = storeKindOf(ref);
    if (!refs.some((r) => r.kind === kind && r.name === ref.name)) refs.push({ kind, name: ref.name });
  };
  const usesDefault =
    (spec.data ?? []).some((d) => !d.sourceRef?.storeRef) ||
    (spec.dataFrom ?? []).some((d) => !d.sourceRef?.storeRef && !d.sourceRef?.generatorRef);
  if (usesDefault || spec.secretStoreRef) add(spec.secretStoreRef);
  for (const d of spec.data ?? []) add(d.sourceRef?.storeRef);
  for (const d of spec.dataFrom ?? []) add(d.sourceRef?.storeRef);
  return refs;
}

function readyOf(store: SecretStore): string {
  const c = readyCondition(store);
  return `${c?.status ?? ""}/${c?.reason ?? ""}`;
}

/**
 * What a store update means for the ExternalSecrets that use it: "force" a sync now when its spec changed or it
 * stopped being ready (so they report it), "requeue" when it became ready (those whose last sync failed or never
 * ran are due anyway; healthy ones need no second sync), undefined otherwise.
 */
export function storeUpdate(before: SecretStore, after: SecretStore): "force" | "requeue" | undefined {
  if (before.metadata?.generation !== after.metadata?.generation) return "force";
  if (readyOf(before) === readyOf(after)) return undefined;
  return readyOf(after).startsWith("True/") ? "requeue" : "force";
}
