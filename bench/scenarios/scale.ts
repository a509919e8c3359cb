/**
 * Scale-out: N ExternalSecrets (fake provider, one store per 1,000) synced by one controller process, then by
 * `shards` processes in shard mode, each at the same client QPS. Per run: time to all-Ready, peak RSS and CPU of
 * every process, and the steady state after it: the writes of a window of `steadySeconds` by kind (leases
 * included), scaled to one refresh interval. Refresh phases spread an ExternalSecret's refreshes evenly over the
 * interval, so a window holds window/interval of a cycle's refreshes; the window starts `settleSeconds` after
 * all-Ready so refreshes that came due during the cold start have drained.
 */
import { EXTERNAL_SECRETS, SECRET_STORES } from "../../src/kube/index.js";
import { ControllerChild } from "../child.js";
import { createAll, createNamespaces, EsTracker, requestSummary, startCluster } from "../cluster.js";
import { CHILD_NODE_OPTIONS } from "./common.js";

export interface ScaleOptions {
  count: number;
  shards: number;
  clientQps: number;
  clientBurst: number;
  concurrency: number;
  refreshSeconds: number;
  steadySeconds: number;
  settleSeconds: number;
  /** V8 old-space cap of the single process and of each shard (MiB). */
  heapMiB: { single: number; shard: number };
  /** --shard-by of the sharded run (default name). */
  shardBy?: "name" | "namespace";
  childExecArgv?: string[];
}

export interface ScaleRun {
  processes: number;
  readySeconds: number;
  firstReadySeconds: number;
  peakRssMiB: number[];
  /** V8 heap in use at all-Ready, per process. */
  heapUsedMiB: number[];
  cpuSeconds: number[];
  /** Writes by resource from the controllers' start to all-Ready. */
  coldWrites: Record<string, number>;
  /** Fake-provider reads at cold start and in the steady window, all processes. */
  providerCalls: { coldStart: number; steadyWindow: number };
  /** Writes by resource in the steady window, and the same scaled to one refresh interval. */
  steadyWrites: Record<string, number>;
  steadyWritesPerCycle: Record<string, number>;
}

export interface ScaleResult {
  scenario: string;
  externalSecrets: number;
  shards: number;
  clientQps: number;
  clientBurst: number;
  concurrency: number;
  refreshSeconds: number;
  steadySeconds: number;
  nodeOptions: string;
  single: ScaleRun;
  sharded: ScaleRun;
  speedup: number;
}

const MiB = 1024 * 1024;
const KEYS = 100;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/** One run: `processes` controllers (in shard mode when more than one) from cold start to the steady window. */
export async function scaleRun(o: ScaleOptions, processes: number, log: (m: string) => void): Promise<ScaleRun> {
  const cluster = await startCluster();
  const namespaces = Array.from({ length: Math.max(1, Math.round(o.count / 1000)) }, (_, i) => `scale-${i}`);
  await createNamespaces(cluster, namespaces);
  // 100 keys per store and 3 consecutive ones per ExternalSecret: 100 read sets per namespace (10 ExternalSecrets
  // each), so refresh phases spread over the interval and a short window holds its share of a cycle.
  const data = Array.from({ length: KEYS }, (_, j) => ({ key: `k-${j}`, value: `value-${j}` }));
  for (const ns of namespaces) {
    await cluster.client.create(SECRET_STORES, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "store", namespace: ns },
      spec: { provider: { fake: { data } } },
    });
  }
  log(`  creating ${o.count} ExternalSecrets`);
  await createAll(cluster, EXTERNAL_SECRETS, o.count, (i) => ({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: `es-${i}`, namespace: namespaces[i % namespaces.length]! },
    spec: {
      refreshInterval: `${o.refreshSeconds}s`,
      secretStoreRef: { name: "store", kind: "SecretStore" },
      target: { name: `es-${i}` },
      data: [0, 1, 2].map((d) => ({
        secretKey: `f${d}`,
        remoteRef: { key: `k-${(3 * Math.floor(i / namespaces.length) + d) % KEYS}` },
      })),
    },
  }));
  const tracker = new EsTracker(cluster.api.url);
  await tracker.open();
  cluster.api.resetCounts();
  const heap = processes > 1 ? o.heapMiB.shard : o.heapMiB.single;
  log(`  starting ${processes} controller process(es), client QPS ${o.clientQps} each, old space ${heap} MiB`);
  const t0 = tracker.now();
  const children = await Promise.all(
    Array.from({ length: processes }, (_, p) =>
      ControllerChild.start(
        {
          apiUrl: cluster.api.url,
          concurrency: o.concurrency,
          clientQps: o.clientQps,
          clientBurst: o.clientBurst,
          enablePushSecrets: false,
          ...(processes > 1 ? { shard: { identity: `bench-shard-${p}`, group: "bench", by: o.shardBy } } : {}),
        },
        {},
        [...CHILD_NODE_OPTIONS, `--max-old-space-size=${heap}`, ...(o.childExecArgv ?? [])],
      ),
    ),
  );
  const alive = () => children.every((c) => c.exitCode === null);
  const providerCalls = async () =>
    sum((await Promise.all(children.map((c) => c.stats()))).map((s) => s.providerCalls));
  try {
    let lastLog = 0;
    await tracker.until(
      () => {
        if (tracker.now() - lastLog > 60_000) {
          lastLog = tracker.now();
          log(`    ${tracker.readyAt.size} Ready after ${((lastLog - t0) / 1000).toFixed(0)} s`);
        }
        return tracker.readyAt.size >= o.count;
      },
      3 * 3_600_000,
      `${o.count} ExternalSecrets Ready`,
      alive,
    );
    const ready = [...tracker.readyAt.values()];
    const readySeconds = (Math.max(...ready) - t0) / 1000;
    const coldWrites = requestSummary(cluster.api.requestCounts()).writesByKind;
    const atReady = await Promise.all(children.map((c) => c.stats()));
    const coldCalls = sum(atReady.map((s) => s.providerCalls));
    const heapUsedMiB = atReady.map((s) => Math.round(s.heapUsedBytes / MiB));
    log(
      `  all Ready in ${readySeconds.toFixed(1)} s; heap used ${heapUsedMiB.join(", ")} MiB; cold-start writes ${JSON.stringify(coldWrites)}`,
    );
    log(`  settling ${o.settleSeconds} s, then a steady window of ${o.steadySeconds} s`);
    await sleep(o.settleSeconds);
    cluster.api.resetCounts();
    const callsBefore = await providerCalls();
    await sleep(o.steadySeconds);
    const steadyWrites = requestSummary(cluster.api.requestCounts()).writesByKind;
    const steadyCalls = (await providerCalls()) - callsBefore;
    const scale = o.refreshSeconds / o.steadySeconds;
    const steadyWritesPerCycle = Object.fromEntries(
      Object.entries(steadyWrites).map(([k, n]) => [k, Math.round(n * scale)]),
    );
    const finals = await Promise.all(children.map((c) => c.stop()));
    const run: ScaleRun = {
      processes,
      readySeconds,
      firstReadySeconds: (Math.min(...ready) - t0) / 1000,
      peakRssMiB: finals.map((s) => Math.round(s.peakRssBytes / MiB)),
      heapUsedMiB,
      cpuSeconds: finals.map((s) => Math.round(s.cpuSeconds * 10) / 10),
      coldWrites,
      providerCalls: { coldStart: coldCalls, steadyWindow: steadyCalls },
      steadyWrites,
      steadyWritesPerCycle,
    };
    log(
      `  peak RSS ${run.peakRssMiB.join(", ")} MiB; steady window ${JSON.stringify(steadyWrites)} (per ${o.refreshSeconds} s cycle ${JSON.stringify(steadyWritesPerCycle)})`,
    );
    return run;
  } finally {
    for (const c of children) c.kill();
    tracker.close();
    await cluster.stop();
  }
}

export async function scaleScenario(o: ScaleOptions, log: (m: string) => void): Promise<ScaleResult> {
  log(`  single process`);
  const single = await scaleRun(o, 1, log);
  log(`  ${o.shards} shards`);
  const sharded = await scaleRun(o, o.shards, log);
  return {
    scenario: `scale-${o.count}${o.shardBy === "namespace" ? "-by-namespace" : ""}`,
    externalSecrets: o.count,
    shards: o.shards,
    clientQps: o.clientQps,
    clientBurst: o.clientBurst,
    concurrency: o.concurrency,
    refreshSeconds: o.refreshSeconds,
    steadySeconds: o.steadySeconds,
    nodeOptions: CHILD_NODE_OPTIONS.join(" "),
    single,
    sharded,
    speedup: Math.round((single.readySeconds / sharded.readySeconds) * 100) / 100,
  };
}
