/**
 * The controller under test, run as a child process of the bench so its RSS and CPU are its own. Started
 * with the API server URL and options as JSON in argv[2]; answers "stats" messages over IPC.
 */
import { writeHeapSnapshot } from "node:v8";
import { KubeConfig } from "@kubernetes/client-node";
import { kubeconfigObject } from "../src/apiserver/index.js";
import { startControllers } from "../src/controllers/index.js";
import { KubeClient } from "../src/kube/index.js";
import { startNotifyServer } from "../src/notify/server.js";
import { ClientCaches } from "../src/providers/caches.js";

export interface ChildConfig {
  apiUrl: string;
  concurrency: number;
  coalesceTtlMs?: number;
  notifyToken?: string;
  /** --client-qps / --client-burst of the controller (0 = no client-side limit). */
  clientQps: number;
  clientBurst: number;
  /** --enable-push-secret-reconciler (default true). */
  enablePushSecrets?: boolean;
  /** --enable-workload-rollouts (default false). */
  enableWorkloadRollouts?: boolean;
  /** --shard-mode: this child is one replica of a group splitting the work. */
  shard?: { identity: string; group: string; by?: "name" | "namespace" };
}

export interface ChildStats {
  peakRssBytes: number;
  rssBytes: number;
  cpuSeconds: number;
  providerCalls: number;
  cacheHits: number;
  joined: number;
  notifyUrl?: string;
  heapUsedBytes: number;
  externalBytes: number;
}

const cfg = JSON.parse(process.argv[2] ?? "{}") as ChildConfig;
const kc = new KubeConfig();
kc.loadFromString(JSON.stringify(kubeconfigObject(cfg.apiUrl)));
const caches = new ClientCaches();
const controllers = await startControllers({
  kubeConfig: kc,
  runtimeClient: new KubeClient({ kubeConfig: kc, qps: cfg.clientQps, burst: cfg.clientBurst }),
  // The Events' own client gets the same numbers, as the CLI gives it.
  eventQps: cfg.clientQps,
  eventBurst: cfg.clientBurst,
  concurrency: cfg.concurrency,
  coalesceTtlMs: cfg.coalesceTtlMs,
  providerCaches: caches,
  enablePushSecrets: cfg.enablePushSecrets,
  enableWorkloadRollouts: cfg.enableWorkloadRollouts,
  storeRequeueMs: 600_000,
  shard: cfg.shard && { ...cfg.shard, namespace: "default" },
});
const notify = cfg.notifyToken ? await startNotifyServer({ target: controllers, token: cfg.notifyToken }) : undefined;

function stats(): ChildStats {
  // Under --expose-gc (the rollouts scenario) heap figures are taken after a full collection, so runs compare.
  (globalThis as { gc?: () => void }).gc?.();
  const cpu = process.cpuUsage();
  const s = caches.reads.stats();
  return {
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBytes: process.memoryUsage.rss(),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    providerCalls: s.providerCalls,
    cacheHits: s.hits,
    joined: s.joined,
    notifyUrl: notify?.url,
    heapUsedBytes: process.memoryUsage().heapUsed,
    externalBytes: process.memoryUsage().external,
  };
}

let snapshots = 0;
process.on("message", async (msg: { type: string; id: number }) => {
  // BENCH_HEAP_SNAPSHOT=1: the first stats request after start (at all-Ready) also writes a heap snapshot.
  if (msg.type === "stats" && process.env.BENCH_HEAP_SNAPSHOT && snapshots++ === 0) writeHeapSnapshot();
  if (msg.type === "stats") process.send?.({ id: msg.id, stats: stats() });
  if (msg.type === "stop") {
    await notify?.stop();
    await controllers.stop();
    process.send?.({ id: msg.id, stats: stats() }, () => process.exit(0));
  }
});
process.send?.({ id: 0, stats: stats() });
