/** authType ServicePrincipal: an app registration's client secret or client certificate from authSecretRef. */
import type { TokenCredential } from "@azure/identity";
import type { AzureKVProvider } from "../../../api/providers/azurekv.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { type CredentialOptions, clientCertificateCredential, clientSecretCredential } from "../kit/credentials.js";
import { tenantAndClient } from "./app-identity.js";

const FIELD = "spec.provider.azurekv";

export async function servicePrincipalCredential(
  spec: AzureKVProvider,
  ctx: ProviderContext,
  options: CredentialOptions,
): Promise<TokenCredential> {
  const auth = spec.authSecretRef;
  if (!auth) throw new StoreConfigError(`${FIELD}.authSecretRef: is required for ServicePrincipal`);
  const { tenantId, clientId } = await tenantAndClient(spec, ctx);
  if (auth.clientSecret) {
    const secret = await resolveSecretKeyString(ctx, auth.clientSecret, `${FIELD}.authSecretRef.clientSecret`);
    return clientSecretCredential(tenantId, clientId, secret, options);
  }
  if (auth.clientCertificate) {
    const pem = await resolveSecretKeyString(ctx, auth.clientCertificate, `${FIELD}.authSecretRef.clientCertificate`);
    return clientCertificateCredential(tenantId, clientId, pem, options);
  }
  throw new StoreConfigError(`${FIELD}.authSecretRef: clientSecret or clientCertificate is required`);
}
