import type { VaultAuth } from "../../../../api/providers/vault.js";
import { ProviderAuthError } from "../../../errors.js";
import type { CredentialScope } from "../../../provider.js";
import { type VaultHttp, vaultErrorDetail } from "../transport.js";

/** A token as returned by a login or a renewal. ttlSeconds 0 means "does not expire". */
export interface LoginResult {
  token: string;
  ttlSeconds: number;
  renewable: boolean;
}

/** How a store obtains its Vault token. */
export type AuthMethod =
  | { kind: "static"; token: string }
  | {
      kind: "login";
      /** Name used in error messages, e.g. "kubernetes". */
      name: string;
      /** Hash input identifying the credentials (never logged); part of the token cache key. */
      fingerprint: string;
      /** Client certificate to present on every request (cert auth). */
      clientTls?: { cert: string; key: string };
      login(http: VaultHttp, namespace: string | undefined): Promise<LoginResult>;
    };

export type AuthFactory<K extends keyof VaultAuth> = (
  spec: NonNullable<VaultAuth[K]>,
  ctx: CredentialScope,
) => Promise<AuthMethod>;

/**
 * POSTs to auth/<mount>/login[/<suffix>] and returns the issued token. Vault's error text loses every
 * credential sent (and `secrets`: credentials the body carries only in encoded form).
 */
export async function vaultLogin(
  http: VaultHttp,
  method: string,
  path: string,
  body: Record<string, unknown> | undefined,
  namespace: string | undefined,
  secrets: string[] = [],
): Promise<LoginResult> {
  const res = await http.request({ method: "POST", path, body: body ?? {}, namespace });
  const auth = res.body?.auth;
  if (res.status < 200 || res.status >= 300 || !auth?.client_token) {
    const detail = vaultErrorDetail(res, { extra: secrets });
    if (res.status === 429 || res.status >= 500) {
      throw new Error(`vault: ${method} login at ${path} failed: HTTP ${res.status}${detail}`);
    }
    throw new ProviderAuthError(`vault: ${method} login at ${path} failed: HTTP ${res.status}${detail}`);
  }
  return {
    token: String(auth.client_token),
    ttlSeconds: Number(auth.lease_duration ?? 0),
    renewable: auth.renewable === true,
  };
}

export function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, "");
}
