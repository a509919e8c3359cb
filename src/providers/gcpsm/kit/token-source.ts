/**
 * OAuth2 access tokens for Google APIs: what every auth method produces, the token endpoint call they share,
 * and a cache that keeps a token until a minute before it expires.
 */
import { ProviderAuthError, ProviderThrottledError } from "../../errors.js";
import { boundedJson, boundedText, ResponseTooLargeError } from "../../util/bounded-body.js";
import { gcpEndpoints } from "./endpoints.js";
import type { CallScope } from "./scope.js";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** Token and metadata answers are a few KiB; the token URL may come from a tenant's key file. */
export const TOKEN_MAX_BYTES = 1024 * 1024;

export interface AccessToken {
  token: string;
  expiresAt: number;
}
export type TokenSource = () => Promise<AccessToken>;

export async function tokenCall(url: string, init: RequestInit, what: string, call: CallScope): Promise<any> {
  const { label, signal } = call;
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal });
  } catch (err) {
    throw new Error(`${label}: ${what}: request failed: ${(err as Error).message}`);
  }
  let body: any = {};
  try {
    body = await boundedJson(res, TOKEN_MAX_BYTES, `${label}: ${what} response`);
  } catch (err) {
    if (err instanceof ResponseTooLargeError) throw err;
    // non-JSON error bodies: the status alone is reported
  }
  if (res.ok) return body;
  const reason = [body?.error, body?.error_description]
    .filter((x) => typeof x === "string")
    .join(": ")
    .slice(0, 200);
  if (res.status === 429) throw new ProviderThrottledError(`${label}: ${what}: throttled (HTTP 429)`);
  if (res.status >= 500) throw new Error(`${label}: ${what}: HTTP ${res.status}${reason ? `: ${reason}` : ""}`);
  throw new ProviderAuthError(`${label}: ${what}: HTTP ${res.status}${reason ? `: ${reason}` : ""}`);
}

/** Reads a GKE metadata attribute (cluster-name, cluster-location), or undefined off GKE. */
export function metadataAttribute(name: string, signal?: AbortSignal): Promise<string | undefined> {
  return metadataValue(`instance/attributes/${name}`, signal);
}

/** The project the node runs in, from the metadata server, or undefined off Google Cloud. */
export function metadataProjectID(signal?: AbortSignal): Promise<string | undefined> {
  return metadataValue("project/project-id", signal);
}

async function metadataValue(path: string, signal?: AbortSignal): Promise<string | undefined> {
  const name = path.split("/").at(-1);
  try {
    const res = await fetch(`${gcpEndpoints.metadata()}/computeMetadata/v1/${path}`, {
      headers: { "Metadata-Flavor": "Google" },
      // Off Google Cloud the metadata host may not answer at all: never wait long for it.
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(3000)]) : AbortSignal.timeout(3000),
    });
    return res.ok ? (await boundedText(res, TOKEN_MAX_BYTES, `metadata server ${name} response`)).trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Caches a token until a minute before it expires. */
export function cached(source: TokenSource): TokenSource {
  let current: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;
  return async () => {
    if (current && current.expiresAt - 60_000 > Date.now()) return current;
    pending ??= source().finally(() => {
      pending = undefined;
    });
    current = await pending;
    return current;
  };
}
