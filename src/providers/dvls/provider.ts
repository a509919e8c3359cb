/** The "dvls" provider: Devolutions Server credential entries, read and written, with an application key and secret. */
import type { DVLSProvider } from "../../api/providers/dvls.js";
import { capTimeout } from "../../runtime/deadline.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKeyString } from "../resolvers.js";
import { DvlsClient } from "./client.js";
import { DVLS_TOKENS } from "./token-cache.js";
import { DvlsApi } from "./transport.js";

const FIELD = "spec.provider.dvls";
const REQUEST_TIMEOUT_MS = 15_000;

export const dvlsProvider: Provider<DVLSProvider> = {
  name: "dvls",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: DVLSProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (!spec?.serverUrl) errs.push(`${FIELD}.serverUrl: is required`);
    else {
      let u: URL | undefined;
      try {
        u = new URL(spec.serverUrl);
      } catch {
        errs.push(`${FIELD}.serverUrl: must be a valid URL with scheme and host`);
      }
      if (u && u.protocol !== "https:" && u.protocol !== "http:") {
        errs.push(`${FIELD}.serverUrl: scheme must be http or https, got "${u.protocol.replace(/:$/, "")}"`);
      } else if (u && !u.host) errs.push(`${FIELD}.serverUrl: must be a valid URL with scheme and host`);
      else if (u?.protocol === "http:" && !spec.insecure) {
        errs.push(`${FIELD}.serverUrl: http URLs require 'insecure: true' to be set explicitly`);
      }
    }
    for (const name of ["appId", "appSecret"] as const) {
      const ref = spec?.auth?.secretRef?.[name];
      const field = `${FIELD}.auth.secretRef.${name}`;
      if (!ref?.name) errs.push(`${field}.name: is required`);
      if (!ref?.key) errs.push(`${field}.key: is required`);
      if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
        errs.push(`${field}.namespace: is required for a ClusterSecretStore`);
      }
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: DVLSProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const errors = dvlsProvider.validate(spec, ctx.storeKind).errors;
    if (errors.length) throw new StoreConfigError(errors[0]);
    const refs = spec.auth.secretRef;
    const appId = await resolveSecretKeyString(ctx, refs.appId, `${FIELD}.auth.secretRef.appId`);
    const appSecret = await resolveSecretKeyString(ctx, refs.appSecret, `${FIELD}.auth.secretRef.appSecret`);
    const api = new DvlsApi({
      serverUrl: spec.serverUrl,
      appId,
      appSecret,
      tokens: ctx.caches.get(DVLS_TOKENS),
      timeoutMs: capTimeout(REQUEST_TIMEOUT_MS, ctx.deadline),
      signal: ctx.signal,
    });
    return new DvlsClient(api);
  },
};
