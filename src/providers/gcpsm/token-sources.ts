/**
 * OAuth2 access-token sources for Google APIs, each a documented HTTP exchange:
 * a service-account key signs a JWT for the token endpoint; workload identity exchanges a Kubernetes
 * ServiceAccount token at STS (optionally impersonating a Google service account); default credentials use
 * GOOGLE_APPLICATION_CREDENTIALS or the GCE metadata server.
 */
import { createSign } from "node:crypto";
import { readFile } from "node:fs/promises";
import { ProviderAuthError, ProviderThrottledError, StoreConfigError } from "../errors.js";
import { boundedJson, boundedText, ResponseTooLargeError } from "../util/bounded-body.js";
import { gcpEndpoints } from "./endpoints.js";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** Token and metadata answers are a few KiB; the token URL may come from a tenant's key file. */
const TOKEN_MAX_BYTES = 1024 * 1024;

export interface AccessToken {
  token: string;
  expiresAt: number;
}
export type TokenSource = () => Promise<AccessToken>;

interface ServiceAccountKey {
  type?: string;
  client_email?: string;
  private_key?: string;
  private_key_id?: string;
  token_uri?: string;
}

async function tokenCall(url: string, init: RequestInit, what: string, signal?: AbortSignal): Promise<any> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal });
  } catch (err) {
    throw new Error(`gcpsm: ${what}: request failed: ${(err as Error).message}`);
  }
  let body: any = {};
  try {
    body = await boundedJson(res, TOKEN_MAX_BYTES, `gcpsm: ${what} response`);
  } catch (err) {
    if (err instanceof ResponseTooLargeError) throw err;
    // non-JSON error bodies: the status alone is reported
  }
  if (res.ok) return body;
  const reason = [body?.error, body?.error_description]
    .filter((x) => typeof x === "string")
    .join(": ")
    .slice(0, 200);
  if (res.status === 429) throw new ProviderThrottledError(`gcpsm: ${what}: throttled (HTTP 429)`);
  if (res.status >= 500) throw new Error(`gcpsm: ${what}: HTTP ${res.status}${reason ? `: ${reason}` : ""}`);
  throw new ProviderAuthError(`gcpsm: ${what}: HTTP ${res.status}${reason ? `: ${reason}` : ""}`);
}

export function parseServiceAccountKey(
  json: string,
  field: string,
): Required<Pick<ServiceAccountKey, "client_email" | "private_key">> & ServiceAccountKey {
  let key: ServiceAccountKey;
  try {
    key = JSON.parse(json) as ServiceAccountKey;
  } catch {
    throw new StoreConfigError(`${field}: is not a service account key JSON document`);
  }
  if (!key.client_email || !key.private_key) {
    throw new StoreConfigError(`${field}: service account key needs client_email and private_key`);
  }
  return key as Required<Pick<ServiceAccountKey, "client_email" | "private_key">> & ServiceAccountKey;
}

/** RFC 7523 JWT bearer grant signed with the service account's private key. */
export function serviceAccountKeySource(keyJson: string, field: string, signal?: AbortSignal): TokenSource {
  const key = parseServiceAccountKey(keyJson, field);
  const tokenUrl = gcpEndpoints.oauthToken(key.token_uri);
  return async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "RS256", typ: "JWT", ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
    const claims = { iss: key.client_email, scope: CLOUD_PLATFORM_SCOPE, aud: tokenUrl, iat: now, exp: now + 3600 };
    const unsigned = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
    let signature: string;
    try {
      signature = createSign("RSA-SHA256").update(unsigned).sign(key.private_key, "base64url");
    } catch {
      throw new StoreConfigError(`${field}: private_key is not a valid PEM RSA key`);
    }
    const body = new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion: `${unsigned}.${signature}`,
    });
    const r = await tokenCall(
      tokenUrl,
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body },
      "service account token",
      signal,
    );
    if (!r.access_token) throw new ProviderAuthError("gcpsm: service account token: response carries no access_token");
    return { token: r.access_token, expiresAt: Date.now() + Number(r.expires_in ?? 3600) * 1000 };
  };
}

/** STS token exchange of a Kubernetes ServiceAccount JWT, then optional impersonation of a Google SA. */
export function workloadIdentitySource(
  subjectToken: () => Promise<string>,
  audience: string,
  googleServiceAccount: string | undefined,
  signal?: AbortSignal,
): TokenSource {
  return async () => {
    const body = new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      audience,
      scope: CLOUD_PLATFORM_SCOPE,
      requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
      subject_token: await subjectToken(),
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    });
    const sts = await tokenCall(
      gcpEndpoints.sts(),
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body },
      "STS token exchange",
      signal,
    );
    if (!sts.access_token) throw new ProviderAuthError("gcpsm: STS token exchange: response carries no access_token");
    const federated: AccessToken = {
      token: sts.access_token,
      expiresAt: Date.now() + Number(sts.expires_in ?? 3600) * 1000,
    };
    if (!googleServiceAccount) return federated;
    const url = `${gcpEndpoints.iamCredentials()}/v1/projects/-/serviceAccounts/${encodeURIComponent(googleServiceAccount)}:generateAccessToken`;
    const r = await tokenCall(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${federated.token}` },
        body: JSON.stringify({ scope: [CLOUD_PLATFORM_SCOPE] }),
      },
      `impersonate ${googleServiceAccount}`,
      signal,
    );
    if (!r.accessToken) throw new ProviderAuthError("gcpsm: impersonation: response carries no accessToken");
    return { token: r.accessToken, expiresAt: r.expireTime ? Date.parse(r.expireTime) : Date.now() + 3600_000 };
  };
}

/** Application default credentials: GOOGLE_APPLICATION_CREDENTIALS (a key file), else the metadata server. */
export function defaultCredentialsSource(signal?: AbortSignal): TokenSource {
  const file = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  if (file) {
    let inner: TokenSource | undefined;
    return async () => {
      if (!inner)
        inner = serviceAccountKeySource(await readFile(file, "utf8"), "GOOGLE_APPLICATION_CREDENTIALS", signal);
      return inner();
    };
  }
  return async () => {
    const r = await tokenCall(
      `${gcpEndpoints.metadata()}/computeMetadata/v1/instance/service-accounts/default/token`,
      { headers: { "Metadata-Flavor": "Google" } },
      "metadata server token",
      signal,
    );
    if (!r.access_token) throw new ProviderAuthError("gcpsm: metadata server token: response carries no access_token");
    return { token: r.access_token, expiresAt: Date.now() + Number(r.expires_in ?? 3600) * 1000 };
  };
}

/** Reads a GKE metadata attribute (cluster-name, cluster-location), or undefined off GKE. */
export async function metadataAttribute(name: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const res = await fetch(`${gcpEndpoints.metadata()}/computeMetadata/v1/instance/attributes/${name}`, {
      headers: { "Metadata-Flavor": "Google" },
      signal: signal ?? AbortSignal.timeout(3000),
    });
    return res.ok ? (await boundedText(res, TOKEN_MAX_BYTES, `gcpsm: metadata ${name} response`)).trim() : undefined;
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
