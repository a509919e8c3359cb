/**
 * The Google side of Vault's gcp auth: JWTs Vault accepts (RS256, `aud` "vault/<role>", `sub` the service
 * account, at most 15 minutes long) signed with a service account key, by IAM Credentials signJwt, or issued
 * by the GCE metadata server. Endpoints follow the variables the gcpsm provider and Google's libraries read.
 */
import { createPrivateKey, createSign, type KeyObject } from "node:crypto";
import { ProviderAuthError, ProviderThrottledError, StoreConfigError } from "../../../errors.js";
import { boundedJson, boundedText, ResponseTooLargeError } from "../../../util/bounded-body.js";

/** Vault's default max_jwt_exp is 15 minutes; ESO asks for 10. */
const JWT_LIFETIME_S = 600;
const MAX_BYTES = 1024 * 1024;
const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export const googleEndpoints = {
  sts: () => process.env.GCP_STS_TOKEN_URL || "https://sts.googleapis.com/v1/token",
  iamCredentials: () => process.env.GCP_IAM_CREDENTIALS_ENDPOINT || "https://iamcredentials.googleapis.com",
  metadata(): string {
    const host = process.env.GCE_METADATA_HOST || "metadata.google.internal";
    return /^https?:\/\//.test(host) ? host : `http://${host}`;
  },
};

export interface ServiceAccountKey {
  email: string;
  keyId?: string;
  privateKey: KeyObject;
}

/** Parses a service account key file (JSON); errors name `field`, never the content. */
export function parseServiceAccountKey(json: string, field: string): ServiceAccountKey {
  let doc: { client_email?: unknown; private_key?: unknown; private_key_id?: unknown };
  try {
    doc = JSON.parse(json);
  } catch {
    throw new StoreConfigError(`${field}: is not a service account key JSON document`);
  }
  if (typeof doc?.client_email !== "string" || typeof doc.private_key !== "string") {
    throw new StoreConfigError(`${field}: service account key needs client_email and private_key`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(doc.private_key);
  } catch {
    throw new StoreConfigError(`${field}: private_key is not a valid PEM RSA key`);
  }
  if (privateKey.asymmetricKeyType !== "rsa") throw new StoreConfigError(`${field}: private_key is not an RSA key`);
  return {
    email: doc.client_email,
    keyId: typeof doc.private_key_id === "string" ? doc.private_key_id : undefined,
    privateKey,
  };
}

function iamClaims(email: string, role: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { aud: `vault/${role}`, sub: email, iat: now, exp: now + JWT_LIFETIME_S };
}

/** The login JWT for an iam-type role, signed locally with the service account's own key. */
export function signWithServiceAccountKey(key: ServiceAccountKey, role: string): string {
  const header = { alg: "RS256", typ: "JWT", ...(key.keyId ? { kid: key.keyId } : {}) };
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const unsigned = `${b64(header)}.${b64(iamClaims(key.email, role))}`;
  return `${unsigned}.${createSign("RSA-SHA256").update(unsigned).sign(key.privateKey, "base64url")}`;
}

async function googleCall(url: string, init: RequestInit, what: string, signal?: AbortSignal): Promise<any> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal });
  } catch (err) {
    throw new Error(`vault: gcp auth: ${what}: request failed: ${(err as Error).message}`);
  }
  let body: any;
  try {
    body = await boundedJson(res, MAX_BYTES, `vault: gcp auth: ${what} response`);
  } catch (err) {
    if (err instanceof ResponseTooLargeError) throw err;
    body = undefined;
  }
  if (res.ok) return body;
  if (res.status === 429) throw new ProviderThrottledError(`vault: gcp auth: ${what}: throttled (HTTP 429)`);
  if (res.status >= 500) throw new Error(`vault: gcp auth: ${what}: HTTP ${res.status}`);
  throw new ProviderAuthError(`vault: gcp auth: ${what}: HTTP ${res.status}`);
}

/** Google STS: a Kubernetes ServiceAccount JWT for a federated access token (GKE workload identity). */
export async function exchangeForFederatedToken(
  subjectToken: string,
  audience: string,
  signal?: AbortSignal,
): Promise<string> {
  const body = new URLSearchParams({
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    audience,
    scope: CLOUD_PLATFORM_SCOPE,
    requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
    subject_token: subjectToken,
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
  });
  const r = await googleCall(
    googleEndpoints.sts(),
    { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body },
    "STS token exchange",
    signal,
  );
  if (typeof r?.access_token !== "string") throw new ProviderAuthError("vault: gcp auth: STS answer has no token");
  return r.access_token;
}

/** IAM Credentials signJwt: Google signs the login claims with a key of `email` (the caller may act as it). */
export async function signWithIamCredentials(
  accessToken: string,
  email: string,
  role: string,
  signal?: AbortSignal,
): Promise<string> {
  const url = `${googleEndpoints.iamCredentials()}/v1/projects/-/serviceAccounts/${encodeURIComponent(email)}:signJwt`;
  const r = await googleCall(
    url,
    {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ payload: JSON.stringify(iamClaims(email, role)) }),
    },
    `signJwt as ${email}`,
    signal,
  );
  if (typeof r?.signedJwt !== "string") throw new ProviderAuthError("vault: gcp auth: signJwt answer has no JWT");
  return r.signedJwt;
}

const METADATA_HEADERS = { "Metadata-Flavor": "Google" };

/** The GCE instance identity token for a gce-type role (audience http://vault/<role>, full format). */
export async function gceIdentityToken(role: string, signal?: AbortSignal): Promise<string> {
  const q = new URLSearchParams({ audience: `http://vault/${role}`, format: "full" });
  const url = `${googleEndpoints.metadata()}/computeMetadata/v1/instance/service-accounts/default/identity?${q}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: METADATA_HEADERS, signal });
  } catch (err) {
    throw new Error(`vault: gcp auth: GCE metadata server: request failed: ${(err as Error).message}`);
  }
  const text = (await boundedText(res, MAX_BYTES, "vault: gcp auth: GCE metadata identity")).trim();
  if (!res.ok || !text) throw new ProviderAuthError(`vault: gcp auth: GCE metadata identity: HTTP ${res.status}`);
  return text;
}

/** A GKE metadata attribute (cluster-name, cluster-location); undefined off GKE. */
export async function metadataAttribute(name: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const res = await fetch(`${googleEndpoints.metadata()}/computeMetadata/v1/instance/attributes/${name}`, {
      headers: METADATA_HEADERS,
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(2000)]) : AbortSignal.timeout(2000),
    });
    if (!res.ok) return undefined;
    return (await boundedText(res, MAX_BYTES, `GCE metadata ${name}`)).trim() || undefined;
  } catch {
    return undefined;
  }
}
