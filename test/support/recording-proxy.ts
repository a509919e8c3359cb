/**
 * A pass-through HTTP proxy in front of the in-process API server that records every write it forwards (which
 * object, when the request arrived, when its answer left), so a test can tell which replica wrote what and when.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { kubeconfigObject } from "../../src/apiserver/index.js";

export interface RecordedWrite {
  via: string;
  method: string;
  /** "<plural>/<namespace>/<name>" ("/status" writes count as writes of the object). */
  object: string;
  /** "status" for a write of the status subresource. */
  subresource?: string;
  start: number;
  end: number;
  status: number;
}

export interface RecordingProxy {
  url: string;
  kubeConfig(): KubeConfig;
  close(): Promise<void>;
}

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const OBJECT_PATH = /\/namespaces\/([^/]+)\/([^/?]+)(?:\/([^/?]+))?(?:\/([^/?]+))?/;

function objectOf(path: string, body: Buffer): { object: string; subresource?: string } | undefined {
  const m = OBJECT_PATH.exec(path);
  if (!m) return undefined;
  const [, namespace, plural, pathName, subresource] = m;
  let name = pathName;
  if (!name) {
    try {
      name = JSON.parse(body.toString()).metadata?.name;
    } catch {
      return undefined;
    }
  }
  return name ? { object: `${plural}/${namespace}/${name}`, subresource } : undefined;
}

export async function startRecordingProxy(target: string, via: string, log: RecordedWrite[]): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const start = performance.now();
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on("end", () => {
            const method = req.method ?? "GET";
            const target = WRITES.has(method) ? objectOf(req.url ?? "", body) : undefined;
            if (target)
              log.push({ via, method, ...target, start, end: performance.now(), status: answer.statusCode ?? 0 });
          });
        },
      );
      out.on("error", () => res.destroy());
      res.on("close", () => out.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromString(JSON.stringify(kubeconfigObject(url)));
      return kc;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Pairs of writes to the same object by two different writers whose request/answer intervals overlap. */
export function overlappingWriters(writes: RecordedWrite[]): [RecordedWrite, RecordedWrite][] {
  const byObject = new Map<string, RecordedWrite[]>();
  for (const w of writes) byObject.set(w.object, [...(byObject.get(w.object) ?? []), w]);
  const found: [RecordedWrite, RecordedWrite][] = [];
  for (const list of byObject.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        if (a.via !== b.via && a.start < b.end && b.start < a.end) found.push([a, b]);
      }
    }
  }
  return found;
}
