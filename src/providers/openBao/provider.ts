/**
 * The "openBao" provider: OpenBao KV v1/v2 read through the shared Vault kit (auth, TLS, session, transport).
 * Token, AppRole, userpass and Kubernetes auth, as upstream; no auth sends unauthenticated requests.
 */
import { createHash } from "node:crypto";
import type { SecretKeySelector } from "../../api/common.js";
import type { OpenBaoProvider } from "../../api/providers/openbao.js";
import { capTimeout } from "../../runtime/deadline.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, SpecValidation, StoreKind } from "../provider.js";
import { resolveAuth } from "../vault/kit/auth/resolve.js";
import type { AuthMethod } from "../vault/kit/auth/types.js";
import { VaultSession } from "../vault/kit/session.js";
import { resolveTls } from "../vault/kit/tls.js";
import { VAULT_TOKENS } from "../vault/kit/token-cache.js";
import { VaultHttp } from "../vault/kit/transport.js";
import { OpenBaoClient } from "./client.js";
import { OpenBaoKv } from "./kv.js";
import { rebranded, toVaultSpec } from "./vault-spec.js";

const FIELD = "spec.provider.openBao";
/** Upstream's default mount when `path` is unset. */
export const DEFAULT_MOUNT = "kv";

export interface OpenBaoProviderOptions {
  /** Per-request timeout, ms (default 30 s). */
  requestTimeoutMs?: number;
  /** Retries on 429/5xx/network errors (default 2). */
  maxRetries?: number;
  /** Base of the jittered exponential retry backoff, ms (default 500). */
  retryBaseMs?: number;
}

function specErrors(spec: OpenBaoProvider, storeKind: StoreKind): string[] {
  const errs: string[] = [];
  if (!spec?.server) errs.push(`${FIELD}.server: is required`);
  else {
    try {
      const u = new URL(spec.server);
      if (u.protocol !== "http:" && u.protocol !== "https:") errs.push(`${FIELD}.server: must be an http(s) URL`);
    } catch {
      errs.push(`${FIELD}.server: is not a valid URL`);
    }
  }
  if (spec?.version && spec.version !== "v1" && spec.version !== "v2") errs.push(`${FIELD}.version: must be v1 or v2`);
  if (spec?.caBundle && spec.caProvider) errs.push(`${FIELD}: at most one of caBundle or caProvider may be set`);
  if (storeKind === "ClusterSecretStore" && spec?.caProvider && !spec.caProvider.namespace) {
    errs.push(`${FIELD}.caProvider.namespace: is required for a ClusterSecretStore`);
  }
  const local = (ref: { namespace?: string } | undefined, at: string) => {
    if (storeKind === "SecretStore" && ref?.namespace) {
      errs.push(`${at}.namespace: a SecretStore may not reference another namespace`);
    }
  };
  const named = (ref: SecretKeySelector | undefined, at: string) => {
    if (!ref?.name) errs.push(`${at}.name: is required`);
    local(ref, at);
  };
  local(spec?.caProvider, `${FIELD}.caProvider`);
  const a = spec?.auth;
  if (!a) return errs;
  const methods = (["appRole", "tokenSecretRef", "userPass", "kubernetes"] as const).filter((m) => a[m]);
  if (methods.length !== 1) {
    errs.push(`${FIELD}.auth: exactly one of appRole, tokenSecretRef, userPass or kubernetes must be set`);
  }
  if (a.tokenSecretRef) named(a.tokenSecretRef, `${FIELD}.auth.tokenSecretRef`);
  if (a.appRole) {
    const at = `${FIELD}.auth.appRole`;
    if (!!a.appRole.roleId === !!a.appRole.roleRef) errs.push(`${at}: exactly one of roleId or roleRef must be set`);
    if (a.appRole.roleRef) named(a.appRole.roleRef, `${at}.roleRef`);
    named(a.appRole.secretRef, `${at}.secretRef`);
  }
  if (a.userPass) {
    const at = `${FIELD}.auth.userPass`;
    if (!a.userPass.username) errs.push(`${at}.username: is required`);
    if (!a.userPass.secretRef) errs.push(`${at}.secretRef: is required`);
    else named(a.userPass.secretRef, `${at}.secretRef`);
  }
  if (a.kubernetes) {
    const at = `${FIELD}.auth.kubernetes`;
    if (!a.kubernetes.role) errs.push(`${at}.role: is required`);
    // Upstream never falls back to the controller's own ServiceAccount token.
    if (!!a.kubernetes.serviceAccountRef === !!a.kubernetes.secretRef) {
      errs.push(`${at}: exactly one of serviceAccountRef or secretRef must be set`);
    }
    if (a.kubernetes.secretRef) named(a.kubernetes.secretRef, `${at}.secretRef`);
    if (a.kubernetes.serviceAccountRef) local(a.kubernetes.serviceAccountRef, `${at}.serviceAccountRef`);
  }
  return errs;
}

export function newOpenBaoProvider(options: OpenBaoProviderOptions = {}): Provider<OpenBaoProvider> {
  return {
    name: "openBao",
    capabilities(): Capabilities {
      return "ReadOnly";
    },
    validate(spec: OpenBaoProvider, storeKind: StoreKind): SpecValidation {
      return { errors: specErrors(spec, storeKind), warnings: [] };
    },
    async newClient(spec, ctx) {
      const errs = specErrors(spec, ctx.storeKind);
      if (errs.length) throw new StoreConfigError(errs.join("; "));
      const vaultSpec = toVaultSpec(spec);
      const auth: AuthMethod = vaultSpec.auth
        ? await rebranded(() => resolveAuth(vaultSpec.auth, ctx))
        : { kind: "static", token: "" };
      const tls = await rebranded(() => resolveTls(vaultSpec, ctx));
      const http = new VaultHttp({
        server: spec.server,
        tls,
        timeoutMs: capTimeout(options.requestTimeoutMs ?? 30_000, ctx.deadline),
        maxRetries: options.maxRetries ?? 2,
        retryBaseMs: options.retryBaseMs ?? 500,
        signal: ctx.signal,
      });
      const namespace = spec.namespace || undefined;
      const authNamespace = spec.auth?.namespace || namespace;
      // One login per store, requesting namespace and credentials until the token nears expiry.
      const cacheKey =
        auth.kind === "login"
          ? createHash("sha256")
              .update(
                JSON.stringify([
                  "openBao",
                  ctx.storeKind,
                  ctx.storeName,
                  ctx.namespace,
                  spec.server,
                  authNamespace ?? "",
                  auth.fingerprint,
                ]),
              )
              .digest("hex")
          : "";
      const session = new VaultSession(http, auth, ctx.caches.get(VAULT_TOKENS), cacheKey, namespace, authNamespace);
      const kv = new OpenBaoKv(session, spec.path || DEFAULT_MOUNT, spec.version ?? "v2");
      return new OpenBaoClient(http, kv);
    },
  };
}

export const openBaoProvider = newOpenBaoProvider();
