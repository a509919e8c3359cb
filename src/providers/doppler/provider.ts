/** The "doppler" provider: one Doppler project config, read and written through the Doppler API. */
import type { DopplerProvider } from "../../api/providers/doppler.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveToken } from "./auth/resolve.js";
import { DopplerClient } from "./client.js";
import { DopplerApi } from "./transport.js";

const FIELD = "spec.provider.doppler";
const TRANSFORMERS = ["upper-camel", "camel", "lower-snake", "tf-var", "dotnet-env", "lower-kebab"];
const FORMATS = ["json", "dotnet-json", "env", "yaml", "docker"];

export const dopplerProvider: Provider<DopplerProvider> = {
  name: "doppler",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: DopplerProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    const ref = spec?.auth?.secretRef?.dopplerToken;
    const oidc = spec?.auth?.oidcConfig;
    if (!ref && !oidc) errs.push(`${FIELD}.auth: one of secretRef or oidcConfig is required`);
    if (ref && oidc) errs.push(`${FIELD}.auth: only one of secretRef or oidcConfig may be set`);
    if (ref && !ref.name) errs.push(`${FIELD}.auth.secretRef.dopplerToken.name: is required`);
    if (ref && !ref.key) errs.push(`${FIELD}.auth.secretRef.dopplerToken.key: is required`);
    if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
      errs.push(`${FIELD}.auth.secretRef.dopplerToken.namespace: is required for a ClusterSecretStore`);
    }
    if (oidc && !oidc.identity) errs.push(`${FIELD}.auth.oidcConfig.identity: is required`);
    if (spec?.nameTransformer && !TRANSFORMERS.includes(spec.nameTransformer)) {
      errs.push(`${FIELD}.nameTransformer: must be one of ${TRANSFORMERS.join(", ")}`);
    }
    if (spec?.format && !FORMATS.includes(spec.format)) {
      errs.push(`${FIELD}.format: must be one of ${FORMATS.join(", ")}`);
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: DopplerProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const token = await resolveToken(spec, ctx);
    const api = new DopplerApi(token, { project: spec.project, config: spec.config }, ctx.signal);
    return new DopplerClient(api, { format: spec.format, nameTransformer: spec.nameTransformer });
  },
};
