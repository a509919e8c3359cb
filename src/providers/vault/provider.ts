/** The "vault" provider (HashiCorp Vault and OpenBao): KV v1/v2 reads, find, push and delete. */
import type { VaultProvider } from "../../api/providers/vault.js";
import { StoreConfigError } from "../errors.js";
import type { Provider } from "../provider.js";
import { VaultClient } from "./client.js";
import { openVaultSession } from "./kit/open-session.js";
import { vaultSpecErrors } from "./kit/spec-checks.js";
import { VAULT_TOKENS } from "./kit/token-cache.js";
import { KvStore } from "./kv.js";

export interface VaultProviderOptions {
  /** Per-request timeout, ms (default 30 s). */
  requestTimeoutMs?: number;
  /** Retries on 429/5xx/network errors (default 2, like the Vault Go client). */
  maxRetries?: number;
  /** Base of the jittered exponential retry backoff, ms (default 500). */
  retryBaseMs?: number;
}

const FIELD = "spec.provider.vault";

/** The provider with the given HTTP settings (the registered one uses the defaults). */
export function newVaultProvider(options: VaultProviderOptions = {}): Provider<VaultProvider> {
  return {
    name: "vault",
    capabilities: () => "ReadWrite",
    validate: (spec, storeKind) => ({ errors: vaultSpecErrors(spec, storeKind, FIELD), warnings: [] }),
    async newClient(spec, ctx) {
      const errs = vaultSpecErrors(spec, ctx.storeKind, FIELD);
      if (errs.length) throw new StoreConfigError(errs.join("; "));
      const { http, session } = await openVaultSession(spec, ctx, {
        timeoutMs: options.requestTimeoutMs ?? 30_000,
        maxRetries: options.maxRetries ?? 2,
        retryBaseMs: options.retryBaseMs ?? 500,
        tokens: ctx.caches.get(VAULT_TOKENS),
        // One login per store and requesting namespace until the token nears expiry.
        cacheScope: [ctx.storeKind, ctx.storeName, ctx.namespace, spec.auth],
        signal: ctx.signal,
        deadline: ctx.deadline,
      });
      const kv = new KvStore(session, {
        mount: spec.path || undefined,
        version: spec.version ?? "v2",
        casRequired: spec.checkAndSet?.required === true,
      });
      return new VaultClient(http, kv);
    },
  };
}

export const vaultProvider = newVaultProvider();
