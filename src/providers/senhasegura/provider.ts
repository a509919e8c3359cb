/** The "senhasegura" provider: senhasegura DevOps Secrets Management, read-only, with OAuth2 client credentials. */
import type { SenhaseguraProvider } from "../../api/providers/senhasegura.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKeyString } from "../resolvers.js";
import { credentialKey } from "../util/expiring-tokens.js";
import { SenhaseguraDsmClient } from "./client.js";
import { SENHASEGURA_TOKENS } from "./token-cache.js";
import { SenhaseguraApi } from "./transport.js";

const FIELD = "spec.provider.senhasegura";

export const senhaseguraProvider: Provider<SenhaseguraProvider> = {
  name: "senhasegura",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: SenhaseguraProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    let url: URL | undefined;
    try {
      url = new URL(spec?.url ?? "");
    } catch {
      errs.push(`${FIELD}.url: invalid senhasegura URL`);
    }
    // senhasegura only serves its API over TLS.
    if (url && url.protocol !== "https:")
      errs.push(`${FIELD}.url: invalid senhasegura URL, must be HTTPS for security reasons`);
    else if (url && !url.host) errs.push(`${FIELD}.url: invalid senhasegura URL`);
    if (spec?.module !== "DSM") errs.push(`${FIELD}.module: must be DSM`);
    if (!spec?.auth?.clientId) errs.push(`${FIELD}.auth.clientId: missing senhasegura authentication Client ID`);
    const ref = spec?.auth?.clientSecretSecretRef;
    if (!ref?.name) errs.push(`${FIELD}.auth.clientSecretSecretRef.name: is required`);
    if (ref && !ref.key) errs.push(`${FIELD}.auth.clientSecretSecretRef.key: is required`);
    if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
      errs.push(`${FIELD}.auth.clientSecretSecretRef.namespace: is required for a ClusterSecretStore`);
    }
    const warnings = spec?.ignoreSslCertificate
      ? [`${FIELD}.ignoreSslCertificate: the server's certificate is not verified`]
      : [];
    return { errors: errs, warnings };
  },
  async newClient(spec: SenhaseguraProvider, ctx: ProviderContext): Promise<SecretsClient> {
    if (spec.module !== "DSM")
      throw new StoreConfigError(`${FIELD}.module: unknown senhasegura Provider Service: ${spec.module}`);
    const clientId = spec.auth?.clientId;
    if (!clientId) throw new StoreConfigError(`${FIELD}.auth.clientId: missing senhasegura authentication Client ID`);
    const secret = await resolveSecretKeyString(
      ctx,
      spec.auth.clientSecretSecretRef,
      `${FIELD}.auth.clientSecretSecretRef`,
    );
    let api: SenhaseguraApi;
    try {
      api = new SenhaseguraApi(spec.url, {
        ignoreSslCertificate: spec.ignoreSslCertificate ?? false,
        signal: ctx.signal,
        deadline: ctx.deadline,
      });
    } catch {
      throw new StoreConfigError(`${FIELD}.url: invalid senhasegura URL`);
    }
    const cache = ctx.caches.get(SENHASEGURA_TOKENS);
    const key = credentialKey(
      [new URL(spec.url).origin, clientId, String(spec.ignoreSslCertificate ?? false)],
      [secret],
    );
    let current: string | undefined;
    const token = async (refresh = false): Promise<string> => {
      if (refresh && current) cache.drop(key, current);
      current = await cache.get(key, async () => {
        const t = await api.token(clientId, secret);
        return { token: t.token, expiresInSeconds: t.expiresInSec };
      });
      return current;
    };
    return new SenhaseguraDsmClient(api, token);
  },
};
