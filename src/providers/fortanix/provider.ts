/** The "fortanix" provider: Fortanix DSM security objects, read-only, with an application API key. */
import type { FortanixProvider } from "../../api/providers/fortanix.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveCABundle, resolveSecretKeyString } from "../resolvers.js";
import { FortanixClient } from "./client.js";
import { FortanixApi } from "./transport.js";

const FIELD = "spec.provider.fortanix";

export const fortanixProvider: Provider<FortanixProvider> = {
  name: "fortanix",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: FortanixProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    const ref = spec?.apiKey?.secretRef;
    if (!spec?.apiKey) errs.push(`${FIELD}.apiKey: is required`);
    else if (!ref) errs.push(`${FIELD}.apiKey.secretRef: is required`);
    else {
      if (!ref.name) errs.push(`${FIELD}.apiKey.secretRef.name: is required`);
      if (!ref.key) errs.push(`${FIELD}.apiKey.secretRef.key: is required`);
      if (storeKind === "ClusterSecretStore" && !ref.namespace) {
        errs.push(`${FIELD}.apiKey.secretRef.namespace: is required for a ClusterSecretStore`);
      }
    }
    if (spec?.apiUrl) {
      try {
        new URL(spec.apiUrl);
      } catch {
        errs.push(`${FIELD}.apiUrl: is not a valid URL`);
      }
    }
    if (spec?.caBundle && spec.caProvider) {
      errs.push(`${FIELD}.caBundle: may not be set together with caProvider`);
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: FortanixProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const ref = spec?.apiKey?.secretRef;
    if (!ref) throw new StoreConfigError(`${FIELD}.apiKey.secretRef: is required`);
    const apiKey = await resolveSecretKeyString(ctx, ref, `${FIELD}.apiKey.secretRef`);
    const ca = await resolveCABundle(ctx, spec.caBundle, spec.caProvider, FIELD);
    return new FortanixClient(new FortanixApi(spec.apiUrl, apiKey, { ca, signal: ctx.signal, deadline: ctx.deadline }));
  },
};
