/**
 * The Entra ID access token for spec.resource, from whichever of spec.auth's methods is set (upstream's order:
 * servicePrincipal, managedIdentity, workloadIdentity). Credentials come from the Azure Key Vault provider's kit;
 * Secrets and ServiceAccounts are read only in the generator's namespace.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { AzureAccessTokenSpec } from "../../api/generators/azureaccesstoken.js";
import { authorityHostOverride, isNationalCloud, NATIONAL_CLOUDS } from "../../providers/azurekv/kit/clouds.js";
import {
  type CredentialOptions,
  clientCertificateCredential,
  clientSecretCredential,
  federatedCredential,
  loginOptions,
} from "../../providers/azurekv/kit/credentials.js";
import type { AzureClientOptions } from "../../providers/azurekv/kit/sdk-options.js";
import {
  annotatedIdentity,
  ownFederatedIdentity,
  WORKLOAD_IDENTITY_AUDIENCE,
} from "../../providers/azurekv/kit/workload-identity.js";
import type { CredentialScope } from "../../providers/provider.js";
import { resolveSecretKeyString, serviceAccountToken } from "../../providers/resolvers.js";
import { refuseAmbientCredentials } from "../../providers/tenant-policy.js";
import { redactValues } from "../../template/redact.js";
import { GeneratorError } from "../generator.js";

const SP = "spec.auth.servicePrincipal";
const MI = "spec.auth.managedIdentity";
const WI = "spec.auth.workloadIdentity";
const MAX_DETAIL = 300;

/** A credential, the field that chose it, and the values its errors must never show. */
interface Login {
  credential: TokenCredential;
  field: string;
  secrets: string[];
}

/** The OAuth2 scope for an Entra resource: one trailing slash dropped, "/.default" appended (as upstream). */
export function scopeForResource(resource: string): string {
  return `${resource.endsWith("/") ? resource.slice(0, -1) : resource}/.default`;
}

function authorityHost(env: string | undefined): string {
  const name = env || "PublicCloud";
  if (!isNationalCloud(name)) {
    throw new GeneratorError(
      `spec.environmentType: must be one of PublicCloud, USGovernmentCloud, ChinaCloud or GermanCloud, not ${JSON.stringify(name)}`,
    );
  }
  return authorityHostOverride() ?? NATIONAL_CLOUDS[name].authorityHost;
}

async function servicePrincipal(
  spec: AzureAccessTokenSpec,
  scope: CredentialScope,
  login: CredentialOptions,
): Promise<Login> {
  const ref = spec.auth.servicePrincipal?.secretRef;
  if (!ref?.clientId) throw new GeneratorError(`${SP}.secretRef.clientId: is required`);
  if (!ref.clientSecret === !ref.clientCertificate) {
    throw new GeneratorError(`${SP}.secretRef: exactly one of clientSecret or clientCertificate must be set`);
  }
  if (!spec.tenantId) throw new GeneratorError("spec.tenantId: is required when servicePrincipal auth is used");
  const clientId = await resolveSecretKeyString(scope, ref.clientId, `${SP}.secretRef.clientId`);
  if (ref.clientSecret) {
    const secret = await resolveSecretKeyString(scope, ref.clientSecret, `${SP}.secretRef.clientSecret`);
    const credential = await clientSecretCredential(spec.tenantId, clientId, secret, login);
    return { credential, field: SP, secrets: [secret] };
  }
  const field = `${SP}.secretRef.clientCertificate`;
  const pem = await resolveSecretKeyString(scope, ref.clientCertificate!, field);
  if (!/-----BEGIN CERTIFICATE-----/.test(pem) || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new GeneratorError(`${field}: must hold a PEM certificate and its private key`);
  }
  const credential = await clientCertificateCredential(spec.tenantId, clientId, pem, login);
  return { credential, field: SP, secrets: [pem] };
}

/**
 * The controller's own managed identity (IMDS), under the tenant policy. identityType says how identityId is
 * read; unset, an id containing "/" is a resource id and any other a client id (an object id must be explicit).
 */
async function managedIdentity(
  spec: AzureAccessTokenSpec,
  scope: CredentialScope,
  options: AzureClientOptions,
): Promise<Login> {
  refuseAmbientCredentials(scope, MI, "Azure managed identity", `${SP} or ${WI}.serviceAccountRef`);
  const { identityId, identityType } = spec.auth.managedIdentity ?? {};
  if (identityType && !identityId) {
    throw new GeneratorError(`${MI}.identityId: is required when identityType is set`);
  }
  const type = identityType ?? (identityId?.includes("/") ? "ResourceID" : "ClientID");
  const id = !identityId
    ? {}
    : type === "ResourceID"
      ? { resourceId: identityId }
      : type === "ObjectID"
        ? { objectId: identityId }
        : { clientId: identityId };
  const { ManagedIdentityCredential } = await import("@azure/identity");
  return { credential: new ManagedIdentityCredential({ ...options, ...id }), field: MI, secrets: [] };
}

/**
 * A ServiceAccount's token as a federated assertion, the client and tenant ids from its azure.workload.identity
 * annotations and the token's audiences api://AzureADTokenExchange plus the ref's own, as upstream. Without
 * serviceAccountRef: the controller's own workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID,
 * AZURE_FEDERATED_TOKEN_FILE), under the tenant policy.
 */
async function workloadIdentity(
  spec: AzureAccessTokenSpec,
  scope: CredentialScope,
  login: CredentialOptions,
): Promise<Login> {
  const ref = spec.auth.workloadIdentity?.serviceAccountRef;
  const issued: string[] = [];
  if (!ref?.name) {
    const own = ownFederatedIdentity(scope, WI, `${WI}.serviceAccountRef`);
    if (!own.clientId || !own.tenantId) {
      throw new GeneratorError(
        `${WI}: without serviceAccountRef the controller's own workload identity is used, but AZURE_CLIENT_ID or AZURE_TENANT_ID is not set`,
      );
    }
    const assertion = async () => {
      const token = await own.assertion();
      issued.push(token);
      return token;
    };
    return {
      credential: await federatedCredential(own.tenantId, own.clientId, assertion, login),
      field: WI,
      secrets: issued,
    };
  }
  const field = `${WI}.serviceAccountRef`;
  if (ref.namespace !== undefined && ref.namespace !== scope.namespace) {
    throw new GeneratorError(
      `${field}.namespace: is not supported; the ServiceAccount must be in the generator's namespace`,
    );
  }
  const ids = await annotatedIdentity(scope, ref, field);
  for (const [value, annotation] of [
    [ids.clientId, "azure.workload.identity/client-id"],
    [ids.tenantId, "azure.workload.identity/tenant-id"],
  ] as const) {
    if (!value) {
      throw new GeneratorError(
        `${field}: ServiceAccount ${JSON.stringify(ref.name)} has no ${annotation} annotation (or does not exist)`,
      );
    }
  }
  const audiences = [
    WORKLOAD_IDENTITY_AUDIENCE,
    ...(ref.audiences ?? []).filter((a) => a !== WORKLOAD_IDENTITY_AUDIENCE),
  ];
  const assertion = async () => {
    const token = await serviceAccountToken(scope, { ...ref, audiences }, audiences, field);
    issued.push(token);
    return token;
  };
  return {
    credential: await federatedCredential(ids.tenantId!, ids.clientId!, assertion, login),
    field,
    secrets: issued,
  };
}

function loginFailure(err: unknown, login: Login): GeneratorError {
  if (err instanceof GeneratorError) return err;
  const e = err as { statusCode?: number; message?: string };
  const first = String(e?.message ?? err).split("\n")[0] ?? "";
  const text = redactValues(first, login.secrets).text;
  const detail = text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text;
  const status = typeof e?.statusCode === "number" ? ` (HTTP ${e.statusCode})` : "";
  return new GeneratorError(`${login.field}: Entra ID token request failed${status}: ${detail}`);
}

/** Logs in with spec.auth and returns an Entra ID access token for spec.resource. */
export async function entraAccessToken(
  spec: AzureAccessTokenSpec,
  scope: CredentialScope,
  options: AzureClientOptions,
  signal: AbortSignal | undefined,
): Promise<AccessToken> {
  if (!spec?.resource) throw new GeneratorError("spec.resource: is required");
  const login = loginOptions(options, authorityHost(spec.environmentType));
  const auth = spec.auth ?? {};
  let chosen: Login;
  if (auth.servicePrincipal) chosen = await servicePrincipal(spec, scope, login);
  else if (auth.managedIdentity) chosen = await managedIdentity(spec, scope, options);
  else if (auth.workloadIdentity) chosen = await workloadIdentity(spec, scope, login);
  else throw new GeneratorError("spec.auth: one of servicePrincipal, managedIdentity or workloadIdentity is required");
  let token: AccessToken | null;
  try {
    token = await chosen.credential.getToken(scopeForResource(spec.resource), { abortSignal: signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw loginFailure(err, chosen);
  }
  if (!token?.token) throw new GeneratorError(`${chosen.field}: Entra ID returned no access token`);
  return token;
}
