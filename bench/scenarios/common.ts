/** Shared bench scenario machinery: setting up stores and ExternalSecrets, running the child, measuring. */

import { EXTERNAL_SECRETS, SECRET_STORES, SECRETS } from "../../src/kube/index.js";
import { ENDPOINT_ENV } from "../../src/providers/aws/kit/sdk-options.js";
import { FakeAws } from "../../test/fakes/aws-server.js";
import { ControllerChild } from "../child.js";
import { type Cluster, createAll, createNamespaces, EsTracker, requestSummary, startCluster } from "../cluster.js";

export type ProviderKind = "fake" | "aws";

export interface CycleResult {
  seconds: number;
  syncs: number;
  secretWrites: number;
  statusWrites: number;
  providerCalls: number;
  awsCalls?: Record<string, number>;
  apiRequests: { total: number; byVerb: Record<string, number>; raw: Record<string, number> };
  writesByKind?: Record<string, number>;
  /** Sync times in the cycle (seconds after the first one) as [bucket start, count]. */
  histogram: [number, number][];
}

export interface ScenarioResult {
  scenario: string;
  provider: ProviderKind;
  externalSecrets: number;
  keysEach: number;
  distinctRemoteSecrets: number;
  concurrency: number;
  clientQps: number;
  clientBurst?: number;
  refreshSeconds?: number;
  nodeOptions: string;
  readySeconds: number;
  firstReadySeconds?: number;
  syncsPerSecond: number;
  apiRequests: { total: number; byVerb: Record<string, number>; raw: Record<string, number> };
  /** Writes (create, update, patch, delete) by resource, e.g. secrets, events, externalsecrets/status. */
  writesByKind?: Record<string, number>;
  providerCalls: number;
  awsCalls?: Record<string, number>;
  peakRssMiB: number;
  /** Controller CPU (user + system) from start to all-Ready. */
  cpuSeconds: number;
  /** Controller CPU over the whole run (incl. the refresh cycle). */
  cpuSecondsTotal?: number;
  unrelatedSecrets?: number;
  cycle?: CycleResult;
  notifyLatencyMs?: { samples: number[]; p50: number; p95: number; max: number };
  notes?: string[];
  error?: string;
}

export interface Setup {
  name: string;
  provider: ProviderKind;
  count: number;
  namespaces: number;
  /** "own": 3 properties of one remote secret per ExternalSecret; "pool": 3 of `pool` shared keys. */
  keys: { kind: "own" } | { kind: "pool"; pool: number };
  refreshSeconds: number;
  concurrency: number;
  unrelatedSecrets?: number;
  unrelatedBytes?: number;
  cycle: boolean;
  /** Let one refresh cycle pass before measuring one (steady state). */
  warmCycle?: boolean;
  notifyToken?: string;
  coalesceTtlMs?: number;
  childExecArgv?: string[];
  enablePushSecrets?: boolean;
  /** The controller's --client-qps / --client-burst (default: BENCH_CLIENT_QPS / BENCH_CLIENT_BURST). */
  clientQps?: number;
  clientBurst?: number;
}

const AWS_KEY = ["AKIABENCHBENCHBENCH0", "bench-secret-access-key"] as const;
const MiB = 1024 * 1024;
/** The controller's --client-qps/--client-burst in the bench (BENCH_CLIENT_QPS; default 0 = unlimited). */
export const CLIENT_QPS = Number(process.env.BENCH_CLIENT_QPS ?? 0);
/**
 * Node flags of the controller process (BENCH_CHILD_NODE_OPTIONS, space separated). The default caps the old
 * generation at 192 MiB, as recommended for deployments: without a cap V8 lets garbage grow the heap while
 * thousands of reconciles allocate, and RSS ends up well above the live set.
 */
export const CHILD_NODE_OPTIONS = (process.env.BENCH_CHILD_NODE_OPTIONS ?? "--max-old-space-size=192")
  .split(" ")
  .filter(Boolean);
export const CLIENT_BURST = Number(process.env.BENCH_CLIENT_BURST ?? 1000);

export function nsName(i: number): string {
  return `bench-${i}`;
}

export function esName(i: number): string {
  return `es-${i}`;
}

export function ownKey(i: number, nsCount: number): string {
  return `bench/${nsName(i % nsCount)}/${esName(i)}`;
}

function poolKey(j: number): string {
  return `pool/key-${j}`;
}

export const FIELDS = ["username", "password", "url"] as const;
/** Remote secrets per namespace in the fake store for "own" keys. */
const FAKE_OWN = 30;

function esData(s: Setup, i: number) {
  if (s.keys.kind === "own") {
    return FIELDS.map((f, d) => ({
      secretKey: f,
      remoteRef: { key: s.provider === "aws" ? `${ownKey(i, s.namespaces)}/${f}` : `own-${(3 * i + d) % FAKE_OWN}` },
    }));
  }
  const pool = s.keys.pool;
  return [0, 1, 2].map((d) => ({ secretKey: `k${d}`, remoteRef: { key: poolKey((i + d) % pool) } }));
}

function storeSpec(s: Setup) {
  if (s.provider === "aws") {
    return {
      aws: {
        service: "SecretsManager",
        region: "us-east-1",
        auth: {
          secretRef: {
            accessKeyIDSecretRef: { name: "aws-creds", key: "id" },
            secretAccessKeySecretRef: { name: "aws-creds", key: "secret" },
          },
        },
      },
    };
  }
  const data =
    s.keys.kind === "pool"
      ? Array.from({ length: s.keys.pool }, (_, j) => ({ key: poolKey(j), value: `value-${j}` }))
      : Array.from({ length: FAKE_OWN }, (_, j) => ({ key: `own-${j}`, value: `value-${j}` }));
  return { fake: { data } };
}

export function histogram(times: number[], buckets = 12): [number, number][] {
  if (times.length === 0) return [];
  const min = Math.min(...times);
  const max = Math.max(...times);
  const width = Math.max((max - min) / buckets, 0.001);
  const out: [number, number][] = Array.from({ length: buckets }, (_, b) => [Number((b * width).toFixed(2)), 0]);
  for (const t of times) out[Math.min(buckets - 1, Math.floor((t - min) / width))]![1]++;
  return out;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
}

function awsCounts(aws: FakeAws): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of aws.requests) out[r.action] = (out[r.action] ?? 0) + 1;
  return out;
}

export interface Running {
  cluster: Cluster;
  aws?: FakeAws;
  child: ControllerChild;
  tracker: EsTracker;
  result: ScenarioResult;
  finish(): Promise<ScenarioResult>;
}

/** Builds the cluster, starts the controller child and waits for all-Ready (and one refresh cycle if asked). */
export async function runSetup(s: Setup, log: (m: string) => void): Promise<Running> {
  const cluster = await startCluster();
  let aws: FakeAws | undefined;
  if (s.provider === "aws") {
    aws = await new FakeAws("us-east-1").start();
    aws.addAccessKey(AWS_KEY[0], AWS_KEY[1]);
    if (s.keys.kind === "own") {
      for (let i = 0; i < s.count; i++) {
        for (const f of FIELDS) aws.putSecretString(`${ownKey(i, s.namespaces)}/${f}`, `${f}-${i}`);
      }
    } else {
      for (let j = 0; j < s.keys.pool; j++) aws.putSecretString(poolKey(j), `value-${j}`);
    }
  }
  const namespaces = Array.from({ length: s.namespaces }, (_, i) => nsName(i));
  await createNamespaces(cluster, namespaces);
  for (const ns of namespaces) {
    if (s.provider === "aws") {
      await cluster.client.create(SECRETS, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "aws-creds", namespace: ns },
        stringData: { id: AWS_KEY[0], secret: AWS_KEY[1] },
      });
    }
    await cluster.client.create(SECRET_STORES, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "store", namespace: ns },
      spec: { provider: storeSpec(s) },
    });
  }
  if (s.unrelatedSecrets) {
    log(`  creating ${s.unrelatedSecrets} unrelated Secrets of ${Math.round((s.unrelatedBytes ?? 0) / 1024)} KiB`);
    const blob = Buffer.alloc(s.unrelatedBytes ?? 0, 7).toString("base64");
    await createAll(
      cluster,
      SECRETS,
      s.unrelatedSecrets,
      (i) => ({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: `unrelated-${i}`, namespace: nsName(i % s.namespaces) },
        data: { blob },
      }),
      8,
    );
  }
  log(`  creating ${s.count} ExternalSecrets`);
  await createAll(cluster, EXTERNAL_SECRETS, s.count, (i) => ({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: esName(i), namespace: nsName(i % s.namespaces) },
    spec: {
      refreshInterval: `${s.refreshSeconds}s`,
      secretStoreRef: { name: "store", kind: "SecretStore" },
      target: { name: esName(i) },
      data: esData(s, i),
    },
  }));

  const tracker = new EsTracker(cluster.api.url);
  await tracker.open();
  cluster.api.resetCounts();
  if (aws) aws.requests.length = 0;
  const env: NodeJS.ProcessEnv = aws ? { [ENDPOINT_ENV.secretsmanager]: aws.url, [ENDPOINT_ENV.sts]: aws.url } : {};
  const clientQps = s.clientQps ?? CLIENT_QPS;
  const clientBurst = s.clientBurst ?? CLIENT_BURST;
  log(`  starting the controller (concurrency ${s.concurrency}, client QPS ${clientQps || "unlimited"})`);
  const t0 = tracker.now();
  const child = await ControllerChild.start(
    {
      apiUrl: cluster.api.url,
      concurrency: s.concurrency,
      coalesceTtlMs: s.coalesceTtlMs,
      notifyToken: s.notifyToken,
      clientQps,
      clientBurst,
      enablePushSecrets: s.enablePushSecrets,
    },
    env,
    [...CHILD_NODE_OPTIONS, ...(s.childExecArgv ?? [])],
  );
  const alive = () => child.exitCode === null;
  try {
    await tracker.until(() => tracker.readyAt.size >= s.count, 600_000, `${s.count} ExternalSecrets Ready`, alive);
  } catch (err) {
    child.kill();
    tracker.close();
    await cluster.stop();
    await aws?.stop();
    throw err;
  }
  const readyMs = Math.max(...tracker.readyAt.values()) - t0;
  const atReady = await child.stats();
  log(
    `  controller at all-Ready: rss ${(atReady.rssBytes / MiB).toFixed(0)} MiB, heap used ${(atReady.heapUsedBytes / MiB).toFixed(0)} MiB, external ${(atReady.externalBytes / MiB).toFixed(0)} MiB`,
  );
  const counts = requestSummary(cluster.api.requestCounts());
  const result: ScenarioResult = {
    scenario: s.name,
    provider: s.provider,
    externalSecrets: s.count,
    keysEach: 3,
    distinctRemoteSecrets:
      s.keys.kind === "pool"
        ? s.keys.pool
        : s.provider === "aws"
          ? 3 * s.count
          : Math.min(FAKE_OWN, 3 * Math.ceil(s.count / s.namespaces)) * s.namespaces,
    concurrency: s.concurrency,
    clientQps,
    clientBurst,
    refreshSeconds: s.refreshSeconds,
    nodeOptions: CHILD_NODE_OPTIONS.join(" "),
    readySeconds: readyMs / 1000,
    syncsPerSecond: s.count / (readyMs / 1000),
    apiRequests: { total: counts.total, byVerb: counts.byVerb, raw: counts.raw },
    writesByKind: counts.writesByKind,
    providerCalls: aws
      ? (awsCounts(aws).GetSecretValue ?? 0) + (awsCounts(aws).BatchGetSecretValue ?? 0)
      : atReady.providerCalls,
    ...(aws ? { awsCalls: awsCounts(aws) } : {}),
    peakRssMiB: atReady.peakRssBytes / MiB,
    cpuSeconds: atReady.cpuSeconds,
    ...(s.unrelatedSecrets ? { unrelatedSecrets: s.unrelatedSecrets } : {}),
  };
  result.firstReadySeconds = (Math.min(...tracker.readyAt.values()) - t0) / 1000;
  log(`  all Ready in ${result.readySeconds.toFixed(1)} s (first after ${result.firstReadySeconds.toFixed(1)} s)`);

  if (s.cycle && s.warmCycle) {
    // Refreshes move onto their phase points during the first cycle after a sync: measure the one after it.
    const from = tracker.syncs.length;
    const seen = new Set<string>();
    log(`  letting one refresh cycle pass (interval ${s.refreshSeconds} s)`);
    await tracker.until(
      () => {
        for (let i = from; i < tracker.syncs.length; i++) seen.add(tracker.syncs[i]!.key);
        return seen.size >= s.count;
      },
      s.refreshSeconds * 2000 + 300_000,
      "a first refresh of every ExternalSecret",
      alive,
    );
  }
  if (s.cycle) {
    cluster.api.resetCounts();
    if (aws) aws.requests.length = 0;
    const syncsBefore = tracker.syncs.length;
    const before = await child.stats();
    log(`  waiting for one no-change refresh cycle (interval ${s.refreshSeconds} s)`);
    const seen = new Set<string>();
    await tracker.until(
      () => {
        for (let i = syncsBefore; i < tracker.syncs.length; i++) seen.add(tracker.syncs[i]!.key);
        return seen.size >= s.count;
      },
      s.refreshSeconds * 2000 + 300_000,
      "a refresh of every ExternalSecret",
      alive,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const after = await child.stats();
    const cycleSyncs = tracker.syncs.slice(syncsBefore);
    const firstPerEs = new Map<string, number>();
    for (const r of cycleSyncs) if (!firstPerEs.has(r.key)) firstPerEs.set(r.key, r.at);
    const times = [...firstPerEs.values()].map((t) => t / 1000);
    const c = requestSummary(cluster.api.requestCounts());
    result.cycle = {
      seconds: Math.max(...times) - Math.min(...times),
      syncs: cycleSyncs.length,
      secretWrites: c.secretWrites,
      statusWrites: c.statusWrites,
      providerCalls: aws
        ? (awsCounts(aws).GetSecretValue ?? 0) + (awsCounts(aws).BatchGetSecretValue ?? 0)
        : after.providerCalls - before.providerCalls,
      ...(aws ? { awsCalls: awsCounts(aws) } : {}),
      apiRequests: { total: c.total, byVerb: c.byVerb, raw: c.raw },
      writesByKind: c.writesByKind,
      histogram: histogram(times),
    };
  }

  return {
    cluster,
    aws,
    child,
    tracker,
    result,
    finish: async () => {
      const final = await child.stop();
      result.peakRssMiB = final.peakRssBytes / MiB;
      result.cpuSecondsTotal = final.cpuSeconds;
      tracker.close();
      await cluster.stop();
      await aws?.stop();
      return result;
    },
  };
}
