/**
 * IAM tokens for Yandex Cloud: from an authorized key (a PS256 JWT exchanged at the IAM endpoint's
 * `POST /iam/v1/tokens`), or, with no key, the instance service account's token from the metadata service.
 * Tokens are kept per endpoint and key until five minutes before they expire, as upstream does.
 */
import { capTimeout } from "../../../runtime/deadline.js";
import { ProviderAuthError } from "../../errors.js";
import type { CacheKey } from "../../provider.js";
import { credentialKey, ExpiringTokenCache, type IssuedToken } from "../../util/expiring-tokens.js";
import { httpRequest, jsonBody, statusError } from "../../util/http-client.js";
import { type AuthorizedKey, signIamJwt } from "./authorized-key.js";
import { serviceBase, YANDEX_SERVICE } from "./endpoints.js";
import { type YandexCallTarget, yandexCall } from "./rest.js";

/** Upstream refreshes a token this long before it expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** The instance metadata service; an environment variable points tests at a loopback fake. */
export const METADATA_URL_ENV = "ESO_YANDEX_METADATA_URL";
const DEFAULT_METADATA_URL = "http://169.254.169.254";

export const YANDEX_IAM_TOKENS: CacheKey<ExpiringTokenCache> = {
  name: "yandex-iam-tokens",
  create: () => new ExpiringTokenCache(),
};

function issued(token: string, expiresAtMs: number): IssuedToken {
  const reuse = expiresAtMs - Date.now() - REFRESH_MARGIN_MS;
  return reuse > 0 ? { token, reuseForMs: reuse } : { token };
}

/** An IAM token for the authorized key, exchanged at the IAM service the endpoint list names. */
export interface HeldToken {
  token: string;
  /** Drops the token from the cache (a service refused it). */
  forget(): void;
}

export async function keyIamToken(
  tokens: ExpiringTokenCache,
  endpoints: Map<string, string>,
  key: AuthorizedKey,
  t: YandexCallTarget,
): Promise<HeldToken> {
  const iam = serviceBase(endpoints, YANDEX_SERVICE.iam, t.provider);
  const cacheKey = credentialKey([iam, key.id, key.serviceAccountId], [key.privateKeyPem, t.ca ?? ""]);
  const token = await tokens.get(cacheKey, async () => {
    const body = await yandexCall<{ iamToken?: string; expiresAt?: string }>(
      t,
      { method: "POST", url: `${iam}/iam/v1/tokens`, body: { jwt: signIamJwt(key) } },
      "create IAM token",
    );
    if (!body.iamToken) throw new ProviderAuthError(`${t.provider}: create IAM token: the response has no token`);
    return issued(body.iamToken, Date.parse(body.expiresAt ?? "") || 0);
  });
  return { token, forget: () => tokens.drop(cacheKey, token) };
}

/** The instance service account's IAM token (ClusterSecretStores on a Yandex Cloud VM). */
export async function instanceIamToken(tokens: ExpiringTokenCache, t: YandexCallTarget): Promise<HeldToken> {
  const base = (process.env[METADATA_URL_ENV] || DEFAULT_METADATA_URL).replace(/\/+$/, "");
  const cacheKey = `instance-sa\0${base}`;
  const token = await tokens.get(cacheKey, async () => {
    const what = "get instance service account IAM token";
    let res: Awaited<ReturnType<typeof httpRequest>>;
    try {
      res = await httpRequest({
        url: `${base}/computeMetadata/v1/instance/service-accounts/default/token`,
        headers: { "metadata-flavor": "Google", accept: "application/json" },
        signal: t.signal,
        timeoutMs: capTimeout(10_000, t.deadline),
        what: `${t.provider} metadata response`,
      });
    } catch (err) {
      throw new Error(`${t.provider}: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 300) throw statusError(t.provider, what, res.status);
    const body = jsonBody<{ access_token?: string; expires_in?: number }>(res, t.provider, what);
    if (!body.access_token) throw new ProviderAuthError(`${t.provider}: ${what}: the response has no token`);
    return issued(body.access_token, Date.now() + Number(body.expires_in ?? 0) * 1000);
  });
  return { token, forget: () => tokens.drop(cacheKey, token) };
}
