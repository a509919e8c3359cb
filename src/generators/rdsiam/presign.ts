/**
 * An RDS IAM authentication token: a SigV4 query-string presigned `GET https://host:port/?Action=connect&DBUser=...`
 * for the signing service "rds-db", written without the scheme, as AWS's RDS signers produce it. Nothing is sent:
 * the database checks the signature when the token is used as the password.
 */
import { createHash, createHmac } from "node:crypto";
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";

/** How long RDS accepts the token (AWS fixes it at 15 minutes). */
export const RDS_TOKEN_TTL_SECONDS = 900;
const SERVICE = "rds-db";
const EMPTY_PAYLOAD_HASH = createHash("sha256").update("").digest("hex");

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const hmac = (key: Buffer | string, s: string) => createHmac("sha256", key).update(s, "utf8").digest();

export interface RdsTokenRequest {
  hostname: string;
  port: number;
  region: string;
  username: string;
}

export function rdsAuthToken(req: RdsTokenRequest, identity: AwsIdentity, now = new Date()): string {
  const date = now.toISOString().replace(/[:-]|\.\d{3}/g, "");
  const day = date.slice(0, 8);
  const scope = `${day}/${req.region}/${SERVICE}/aws4_request`;
  const host = `${req.hostname}:${req.port}`;
  const params: [string, string][] = [
    ["Action", "connect"],
    ["DBUser", req.username],
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${identity.accessKeyId}/${scope}`],
    ["X-Amz-Date", date],
    ["X-Amz-Expires", String(RDS_TOKEN_TTL_SECONDS)],
    ["X-Amz-SignedHeaders", "host"],
  ];
  if (identity.sessionToken) params.push(["X-Amz-Security-Token", identity.sessionToken]);
  const query = params
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonical = ["GET", "/", query, `host:${host}\n`, "host", EMPTY_PAYLOAD_HASH].join("\n");
  const toSign = ["AWS4-HMAC-SHA256", date, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${identity.secretAccessKey}`, day), req.region), SERVICE), "aws4_request");
  const signature = createHmac("sha256", kSigning).update(toSign, "utf8").digest("hex");
  return `${host}/?${query}&X-Amz-Signature=${signature}`;
}
