/**
 * SecretStore and ClusterSecretStore: validate the provider configuration and connectivity, publish the
 * Ready condition and capabilities, and re-validate every refreshInterval. An unknown provider or bad spec
 * is a clear not-ready condition, never a crash.
 */
import { type SecretStore, storeRefreshIntervalMs } from "../../api/secretstore.js";
import { CLUSTER_SECRET_STORES, type KubeClient, SECRET_STORES } from "../../kube/index.js";
import { openClient, type ProviderServices } from "../../providers/open-client.js";
import type { KubeAccess, SecretsClient, StoreKind } from "../../providers/provider.js";
import type { ReconcileContext, Request, Result } from "../../runtime/controller.js";
import {
  DEFAULT_RECONCILE_TIMEOUT_MS,
  DeadlineExceededError,
  raceAbort,
  startDeadline,
} from "../../runtime/deadline.js";
import type { Logger } from "../../runtime/logger.js";
import { type Condition, getCondition, setCondition } from "../common/conditions.js";
import type { EventRecorder } from "../common/events.js";
import type { EsoMetrics } from "../common/metrics.js";
import { writeStatusIfChanged } from "../common/status-writer.js";
import { storeMatchesClass } from "../common/store-access.js";

export const REASON_STORE_VALID = "Valid";
export const REASON_INVALID_PROVIDER_CONFIG = "InvalidProviderConfig";
export const REASON_VALIDATION_FAILED = "ValidationFailed";

export interface SecretStoreReconcilerOptions {
  kind: StoreKind;
  client: KubeClient;
  kube: KubeAccess;
  /** The provider registry and caches of the process. */
  providers: ProviderServices;
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

export interface StoreValidationOptions {
  kube: KubeAccess;
  /** Where credentials the store names without a namespace resolve. */
  namespace: string;
  providers: ProviderServices;
  signal?: AbortSignal;
  metrics?: EsoMetrics;
  /** Epoch ms of the reconcile deadline. */
  deadline?: number;
}

/** Validates one store: spec checks, client construction, provider validate(). Never throws. */
export async function validateStore(
  store: SecretStore,
  kind: StoreKind,
  opts: StoreValidationOptions,
): Promise<StoreValidation> {
  const resolved = opts.providers.registry.resolve(store.spec?.provider);
  if ("error" in resolved) return { ready: false, reason: REASON_INVALID_PROVIDER_CONFIG, message: resolved.error };
  const { provider, spec } = resolved;
  let capabilities: StoreValidation["capabilities"];
  try {
    capabilities = provider.capabilities(spec);
    const problems = provider.validate(spec, kind).errors;
    if (problems.length > 0) {
      return { ready: false, reason: REASON_INVALID_PROVIDER_CONFIG, message: problems.join("; "), capabilities };
    }
  } catch (err) {
    return { ready: false, reason: REASON_INVALID_PROVIDER_CONFIG, message: (err as Error).message };
  }
  let client: SecretsClient;
  try {
    const m = store.metadata ?? {};
    client = await openClient(provider, spec, {
      store: { kind, namespace: m.namespace ?? "", name: m.name ?? "", uid: m.uid, resourceVersion: m.resourceVersion },
      namespace: opts.namespace,
      kube: opts.kube,
      caches: opts.providers.caches,
      signal: opts.signal,
      deadline: opts.deadline,
      metrics: opts.metrics,
      // Validation reads nothing worth sharing with syncs.
      reads: "direct",
    });
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

  async reconcile({ namespace, name }: Request, ctx?: Pick<ReconcileContext, "signal">): Promise<Result | undefined> {
    const signal = ctx?.signal;
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
    const previous = getCondition(store.status?.conditions as Condition[] | undefined, "Ready");
    const status = { ...(store.status ?? {}) };
    status.conditions = setCondition(
      status.conditions as Condition[] | undefined,
      { type: "Ready", status: v.ready ? "True" : "False", reason: v.reason, message: v.message },
      new Date(this.opts.now?.() ?? Date.now()),
    );
    if (v.capabilities) status.capabilities = v.capabilities;
    if (previous?.status !== (v.ready ? "True" : "False") || previous?.reason !== v.reason) {
      this.opts.events.event({ ...store, kind }, v.ready ? "Normal" : "Warning", v.reason, v.message);
    }
    this.opts.metrics.recordStoreReady(kind, name, namespace, v.ready);
    if ((await writeStatusIfChanged(client, rt, store, status)) === "conflict") return { requeue: true };
    // As upstream, a store that fails validation is retried with the controller's backoff (5 ms doubling), so
    // its ExternalSecrets are released soon after the provider or credential recovers, not at the next interval.
    if (!v.ready) return { requeue: true };
    return { requeueAfter: storeRefreshIntervalMs(store.spec) ?? this.opts.defaultRequeueMs ?? DEFAULT_REQUEUE_MS };
  }

  /** validateStore bounded by the reconcile deadline: past it the store is not ready and the worker is free. */
  private async validateWithinDeadline(store: SecretStore, ns: string, signal?: AbortSignal): Promise<StoreValidation> {
    const deadline = startDeadline(this.opts.reconcileTimeoutMs ?? DEFAULT_RECONCILE_TIMEOUT_MS, signal);
    try {
      return await raceAbort(
        validateStore(store, this.opts.kind, {
          kube: this.opts.kube,
          namespace: ns,
          providers: this.opts.providers,
          signal: deadline.signal,
          metrics: this.opts.metrics,
          deadline: deadline.at,
        }),
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
