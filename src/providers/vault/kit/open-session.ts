/**
 * The HTTP client and token session for one Vault spec: auth, TLS (with a cert-auth client certificate), headers
 * and read-your-writes as the spec says. Shared by the vault provider and the VaultDynamicSecret generator.
 */
import { createHash } from "node:crypto";
import type { VaultProvider } from "../../../api/providers/vault.js";
import { capTimeout } from "../../../runtime/deadline.js";
import type { CredentialScope } from "../../provider.js";
import { resolveAuth } from "./auth/resolve.js";
import { VaultSession } from "./session.js";
import { resolveTls } from "./tls.js";
import type { TokenCache } from "./token-cache.js";
import { VaultHttp } from "./transport.js";

export interface VaultSessionOptions {
  /** Per-request timeout, ms (capped by what is left of the reconcile deadline). */
  timeoutMs: number;
  /** Retries on 429/5xx/network errors. */
  maxRetries: number;
  /** Base of the jittered exponential retry backoff, ms. */
  retryBaseMs: number;
  /** Logins kept between sessions (the provider caches' VAULT_TOKENS). */
  tokens: TokenCache;
  /**
   * Who may share a login: the cached token is keyed by this together with the server, auth namespace and
   * credentials.
   */
  cacheScope: unknown[];
  signal?: AbortSignal;
  /** Epoch ms of the reconcile deadline. */
  deadline?: number;
}

function headers(spec: VaultProvider): Record<string, string> {
  const out: Record<string, string> = { ...(spec.headers ?? {}) };
  if (spec.readYourWrites && spec.forwardInconsistent) out["X-Vault-Inconsistent"] = "forward-active-node";
  return out;
}

export async function openVaultSession(
  spec: VaultProvider,
  ctx: CredentialScope,
  opts: VaultSessionOptions,
): Promise<{ http: VaultHttp; session: VaultSession }> {
  const auth = await resolveAuth(spec.auth, ctx);
  const tls = await resolveTls(spec, ctx);
  if (auth.kind === "login" && auth.clientTls) {
    tls.cert = auth.clientTls.cert;
    tls.key = auth.clientTls.key;
  }
  const http = new VaultHttp({
    server: spec.server,
    tls,
    headers: headers(spec),
    readYourWrites: !!(spec.readYourWrites || spec.forwardInconsistent),
    timeoutMs: capTimeout(opts.timeoutMs, opts.deadline),
    maxRetries: opts.maxRetries,
    retryBaseMs: opts.retryBaseMs,
    signal: opts.signal,
  });
  const namespace = spec.namespace || undefined;
  const authNamespace = spec.auth?.namespace || namespace;
  const cacheKey =
    auth.kind === "login"
      ? createHash("sha256")
          .update(JSON.stringify([...opts.cacheScope, spec.server, authNamespace ?? "", auth.fingerprint]))
          .digest("hex")
      : "";
  return { http, session: new VaultSession(http, auth, opts.tokens, cacheKey, namespace, authNamespace) };
}
