/**
 * The manager's HTTP endpoints, as controller-runtime serves them: /healthz (liveness) and /readyz (readiness) on
 * the health address, /metrics (Prometheus text) on the metrics address. Both may share one address. An address
 * is "host:port", ":port" (all interfaces) or "0" (disabled, as upstream's --metrics-addr=0). With --metrics-secure
 * /metrics is served over HTTPS on its own address and each scrape must carry a token allowed `get /metrics`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { ScrapeDecision } from "./metrics-auth.js";
import { loadServingPair, type MetricsTlsOptions, reloadOnChange } from "./metrics-tls.js";

/** A named check: resolves/returns true when healthy; a throw or false fails it. */
export type Check = () => boolean | Promise<boolean>;

export interface EndpointServerOptions {
  healthAddr?: string;
  metricsAddr?: string;
  registry: Registry;
  healthChecks: Map<string, Check>;
  readyChecks: Map<string, Check>;
  /** Serve /metrics over HTTPS (it then needs an address of its own). */
  metricsTls?: MetricsTlsOptions;
  /** Decides each /metrics request (TokenReview + SubjectAccessReview); absent: anyone may scrape. */
  metricsAuth?: { decide(req: IncomingMessage): Promise<ScrapeDecision> };
}

const refusals: Partial<Record<ScrapeDecision, string>> = {
  401: "Unauthorized",
  403: "Forbidden",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

/** Parses "host:port", ":port", "[::1]:port" or "port"; undefined for "0" / "" (disabled). */
export function parseBindAddress(addr: string | undefined): { host?: string; port: number } | undefined {
  if (addr === undefined || addr === "" || addr === "0") return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d+)$/.exec(addr.trim());
  if (!m) throw new Error(`invalid bind address "${addr}": want host:port or :port`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`invalid bind address "${addr}": port out of range`);
  const host = m[1] ?? m[2];
  return { host: host || undefined, port };
}

export class EndpointServers {
  private readonly servers: Server[] = [];
  /** Bound "host:port" of the health and metrics endpoints once listening. */
  healthAddress?: string;
  metricsAddress?: string;

  constructor(private readonly opts: EndpointServerOptions) {}

  async start(): Promise<void> {
    const health = parseBindAddress(this.opts.healthAddr);
    const metrics = parseBindAddress(this.opts.metricsAddr);
    const same = health && metrics && health.port !== 0 && this.opts.healthAddr === this.opts.metricsAddr;
    if (same && this.opts.metricsTls) {
      throw new Error("secure metrics need an address of their own: --metrics-addr must differ from --health-addr");
    }
    if (health) {
      this.healthAddress = await this.listen(health, { health: true, metrics: Boolean(same) });
      if (same) this.metricsAddress = this.healthAddress;
    }
    if (metrics && !same) {
      this.metricsAddress = await this.listen(metrics, { health: false, metrics: true }, this.opts.metricsTls);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  private async listen(
    addr: { host?: string; port: number },
    serve: { health: boolean; metrics: boolean },
    tls?: MetricsTlsOptions,
  ) {
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res, serve).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    };
    let server: Server;
    if (tls) {
      const secure = createTlsServer({ ...loadServingPair(tls), minVersion: "TLSv1.2" }, onRequest);
      const stopWatching = reloadOnChange(secure, tls);
      secure.on("close", stopWatching);
      server = secure;
    } else server = createServer(onRequest);
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(addr.port, addr.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.servers.push(server);
    const a = server.address() as AddressInfo;
    return a.family === "IPv6" ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, serve: { health: boolean; metrics: boolean }) {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    if (serve.metrics && url.pathname === "/metrics") {
      const decision = this.opts.metricsAuth ? await this.opts.metricsAuth.decide(req) : 200;
      if (decision !== 200) {
        res.writeHead(decision, { "Content-Type": "text/plain; charset=utf-8" }).end(`${refusals[decision]}\n`);
        return;
      }
      const text = await this.opts.registry.metrics();
      res.writeHead(200, { "Content-Type": this.opts.registry.contentType }).end(req.method === "HEAD" ? "" : text);
      return;
    }
    if (serve.health) {
      const checks =
        url.pathname === "/healthz" || url.pathname.startsWith("/healthz/")
          ? this.opts.healthChecks
          : url.pathname === "/readyz" || url.pathname.startsWith("/readyz/")
            ? this.opts.readyChecks
            : undefined;
      if (checks) {
        const only = url.pathname.split("/")[2];
        await answerChecks(res, checks, only, url.searchParams.has("verbose"));
        return;
      }
    }
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("404 page not found\n");
  }
}

/** controller-runtime's format: "ok" or a per-check "[+]name ok" / "[-]name failed" listing. */
async function answerChecks(
  res: ServerResponse,
  checks: Map<string, Check>,
  only: string | undefined,
  verbose: boolean,
) {
  const selected = only ? [...checks].filter(([n]) => n === only) : [...checks];
  if (only && selected.length === 0) {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end(`no such check: ${only}\n`);
    return;
  }
  const results = await Promise.all(
    selected.map(async ([name, check]) => {
      try {
        return [name, (await check()) === true] as const;
      } catch {
        return [name, false] as const;
      }
    }),
  );
  const ok = results.every(([, pass]) => pass);
  let body: string;
  if (ok && !verbose) body = "ok";
  else {
    const lines = results.map(([name, pass]) => (pass ? `[+]${name} ok` : `[-]${name} failed: reason withheld`));
    body = `${lines.join("\n")}\n${ok ? "healthz check passed" : "healthz check failed"}\n`;
  }
  res.writeHead(ok ? 200 : 500, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
  res.end(body);
}
