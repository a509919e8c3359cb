/**
 * ESO's own metrics: upstream's names and labels (externalsecret_*, secretstore_*, clustersecretstore_*,
 * clusterexternalsecret_*, externalsecret_provider_api_calls_count) plus the externalsecrets_* series that
 * operators' alerting guides use. Label values are object names, namespaces, provider and call names only,
 * never secret data or error text.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { ProviderAuthError } from "../../providers/errors.js";
import type { ProviderCallMetrics } from "../../providers/instrument.js";

export type SyncStatus = "success" | "error";
export type ReconciledKind = "ExternalSecret" | "SecretStore" | "ClusterSecretStore" | "ClusterExternalSecret";

const durationBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Nanoseconds since `start` (a process.hrtime.bigint() reading), as upstream's reconcile_duration gauges. */
function elapsedNs(start: bigint): number {
  return Number(process.hrtime.bigint() - start);
}

export class EsoMetrics implements ProviderCallMetrics {
  // Upstream ESO.
  readonly syncCalls: Counter<"name" | "namespace">;
  readonly syncCallsError: Counter<"name" | "namespace">;
  readonly esReady: Gauge<"name" | "namespace" | "condition" | "status">;
  readonly esReconcileDuration: Gauge<"name" | "namespace">;
  readonly storeCondition: Gauge<"name" | "namespace" | "condition" | "status">;
  readonly storeReconcileDuration: Gauge<"name" | "namespace">;
  readonly clusterStoreCondition: Gauge<"name" | "condition" | "status">;
  readonly clusterStoreReconcileDuration: Gauge<"name">;
  readonly cesCondition: Gauge<"name" | "condition" | "status">;
  readonly cesReconcileDuration: Gauge<"name">;
  readonly providerApiCalls: Counter<"provider" | "call" | "status">;
  // Alerting-guide series.
  readonly syncAttempts: Counter<"name" | "namespace" | "status">;
  readonly syncDuration: Histogram<"store" | "status">;
  readonly secretsRead: Counter<"store_provider">;
  readonly driftDetected: Counter<"name" | "namespace">;
  readonly storeAuthFailures: Counter<"store">;

  constructor(registry: Registry) {
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Gauge<L>({ name, help, labelNames, registers });
    this.syncCalls = counter("externalsecret_sync_calls_total", "Total number of the External Secret sync calls", [
      "name",
      "namespace",
    ]);
    this.syncCallsError = counter(
      "externalsecret_sync_calls_error",
      "Total number of the External Secret sync errors",
      ["name", "namespace"],
    );
    this.esReady = gauge("externalsecret_status_condition", "The status condition of a specific External Secret", [
      "name",
      "namespace",
      "condition",
      "status",
    ]);
    this.esReconcileDuration = gauge(
      "externalsecret_reconcile_duration",
      "The duration time to reconcile the External Secret (nanoseconds, as upstream)",
      ["name", "namespace"],
    );
    this.storeCondition = gauge("secretstore_status_condition", "The status condition of a specific SecretStore", [
      "name",
      "namespace",
      "condition",
      "status",
    ]);
    this.storeReconcileDuration = gauge(
      "secretstore_reconcile_duration",
      "The duration time to reconcile the SecretStore (nanoseconds, as upstream)",
      ["name", "namespace"],
    );
    this.clusterStoreCondition = gauge(
      "clustersecretstore_status_condition",
      "The status condition of a specific ClusterSecretStore",
      ["name", "condition", "status"],
    );
    this.clusterStoreReconcileDuration = gauge(
      "clustersecretstore_reconcile_duration",
      "The duration time to reconcile the ClusterSecretStore (nanoseconds, as upstream)",
      ["name"],
    );
    this.cesCondition = gauge(
      "clusterexternalsecret_status_condition",
      "The status condition of a specific Cluster External Secret",
      ["name", "condition", "status"],
    );
    this.cesReconcileDuration = gauge(
      "clusterexternalsecret_reconcile_duration",
      "The duration time to reconcile the Cluster External Secret (nanoseconds, as upstream)",
      ["name"],
    );
    this.providerApiCalls = counter(
      "externalsecret_provider_api_calls_count",
      "Number of API calls towards the secret provider",
      ["provider", "call", "status"],
    );
    this.syncAttempts = counter(
      "externalsecrets_sync_calls_total",
      "ExternalSecret syncs (fetch from the provider and write the Secret), by outcome",
      ["name", "namespace", "status"],
    );
    this.syncDuration = new Histogram({
      name: "externalsecrets_sync_duration_seconds",
      help: "Duration of ExternalSecret syncs, by the referenced store and outcome",
      labelNames: ["store", "status"],
      buckets: durationBuckets,
      registers,
    });
    this.secretsRead = counter(
      "externalsecrets_secrets_total",
      "Remote secrets read from secret stores, by the store's provider",
      ["store_provider"],
    );
    this.driftDetected = counter(
      "externalsecrets_drift_detected_total",
      "Managed Secrets changed or deleted out of band and restored from the source",
      ["name", "namespace"],
    );
    this.storeAuthFailures = counter(
      "externalsecrets_store_auth_failure_total",
      "Authentication or authorization failures against a secret store",
      ["store"],
    );
  }

  /** Objects found gone during their current reconcile: their series are dropped, not re-created. */
  private readonly gone = new Set<string>();

  /** Starts timing one reconcile; call the returned function when it ends. */
  reconcileTimer(kind: ReconciledKind, name: string, namespace = ""): () => void {
    const key = `${kind}/${namespace}/${name}`;
    this.gone.delete(key);
    const start = process.hrtime.bigint();
    return () => {
      if (this.gone.delete(key)) return;
      const ns = elapsedNs(start);
      if (kind === "ExternalSecret") this.esReconcileDuration.set({ name, namespace }, ns);
      else if (kind === "SecretStore") this.storeReconcileDuration.set({ name, namespace }, ns);
      else if (kind === "ClusterSecretStore") this.clusterStoreReconcileDuration.set({ name }, ns);
      else this.cesReconcileDuration.set({ name }, ns);
    };
  }

  /** Drops the per-object series of a deleted object (as upstream's RemoveMetrics). */
  forget(kind: ReconciledKind, name: string, namespace = ""): void {
    this.gone.add(`${kind}/${namespace}/${name}`);
    if (kind === "ExternalSecret") {
      for (const m of [this.syncCalls, this.syncCallsError, this.esReconcileDuration, this.driftDetected]) {
        m.remove({ name, namespace });
      }
      for (const status of ["True", "False"]) {
        this.esReady.remove({ name, namespace, condition: "Ready", status });
        this.syncAttempts.remove({ name, namespace, status: status === "True" ? "success" : "error" });
      }
    } else if (kind === "SecretStore") {
      this.storeReconcileDuration.remove({ name, namespace });
      for (const status of ["True", "False"])
        this.storeCondition.remove({ name, namespace, condition: "Ready", status });
    } else if (kind === "ClusterSecretStore") {
      this.clusterStoreReconcileDuration.remove({ name });
      for (const status of ["True", "False"]) this.clusterStoreCondition.remove({ name, condition: "Ready", status });
    } else {
      this.cesReconcileDuration.remove({ name });
      for (const status of ["True", "False"]) this.cesCondition.remove({ name, condition: "Ready", status });
    }
  }

  /** One finished ExternalSecret sync attempt. */
  recordSync(name: string, namespace: string, store: string, status: SyncStatus, seconds: number): void {
    this.syncAttempts.inc({ name, namespace, status });
    this.syncDuration.observe({ store, status }, seconds);
  }

  /** The Ready condition of a SecretStore or ClusterSecretStore, as upstream's 0/1 gauge pair. */
  recordStoreReady(kind: "SecretStore" | "ClusterSecretStore", name: string, namespace: string, ready: boolean) {
    for (const status of ["True", "False"]) {
      const value = (ready ? "True" : "False") === status ? 1 : 0;
      if (kind === "ClusterSecretStore") this.clusterStoreCondition.set({ name, condition: "Ready", status }, value);
      else this.storeCondition.set({ name, namespace, condition: "Ready", status }, value);
    }
  }

  /** One provider client call by outcome; an authentication failure also counts against the store. */
  countProviderCall(provider: string, store: string, call: string, err?: unknown): void {
    this.providerApiCalls.inc({ provider, call, status: err === undefined ? "success" : "error" });
    if (err instanceof ProviderAuthError) this.storeAuthFailures.inc({ store });
  }

  countSecretsRead(provider: string, count: number): void {
    this.secretsRead.inc({ store_provider: provider }, count);
  }

  /** The Ready condition of a ClusterExternalSecret. */
  recordClusterExternalSecretReady(name: string, ready: boolean): void {
    for (const status of ["True", "False"]) {
      this.cesCondition.set({ name, condition: "Ready", status }, (ready ? "True" : "False") === status ? 1 : 0);
    }
  }
}
