/** The "vault" provider: validates the spec and builds a client per store and requesting namespace. */
import { createHash } from "node:crypto";
import type { VaultProvider } from "../../api/providers/vault.js";
import { capTimeout } from "../../runtime/deadline.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, StoreKind } from "../provider.js";
import { resolveSecretKeyString } from "../resolvers.js";
import { resolveAuth } from "./auth/index.js";
import { VaultClient } from "./client.js";
import { VaultHttp } from "./http.js";
import { KvStore } from "./kv.js";
import { VaultSession } from "./session.js";
import type { VaultProviderSpec } from "./spec.js";
import { resolveTls } from "./tls.js";

// The CRD type must stay assignable to what this provider reads.
const _schemaFits: (v: VaultProvider) => VaultProviderSpec = (v) => v;
void _schemaFits;

export interface VaultProviderOptions {
  /** Per-request timeout, ms (default 30 s). */
  requestTimeoutMs?: number;
  /** Retries on 429/5xx/network errors (default 2, like the Vault Go client). */
  maxRetries?: number;
  /** Base of the jittered exponential retry backoff, ms (default 500). */
  retryBaseMs?: number;
}

const FIELD = "spec.provider.vault";

async function resolveHeaders(spec: VaultProviderSpec, ctx: ProviderContext): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, h] of Object.entries(spec.headers ?? {})) {
    if (typeof h === "string") out[name] = h;
    else if (h.value !== undefined && h.secretKeyRef)
      throw new StoreConfigError(`${FIELD}.headers.${name}: cannot have both value and secretKeyRef`);
    else if (h.value !== undefined) out[name] = h.value;
    else if (h.secretKeyRef)
      out[name] = await resolveSecretKeyString(ctx, h.secretKeyRef, `${FIELD}.headers.${name}.secretKeyRef`);
    else throw new StoreConfigError(`${FIELD}.headers.${name}: must have either value or secretKeyRef`);
  }
  if (spec.readYourWrites && spec.forwardInconsistent) out["X-Vault-Inconsistent"] = "forward-active-node";
  return out;
}

/**
 * The HTTP client and token session for one Vault spec: auth, TLS (with a cert-auth client certificate), headers
 * and read-your-writes as the spec says. `cacheScope` keys the cached login together with the server, auth
 * namespace and credentials, so callers decide who may share a token.
 */
export async function openVaultSession(
  spec: VaultProviderSpec,
  ctx: ProviderContext,
  opts: { timeoutMs: number; maxRetries: number; retryBaseMs: number; cacheScope: unknown[] },
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
    headers: await resolveHeaders(spec, ctx),
    readYourWrites: !!(spec.readYourWrites || spec.forwardInconsistent),
    timeoutMs: capTimeout(opts.timeoutMs, ctx.deadline),
    maxRetries: opts.maxRetries,
    retryBaseMs: opts.retryBaseMs,
    signal: ctx.signal,
  });
  const namespace = spec.namespace || undefined;
  const authNamespace = spec.auth?.namespace || namespace;
  const cacheKey =
    auth.kind === "login"
      ? createHash("sha256")
          .update(JSON.stringify([...opts.cacheScope, spec.server, authNamespace ?? "", auth.fingerprint]))
          .digest("hex")
      : "";
  return { http, session: new VaultSession(http, auth, cacheKey, namespace, authNamespace) };
}

export class VaultSecretsProvider implements Provider<VaultProviderSpec> {
  readonly name = "vault";

  constructor(private readonly options: VaultProviderOptions = {}) {}

  capabilities(): Capabilities {
    return "ReadWrite";
  }

  validateSpec(spec: VaultProviderSpec, storeKind: StoreKind): string[] {
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
    if (spec?.version && spec.version !== "v1" && spec.version !== "v2")
      errs.push(`${FIELD}.version: must be v1 or v2`);
    const a = spec?.auth;
    if (!a) errs.push(`${FIELD}.auth: is required`);
    if (a?.appRole && !a.appRole.roleId && !a.appRole.roleRef)
      errs.push(`${FIELD}.auth.appRole: roleId or roleRef is required`);
    if (a?.kubernetes && !a.kubernetes.role) errs.push(`${FIELD}.auth.kubernetes.role: is required`);
    if (a?.iam && !a.iam.vaultRole) errs.push(`${FIELD}.auth.iam.vaultRole: is required`);
    if (storeKind === "ClusterSecretStore" && spec?.caProvider && !spec.caProvider.namespace) {
      errs.push(`${FIELD}.caProvider.namespace: is required for a ClusterSecretStore`);
    }
    if (storeKind === "SecretStore" && spec?.caProvider?.namespace) {
      errs.push(`${FIELD}.caProvider.namespace: must be empty for a SecretStore`);
    }
    if (a?.tokenSecretRef && storeKind === "SecretStore" && a.tokenSecretRef.namespace) {
      errs.push(`${FIELD}.auth.tokenSecretRef.namespace: a SecretStore may not reference another namespace`);
    }
    return errs;
  }

  async newClient(spec: VaultProviderSpec, ctx: ProviderContext): Promise<SecretsClient> {
    const errs = this.validateSpec(spec, ctx.storeKind);
    if (errs.length) throw new StoreConfigError(errs.join("; "));
    const { http, session } = await openVaultSession(spec, ctx, {
      timeoutMs: this.options.requestTimeoutMs ?? 30_000,
      maxRetries: this.options.maxRetries ?? 2,
      retryBaseMs: this.options.retryBaseMs ?? 500,
      // One login per store and requesting namespace until the token nears expiry.
      cacheScope: [ctx.storeKind, ctx.storeName, ctx.namespace, spec.auth],
    });
    const kv = new KvStore(session, { mount: spec.path || undefined, version: spec.version ?? "v2" });
    return new VaultClient(http, kv);
  }
}
