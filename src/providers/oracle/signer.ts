/**
 * OCI's HTTP request signing (draft-cavage HTTP signatures, version 1, rsa-sha256): the signed headers are
 * date, (request-target) and host, plus x-content-sha256, content-type and content-length on requests with a
 * body. The key ID names the credential: `<tenancy>/<user>/<fingerprint>` for an API key, `ST$<token>` for a
 * session token.
 */
import { createHash, createSign, type KeyObject } from "node:crypto";

export interface RequestSigner {
  /** The key ID and private key to sign with now (a session signer may refresh its token first). */
  credentials(): Promise<{ keyId: string; key: KeyObject }>;
  /** Forget a session token the service refused, so the next call obtains a new one. */
  invalidate?(): void;
}

export interface SignableRequest {
  method: string;
  url: URL;
  body?: Buffer;
  contentType?: string;
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** The headers that carry the signature, for one request. */
export function signRequest(
  req: SignableRequest,
  keyId: string,
  key: KeyObject,
  now = new Date(),
): Record<string, string> {
  const method = req.method.toUpperCase();
  const headers: Record<string, string> = {
    date: now.toUTCString(),
    host: req.url.host,
  };
  const names = ["date", "(request-target)", "host"];
  if (BODY_METHODS.has(method)) {
    const body = req.body ?? Buffer.alloc(0);
    headers["x-content-sha256"] = createHash("sha256").update(body).digest("base64");
    headers["content-type"] = req.contentType ?? "application/json";
    headers["content-length"] = String(body.length);
    names.push("x-content-sha256", "content-type", "content-length");
  }
  const target = `${method.toLowerCase()} ${req.url.pathname}${req.url.search}`;
  const signingString = names.map((n) => `${n}: ${n === "(request-target)" ? target : headers[n]}`).join("\n");
  const signature = createSign("RSA-SHA256").update(signingString).sign(key, "base64");
  headers.authorization = `Signature version="1",headers="${names.join(" ")}",keyId="${keyId}",algorithm="rsa-sha256",signature="${signature}"`;
  return headers;
}
