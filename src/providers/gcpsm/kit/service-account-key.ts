/** auth.secretRef: a service account key (JSON), exchanged for access tokens at the token endpoint. */
import { createSign } from "node:crypto";
import { ProviderAuthError, StoreConfigError } from "../../errors.js";
import { gcpEndpoints } from "./endpoints.js";
import type { CallScope } from "./scope.js";
import { CLOUD_PLATFORM_SCOPE, type TokenSource, tokenCall } from "./token-source.js";

interface ServiceAccountKey {
  type?: string;
  client_email?: string;
  private_key?: string;
  private_key_id?: string;
  token_uri?: string;
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
export function serviceAccountKeySource(keyJson: string, field: string, call: CallScope): TokenSource {
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
      call,
    );
    if (!r.access_token) {
      throw new ProviderAuthError(`${call.label}: service account token: response carries no access_token`);
    }
    return { token: r.access_token, expiresAt: Date.now() + Number(r.expires_in ?? 3600) * 1000 };
  };
}
