/**
 * Bench cluster side (this process): the in-process API server with the ESO CRDs, bulk object creation,
 * and a watch that records when each ExternalSecret became Ready and when each sync landed.
 */
import http from "node:http";
import { allCRDs } from "../src/api/crds.js";
import { type ApiServer, startApiServer } from "../src/apiserver/index.js";
import {
  CUSTOM_RESOURCE_DEFINITIONS,
  KubeClient,
  type KubeObject,
  NAMESPACES,
  type ResourceDescriptor,
  resourcePath,
} from "../src/kube/index.js";

export interface Cluster {
  api: ApiServer;
  client: KubeClient;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const api = await startApiServer({ watchHistory: 50_000 });
  const client = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0 });
  for (const crd of allCRDs()) {
    await client.request({ method: "POST", path: resourcePath(CUSTOM_RESOURCE_DEFINITIONS), body: crd });
  }
  return {
    api,
    client,
    stop: async () => {
      client.close();
      await api.stop();
    },
  };
}

export async function createNamespaces(c: Cluster, names: string[]): Promise<void> {
  for (const name of names) {
    await c.client.create(NAMESPACES, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  }
}

/** Creates objects with `parallel` requests in flight. */
export async function createAll(
  c: Cluster,
  rt: ResourceDescriptor,
  count: number,
  make: (i: number) => KubeObject,
  parallel = 16,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await c.client.create(rt, make(i));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

export interface SyncRecord {
  /** ms since the tracker started */
  at: number;
  key: string;
}

/**
 * Watches ExternalSecrets: first time each is Ready, and every change of status.refreshTime (a sync that
 * reached the provider) with its arrival time.
 */
export class EsTracker {
  readonly readyAt = new Map<string, number>();
  readonly syncs: SyncRecord[] = [];
  private readonly refresh = new Map<string, string>();
  private readonly start = Date.now();
  private req?: http.ClientRequest;
  private waiters: (() => void)[] = [];

  constructor(private readonly url: string) {}

  now(): number {
    return Date.now() - this.start;
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = http.get(
        `${this.url}/apis/external-secrets.io/v1/externalsecrets?watch=true`,
        { headers: { authorization: "Bearer eso-apiserver-admin" } },
        (res) => {
          let buf = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            buf += chunk;
            let nl = buf.indexOf("\n");
            while (nl >= 0) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (line.trim()) this.onEvent(JSON.parse(line));
              nl = buf.indexOf("\n");
            }
          });
          resolve();
        },
      );
      req.on("error", (e) => {
        if (!this.req?.destroyed) reject(e);
      });
      this.req = req;
    });
  }

  private onEvent(ev: { type: string; object: any }): void {
    const o = ev.object;
    if (!o?.metadata) return;
    const key = `${o.metadata.namespace}/${o.metadata.name}`;
    const t = this.now();
    const ready = (o.status?.conditions ?? []).find((c: { type: string }) => c.type === "Ready");
    if (ready?.status === "True" && !this.readyAt.has(key)) this.readyAt.set(key, t);
    const rt = o.status?.refreshTime;
    if (rt && this.refresh.get(key) !== rt) {
      this.refresh.set(key, rt);
      this.syncs.push({ at: t, key });
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when `pred` holds (checked on every event and every 250 ms). */
  async until(pred: () => boolean, timeoutMs: number, what: string, alive: () => boolean = () => true): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
      if (!alive()) throw new Error(`bench: the controller process died while waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 250);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.req?.destroy();
  }
}

/** API request counts since the last reset, grouped by verb, plus Secret and status writes. */
export function requestSummary(counts: Record<string, number>) {
  const byVerb: Record<string, number> = {};
  const writesByKind: Record<string, number> = {};
  let secretWrites = 0;
  let statusWrites = 0;
  let total = 0;
  for (const [k, n] of Object.entries(counts)) {
    const [verb, resource] = k.split(" ");
    byVerb[verb!] = (byVerb[verb!] ?? 0) + n;
    total += n;
    if (resource && ["create", "update", "patch", "delete"].includes(verb!)) {
      writesByKind[resource] = (writesByKind[resource] ?? 0) + n;
    }
    if (resource === "secrets" && ["create", "update", "patch", "delete"].includes(verb!)) secretWrites += n;
    if (resource === "externalsecrets/status" && ["update", "patch"].includes(verb!)) statusWrites += n;
  }
  return { total, byVerb, writesByKind, secretWrites, statusWrites, raw: counts };
}
