/** The "previder" provider: Previder Secret Vault, read-only, with an access token. */
import type { PreviderProvider } from "../../api/providers/previder.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKeyString } from "../resolvers.js";
import { PreviderClient } from "./client.js";
import { PreviderApi } from "./transport.js";

const FIELD = "spec.provider.previder";
const TOKEN_FIELD = `${FIELD}.auth.secretRef.accessToken`;

function uriError(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    if (u.protocol !== "https:" && u.protocol !== "http:") return "must be an http(s) URL";
  } catch {
    return "is not a valid URL";
  }
  return undefined;
}

export const previderProvider: Provider<PreviderProvider> = {
  name: "previder",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: PreviderProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    const warnings: string[] = [];
    const ref = spec?.auth?.secretRef?.accessToken;
    if (!spec?.auth?.secretRef) errs.push(`${FIELD}.auth.secretRef: missing Previder Auth SecretRef`);
    else {
      if (!ref?.name) errs.push(`${TOKEN_FIELD}.name: missing Previder accessToken name`);
      if (!ref?.key) errs.push(`${TOKEN_FIELD}.key: missing Previder accessToken key`);
      if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
        warnings.push(`${TOKEN_FIELD}.namespace: unset, so the token is read in each ExternalSecret's namespace`);
      }
    }
    const bad = spec?.baseUri ? uriError(spec.baseUri) : undefined;
    if (bad) errs.push(`${FIELD}.baseUri: ${bad}`);
    return { errors: errs, warnings };
  },
  async newClient(spec: PreviderProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const ref = spec?.auth?.secretRef?.accessToken;
    if (!ref) throw new StoreConfigError(`${FIELD}.auth.secretRef: missing Previder Auth SecretRef`);
    const token = await resolveSecretKeyString(ctx, ref, TOKEN_FIELD);
    if (!token) throw new StoreConfigError(`${TOKEN_FIELD}: the access token is empty`);
    return new PreviderClient(new PreviderApi(spec.baseUri, token, ctx.signal, ctx.deadline));
  },
};
