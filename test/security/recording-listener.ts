/**
 * The attacker's server for the kubeconfig and identity tests: a loopback HTTP(S) listener that records
 * everything a client shows it (request line, headers, body, TLS client certificate) and answers every request
 * with an empty JSON list. `seen()` is all of it as one string, to search for a canary.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, connect as netConnect, type Socket } from "node:net";
import type { TLSSocket } from "node:tls";

export interface RecordingListener {
  url: string;
  requests: number;
  /** Every request line, header, body and client certificate received so far, concatenated. */
  seen(): string;
  stop(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** HTTP, or HTTPS asking for (and recording, not checking) a client certificate when `tls` is given. */
export async function startRecordingListener(tls?: { certPem: string; keyPem: string }): Promise<RecordingListener> {
  const records: string[] = [];
  const state = { requests: 0 };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      state.requests++;
      const peer = (req.socket as TLSSocket).getPeerCertificate?.(true);
      records.push(
        [
          `${req.method} ${req.url}`,
          JSON.stringify(req.headers),
          Buffer.concat(chunks).toString("utf8"),
          peer?.raw ? `client-cert CN=${peer.subject?.CN} ${peer.raw.toString("base64")}` : "",
        ].join("\n"),
      );
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "List", apiVersion: "v1", metadata: {}, items: [] }));
    });
  };
  const server = tls
    ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem, requestCert: true, rejectUnauthorized: false }, handle)
    : createHttpServer(handle);
  const port = await listen(server);
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    seen: () => records.join("\n"),
    stop: () => close(server),
  };
}

export interface ConnectProxy {
  url: string;
  /** host:port of every CONNECT tunnel opened through the proxy. */
  tunnels: string[];
  stop(): Promise<void>;
}

/** A loopback HTTP CONNECT proxy (the kind a kubeconfig's proxy-url names). */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    tunnels.push(target);
    const [host, port] = [target.slice(0, target.lastIndexOf(":")), Number(target.slice(target.lastIndexOf(":") + 1))];
    const upstream = netConnect(port, host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await close(server);
    },
  };
}
