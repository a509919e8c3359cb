/** In-process Kubernetes API server for tests and the local sandbox. */
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { stringify as toYaml } from "yaml";
import { Engine } from "./engine.js";
import { Faults } from "./faults.js";
import { guardHost } from "./host-guard.js";
import { HttpFrontEnd } from "./http.js";
import { loadSigningKey, loadState, Persister, saveSigningKey } from "./persist.js";
import { Reviews } from "./reviews.js";
import { TokenIssuer } from "./tokens.js";

export interface ApiServerOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  watchHistory?: number;
}

export interface ApiServer {
  url: string;
  kubeConfig(): KubeConfig;
  writeKubeconfig(path: string): Promise<void>;
  faults: {
    failNext(
      match: { verb?: string; resource?: string; namespace?: string },
      count: number,
      code: number,
      message?: string,
    ): void;
    setLatency(ms: number): void;
    cutWatches(): void;
    clear(): void;
  };
  requestCounts(): Record<string, number>;
  resetCounts(): void;
  setConverter(group: string, fn: (obj: any, toVersion: string) => any): void;
  serviceAccountIssuer: { publicKeyPem: string; issuer: string };
  stop(): Promise<void>;
}

const adminToken = "eso-apiserver-admin";

export function kubeconfigObject(url: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Config",
    // client-node refuses plain HTTP unless TLS verification is marked as skipped.
    clusters: [{ name: "eso-local", cluster: { server: url, "insecure-skip-tls-verify": true } }],
    users: [{ name: "admin", user: { token: adminToken } }],
    contexts: [{ name: "eso-local", context: { cluster: "eso-local", user: "admin", namespace: "default" } }],
    "current-context": "eso-local",
    preferences: {},
  };
}

export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const host = opts.host ?? "127.0.0.1";
  let issuer: TokenIssuer;
  if (opts.dataDir) {
    const pem = loadSigningKey(opts.dataDir);
    issuer = new TokenIssuer(undefined, pem);
    if (!pem) saveSigningKey(opts.dataDir, issuer.privateKeyPem);
  } else issuer = new TokenIssuer();
  const engine = new Engine(opts.watchHistory ?? 1000, issuer);
  let persister: Persister | undefined;
  if (opts.dataDir) {
    const state = loadState(opts.dataDir);
    if (state) engine.load(state);
    persister = new Persister(opts.dataDir, engine);
    const p = persister;
    engine.onChange = () => p.changed();
  }
  engine.bootstrap();
  const faults = new Faults();
  const front = new HttpFrontEnd(engine, faults, new Reviews(engine, adminToken));
  const server: Server = createServer({ keepAliveTimeout: 65_000 }, guardHost(host, front.handle));
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostPort = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  front.hostPort = hostPort;
  const url = `http://${hostPort}`;
  return {
    url,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromString(JSON.stringify(kubeconfigObject(url)));
      return kc;
    },
    async writeKubeconfig(path: string) {
      await writeFile(path, toYaml(kubeconfigObject(url)), { mode: 0o600 });
    },
    faults: {
      failNext: (match, count, code, message) => faults.failNext(match, count, code, message),
      setLatency: (ms) => faults.setLatency(ms),
      cutWatches: () => front.cutWatches(),
      clear: () => faults.clear(),
    },
    requestCounts: () => faults.requestCounts(),
    resetCounts: () => faults.resetCounts(),
    setConverter: (group, fn) => engine.setConverter(group, fn),
    serviceAccountIssuer: { publicKeyPem: issuer.publicKeyPem, issuer: issuer.issuer },
    async stop() {
      front.cutWatches();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      persister?.flush();
    },
  };
}
