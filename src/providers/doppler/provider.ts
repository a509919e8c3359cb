/** The "doppler" provider: one Doppler project config, read and written through the Doppler API. */
import type { DopplerProvider } from "../../api/providers/doppler.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveToken } from "./auth/resolve.js";
import { DopplerClient } from "./client.js";
import { DopplerApi, dopplerHost } from "./transport.js";

const FIELD = "spec.provider.doppler";
const TRANSFORMERS = ["upper-camel", "camel", "lower-snake", "tf-var", "dotnet-env", "lower-kebab"];
const FORMATS = ["json", "dotnet-json", "env", "yaml", "docker"];

/** Why `host` is not a usable API base URL, or undefined when it is. */
function hostProblem(host: string): string | undefined {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http(s) URL";
  if (url.search || url.hash) return "must not carry a query or fragment";
  return undefined;
}

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
    if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
      errs.push(`${FIELD}.auth.secretRef.dopplerToken.namespace: is required for a ClusterSecretStore`);
    }
    if (oidc && !oidc.identity) errs.push(`${FIELD}.auth.oidcConfig.identity: is required`);
    if (spec?.nameTransformer && !TRANSFORMERS.includes(spec.nameTransformer)) {
      errs.push(`${FIELD}.nameTransformer: must be one of ${TRANSFORMERS.join(", ")}`);
    }
    if (spec?.host !== undefined) {
      const problem = hostProblem(spec.host);
      if (problem) errs.push(`${FIELD}.host: ${problem}`);
    }
    if (spec?.format && !FORMATS.includes(spec.format)) {
      errs.push(`${FIELD}.format: must be one of ${FORMATS.join(", ")}`);
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: DopplerProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const host = dopplerHost(spec.host);
    const token = await resolveToken(spec, host, ctx);
    const api = new DopplerApi(token, { project: spec.project, config: spec.config }, ctx.signal, host);
    return new DopplerClient(api, { format: spec.format, nameTransformer: spec.nameTransformer });
  },
};
