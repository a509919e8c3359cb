/**
 * An HTTPS front for the (plain HTTP) in-process API server, so a kubernetes store can be tested with
 * server.caBundle and client-certificate auth: it serves a certificate from a private test CA, accepts
 * clients that present a certificate signed by that CA (forwarded as the admin), and passes bearer
 * tokens through unchanged. Anything else is 401, as a real API server answers anonymous requests.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { makeTestPki, type TestPki } from "./vault-server.js";

export interface KubeTlsProxy {
  url: string;
  pki: TestPki;
  /** Requests authenticated by client certificate / by bearer token / rejected. */
  counts: { cert: number; token: number; rejected: number };
  close(): Promise<void>;
}

export async function startKubeTlsProxy(upstream: string, adminToken: string): Promise<KubeTlsProxy> {
  const pki = makeTestPki();
  const counts = { cert: 0, token: 0, rejected: 0 };
  const target = new URL(upstream);
  const server = https.createServer(
    { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const sock = req.socket as TLSSocket;
      const headers = { ...req.headers, host: target.host };
      if (sock.authorized && sock.getPeerCertificate()?.subject) {
        counts.cert++;
        headers.authorization = `Bearer ${adminToken}`;
      } else if (req.headers.authorization) {
        counts.token++;
      } else {
        counts.rejected++;
        res.writeHead(401, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "Unauthorized", code: 401 }),
        );
        return;
      }
      const out = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(out);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pki,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
