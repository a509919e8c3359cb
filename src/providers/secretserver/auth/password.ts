/**
 * `username` / `password` (and `domain`): an OAuth2 password grant at `<serverURL>/oauth2/token`, the token kept
 * per server and credentials until shortly before it expires.
 */
import { capTimeout } from "../../../runtime/deadline.js";
import { ProviderAuthError } from "../../errors.js";
import type { CacheKey } from "../../provider.js";
import { credentialKey, ExpiringTokenCache } from "../../util/expiring-tokens.js";
import { httpRequest, jsonBody, statusError } from "../../util/http-client.js";
import type { TokenSource } from "./token-source.js";

export const SECRET_SERVER_TOKENS: CacheKey<ExpiringTokenCache> = {
  name: "secretserver-tokens",
  create: () => new ExpiringTokenCache(),
};

const LOGIN_TIMEOUT_MS = 30_000;

export interface PasswordLogin {
  serverURL: string;
  username: string;
  password: string;
  domain?: string;
  ca?: string;
  signal?: AbortSignal;
  deadline?: number;
}

export function passwordTokens(cache: ExpiringTokenCache, login: PasswordLogin): TokenSource {
  const key = credentialKey([login.serverURL, login.username, login.domain ?? ""], [login.password]);
  return {
    token: () => cache.get(key, () => requestToken(login)),
    drop: (token) => {
      cache.drop(key, token);
      return true;
    },
  };
}

async function requestToken(l: PasswordLogin): Promise<{ token: string; expiresInSeconds?: number }> {
  const what = "password login";
  const form = new URLSearchParams({ username: l.username, password: l.password, grant_type: "password" });
  if (l.domain) form.set("domain", l.domain);
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      method: "POST",
      url: `${l.serverURL}/oauth2/token`,
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form.toString(),
      ca: l.ca,
      signal: l.signal,
      timeoutMs: capTimeout(LOGIN_TIMEOUT_MS, l.deadline),
      what: "secret server response",
    });
  } catch (err) {
    throw new Error(`secretserver: ${what}: request failed: ${(err as Error).message}`);
  }
  // The token endpoint answers 400 invalid_grant to a wrong username or password.
  if (res.status === 400) throw new ProviderAuthError(`secretserver: ${what}: authentication failed (HTTP 400)`);
  if (res.status >= 300) throw statusError("secretserver", what, res.status);
  const grant = jsonBody<{ access_token?: string; expires_in?: number }>(res, "secretserver", what);
  if (!grant.access_token) throw new ProviderAuthError(`secretserver: ${what}: the answer carries no access token`);
  return { token: grant.access_token, expiresInSeconds: grant.expires_in };
}
