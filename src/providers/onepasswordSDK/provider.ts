/**
 * The "onepasswordSDK" provider: items of one 1Password vault, read and written with a service account token
 * through the official 1Password SDK (no Connect server).
 */
import { createHash } from "node:crypto";
import { isDuration, parseDuration } from "../../api/duration.js";
import type { OnePasswordSDKProvider } from "../../api/providers/onepasswordsdk.js";
import { NoSecretError, StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKeyString } from "../resolvers.js";
import { OnePasswordSDKClient } from "./client.js";
import { READ_CACHES, ReadCache } from "./read-cache.js";
import {
  boundedCall,
  connectOfficialSdk,
  OnePasswordSdkApi,
  P,
  SDK_CLIENTS,
  type SdkConnector,
  sdkClientFor,
} from "./transport.js";

const FIELD = "spec.provider.onepasswordSDK";
const TOKEN_FIELD = `${FIELD}.auth.serviceAccountSecretRef`;
const DEFAULT_INTEGRATION = { name: "1Password SDK", version: "v1.0.0" };
const DEFAULT_CACHE_TTL_MS = 5 * 60_000;
const DEFAULT_CACHE_SIZE = 100;
const MAX_READ_CACHES = 256;

function digest(...parts: string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

function cacheTtlMs(ttl: string | undefined): number {
  if (!ttl) return DEFAULT_CACHE_TTL_MS;
  const ms = parseDuration(ttl);
  return ms > 0 ? ms : DEFAULT_CACHE_TTL_MS;
}

/** The provider, with the way it logs in to 1Password: the official SDK unless a test supplies a fake core. */
export function newOnePasswordSDKProvider(
  connect: SdkConnector = connectOfficialSdk,
): Provider<OnePasswordSDKProvider> {
  return {
    name: "onepasswordSDK",
    capabilities(): Capabilities {
      return "ReadWrite";
    },
    validate(spec: OnePasswordSDKProvider, storeKind: StoreKind): SpecValidation {
      const errors: string[] = [];
      const ref = spec?.auth?.serviceAccountSecretRef;
      if (!ref?.name) errors.push(`${TOKEN_FIELD}.name: is required`);
      if (ref && !ref.key) errors.push(`${TOKEN_FIELD}.key: is required`);
      if (ref && storeKind === "ClusterSecretStore" && !ref.namespace) {
        errors.push(`${TOKEN_FIELD}.namespace: is required for a ClusterSecretStore`);
      }
      if (!spec?.vault) errors.push(`${FIELD}.vault: is required`);
      else if (spec.vault.startsWith("op://"))
        errors.push(`${FIELD}.vault: give the vault's name or UUID without op://`);
      const ttl = spec?.cache?.ttl;
      if (ttl && !isDuration(ttl)) errors.push(`${FIELD}.cache.ttl: is not a duration`);
      return { errors, warnings: [] };
    },
    async newClient(spec: OnePasswordSDKProvider, ctx: ProviderContext): Promise<SecretsClient> {
      const ref = spec.auth?.serviceAccountSecretRef;
      if (!ref) throw new StoreConfigError(`${TOKEN_FIELD}: is required`);
      const token = await resolveSecretKeyString(ctx, ref, TOKEN_FIELD);
      const login = {
        token,
        integrationName: spec.integrationInfo?.name || DEFAULT_INTEGRATION.name,
        integrationVersion: spec.integrationInfo?.version || DEFAULT_INTEGRATION.version,
      };
      const loginKey = digest(login.token, login.integrationName, login.integrationVersion);
      const bounds = { signal: ctx.signal, deadline: ctx.deadline };
      const sdk = await boundedCall(
        "log in with the service account token",
        () => sdkClientFor(ctx.caches.get(SDK_CLIENTS), loginKey, login, connect),
        bounds,
      );
      const api = new OnePasswordSdkApi(sdk, bounds);
      const vaults = await api.listVaults();
      const vault = vaults.find((v) => v.title === spec.vault || v.id === spec.vault);
      if (!vault) throw new NoSecretError(`${P}: failed to get store ID: vault "${spec.vault}" not found`);

      let cache: ReadCache | undefined;
      if (spec.cache) {
        const ttlMs = cacheTtlMs(spec.cache.ttl);
        const maxSize = spec.cache.maxSize && spec.cache.maxSize > 0 ? spec.cache.maxSize : DEFAULT_CACHE_SIZE;
        const caches = ctx.caches.get(READ_CACHES);
        const key = digest(
          ctx.storeKind,
          ctx.storeKind === "SecretStore" ? ctx.namespace : "",
          ctx.storeName,
          loginKey,
          vault.id,
          String(ttlMs),
          String(maxSize),
        );
        cache = caches.get(key);
        if (!cache) {
          cache = new ReadCache(ttlMs, maxSize);
          caches.set(key, cache);
          while (caches.size > MAX_READ_CACHES) caches.delete(caches.keys().next().value as string);
        }
      }
      return new OnePasswordSDKClient(api, spec.vault, vault.id, cache);
    },
  };
}

export const onePasswordSDKProvider = newOnePasswordSDKProvider();
