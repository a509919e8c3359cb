/**
 * Benchmark: small writes per second against the in-process API server over HTTP from one client
 * (one keep-alive connection pool). The server runs in a worker thread so client and server get their own event
 * loop, as they would in separate processes. Creates ConfigMaps, then merge-patches them.
 * Run after building: node <outDir>/bench/apiserver.js [--seconds N] [--concurrency N]
 */
import { Agent, request } from "node:http";
import { cpus, loadavg } from "node:os";
import { getHeapStatistics } from "node:v8";
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import { startApiServer } from "../src/apiserver/index.js";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

async function serve(): Promise<void> {
  const server = await startApiServer();
  parentPort!.postMessage(server.url);
  parentPort!.once("message", async () => {
    globalThis.gc?.();
    parentPort!.postMessage(getHeapStatistics().used_heap_size);
    await server.stop();
    process.exit(0);
  });
}

function send(agent: Agent, base: URL, method: string, path: string, body: string, type: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers: { "Content-Type": type, "Content-Length": Buffer.byteLength(body), Accept: "application/json" },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(body);
  });
}

interface Result {
  writes: number;
  seconds: number;
  failures: number;
  /** Writes/s in each half-second window: a shared, loaded machine makes single figures noisy. */
  windows: number[];
  /** CPU seconds this process (client and server threads) spent, independent of other load on the machine. */
  cpu: number;
}

async function phase(
  concurrency: number,
  seconds: number,
  op: (i: number) => Promise<number>,
  expected: number,
): Promise<Result> {
  const cpu0 = process.cpuUsage();
  let next = 0;
  let done = 0;
  let failures = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  const windows: number[] = [];
  let lastDone = 0;
  const tick = setInterval(() => {
    windows.push((done - lastDone) * 2);
    lastDone = done;
  }, 500);
  const loop = async () => {
    while (process.hrtime.bigint() - start < budget) {
      const code = await op(next++);
      done++;
      if (code !== expected) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  clearInterval(tick);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu0);
  return { writes: next, seconds: elapsed, failures, windows, cpu: (used.user + used.system) / 1e6 };
}

async function main(): Promise<void> {
  const seconds = arg("seconds", 3);
  const concurrency = arg("concurrency", 8);
  const worker = new Worker(new URL(import.meta.url));
  const url = await new Promise<string>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const base = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const ns = "/api/v1/namespaces/default/configmaps";
  const create = (i: number) =>
    send(
      agent,
      base,
      "POST",
      ns,
      JSON.stringify({ metadata: { name: `bench-${i}`, labels: { app: "bench" } }, data: { key: `value-${i}` } }),
      "application/json",
    );
  // Warm-up (JIT, sockets), then measured phases.
  // On a busy 2-core machine V8's optimizing compiler gets little CPU, so warming takes seconds.
  const warm = await phase(concurrency, 4, (i) => create(1e9 + i), 201);
  const patchNamed = (prefix: number, count: number) => (i: number) =>
    send(
      agent,
      base,
      "PATCH",
      `${ns}/bench-${prefix + (i % count)}`,
      JSON.stringify({ data: { key: `updated-${i}` } }),
      "application/merge-patch+json",
    );
  await phase(concurrency, 2, patchNamed(1e9, warm.writes), 200);
  const created = await phase(concurrency, seconds, create, 201);
  const patch = patchNamed(0, created.writes);
  const patched = await phase(concurrency, seconds, patch, 200);
  const sequential = await phase(1, Math.min(seconds, 2), (i) => create(2e9 + i), 201);
  agent.destroy();
  const heap = new Promise<number>((resolve) => worker.once("message", resolve));
  worker.postMessage("stop");
  const serverHeap = await heap;
  await new Promise((r) => worker.once("exit", r));
  const stored = warm.writes + created.writes + sequential.writes + 1000;

  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const line = (label: string, r: Result, inFlight: number) =>
    console.log(
      `apiserver: ${label.padEnd(20)} ${fmt(r.writes / r.seconds)} writes/s overall, median window ${fmt(median(r.windows))}, best ${fmt(Math.max(0, ...r.windows))}; ${fmt(r.writes / r.cpu)} per CPU-second (${inFlight} in flight, ${r.failures} failed)`,
    );
  line("create ConfigMap", created, concurrency);
  line("merge-patch", patched, concurrency);
  line("create, sequential", sequential, 1);
  const typical = Math.min(median(created.windows), median(patched.windows), median(sequential.windows));
  console.log(
    `${typical >= 5000 ? "OK: >= 5,000" : "BELOW TARGET: < 5,000"} small writes/s (median windows); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${cpus().length} CPUs`,
  );
  console.log(
    `server heap ${(serverHeap / 2 ** 20).toFixed(0)} MiB holding ~${fmt(stored)} ConfigMaps (~${fmt(Math.round(serverHeap / stored))} bytes each, incl. watch history)`,
  );
}

if (isMainThread) await main();
else await serve();
