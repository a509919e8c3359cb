/**
 * VaultDynamicSecret: one call to any Vault path (database/creds/<role>, aws/creds/<role>, pki/issue/<role>,
 * auth/token/create, ...) with the Vault provider's auth, TLS and session code; the result's data, auth
 * block or whole response becomes the generated values. Leases and issued tokens are returned as state so
 * superseded credentials are revoked once their GeneratorState is garbage-collected.
 */
import { parseDuration } from "../../api/duration.js";
import type { ProviderContext } from "../../providers/provider.js";
import { type VaultHttp, type VaultRequest, vaultError } from "../../providers/vault/http.js";
import { goJson } from "../../providers/vault/kv.js";
import { openVaultSession, VaultSecretsProvider } from "../../providers/vault/provider.js";
import type { VaultSession } from "../../providers/vault/session.js";
import type { VaultProviderSpec } from "../../providers/vault/spec.js";
import { type Generator, type GeneratorContext, GeneratorError } from "../generator.js";
import { registerGenerator } from "../registry.js";

export interface VaultDynamicSecretSpec {
  method?: string;
  parameters?: unknown;
  resultType?: "Data" | "Auth" | "Raw";
  provider: VaultProviderSpec;
  path: string;
  allowEmptyResponse?: boolean;
  retrySettings?: { maxRetries?: number; retryInterval?: string };
}

/** What cleanup needs: the lease to revoke and/or the accessor of an issued token. */
interface VaultState {
  leaseID?: string;
  accessor?: string;
}

/** Provider errors name spec.provider.vault.*; here the same fields live under spec.provider.*. */
const rename = (msg: string) => msg.replaceAll("spec.provider.vault", "spec.provider");

function retryBaseMs(spec: VaultDynamicSecretSpec): number {
  const text = spec.retrySettings?.retryInterval;
  if (!text) return 500;
  try {
    return parseDuration(text);
  } catch (err) {
    throw new GeneratorError(`spec.retrySettings.retryInterval: ${(err as Error).message}`);
  }
}

async function openSession(
  spec: VaultDynamicSecretSpec,
  ctx: GeneratorContext,
): Promise<{ session: VaultSession; http: VaultHttp }> {
  if (!spec?.provider) throw new GeneratorError("spec.provider: no Vault provider config in spec");
  const pctx: ProviderContext = {
    kube: ctx.kube,
    storeKind: "SecretStore",
    storeName: "vaultdynamicsecret",
    namespace: ctx.namespace,
    signal: ctx.signal,
  };
  const errs = new VaultSecretsProvider().validateSpec(spec.provider, "SecretStore");
  if (errs.length) throw new GeneratorError(rename(errs.join("; ")));
  try {
    return await openVaultSession(spec.provider, pctx, {
      timeoutMs: 30_000,
      maxRetries: spec.retrySettings?.maxRetries ?? 2,
      retryBaseMs: retryBaseMs(spec),
      cacheScope: ["generator", ctx.namespace],
    });
  } catch (err) {
    if (err instanceof GeneratorError) throw err;
    throw new GeneratorError(rename((err as Error).message));
  }
}

function requestFor(spec: VaultDynamicSecretSpec): Omit<VaultRequest, "token" | "namespace"> {
  const path = spec.path.replace(/^\/+/, "");
  const method = (spec.method || "GET").toUpperCase();
  if (method === "GET" || method === "LIST" || method === "DELETE") return { method, path };
  return { method: method === "POST" ? "POST" : "PUT", path, body: spec.parameters ?? {} };
}

function toValues(data: unknown): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  if (!data || typeof data !== "object") return out;
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    out[k] = Buffer.from(typeof v === "string" ? v : goJson(v ?? null), "utf8");
  }
  return out;
}

export const vaultDynamicSecretGenerator: Generator<VaultDynamicSecretSpec> = {
  kind: "VaultDynamicSecret",
  clusterSpecKey: "vaultDynamicSecretSpec",
  async generate(spec, ctx) {
    if (!spec?.path) throw new GeneratorError("spec.path: is required");
    const resultType = spec.resultType ?? "Data";
    if (!["Data", "Auth", "Raw"].includes(resultType)) {
      throw new GeneratorError(`spec.resultType: must be Data, Auth or Raw, got "${resultType}"`);
    }
    const { session, http } = await openSession(spec, ctx);
    try {
      const req = requestFor(spec);
      const res = await session.request(req);
      // Parameters are free-form (and may be secret): Vault's text about them is not passed on.
      if (res.status >= 400 && res.status !== 404) {
        throw vaultError(res, req.path, { withhold: req.body !== undefined });
      }
      if (res.status === 404 || res.status === 204 || res.body === undefined) {
        if (spec.allowEmptyResponse) return { data: {} };
        throw new GeneratorError(`vault: ${req.path}: empty response from Vault`);
      }
      const body = res.body as Record<string, any>;
      const picked = resultType === "Auth" ? body.auth : resultType === "Raw" ? body : body.data;
      const state: VaultState = {};
      if (typeof body.lease_id === "string" && body.lease_id) state.leaseID = body.lease_id;
      if (typeof body.auth?.accessor === "string" && body.auth.accessor) state.accessor = body.auth.accessor;
      return { data: toValues(picked), ...(state.leaseID || state.accessor ? { state: { ...state } } : {}) };
    } finally {
      http.close();
    }
  },
  async cleanup(spec, state, ctx) {
    const s = state as VaultState;
    if (!s.leaseID && !s.accessor) return;
    const { session, http } = await openSession(spec, ctx);
    try {
      const calls: Omit<VaultRequest, "token" | "namespace">[] = [];
      if (s.leaseID) calls.push({ method: "PUT", path: "sys/leases/revoke", body: { lease_id: s.leaseID } });
      if (s.accessor)
        calls.push({ method: "POST", path: "auth/token/revoke-accessor", body: { accessor: s.accessor } });
      for (const req of calls) {
        const res = await session.request(req);
        // Already revoked or expired: cleanup is idempotent.
        if (res.status >= 400 && res.status !== 400 && res.status !== 404) throw vaultError(res, req.path);
      }
    } finally {
      http.close();
    }
  },
};

registerGenerator(vaultDynamicSecretGenerator);
