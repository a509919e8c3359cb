import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, StoreKind } from "../provider.js";
import { resolveSecretKeyString, serviceAccountToken } from "../resolvers.js";
import { DopplerApi, dopplerHost } from "./api.js";
import { DopplerClient } from "./client.js";
import type { DopplerSpec } from "./spec.js";

const FIELD = "spec.provider.doppler";
const TRANSFORMERS = ["upper-camel", "camel", "lower-snake", "tf-var", "dotnet-env", "lower-kebab"];
const FORMATS = ["json", "dotnet-json", "env", "yaml", "docker"];

async function resolveToken(spec: DopplerSpec, ctx: ProviderContext): Promise<string> {
  const ref = spec.auth?.secretRef?.dopplerToken;
  if (ref) return resolveSecretKeyString(ctx, ref, `${FIELD}.auth.secretRef.dopplerToken`);
  const oidc = spec.auth?.oidcConfig;
  if (oidc) {
    const sa = await serviceAccountToken(
      ctx,
      oidc.serviceAccountRef,
      [dopplerHost()],
      `${FIELD}.auth.oidcConfig.serviceAccountRef`,
      oidc.expirationSeconds ?? 600,
    );
    return DopplerApi.oidcLogin(oidc.identity, sa, ctx.signal);
  }
  throw new StoreConfigError(`${FIELD}.auth: one of secretRef or oidcConfig is required`);
}

export const dopplerProvider: Provider<DopplerSpec> = {
  name: "doppler",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validateSpec(spec: DopplerSpec, storeKind: StoreKind): string[] {
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
    return errs;
  },
  async newClient(spec: DopplerSpec, ctx: ProviderContext): Promise<SecretsClient> {
    const token = await resolveToken(spec, ctx);
    const api = new DopplerApi(token, { project: spec.project, config: spec.config }, ctx.signal);
    return new DopplerClient(api, { format: spec.format, nameTransformer: spec.nameTransformer });
  },
};
