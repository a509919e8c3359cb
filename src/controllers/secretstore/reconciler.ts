/**
 * SecretStore and ClusterSecretStore: validate the provider configuration and connectivity, publish the
 * Ready condition and capabilities, and re-validate every refreshInterval. An unknown provider or bad spec
 * is a clear not-ready condition, never a crash.
 */
import type { SecretStore } from "../../api/secretstore.js";
import type { KubeAccess, StoreKind } from "../../providers/provider.js";
import { resolveProvider } from "../../providers/registry.js";
import type { Result } from "../../runtime/controller.js";
import {
  DEFAULT_RECONCILE_TIMEOUT_MS,
  DeadlineExceededError,
  raceAbort,
  startDeadline,
} from "../../runtime/deadline.js";
import type { Logger } from "../../runtime/logger.js";
import { type Condition, getCondition, setCondition } from "../common/conditions.js";
import type { EventRecorder } from "../common/events.js";
import { CLUSTER_SECRET_STORES, isConflict, type KubeClient, SECRET_STORES } from "../common/kube-client.js";
import { type EsoMetrics, instrumentClient } from "../common/metrics.js";
import { storeMatchesClass } from "../common/store-access.js";

export const REASON_STORE_VALID = "Valid";
export const REASON_INVALID_PROVIDER_CONFIG = "InvalidProviderConfig";
export const REASON_VALIDATION_FAILED = "ValidationFailed";

export interface SecretStoreReconcilerOptions {
  kind: StoreKind;
  client: KubeClient;
  kube: KubeAccess;
  events: EventRecorder;
  metrics: EsoMetrics;
  log: Logger;
  controllerClass?: string;
  /** Re-validation interval when spec.refreshInterval is 0 or unset (ms). */
  defaultRequeueMs?: number;
  /** Namespace credentials of a ClusterSecretStore resolve in when they name none (validation only). */
  clusterStoreNamespace?: string;
  now?: () => number;
  /** --reconcile-timeout: bound on one validation's provider calls (ms, default 30 s). */
  reconcileTimeoutMs?: number;
}

const DEFAULT_REQUEUE_MS = 5 * 60_000;

export interface StoreValidation {
  ready: boolean;
  reason: string;
  message: string;
  capabilities?: "ReadOnly" | "WriteOnly" | "ReadWrite";
}

/** Validates one store: spec checks, client construction, provider validate(). Never throws. */
export async function validateStore(
  store: SecretStore,
  kind: StoreKind,
  kube: KubeAccess,
  namespace: string,
  signal?: AbortSignal,
  metrics?: EsoMetrics,
  deadline?: number,
): Promise<StoreValidation> {
  const resolved = resolveProvider(store.spec?.provider as Record<string, unknown>);
  if ("error" in resolved) return { ready: false, reason: REASON_INVALID_PROVIDER_CONFIG, message: resolved.error };
  const { provider, spec } = resolved;
  let capabilities: StoreValidation["capabilities"];
  try {
    capabilities = provider.capabilities(spec);
    const problems = provider.validateSpec(spec, kind);
    if (problems.length > 0) {
      return { ready: false, reason: REASON_INVALID_PROVIDER_CONFIG, message: problems.join("; "), capabilities };
    }
  } catch (err) {
    return { ready: false, reason: REASON_INVALID_PROVIDER_CONFIG, message: (err as Error).message };
  }
  let client: Awaited<ReturnType<typeof provider.newClient>>;
  try {
    const storeName = store.metadata?.name ?? "";
    client = await instrumentClient(metrics, { provider: provider.name, store: storeName }, () =>
      provider.newClient(spec, { kube, storeKind: kind, storeName, namespace, signal, deadline }),
    );
  } catch (err) {
    return {
      ready: false,
      reason: REASON_INVALID_PROVIDER_CONFIG,
      message: `unable to create client: ${(err as Error).message}`,
      capabilities,
    };
  }
  try {
    const result = await client.validate();
    if (!result.ready) {
      return {
        ready: false,
        reason: REASON_VALIDATION_FAILED,
        message: `unable to validate store: ${result.message ?? "provider reported not ready"}`,
        capabilities,
      };
    }
    return { ready: true, reason: REASON_STORE_VALID, message: "store validated", capabilities };
  } catch (err) {
    return {
      ready: false,
      reason: REASON_VALIDATION_FAILED,
      message: `unable to validate store: ${(err as Error).message}`,
      capabilities,
    };
  } finally {
    await client.close().catch(() => {});
  }
}

export class SecretStoreReconciler {
  constructor(private readonly opts: SecretStoreReconcilerOptions) {}

  async reconcile(namespace: string, name: string, signal?: AbortSignal): Promise<Result | undefined> {
    const done = this.opts.metrics.reconcileTimer(this.opts.kind, name, namespace);
    try {
      return await this.reconcileOnce(namespace, name, signal);
    } finally {
      done();
    }
  }

  private async reconcileOnce(namespace: string, name: string, signal?: AbortSignal): Promise<Result | undefined> {
    const { client, kind } = this.opts;
    const rt = kind === "ClusterSecretStore" ? CLUSTER_SECRET_STORES : SECRET_STORES;
    const store = await client.get<SecretStore>(rt, namespace, name, signal);
    if (!store || store.metadata?.deletionTimestamp) {
      this.opts.metrics.forget(kind, name, namespace);
      return undefined;
    }
    if (!storeMatchesClass(store, this.opts.controllerClass)) return undefined;

    const ns = kind === "ClusterSecretStore" ? (this.opts.clusterStoreNamespace ?? "default") : namespace;
    const v = await this.validateWithinDeadline(store, ns, signal);
    const before = JSON.stringify(store.status ?? {});
    const previous = getCondition(store.status?.conditions as Condition[] | undefined, "Ready");
    store.status = store.status ?? {};
    store.status.conditions = setCondition(
      store.status.conditions as Condition[] | undefined,
      { type: "Ready", status: v.ready ? "True" : "False", reason: v.reason, message: v.message },
      new Date(this.opts.now?.() ?? Date.now()),
    );
    if (v.capabilities) store.status.capabilities = v.capabilities;
    if (previous?.status !== (v.ready ? "True" : "False") || previous?.reason !== v.reason) {
      this.opts.events.event({ ...store, kind } as never, v.ready ? "Normal" : "Warning", v.reason, v.message);
    }
    this.opts.metrics.recordStoreReady(kind, name, namespace, v.ready);
    if (JSON.stringify(store.status) !== before) {
      try {
        await client.updateStatus(rt, store as never);
      } catch (err) {
        if (isConflict(err)) return { requeue: true };
        throw err;
      }
    }
    // As upstream, a store that fails validation is retried with the controller's backoff (5 ms doubling), so
    // its ExternalSecrets are released soon after the provider or credential recovers, not at the next interval.
    if (!v.ready) return { requeue: true };
    const seconds = store.spec?.refreshInterval ?? 0;
    return { requeueAfter: seconds > 0 ? seconds * 1000 : (this.opts.defaultRequeueMs ?? DEFAULT_REQUEUE_MS) };
  }

  /** validateStore bounded by the reconcile deadline: past it the store is not ready and the worker is free. */
  private async validateWithinDeadline(store: SecretStore, ns: string, signal?: AbortSignal): Promise<StoreValidation> {
    const deadline = startDeadline(this.opts.reconcileTimeoutMs ?? DEFAULT_RECONCILE_TIMEOUT_MS, signal);
    try {
      return await raceAbort(
        validateStore(store, this.opts.kind, this.opts.kube, ns, deadline.signal, this.opts.metrics, deadline.at),
        deadline.signal,
      );
    } catch (err) {
      if (!(err instanceof DeadlineExceededError)) throw err;
      return { ready: false, reason: REASON_VALIDATION_FAILED, message: `unable to validate store: ${err.message}` };
    } finally {
      deadline.clear();
    }
  }
}
