/**
 * Scale-out: N ExternalSecrets (fake provider, one store per 1,000) synced by one controller process, then by
 * `shards` processes in shard mode, each at the same client QPS. Per run: time to all-Ready, peak RSS of every
 * process, and the writes of one steady-state refresh cycle by kind (leases included).
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
  childExecArgv?: string[];
}

export interface ScaleRun {
  processes: number;
  readySeconds: number;
  peakRssMiB: number[];
  cpuSeconds: number[];
  /** Writes by resource during one refresh interval after all-Ready. */
  cycleWrites: Record<string, number>;
}

export interface ScaleResult {
  scenario: string;
  externalSecrets: number;
  clientQps: number;
  clientBurst: number;
  concurrency: number;
  refreshSeconds: number;
  nodeOptions: string;
  single: ScaleRun;
  sharded: ScaleRun;
  speedup: number;
}

const MiB = 1024 * 1024;

async function runOnce(o: ScaleOptions, processes: number, log: (m: string) => void): Promise<ScaleRun> {
  const cluster = await startCluster();
  const namespaces = Array.from({ length: Math.max(1, Math.round(o.count / 1000)) }, (_, i) => `scale-${i}`);
  await createNamespaces(cluster, namespaces);
  const data = Array.from({ length: 30 }, (_, j) => ({ key: `k-${j}`, value: `value-${j}` }));
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
      data: [0, 1, 2].map((d) => ({ secretKey: `f${d}`, remoteRef: { key: `k-${(3 * i + d) % 30}` } })),
    },
  }));
  const tracker = new EsTracker(cluster.api.url);
  await tracker.open();
  cluster.api.resetCounts();
  log(`  starting ${processes} controller process(es), client QPS ${o.clientQps} each`);
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
          ...(processes > 1 ? { shard: { identity: `bench-shard-${p}`, group: "bench" } } : {}),
        },
        {},
        [...CHILD_NODE_OPTIONS, ...(o.childExecArgv ?? [])],
      ),
    ),
  );
  const alive = () => children.every((c) => c.exitCode === null);
  try {
    await tracker.until(() => tracker.readyAt.size >= o.count, 3_600_000, `${o.count} ExternalSecrets Ready`, alive);
    const readySeconds = (Math.max(...tracker.readyAt.values()) - t0) / 1000;
    log(`  all Ready in ${readySeconds.toFixed(1)} s; measuring one refresh interval (${o.refreshSeconds} s)`);
    cluster.api.resetCounts();
    await new Promise((r) => setTimeout(r, o.refreshSeconds * 1000));
    const cycleWrites = requestSummary(cluster.api.requestCounts()).writesByKind;
    const finals = await Promise.all(children.map((c) => c.stop()));
    const run: ScaleRun = {
      processes,
      readySeconds,
      peakRssMiB: finals.map((s) => Math.round(s.peakRssBytes / MiB)),
      cpuSeconds: finals.map((s) => Math.round(s.cpuSeconds * 10) / 10),
      cycleWrites,
    };
    log(`  peak RSS ${run.peakRssMiB.join(", ")} MiB; writes in the cycle ${JSON.stringify(cycleWrites)}`);
    return run;
  } finally {
    for (const c of children) c.kill();
    tracker.close();
    await cluster.stop();
  }
}

export async function scaleScenario(o: ScaleOptions, log: (m: string) => void): Promise<ScaleResult> {
  log(`  single process`);
  const single = await runOnce(o, 1, log);
  log(`  ${o.shards} shards`);
  const sharded = await runOnce(o, o.shards, log);
  return {
    scenario: `scale-${o.count}`,
    externalSecrets: o.count,
    clientQps: o.clientQps,
    clientBurst: o.clientBurst,
    concurrency: o.concurrency,
    refreshSeconds: o.refreshSeconds,
    nodeOptions: CHILD_NODE_OPTIONS.join(" "),
    single,
    sharded,
    speedup: Math.round((single.readySeconds / sharded.readySeconds) * 100) / 100,
  };
}

/** `node bench/scenarios/scale.js [count] [shards] [qps]`: runs the scenario alone and prints its result as JSON. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const [count = "2000", shards = "4", qps = "50"] = process.argv.slice(2);
  const result = await scaleScenario(
    {
      count: Number(count),
      shards: Number(shards),
      clientQps: Number(qps),
      clientBurst: Number(qps) * 2,
      concurrency: 4,
      refreshSeconds: Number(process.env.BENCH_SCALE_REFRESH ?? 60),
    },
    (m) => console.error(m),
  );
  console.log(JSON.stringify(result, null, 2));
}
