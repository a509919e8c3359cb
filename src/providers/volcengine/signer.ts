/**
 * Volcengine's request signing (HMAC-SHA256 over a canonical request, a key derived from the secret key through
 * date, region, service and "request"; X-Date, X-Content-Sha256 and, with STS credentials, X-Security-Token).
 */
import { createHash, createHmac } from "node:crypto";

export interface VolcCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
const sha256Hex = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** RFC 3986 percent-encoding, as the canonical query needs it. */
const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function canonicalQuery(params: URLSearchParams): string {
  return [...params.entries()]
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** `20240102T030405Z` */
export function xDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** The headers to send (host excluded: the HTTP client sets it) for one request. */
export function signRequest(
  req: { method: string; host: string; path: string; query: URLSearchParams; body: string },
  creds: VolcCredentials,
  region: string,
  service: string,
  now = new Date(),
): Record<string, string> {
  const date = xDate(now);
  const day = date.slice(0, 8);
  const payloadHash = sha256Hex(req.body);
  const headers: Record<string, string> = { host: req.host, "x-content-sha256": payloadHash, "x-date": date };
  if (creds.sessionToken) headers["x-security-token"] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = [
    req.method,
    req.path || "/",
    canonicalQuery(req.query),
    ...names.map((n) => `${n}:${headers[n]!.trim()}`),
    "",
    names.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/${service}/request`;
  const toSign = ["HMAC-SHA256", date, scope, sha256Hex(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(creds.secretAccessKey, day), region), service), "request");
  const signature = createHmac("sha256", key).update(toSign, "utf8").digest("hex");
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
  };
}
