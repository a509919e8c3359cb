/**
 * Keystone v3 login (`POST <authURL>/auth/tokens`) with a password or an application credential, as gophercloud
 * sends them for upstream: the token comes back in X-Subject-Token, the service catalog in the body. Logins are
 * kept per auth URL and credentials until shortly before the token expires.
 */
import { capTimeout } from "../../../runtime/deadline.js";
import { ProviderAuthError } from "../../errors.js";
import type { CacheKey } from "../../provider.js";
import { credentialKey, ExpiringTokenCache } from "../../util/expiring-tokens.js";
import { httpRequest, jsonBody, statusError } from "../../util/http-client.js";

const CALL_TIMEOUT_MS = 30_000;
const REFRESH_MARGIN_MS = 5 * 60_000;

export type KeystoneCredentials =
  | { kind: "password"; username: string; password: string; tenantName?: string; domainName?: string }
  | { kind: "applicationCredential"; id: string; secret: string };

export interface KeystoneLogin {
  token: string;
  /** The key-manager endpoint the catalog names for the region (public interface). */
  keyManagerUrl: string;
  /** Drops this login from the cache (Barbican refused its token). */
  forget(): void;
}

export const BARBICAN_LOGINS: CacheKey<ExpiringTokenCache> = {
  name: "barbican-keystone-logins",
  create: () => new ExpiringTokenCache(),
};

/** `<authURL>/auth/tokens`, adding the `/v3` an unversioned identity URL lacks. */
export function tokensUrl(authURL: string): string {
  const base = authURL.replace(/\/+$/, "");
  return /\/v3$/.test(base) ? `${base}/auth/tokens` : `${base}/v3/auth/tokens`;
}

function requestBody(c: KeystoneCredentials): unknown {
  if (c.kind === "applicationCredential") {
    return {
      auth: {
        identity: { methods: ["application_credential"], application_credential: { id: c.id, secret: c.secret } },
      },
    };
  }
  const user: Record<string, unknown> = { name: c.username, password: c.password };
  if (c.domainName) user.domain = { name: c.domainName };
  const auth: Record<string, unknown> = { identity: { methods: ["password"], password: { user } } };
  if (c.tenantName) {
    auth.scope = { project: { name: c.tenantName, ...(c.domainName ? { domain: { name: c.domainName } } : {}) } };
  }
  return { auth };
}

interface CatalogEntry {
  type?: string;
  endpoints?: { interface?: string; region?: string; region_id?: string; url?: string }[];
}

function keyManagerUrl(catalog: CatalogEntry[], region: string | undefined): string | undefined {
  for (const svc of catalog) {
    if (svc.type !== "key-manager") continue;
    for (const ep of svc.endpoints ?? []) {
      if (ep.interface !== "public" || !ep.url) continue;
      if (region && ep.region !== region && ep.region_id !== region) continue;
      return ep.url;
    }
  }
  return undefined;
}

export async function keystoneLogin(
  cache: ExpiringTokenCache,
  authURL: string,
  region: string | undefined,
  creds: KeystoneCredentials,
  signal?: AbortSignal,
  deadline?: number,
): Promise<KeystoneLogin> {
  const url = tokensUrl(authURL);
  const secrets =
    creds.kind === "password"
      ? [creds.username, creds.password, creds.tenantName ?? "", creds.domainName ?? ""]
      : [creds.id, creds.secret];
  const key = credentialKey([url, region ?? "", creds.kind], secrets);
  // The cache holds one string: the key-manager URL and the token, joined by a newline (neither contains one).
  const packed = await cache.get(key, async () => {
    const what = "keystone authentication";
    let res: Awaited<ReturnType<typeof httpRequest>>;
    try {
      res = await httpRequest({
        method: "POST",
        url,
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(requestBody(creds)),
        signal,
        timeoutMs: capTimeout(CALL_TIMEOUT_MS, deadline),
        what: "keystone response",
      });
    } catch (err) {
      throw new Error(`barbican: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 300) throw statusError("barbican", what, res.status);
    const token = String(res.headers["x-subject-token"] ?? "");
    if (!token) throw new ProviderAuthError(`barbican: ${what}: the response has no X-Subject-Token`);
    const body = jsonBody<{ token?: { expires_at?: string; catalog?: CatalogEntry[] } }>(res, "barbican", what);
    const endpoint = keyManagerUrl(body.token?.catalog ?? [], region);
    if (!endpoint) {
      throw new Error(
        `barbican: client initialization failed: no public key-manager endpoint in the catalog${region ? ` for region ${JSON.stringify(region)}` : ""}`,
      );
    }
    const reuse = (Date.parse(body.token?.expires_at ?? "") || 0) - Date.now() - REFRESH_MARGIN_MS;
    const packedLogin = `${endpoint}\n${token}`;
    return reuse > 0 ? { token: packedLogin, reuseForMs: reuse } : { token: packedLogin };
  });
  const nl = packed.indexOf("\n");
  return { keyManagerUrl: packed.slice(0, nl), token: packed.slice(nl + 1), forget: () => cache.drop(key, packed) };
}
