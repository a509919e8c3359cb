/**
 * Chef Infra Server request signing, protocol version 1.3 (Mixlib::Authentication): the canonical request
 * (method, path, body hash, sign version, timestamp, user id, server API version) is signed with the client's
 * RSA key (RSA-SHA256, PKCS#1 v1.5) and sent base64-encoded in 60-character X-Ops-Authorization-N headers.
 */
import { createHash, createSign, type KeyObject } from "node:crypto";

export const SERVER_API_VERSION = "1";
const SIGN_VERSION = "1.3";

/** Duplicate slashes collapsed and a trailing slash dropped, as the server canonicalizes the path it verifies. */
export function canonicalPath(path: string): string {
  const p = path.replace(/\/+/g, "/");
  return p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p || "/";
}

export function contentHash(body: string): string {
  return createHash("sha256").update(body).digest("base64");
}

/** Chef's timestamp: ISO 8601 in UTC without fractional seconds. */
export function chefTimestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

export interface SignInput {
  method: string;
  path: string;
  body: string;
  userId: string;
  timestamp: string;
}

export function canonicalRequest(r: SignInput): string {
  return [
    `Method:${r.method.toUpperCase()}`,
    `Path:${canonicalPath(r.path)}`,
    `X-Ops-Content-Hash:${contentHash(r.body)}`,
    `X-Ops-Sign:version=${SIGN_VERSION}`,
    `X-Ops-Timestamp:${r.timestamp}`,
    `X-Ops-UserId:${r.userId}`,
    `X-Ops-Server-API-Version:${SERVER_API_VERSION}`,
  ].join("\n");
}

/** The authentication headers for one request. */
export function signedHeaders(r: SignInput, key: KeyObject): Record<string, string> {
  const signature = createSign("RSA-SHA256").update(canonicalRequest(r)).sign(key, "base64");
  const headers: Record<string, string> = {
    "X-Ops-Sign": `algorithm=sha256;version=${SIGN_VERSION}`,
    "X-Ops-Userid": r.userId,
    "X-Ops-Timestamp": r.timestamp,
    "X-Ops-Content-Hash": contentHash(r.body),
    "X-Ops-Server-API-Version": SERVER_API_VERSION,
  };
  for (let i = 0; i * 60 < signature.length; i++) {
    headers[`X-Ops-Authorization-${i + 1}`] = signature.slice(i * 60, (i + 1) * 60);
  }
  return headers;
}
