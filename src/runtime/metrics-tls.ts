/**
 * The certificate /metrics is served with under --metrics-secure: tls.crt / tls.key from --metrics-cert-dir
 * (reloaded when they change, e.g. a rotated Secret volume), or, without a directory, a self-signed pair made at
 * start as controller-runtime does (scrapers then skip verification or pin it).
 */
import { existsSync, readFileSync, watch } from "node:fs";
import { join } from "node:path";
import type { Server as TlsServer } from "node:tls";
import { issueCertBundle } from "../util/serving-certs.js";

export interface MetricsTlsOptions {
  /** Directory holding the certificate and key; empty for a self-signed pair. */
  certDir?: string;
  certName?: string;
  keyName?: string;
}

export interface ServingPair {
  cert: string;
  key: string;
}

export function loadServingPair(opts: MetricsTlsOptions): ServingPair {
  if (!opts.certDir) {
    const b = issueCertBundle(["localhost"], 365, ["127.0.0.1", "::1"]);
    return { cert: b.cert + b.caCert, key: b.key };
  }
  const certFile = join(opts.certDir, opts.certName ?? "tls.crt");
  const keyFile = join(opts.certDir, opts.keyName ?? "tls.key");
  for (const f of [certFile, keyFile]) if (!existsSync(f)) throw new Error(`metrics TLS: ${f} does not exist`);
  return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
}

/** Swaps the server's certificate when files in the directory change; returns a function that stops watching. */
export function reloadOnChange(server: TlsServer, opts: MetricsTlsOptions): () => void {
  if (!opts.certDir) return () => {};
  const watcher = watch(opts.certDir, { persistent: false }, () => {
    try {
      server.setSecureContext({ ...loadServingPair(opts), minVersion: "TLSv1.2" });
    } catch {
      // Mid-rotation the pair can be briefly missing or mismatched; the next change event reloads it.
    }
  });
  return () => watcher.close();
}
