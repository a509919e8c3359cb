/** The "secretserver" provider: Delinea Secret Server, read and written through its REST API. */
import type { SecretServerProvider } from "../../api/providers/secretserver.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveCABundle } from "../resolvers.js";
import {
  checkValueOrRef,
  refsWithoutNamespace,
  requireExplicitNamespaces,
  type ValueOrSecretRef,
} from "../util/value-or-ref.js";
import { resolveTokenSource } from "./auth/resolve.js";
import { SecretServerClient } from "./client.js";
import { SecretServerApi } from "./transport.js";

const FIELD = "spec.provider.secretserver";

/** The credentials in use: the token when set (username and password are then ignored), else both of those. */
function credentialRefs(spec: SecretServerProvider): [string, ValueOrSecretRef | undefined][] {
  if (spec?.token) return [[`${FIELD}.token`, spec.token]];
  return [
    [`${FIELD}.username`, spec?.username],
    [`${FIELD}.password`, spec?.password],
  ];
}

function urlError(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== "https:" && u.protocol !== "http:") return "must be an http(s) URL";
  } catch {
    return "is not a valid URL";
  }
  return undefined;
}

export const secretServerProvider: Provider<SecretServerProvider> = {
  name: "secretserver",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: SecretServerProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (!spec?.serverURL) errs.push(`${FIELD}.serverURL: serverURL must be set`);
    else {
      const bad = urlError(spec.serverURL);
      if (bad) errs.push(`${FIELD}.serverURL: ${bad}`);
    }
    if (!spec?.token) {
      if (!spec?.username) errs.push(`${FIELD}.username: username must not be empty`);
      if (!spec?.password) errs.push(`${FIELD}.password: password must be set`);
    }
    for (const [field, ref] of credentialRefs(spec)) if (ref) errs.push(...checkValueOrRef(ref, field));
    const warnings = refsWithoutNamespace(storeKind, credentialRefs(spec)).map(
      (f) => `${f}.namespace: a ClusterSecretStore must set it, or no client can be built`,
    );
    return { errors: errs, warnings };
  },
  async newClient(spec: SecretServerProvider, ctx: ProviderContext): Promise<SecretsClient> {
    if (!spec.serverURL) throw new StoreConfigError(`${FIELD}.serverURL: serverURL must be set`);
    requireExplicitNamespaces(ctx.storeKind, credentialRefs(spec));
    const serverURL = spec.serverURL.replace(/\/+$/, "");
    const ca = await resolveCABundle(ctx, spec.caBundle, spec.caProvider, FIELD);
    const tokens = await resolveTokenSource(spec, serverURL, ca, ctx);
    return new SecretServerClient(new SecretServerApi(serverURL, tokens, ca, ctx.signal, ctx.deadline));
  },
};
