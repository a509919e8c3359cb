/**
 * Shared pieces of the reliability suite: an API server with the ESO CRDs, controllers that can be started
 * and killed repeatedly against it (optionally through a connection-resetting proxy), a log capture, canary
 * values, and a scan of every place a secret value must never show up.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { kubeconfigObject } from "../../src/apiserver/index.js";
import {
  type RunningControllers,
  type StartControllersOptions,
  startControllers,
} from "../../src/controllers/index.js";
import { EVENTS, KubeClient } from "../../src/kube/index.js";
import { createLogger, type Logger } from "../../src/runtime/logger.js";

import type { Cluster } from "../support/world.js";

/** A recognisable secret value: any appearance outside the Secret itself is a leak. */
export function canary(tag: string): string {
  return `CANARY-${tag}-${randomBytes(9).toString("hex")}`;
}

/** A pino logger at debug level whose output is kept in memory. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly logger: Logger = createLogger({
    level: "debug",
    destination: { write: (s: string) => void this.lines.push(s) },
  });
  text(): string {
    return this.lines.join("");
  }
}

export function kubeConfigFor(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(JSON.stringify(kubeconfigObject(url)));
  return kc;
}

/** Starts the controllers against `url` (default: the API server itself) with their own registry. */
export async function runControllers(
  c: Cluster,
  opts: Partial<StartControllersOptions> & { url?: string; qps?: number } = {},
): Promise<RunningControllers & { registry: Registry }> {
  const { url, qps, ...rest } = opts;
  const registry = rest.registry ?? new Registry();
  const kubeConfig = url ? kubeConfigFor(url) : c.api.kubeConfig();
  // The client-side rate limit (50 qps by default, as upstream) can be lifted so big tests stay short.
  const runtimeClient =
    qps === undefined ? undefined : new KubeClient({ kubeConfig, qps, burst: 1_000, metrics: rest.runtimeMetrics });
  const running = await startControllers({ kubeConfig, registry, storeRequeueMs: 60_000, runtimeClient, ...rest });
  await running.synced();
  const stop = running.stop.bind(running);
  return Object.assign(running, {
    registry,
    stop: async () => {
      await stop();
      runtimeClient?.close();
    },
  });
}

export function readyOf(obj: any): { status?: string; reason?: string; message?: string } | undefined {
  return (obj?.status?.conditions ?? []).find((x: { type: string }) => x.type === "Ready");
}

/** Every Event message and reason in the cluster, one per line. */
export async function eventText(c: Cluster): Promise<string> {
  const events = await c.client.list<any>(EVENTS);
  return events.map((e) => `${e.reason} ${e.message}`).join("\n");
}

/**
 * A loopback TCP proxy in front of the API server that can reset (RST) live connections: in-flight requests
 * fail with ECONNRESET, open watches break, keep-alive sockets die under the client. It logs request lines
 * and can refuse chosen requests (a partial partition, e.g. only Lease renewals).
 */
export interface ProxiedRequest {
  method: string;
  path: string;
  at: number;
}

export class ResettingProxy {
  url = "";
  resets = 0;
  /** Response status codes seen, by code. */
  readonly statuses: Record<string, number> = {};
  /** Every request line that went through (method, path, time). */
  readonly requests: ProxiedRequest[] = [];
  /** Requests for which this returns true are answered with a connection reset (a partition). */
  block?: (req: ProxiedRequest) => boolean;
  private server!: Server;
  private readonly pairs = new Set<[Socket, Socket]>();

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    const t = new URL(this.target);
    this.server = createServer((client) => {
      const upstream = tcpConnect(Number(t.port), t.hostname);
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const drop = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.on("data", (chunk: Buffer) => {
        // Request lines start a chunk on loopback; good enough to log and filter requests.
        const m = /^(GET|POST|PUT|PATCH|DELETE) (\S+) HTTP/.exec(chunk.toString("latin1", 0, 2048));
        if (m) {
          const req = { method: m[1]!, path: m[2]!, at: Date.now() };
          if (this.block?.(req)) {
            this.resets++;
            client.resetAndDestroy();
            upstream.destroy();
            return;
          }
          this.requests.push(req);
        }
        upstream.write(chunk);
      });
      upstream.on("data", (chunk: Buffer) => {
        const m = /^HTTP\/1\.1 (\d{3})/.exec(chunk.toString("latin1", 0, 16));
        if (m) this.statuses[m[1]!] = (this.statuses[m[1]!] ?? 0) + 1;
      });
      upstream.pipe(client);
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    const addr = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${addr.port}`;
    return this;
  }

  get open(): number {
    return this.pairs.size;
  }

  /** Resets about `fraction` of the open connections (at least one when any is open). */
  reset(fraction = 1): number {
    const all = [...this.pairs];
    let n = 0;
    for (const [i, [client, upstream]] of all.entries()) {
      if (fraction < 1 && Math.random() >= fraction && !(n === 0 && i === all.length - 1)) continue;
      n++;
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.resets += n;
    return n;
  }

  async stop(): Promise<void> {
    this.reset(1);
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Every line of `haystack` containing any needle, for a readable assertion message. */
export function leaks(haystack: string, needles: string[]): string[] {
  const out: string[] = [];
  for (const needle of needles) {
    for (const encoded of [needle, Buffer.from(needle).toString("base64")]) {
      let i = haystack.indexOf(encoded);
      while (i >= 0 && out.length < 5) {
        out.push(haystack.slice(Math.max(0, i - 120), i + encoded.length + 40));
        i = haystack.indexOf(encoded, i + 1);
      }
    }
  }
  return out;
}
