/**
 * The HTTPS webhook server: validating admission for every external-secrets.io kind and CRD conversion.
 * The serving certificate is re-read when its files change, so cert rotation needs no restart.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync, watch } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { BadReviewError, handleAdmissionReview, type ObjectValidator } from "./admission.js";
import { handleConversionReview, type ObjectConverter } from "./conversion.js";

/** Kubernetes caps request bodies at 3 MiB; anything larger is not a real review. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface WebhookServerOptions {
  port?: number;
  /** Listen address (default 127.0.0.1); "" listens on every interface. */
  host?: string;
  /** Oldest TLS version accepted (default TLSv1.2). */
  minVersion?: "TLSv1.2" | "TLSv1.3";
  /** Directory holding tls.crt and tls.key (as the cert controller writes them). */
  certDir?: string;
  /** Or the PEM material directly (tests). */
  tls?: { cert: string; key: string };
  validate: ObjectValidator;
  convert: ObjectConverter;
  /** Called once per handled review, for metrics. */
  onReview?: (
    kind: "admission" | "conversion",
    outcome: "allowed" | "denied" | "converted" | "failed" | "bad-request",
  ) => void;
}

export interface WebhookServer {
  url: string;
  port: number;
  server: Server;
  /** The certificate being served (parsed once per load), for readiness checks; undefined if it does not parse. */
  certificate(): X509Certificate | undefined;
  close(): Promise<void>;
}

function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function readTls(opts: WebhookServerOptions): { cert: string; key: string } {
  if (opts.tls) return opts.tls;
  if (!opts.certDir) throw new Error("webhook: --cert-dir or TLS material is required");
  return {
    cert: readFileSync(join(opts.certDir, "tls.crt"), "utf8"),
    key: readFileSync(join(opts.certDir, "tls.key"), "utf8"),
  };
}

async function readBody(req: import("node:http").IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const tls = readTls(opts);
  let certificate = parseCertificate(tls.cert);
  const server = createServer({ ...tls, minVersion: opts.minVersion ?? "TLSv1.2" }, async (req, res) => {
    const send = (code: number, payload: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const path = (req.url ?? "/").split("?")[0]!;
    if (req.method === "GET" && (path === "/healthz" || path === "/readyz")) {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
      return;
    }
    const isAdmission = path.startsWith("/validate");
    if (req.method !== "POST" || (!isAdmission && path !== "/convert")) {
      send(404, { message: `no handler for ${req.method} ${path}` });
      return;
    }
    const kind = isAdmission ? "admission" : "conversion";
    const body = await readBody(req);
    if (!body) {
      opts.onReview?.(kind, "bad-request");
      send(413, { message: "request body exceeds 3 MiB" });
      return;
    }
    try {
      const review = JSON.parse(body.toString("utf8")) as unknown;
      if (isAdmission) {
        const out = handleAdmissionReview(review, opts.validate);
        opts.onReview?.(kind, out.response.allowed ? "allowed" : "denied");
        send(200, out);
      } else {
        const out = handleConversionReview(review, opts.convert);
        opts.onReview?.(kind, out.response.result.status === "Success" ? "converted" : "failed");
        send(200, out);
      }
    } catch (err) {
      opts.onReview?.(kind, "bad-request");
      const message = err instanceof BadReviewError ? err.message : "body: not valid JSON";
      send(400, { message });
    }
  });

  if (opts.certDir && !opts.tls) {
    const dir = opts.certDir;
    const reload = () => {
      try {
        const next = readTls({ ...opts, certDir: dir });
        server.setSecureContext({ ...next, minVersion: opts.minVersion ?? "TLSv1.2" });
        certificate = parseCertificate(next.cert);
      } catch {
        // Mid-rotation the pair can be briefly inconsistent; the next change event reloads it.
      }
    };
    const watcher = watch(dir, { persistent: false }, reload);
    server.on("close", () => watcher.close());
  }

  const listenHost = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, listenHost || undefined, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = listenHost || "localhost";
  return {
    url: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    server,
    certificate: () => certificate,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
