/** The "barbican" provider: OpenStack Barbican secret payloads, with a Keystone v3 token. */
import type { BarbicanProvider } from "../../api/providers/barbican.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { BARBICAN_LOGINS, keystoneLogin } from "./auth/keystone.js";
import { resolveKeystoneCredentials } from "./auth/resolve.js";
import { BarbicanClient } from "./client.js";
import { BarbicanApi } from "./transport.js";

const FIELD = "spec.provider.barbican";

type Ref = { namespace?: string; name?: string } | undefined;

function secretRefs(spec: BarbicanProvider): [string, Ref][] {
  const a = spec?.auth;
  return [
    [`${FIELD}.auth.username.secretRef`, a?.username?.secretRef],
    [`${FIELD}.auth.password.secretRef`, a?.password?.secretRef],
    [`${FIELD}.auth.applicationCredentialID.secretRef`, a?.applicationCredentialID?.secretRef],
    [`${FIELD}.auth.applicationCredentialSecret.secretRef`, a?.applicationCredentialSecret?.secretRef],
  ];
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "https:" || u.protocol === "http:") && !!u.host;
  } catch {
    return false;
  }
}

export const barbicanProvider: Provider<BarbicanProvider> = {
  name: "barbican",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: BarbicanProvider, storeKind: StoreKind): SpecValidation {
    const errors: string[] = [];
    const warnings: string[] = [];
    if (!spec?.authURL) errors.push(`${FIELD}.authURL: authURL is required`);
    else if (!isHttpUrl(spec.authURL)) errors.push(`${FIELD}.authURL: is not a valid URL`);
    const a = spec?.auth ?? {};
    const type = a.authType ?? "password";
    if (type === "password") {
      if (!a.username?.value && !a.username?.secretRef)
        errors.push(`${FIELD}.auth.username: username must specify either value or secretRef`);
      if (!a.password?.secretRef) errors.push(`${FIELD}.auth.password.secretRef: password secretRef is required`);
    } else if (type === "applicationCredential") {
      if (!a.applicationCredentialID?.value && !a.applicationCredentialID?.secretRef) {
        errors.push(
          `${FIELD}.auth.applicationCredentialID: applicationCredentialID must specify either value or secretRef`,
        );
      }
      if (!a.applicationCredentialSecret?.secretRef) {
        errors.push(
          `${FIELD}.auth.applicationCredentialSecret.secretRef: applicationCredentialSecret secretRef is required for applicationCredential auth`,
        );
      }
    } else {
      errors.push(`${FIELD}.auth.authType: unsupported auth type: ${type}`);
    }
    for (const [f, ref] of secretRefs(spec)) {
      if (!ref) continue;
      if (storeKind === "SecretStore" && ref.namespace)
        errors.push(`${f}.namespace: a SecretStore may not reference another namespace`);
      if (storeKind === "ClusterSecretStore" && !ref.namespace)
        warnings.push(`${f}.namespace: unset, so it resolves in the namespace of each ExternalSecret`);
    }
    return { errors, warnings };
  },
  async newClient(spec: BarbicanProvider, ctx: ProviderContext): Promise<SecretsClient> {
    if (!spec?.authURL) throw new StoreConfigError(`${FIELD}.authURL: authURL is required`);
    const creds = await resolveKeystoneCredentials(spec, ctx);
    const login = await keystoneLogin(
      ctx.caches.get(BARBICAN_LOGINS),
      spec.authURL,
      spec.region || undefined,
      creds,
      ctx.signal,
      ctx.deadline,
    );
    return new BarbicanClient(
      new BarbicanApi(login.keyManagerUrl, login.token, login.forget, ctx.signal, ctx.deadline),
    );
  },
};
