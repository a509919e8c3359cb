/**
 * `eso controller`: the operator's production entry point. Connects with --kubeconfig, $KUBECONFIG, the in-cluster
 * service account or ~/.kube/config (in that order, as controller-runtime), runs the controllers under a runtime
 * Manager (health, metrics, leader election) and shuts down gracefully on SIGTERM / SIGINT.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { KubeConfig } from "@kubernetes/client-node";
import { parseDuration } from "../api/duration.js";
import { startControllers } from "../controllers/index.js";
import { type NotifyServer, notifyFlags, startNotifyServer } from "../notify/index.js";
import { createLogger, type Logger } from "../runtime/logger.js";
import { Manager } from "../runtime/manager.js";
import { type FlagSpec, flagHelp, parseFlags as parseFlagValues, typedFlags, usageError } from "./flags.js";
import { loadKubeConfig, podNamespace } from "./kubeconfig.js";
import { StopRequest } from "./stop.js";

/** Flag names and defaults as upstream ESO's `external-secrets` binary where it has them. */
const flags: Record<string, FlagSpec> = {
  kubeconfig: {
    type: "string",
    default: "",
    help: "kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)",
  },
  concurrent: {
    type: "int",
    default: "1",
    help: "concurrent reconciles per controller",
    alias: "max-concurrent-reconciles", // guides pass this spelling through the chart's extraArgs
  },
  "metrics-addr": { type: "string", default: ":8080", help: 'address of the /metrics endpoint ("0" disables)' },
  "health-addr": { type: "string", default: ":8081", help: "address of the /healthz and /readyz endpoints" },
  "metrics-secure": {
    type: "bool",
    default: "false",
    help: "serve /metrics over HTTPS, and only to bearer tokens allowed `get /metrics` (TokenReview + SubjectAccessReview)",
  },
  "metrics-auth": {
    type: "bool",
    default: "false",
    help: "require a bearer token allowed `get /metrics` without HTTPS (implied by --metrics-secure)",
  },
  "metrics-cert-dir": {
    type: "string",
    default: "",
    help: "tls.crt and tls.key for --metrics-secure, reloaded on change (default: a self-signed certificate)",
  },
  "enable-leader-election": { type: "bool", default: "false", help: "only the holder of a Lease reconciles" },
  "shard-mode": {
    type: "bool",
    default: "false",
    help: "every replica reconciles and caches its share of the ExternalSecrets and PushSecrets (membership through Leases; replaces leader election)",
  },
  "shard-by": {
    type: "string",
    default: "name",
    choices: ["name", "namespace"],
    help: "with --shard-mode, split by object, or keep each namespace on one replica (its ExternalSecrets reading the same remote secrets then share one provider read)",
  },
  "leader-election-namespace": {
    type: "string",
    default: "",
    help: "namespace of the Lease (default: $POD_NAMESPACE, the pod's namespace, the kubeconfig context's)",
  },
  namespace: { type: "string", default: "", help: "watch this namespace only (default: all)" },
  "controller-class": { type: "string", default: "default", help: "handle stores with this spec.controller (or none)" },
  "enable-cluster-store-reconciler": { type: "bool", default: "true", help: "reconcile ClusterSecretStores" },
  "enable-cluster-external-secret-reconciler": {
    type: "bool",
    default: "true",
    help: "reconcile ClusterExternalSecrets",
  },
  "enable-push-secret-reconciler": { type: "bool", default: "true", help: "reconcile PushSecrets" },
  "client-qps": { type: "float", default: "50", help: "sustained API requests per second (0: no limit)" },
  "client-burst": { type: "int", default: "100", help: "API requests allowed above --client-qps in a burst" },
  loglevel: {
    type: "string",
    default: "info",
    help: "debug, info, warn, error, dpanic, panic or fatal",
    alias: "zap-log-level",
  },
  "enable-flood-protection": {
    type: "bool",
    default: "true",
    help: "ExternalSecrets wait until their store is Ready instead of hammering a failing provider",
  },
  "provider-read-ttl": {
    type: "string",
    default: "5s",
    help: "how long identical provider reads are shared across reconciles of one store and credential (0s: off)",
  },
  "reconcile-timeout": {
    type: "string",
    default: "30s",
    help: "deadline for the provider calls of one reconcile; caps every store's own timeout (0s: none)",
  },
  "template-timeout": {
    type: "string",
    default: "2s",
    help: "deadline for rendering one template; a template past it fails its ExternalSecret and is retried with backoff",
  },
  "max-concurrent-per-store": {
    type: "int",
    default: "0",
    help: "ExternalSecret syncs one store may run at once (0: half of --concurrent, at least 1)",
  },
  "unsafe-allow-generic-targets": {
    type: "bool",
    default: "false",
    help: "let ExternalSecrets write spec.target.manifest kinds (ConfigMaps, custom resources), which are not encrypted at rest",
  },
  "allow-kubeconfig-proxy": {
    type: "bool",
    default: "false",
    help: "honour proxy-url in kubeconfigs read from Secrets (kubernetes provider authRef)",
  },
  "refuse-ambient-credentials-for-namespaced-stores": {
    type: "bool",
    default: "false",
    help: "SecretStores and generators without auth may not use the controller's AWS, GCP or Azure identity",
  },
  "notify-addr": {
    type: "string",
    default: "",
    help: "serve the store-notification endpoint (event-driven refresh) on this address; off when empty",
  },
  "notify-token-file": {
    type: "string",
    default: "",
    help: "file holding the token notifications must present (or $ESO_NOTIFY_TOKEN)",
  },
  "notify-tls-cert": { type: "string", default: "", help: "serve notifications over HTTPS with this certificate" },
  "notify-tls-key": { type: "string", default: "", help: "private key for --notify-tls-cert" },
  "notify-client-ca": { type: "string", default: "", help: "require client certificates signed by this CA (mTLS)" },
  "notify-rate-limit": {
    type: "float",
    default: "5",
    help: "notifications per second each caller (client certificate or address) may send; over it: 429 (0: no limit)",
  },
  "notify-rate-burst": { type: "int", default: "20", help: "notifications a caller may send at once above the rate" },
  "enable-workload-rollouts": {
    type: "bool",
    default: "false",
    help: "roll Deployments, StatefulSets and DaemonSets that opt in (Reloader's annotations) when a synced Secret's data changes",
  },
  "workload-rollout-interval": {
    type: "string",
    default: "1m",
    help: "least time between two rollouts of one workload; changes inside it roll the workload once, when it ends",
  },
  "notify-coalesce-window": {
    type: "string",
    default: "1s",
    help: "notifications for one ExternalSecret within this window cause one refresh, at its end",
  },
};

/** Upstream's lease name, so a mixed rollout never has two leaders. */
export const LEADER_ELECTION_ID = "external-secrets-controller";

export const help = `Usage: eso controller [flags]

Runs the ExternalSecret, SecretStore, ClusterSecretStore, ClusterExternalSecret and PushSecret controllers
against a Kubernetes cluster until SIGTERM or SIGINT. On shutdown it stops taking work, lets in-flight
reconciles finish (up to 30 s) and releases the leader lease so a standby replica takes over at once.

Flags (boolean flags take --flag or --flag=false):
${flagHelp(flags)}
  (--max-concurrent-reconciles is accepted as --concurrent, --zap-log-level as --loglevel)

Examples:
  # in a pod (in-cluster service account), two replicas with leader election
  eso controller --enable-leader-election --concurrent 4

  # against a local API server, one namespace, no metrics endpoint
  eso apiserver --port 6443 --kubeconfig /tmp/eso.kubeconfig &
  eso controller --kubeconfig /tmp/eso.kubeconfig --namespace app --metrics-addr 0 --health-addr 127.0.0.1:8081

  # only stores with spec.controller "team-a", throttled API use, debug logs
  eso controller --controller-class team-a --client-qps 20 --client-burst 40 --loglevel debug
`;

export type ControllerFlags = Record<string, string | number | boolean>;

/** Parses Go-style flags (--name value, --name=value, -name; booleans only as --name or --name=bool). */
export function parseFlags(argv: string[]): ControllerFlags {
  return typedFlags(parseFlagValues(argv, flags), flags);
}

function leaseNamespace(explicit: string, kc: KubeConfig): string {
  return explicit || podNamespace() || kc.getContextObject(kc.getCurrentContext())?.namespace || "default";
}

export async function run(argv: string[]): Promise<number> {
  let f: ControllerFlags;
  let kubeConfig: KubeConfig;
  let notify: ReturnType<typeof notifyFlags>;
  let readTtlMs: number;
  let reconcileTimeoutMs: number;
  let notifyCoalesceMs: number;
  let rolloutIntervalMs: number;
  try {
    f = parseFlags(argv);
    readTtlMs = parseDuration(String(f["provider-read-ttl"]));
    reconcileTimeoutMs = parseDuration(String(f["reconcile-timeout"]));
    if (reconcileTimeoutMs < 0) throw new Error("--reconcile-timeout: must not be negative");
    notifyCoalesceMs = parseDuration(String(f["notify-coalesce-window"]));
    rolloutIntervalMs = parseDuration(String(f["workload-rollout-interval"]));
    if (rolloutIntervalMs < 0) throw new Error("--workload-rollout-interval: must not be negative");
    if (!(parseDuration(String(f["template-timeout"])) > 0)) throw new Error("--template-timeout: must be positive");
    notify = notifyFlags(f);
    kubeConfig = loadKubeConfig(String(f.kubeconfig));
  } catch (err) {
    return usageError("controller", err instanceof Error ? err.message : String(err));
  }
  const log = createLogger({ level: String(f.loglevel) });
  const onRejection = (err: unknown) => log.error({ err }, "unhandled promise rejection (ignored)");
  process.on("unhandledRejection", onRejection);
  try {
    return await serve(f, kubeConfig, log, readTtlMs, notify, {
      reconcileTimeoutMs,
      notifyCoalesceMs,
      rolloutIntervalMs,
    });
  } finally {
    process.off("unhandledRejection", onRejection);
    log.flush();
  }
}

async function serve(
  f: ControllerFlags,
  kubeConfig: KubeConfig,
  log: Logger,
  readTtlMs: number,
  notify: ReturnType<typeof notifyFlags>,
  timing: { reconcileTimeoutMs: number; notifyCoalesceMs: number; rolloutIntervalMs: number },
): Promise<number> {
  const manager = new Manager({
    kubeConfig,
    qps: Number(f["client-qps"]),
    burst: Number(f["client-burst"]),
    logger: log,
    healthAddr: String(f["health-addr"]),
    metricsAddr: String(f["metrics-addr"]),
    metricsTls: f["metrics-secure"] ? { certDir: String(f["metrics-cert-dir"]) || undefined } : undefined,
    metricsAuth: Boolean(f["metrics-secure"] || f["metrics-auth"]),
    leaderElection:
      f["enable-leader-election"] && !f["shard-mode"]
        ? { id: LEADER_ELECTION_ID, namespace: leaseNamespace(String(f["leader-election-namespace"]), kubeConfig) }
        : undefined,
  });
  const stop = new StopRequest();
  stop.reason.then((signal) => log.info({ signal }, "signal received"));
  try {
    const running = await startControllers({
      kubeConfig,
      runtimeClient: manager.client,
      runtimeMetrics: manager.metrics,
      registry: manager.registry,
      eventQps: Number(f["client-qps"]),
      eventBurst: Number(f["client-burst"]),
      logger: log,
      controllerClass: String(f["controller-class"]),
      namespace: String(f.namespace) || undefined,
      concurrency: Math.max(1, Number(f.concurrent)),
      enableClusterStores: Boolean(f["enable-cluster-store-reconciler"]),
      enableClusterExternalSecrets: Boolean(f["enable-cluster-external-secret-reconciler"]),
      enablePushSecrets: Boolean(f["enable-push-secret-reconciler"]),
      floodGate: Boolean(f["enable-flood-protection"]),
      coalesceTtlMs: readTtlMs,
      tenantPolicy: {
        allowKubeconfigProxy: Boolean(f["allow-kubeconfig-proxy"]),
        refuseAmbientCredentials: Boolean(f["refuse-ambient-credentials-for-namespaced-stores"]),
      },
      reconcileTimeoutMs: timing.reconcileTimeoutMs,
      templateTimeoutMs: parseDuration(String(f["template-timeout"])),
      notifyCoalesceWindowMs: timing.notifyCoalesceMs,
      maxConcurrentPerStore: Math.max(0, Number(f["max-concurrent-per-store"])),
      allowGenericTargets: Boolean(f["unsafe-allow-generic-targets"]),
      enableWorkloadRollouts: Boolean(f["enable-workload-rollouts"]),
      workloadRolloutIntervalMs: timing.rolloutIntervalMs,
      deferControllerStart: true,
      shard: f["shard-mode"]
        ? {
            namespace: leaseNamespace(String(f["leader-election-namespace"]), kubeConfig),
            group: LEADER_ELECTION_ID,
            identity: `${hostname()}_${randomBytes(6).toString("hex")}`,
            by: f["shard-by"] === "namespace" ? "namespace" : "name",
          }
        : undefined,
    });
    let notifyServer: NotifyServer | undefined;
    if (notify) {
      notifyServer = await startNotifyServer({ ...notify, target: running, logger: log });
      log.info({ url: notifyServer.url }, "notification endpoint listening");
      manager.onStop(() => notifyServer!.stop());
    }
    let synced = false;
    running.synced().then(() => {
      synced = true;
      log.info("caches synced");
    });
    manager.addReadyCheck("informers-synced", () => synced);
    for (const c of running.controllers) manager.add(c);
    manager.onStop(() => running.stop());
    try {
      await manager.start();
    } catch (err) {
      log.error({ err }, "could not start");
      await manager.stop();
      return 1;
    }
    await stop.reason;
    await manager.stop();
    return 0;
  } finally {
    stop.close();
  }
}
