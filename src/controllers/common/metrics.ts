/**
 * ESO's own metrics (names as upstream where they exist). Labels are object names and namespaces only,
 * never data.
 */
import { Counter, Gauge, type Registry } from "prom-client";

export class EsoMetrics {
  readonly syncCalls: Counter<"name" | "namespace">;
  readonly syncCallsError: Counter<"name" | "namespace">;
  readonly driftRestored: Counter<"name" | "namespace">;
  readonly esReady: Gauge<"name" | "namespace" | "condition" | "status">;
  readonly storeReady: Gauge<"name" | "namespace" | "kind" | "status">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.syncCalls = new Counter({
      name: "externalsecret_sync_calls_total",
      help: "Total number of ExternalSecret reconciles",
      labelNames: ["name", "namespace"],
      registers,
    });
    this.syncCallsError = new Counter({
      name: "externalsecret_sync_calls_error",
      help: "Total number of ExternalSecret reconcile errors",
      labelNames: ["name", "namespace"],
      registers,
    });
    this.driftRestored = new Counter({
      name: "externalsecret_drift_restored_total",
      help: "Managed Secrets edited or deleted out of band and restored from the source",
      labelNames: ["name", "namespace"],
      registers,
    });
    this.esReady = new Gauge({
      name: "externalsecret_status_condition",
      help: "The status condition of an ExternalSecret",
      labelNames: ["name", "namespace", "condition", "status"],
      registers,
    });
    this.storeReady = new Gauge({
      name: "secretstore_status_condition",
      help: "The Ready condition of a SecretStore or ClusterSecretStore",
      labelNames: ["name", "namespace", "kind", "status"],
      registers,
    });
  }
}
