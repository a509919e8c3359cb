/**
 * Prometheus metrics under controller-runtime's names, on one registry per Manager (so two managers can live in
 * one process). Label values are controller/queue names, HTTP verbs and status codes only: never object data.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { QueueMetrics } from "./workqueue.js";

const reconcileBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2,
  2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
const queueBuckets = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000];

export type ReconcileResult = "success" | "error" | "requeue" | "requeue_after";

export class RuntimeMetrics {
  readonly registry: Registry;
  private readonly queueProbes = new Map<string, () => [number, number]>();

  readonly reconcileTotal: Counter<"controller" | "result">;
  readonly reconcileErrors: Counter<"controller">;
  readonly reconcilePanics: Counter<"controller">;
  readonly reconcileTime: Histogram<"controller">;
  readonly maxConcurrent: Gauge<"controller">;
  readonly activeWorkers: Gauge<"controller">;
  readonly queueDepth: Gauge<"name" | "controller">;
  readonly queueAdds: Counter<"name" | "controller">;
  readonly queueLatency: Histogram<"name" | "controller">;
  readonly queueWork: Histogram<"name" | "controller">;
  readonly queueRetries: Counter<"name" | "controller">;
  readonly queueUnfinished: Gauge<"name" | "controller">;
  readonly queueLongest: Gauge<"name" | "controller">;
  readonly restRequests: Counter<"code" | "method" | "host">;
  readonly restLatency: Histogram<"verb" | "host">;
  readonly leaderStatus: Gauge<"name">;

  /** `processMetrics` adds prom-client's default process_* / nodejs_* collectors. */
  constructor(opts: { registry?: Registry; processMetrics?: boolean } = {}) {
    const registers = [(this.registry = opts.registry ?? new Registry())];
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.reconcileTotal = new Counter({
      name: "controller_runtime_reconcile_total",
      help: "Total number of reconciliations per controller",
      labelNames: ["controller", "result"],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: "controller_runtime_reconcile_errors_total",
      help: "Total number of reconciliation errors per controller",
      labelNames: ["controller"],
      registers,
    });
    this.reconcilePanics = new Counter({
      name: "controller_runtime_reconcile_panics_total",
      help: "Total number of reconciliation panics per controller",
      labelNames: ["controller"],
      registers,
    });
    this.reconcileTime = new Histogram({
      name: "controller_runtime_reconcile_time_seconds",
      help: "Length of time per reconciliation per controller",
      labelNames: ["controller"],
      buckets: reconcileBuckets,
      registers,
    });
    this.maxConcurrent = new Gauge({
      name: "controller_runtime_max_concurrent_reconciles",
      help: "Maximum number of concurrent reconciles per controller",
      labelNames: ["controller"],
      registers,
    });
    this.activeWorkers = new Gauge({
      name: "controller_runtime_active_workers",
      help: "Number of currently used workers per controller",
      labelNames: ["controller"],
      registers,
    });
    const q = ["name", "controller"] as const;
    this.queueDepth = new Gauge({
      name: "workqueue_depth",
      help: "Current depth of workqueue",
      labelNames: q,
      registers,
    });
    this.queueAdds = new Counter({
      name: "workqueue_adds_total",
      help: "Total number of adds handled by workqueue",
      labelNames: q,
      registers,
    });
    this.queueLatency = new Histogram({
      name: "workqueue_queue_duration_seconds",
      help: "How long in seconds an item stays in workqueue before being requested",
      labelNames: q,
      buckets: queueBuckets,
      registers,
    });
    this.queueWork = new Histogram({
      name: "workqueue_work_duration_seconds",
      help: "How long in seconds processing an item from workqueue takes",
      labelNames: q,
      buckets: queueBuckets,
      registers,
    });
    this.queueRetries = new Counter({
      name: "workqueue_retries_total",
      help: "Total number of retries handled by workqueue",
      labelNames: q,
      registers,
    });
    const probes = this.queueProbes;
    this.queueUnfinished = new Gauge({
      name: "workqueue_unfinished_work_seconds",
      help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration",
      labelNames: q,
      registers,
      collect() {
        for (const [name, probe] of probes) this.set({ name, controller: name }, probe()[0]);
      },
    });
    this.queueLongest = new Gauge({
      name: "workqueue_longest_running_processor_seconds",
      help: "How many seconds has the longest running processor for workqueue been running",
      labelNames: q,
      registers,
      collect() {
        for (const [name, probe] of probes) this.set({ name, controller: name }, probe()[1]);
      },
    });
    this.restRequests = new Counter({
      name: "rest_client_requests_total",
      help: "Number of HTTP requests, partitioned by status code, method, and host",
      labelNames: ["code", "method", "host"],
      registers,
    });
    this.restLatency = new Histogram({
      name: "rest_client_request_duration_seconds",
      help: "Request latency in seconds, broken down by verb and host",
      labelNames: ["verb", "host"],
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
      registers,
    });
    this.leaderStatus = new Gauge({
      name: "leader_election_master_status",
      help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master",
      labelNames: ["name"],
      registers,
    });
  }

  /** Queue observer for the work queue of controller `name`. */
  queue(name: string): QueueMetrics {
    const labels = { name, controller: name };
    return {
      add: () => this.queueAdds.inc(labels),
      depth: (n) => this.queueDepth.set(labels, n),
      latency: (s) => this.queueLatency.observe(labels, s),
      workDuration: (s) => this.queueWork.observe(labels, s),
      retry: () => this.queueRetries.inc(labels),
      inFlight: (probe) => this.queueProbes.set(name, probe),
    };
  }

  /** Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
