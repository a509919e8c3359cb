/** The "delinea" provider: Delinea DevOps Secrets Vault, read-only, with client credentials. */
import type { DelineaProvider } from "../../api/providers/delinea.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import {
  checkValueOrRef,
  refsWithoutNamespace,
  requireExplicitNamespaces,
  resolveValueOrRef,
} from "../util/value-or-ref.js";
import { DelineaClient } from "./client.js";
import { DEFAULT_TLD, DEFAULT_URL_TEMPLATE, DSV_TOKENS, DsvApi, fillTemplate } from "./transport.js";

const FIELD = "spec.provider.delinea";

const credentialRefs = (spec: DelineaProvider) =>
  [
    [`${FIELD}.clientId`, spec?.clientId],
    [`${FIELD}.clientSecret`, spec?.clientSecret],
  ] as [string, DelineaProvider["clientId"] | undefined][];

function templateError(template: string): string | undefined {
  try {
    const u = new URL(fillTemplate(template, ["tenant", "com", "secrets", "/path"]));
    if (u.protocol !== "https:" && u.protocol !== "http:") return "must be an http(s) URL";
  } catch {
    return "does not make a valid URL";
  }
  return undefined;
}

export const delineaProvider: Provider<DelineaProvider> = {
  name: "delinea",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: DelineaProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (!spec?.tenant) errs.push(`${FIELD}.tenant: tenant must not be empty`);
    if (!spec?.clientId) errs.push(`${FIELD}.clientId: clientID must be set`);
    else errs.push(...checkValueOrRef(spec.clientId, `${FIELD}.clientId`));
    if (!spec?.clientSecret) errs.push(`${FIELD}.clientSecret: clientSecret must be set`);
    else errs.push(...checkValueOrRef(spec.clientSecret, `${FIELD}.clientSecret`));
    const bad = spec?.urlTemplate ? templateError(spec.urlTemplate) : undefined;
    if (bad) errs.push(`${FIELD}.urlTemplate: ${bad}`);
    const warnings = refsWithoutNamespace(storeKind, credentialRefs(spec)).map(
      (f) => `${f}.namespace: a ClusterSecretStore must set it, or no client can be built`,
    );
    return { errors: errs, warnings };
  },
  async newClient(spec: DelineaProvider, ctx: ProviderContext): Promise<SecretsClient> {
    if (!spec.tenant) throw new StoreConfigError(`${FIELD}.tenant: tenant must not be empty`);
    requireExplicitNamespaces(ctx.storeKind, credentialRefs(spec));
    const clientId = await resolveValueOrRef(ctx, spec.clientId, `${FIELD}.clientId`);
    const clientSecret = await resolveValueOrRef(ctx, spec.clientSecret, `${FIELD}.clientSecret`);
    if (!clientId) throw new StoreConfigError(`${FIELD}.clientId: Credentials.ClientID must be set`);
    if (!clientSecret) throw new StoreConfigError(`${FIELD}.clientSecret: Credentials.ClientSecret must be set`);
    const api = new DsvApi(
      {
        tenant: spec.tenant,
        tld: spec.tld || DEFAULT_TLD,
        urlTemplate: spec.urlTemplate || DEFAULT_URL_TEMPLATE,
        clientId,
        clientSecret,
      },
      ctx.caches.get(DSV_TOKENS),
      ctx.signal,
      ctx.deadline,
    );
    return new DelineaClient(api);
  },
};
