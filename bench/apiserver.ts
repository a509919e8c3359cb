/**
 * Benchmark: small writes per second against the in-process API server over HTTP from one client
 * (one keep-alive connection pool). The server runs in a worker thread so client and server get their own event
 * loop, as they would in separate processes. Creates ConfigMaps, then merge-patches them.
 * Run after building: node <outDir>/bench/apiserver.js [--seconds N] [--concurrency N]
 */
import { Agent, request } from "node:http";
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
}

async function phase(
  concurrency: number,
  seconds: number,
  op: (i: number) => Promise<number>,
  expected: number,
): Promise<Result> {
  let next = 0;
  let failures = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  const loop = async () => {
    while (process.hrtime.bigint() - start < budget) {
      const code = await op(next++);
      if (code !== expected) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { writes: next, seconds: elapsed, failures };
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
  await phase(concurrency, 2, (i) => create(1e9 + i), 201);
  const created = await phase(concurrency, seconds, create, 201);
  const patch = (i: number) =>
    send(
      agent,
      base,
      "PATCH",
      `${ns}/bench-${i % created.writes}`,
      JSON.stringify({ data: { key: `updated-${i}` } }),
      "application/merge-patch+json",
    );
  const patched = await phase(concurrency, seconds, patch, 200);
  const sequential = await phase(1, Math.min(seconds, 2), (i) => create(2e9 + i), 201);
  agent.destroy();
  const heap = new Promise<number>((resolve) => worker.once("message", resolve));
  worker.postMessage("stop");
  const serverHeap = await heap;
  await new Promise((r) => worker.once("exit", r));
  const stored = created.writes + sequential.writes + 1000;

  const rate = (r: Result) => Math.round(r.writes / r.seconds);
  const fmt = (n: number) => n.toLocaleString("en-US");
  console.log(
    `apiserver: create ConfigMap   ${fmt(rate(created))} writes/s (${concurrency} in flight, ${created.failures} failed)`,
  );
  console.log(
    `apiserver: merge-patch        ${fmt(rate(patched))} writes/s (${concurrency} in flight, ${patched.failures} failed)`,
  );
  console.log(
    `apiserver: create, sequential ${fmt(rate(sequential))} writes/s (1 in flight, ${sequential.failures} failed)`,
  );
  const worst = Math.min(rate(created), rate(patched));
  console.log(worst >= 5000 ? "OK: >= 5,000 small writes/s" : "BELOW TARGET: < 5,000 small writes/s");
  console.log(
    `server heap ${(serverHeap / 2 ** 20).toFixed(0)} MiB holding ~${fmt(stored)} ConfigMaps (~${fmt(Math.round(serverHeap / stored))} bytes each, incl. watch history)`,
  );
}

if (isMainThread) await main();
else await serve();
