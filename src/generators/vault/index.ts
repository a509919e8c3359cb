/**
 * VaultDynamicSecret: one call to any Vault path (database/creds/<role>, aws/creds/<role>, pki/issue/<role>,
 * auth/token/create, ...) with the Vault provider's auth, TLS and session code; the result's data, auth
 * block or whole response becomes the generated values. Leases and issued tokens are returned as state so
 * superseded credentials are revoked once their GeneratorState is garbage-collected.
 */

import { parseDuration } from "../../api/duration.js";
import type { VaultDynamicSecretSpec } from "../../api/generators.js";
import { goJson } from "../../providers/vault/kit/go-json.js";
import { openVaultSession } from "../../providers/vault/kit/open-session.js";
import type { VaultSession } from "../../providers/vault/kit/session.js";
import { vaultSpecErrors } from "../../providers/vault/kit/spec-checks.js";
import { TokenCache } from "../../providers/vault/kit/token-cache.js";
import { type VaultHttp, type VaultRequest, vaultError } from "../../providers/vault/kit/transport.js";
import { type Generator, type GeneratorContext, GeneratorError } from "../generator.js";

/** What cleanup needs: the lease to revoke and/or the accessor of an issued token. */
interface VaultState {
  leaseID?: string;
  accessor?: string;
}

/** The kit's errors name spec.provider.vault.*; here the same fields live under spec.provider.*. */
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
  tokens: TokenCache,
): Promise<{ session: VaultSession; http: VaultHttp }> {
  if (!spec?.provider) throw new GeneratorError("spec.provider: no Vault provider config in spec");
  const errs = vaultSpecErrors(spec.provider, "SecretStore", "spec.provider");
  if (errs.length) throw new GeneratorError(errs.join("; "));
  try {
    return await openVaultSession(
      spec.provider,
      { kube: ctx.kube, storeKind: "SecretStore", namespace: ctx.namespace },
      {
        timeoutMs: 30_000,
        maxRetries: spec.retrySettings?.maxRetries ?? 2,
        retryBaseMs: retryBaseMs(spec),
        tokens,
        cacheScope: ["generator", ctx.namespace],
        signal: ctx.signal,
      },
    );
  } catch (err) {
    if (err instanceof GeneratorError) throw err;
    throw new GeneratorError(rename((err as Error).message));
  }
}

/** `controller` names the controller class meant to run this generator; empty means any. */
function refuseOtherControllerClass(spec: VaultDynamicSecretSpec, ctx: GeneratorContext): void {
  const wanted = spec.controller ?? "";
  if (wanted === "" || wanted === (ctx.controllerClass ?? "")) return;
  throw new GeneratorError(
    `spec.controller: "${wanted}" is not this controller's class ("${ctx.controllerClass ?? ""}"); the generator is left to the controller of that class`,
  );
}

function requestFor(spec: VaultDynamicSecretSpec): Omit<VaultRequest, "token" | "namespace"> {
  const path = spec.path.replace(/^\/+/, "");
  const method = (spec.method || "GET").toUpperCase();
  if (method === "GET") {
    const query = spec.getParameters ?? {};
    return Object.keys(query).length ? { method, path, query } : { method, path };
  }
  if (method === "LIST" || method === "DELETE") return { method, path };
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

/** The generator, with its own Vault logins: one per namespace and credentials, reused until near expiry. */
export function newVaultDynamicSecretGenerator(): Generator<VaultDynamicSecretSpec> {
  const tokens = new TokenCache();
  return {
    kind: "VaultDynamicSecret",
    clusterSpecKey: "vaultDynamicSecretSpec",
    async generate(spec, ctx) {
      if (!spec?.path) throw new GeneratorError("spec.path: is required");
      refuseOtherControllerClass(spec, ctx);
      const resultType = spec.resultType ?? "Data";
      if (!["Data", "Auth", "Raw"].includes(resultType)) {
        throw new GeneratorError(`spec.resultType: must be Data, Auth or Raw, got "${resultType}"`);
      }
      const { session, http } = await openSession(spec, ctx, tokens);
      try {
        const req = requestFor(spec);
        const res = await session.request(req);
        // Parameters are free-form (and may be secret): Vault's text about them is not passed on.
        if (res.status >= 400 && res.status !== 404) {
          throw vaultError(res, req.path, { withhold: req.body !== undefined || req.query !== undefined });
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
      const { session, http } = await openSession(spec, ctx, tokens);
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
}

export const vaultDynamicSecretGenerator = newVaultDynamicSecretGenerator();
