/** The "passworddepot" provider: a Password Depot server, read-only, with a username and password. */
import type { PasswordDepotProvider } from "../../api/providers/passworddepot.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { refNamespace } from "../resolvers.js";
import { PasswordDepotClient } from "./client.js";
import { PASSWORDDEPOT_SESSIONS, PasswordDepotApi, passwordDepotBaseUrl } from "./transport.js";

const FIELD = "spec.provider.passworddepot";
const CREDS_FIELD = `${FIELD}.auth.secretRef.credentials`;

export const passwordDepotProvider: Provider<PasswordDepotProvider> = {
  name: "passworddepot",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: PasswordDepotProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    const warnings: string[] = [];
    if (!spec?.host) errs.push(`${FIELD}.host: is required`);
    else if (/[/\s]/.test(spec.host)) errs.push(`${FIELD}.host: must be a host name, without scheme or path`);
    if (!spec?.database) errs.push(`${FIELD}.database: is required`);
    const creds = spec?.auth?.secretRef?.credentials;
    if (!creds?.name) errs.push(`${CREDS_FIELD}.name: credentials are empty`);
    else if (storeKind === "ClusterSecretStore" && !creds.namespace) {
      warnings.push(`${CREDS_FIELD}.namespace: a ClusterSecretStore must set it, or no client can be built`);
    }
    return { errors: errs, warnings };
  },
  async newClient(spec: PasswordDepotProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const creds = spec?.auth?.secretRef?.credentials;
    if (!creds?.name) throw new StoreConfigError(`${CREDS_FIELD}: credentials are empty`);
    if (ctx.storeKind === "ClusterSecretStore" && !creds.namespace) {
      throw new StoreConfigError(`${CREDS_FIELD}.namespace: invalid clusterStore missing SAK namespace`);
    }
    if (!spec.host) throw new StoreConfigError(`${FIELD}.host: is required`);
    const ns = refNamespace(ctx, creds, CREDS_FIELD);
    const data = await ctx.kube.getSecret(ns, creds.name);
    if (!data) throw new StoreConfigError(`${CREDS_FIELD}: couldn't find secret on cluster: ${ns}/${creds.name}`);
    // As upstream, the Secret's "username" and "password" keys are read (credentials.key is not used).
    const username = data.username?.toString("utf8") ?? "";
    const password = data.password?.toString("utf8") ?? "";
    if (!username || !password) {
      throw new StoreConfigError(`${CREDS_FIELD}: missing credentials while setting auth (username and password keys)`);
    }
    const api = new PasswordDepotApi(
      passwordDepotBaseUrl(spec.host),
      username,
      password,
      ctx.caches.get(PASSWORDDEPOT_SESSIONS),
      ctx.signal,
      ctx.deadline,
    );
    return new PasswordDepotClient(api, spec.database);
  },
};
