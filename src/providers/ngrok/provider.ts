/** The "ngrok" provider: ngrok vault secrets for Traffic Policies, write-only (PushSecret), with an API key. */
import type { NgrokProvider } from "../../api/providers/ngrok.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKeyString } from "../resolvers.js";
import { NgrokClient } from "./client.js";
import { NgrokApi } from "./transport.js";

const FIELD = "spec.provider.ngrok";
const KEY_FIELD = `${FIELD}.auth.apiKey.secretRef`;

function specErrors(spec: NgrokProvider): string[] {
  const errs: string[] = [];
  if (spec?.apiUrl) {
    try {
      const u = new URL(spec.apiUrl);
      if (u.protocol !== "https:" && u.protocol !== "http:") errs.push(`${FIELD}.apiUrl: invalid API URL`);
    } catch {
      errs.push(`${FIELD}.apiUrl: invalid API URL`);
    }
  }
  const ref = spec?.auth?.apiKey?.secretRef;
  if (!spec?.auth?.apiKey) errs.push(`${FIELD}.auth.apiKey: ngrok provider auth APIKey is required`);
  else if (!ref?.name) errs.push(`${KEY_FIELD}.name: is required`);
  else if (!ref.key) errs.push(`${KEY_FIELD}.key: is required`);
  if (!spec?.vault?.name) errs.push(`${FIELD}.vault.name: ngrok provider vault name is required`);
  return errs;
}

export const ngrokProvider: Provider<NgrokProvider> = {
  name: "ngrok",
  capabilities(): Capabilities {
    return "WriteOnly";
  },
  validate(spec: NgrokProvider, storeKind: StoreKind): SpecValidation {
    const warnings: string[] = [];
    const ref = spec?.auth?.apiKey?.secretRef;
    if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
      warnings.push(`${KEY_FIELD}.namespace: cluster store requires namespace, or no client can be built`);
    }
    return { errors: specErrors(spec), warnings };
  },
  async newClient(spec: NgrokProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const errs = specErrors(spec);
    if (errs.length) throw new StoreConfigError(errs[0]);
    const ref = spec.auth.apiKey!.secretRef!;
    if (ctx.storeKind === "ClusterSecretStore" && !ref.namespace) {
      throw new StoreConfigError(`${KEY_FIELD}.namespace: cluster store requires namespace`);
    }
    const apiKey = await resolveSecretKeyString(ctx, ref, KEY_FIELD);
    if (!apiKey) throw new StoreConfigError(`${KEY_FIELD}: the API key is empty`);
    const api = new NgrokApi(spec.apiUrl, apiKey, ctx.signal, ctx.deadline);
    // As upstream, the vault must exist before the store is usable.
    let vault: Awaited<ReturnType<NgrokApi["findVault"]>>;
    try {
      vault = await api.findVault(spec.vault.name);
    } catch (err) {
      (err as Error).message = `ngrok: error listing vaults: ${(err as Error).message}`;
      throw err;
    }
    if (!vault) throw new StoreConfigError(`ngrok: vault ${JSON.stringify(spec.vault.name)} not found`);
    return new NgrokClient(api, spec.vault.name, vault.id);
  },
};
