/**
 * The Entra ID (Azure AD) access token ACR exchanges for a registry token, from whichever of spec.auth's methods
 * is set (checked in upstream's order: servicePrincipal, managedIdentity, workloadIdentity). Credentials come
 * from the Azure Key Vault provider's kit; Secrets and ServiceAccounts are read in the generator's namespace.
 */
import { readFile } from "node:fs/promises";
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { ServiceAccountSelector } from "../../api/common.js";
import type { ACRAccessTokenSpec } from "../../api/generators/acr.js";
import {
  authorityHostOverride,
  isNationalCloud,
  NATIONAL_CLOUDS,
  type NationalCloudEndpoints,
} from "../../providers/azurekv/kit/clouds.js";
import {
  clientSecretCredential,
  federatedCredential,
  loginOptions,
  managedIdentityCredential,
} from "../../providers/azurekv/kit/credentials.js";
import type { AzureClientOptions } from "../../providers/azurekv/kit/sdk-options.js";
import { annotatedIdentity, WORKLOAD_IDENTITY_AUDIENCE } from "../../providers/azurekv/kit/workload-identity.js";
import type { CredentialScope } from "../../providers/provider.js";
import { resolveSecretKeyString, serviceAccountToken } from "../../providers/resolvers.js";
import { refuseAmbientCredentials } from "../../providers/tenant-policy.js";
import { redactValues } from "../../template/redact.js";
import { GeneratorError } from "../generator.js";

const SP = "spec.auth.servicePrincipal";
const MI = "spec.auth.managedIdentity";
const WI = "spec.auth.workloadIdentity";
const MAX_DETAIL = 300;

export interface AadLogin {
  /** The Entra ID access token (never logged). */
  token: string;
  /** The tenant logged in to, when known (a managed identity's is not). */
  tenantId?: string;
}

/** A credential, the scope it asks for, and the values its errors must never show. */
interface Login {
  credential: TokenCredential;
  scope: string;
  field: string;
  tenantId?: string;
  secrets: string[];
}

/** The cloud spec.environmentType names; the generator has no custom cloud settings for AzureStackCloud. */
export function nationalCloud(env: string | undefined): NationalCloudEndpoints {
  const name = env || "PublicCloud";
  if (name === "AzureStackCloud") {
    throw new GeneratorError(
      "spec.environmentType: AzureStackCloud needs a custom cloud configuration, which ACRAccessToken does not have",
    );
  }
  if (!isNationalCloud(name)) throw new GeneratorError(`spec.environmentType: unknown cloud ${JSON.stringify(name)}`);
  return NATIONAL_CLOUDS[name];
}

async function servicePrincipal(
  spec: ACRAccessTokenSpec,
  scope: CredentialScope,
  cloud: NationalCloudEndpoints,
  options: AzureClientOptions,
): Promise<Login> {
  const ref = spec.auth.servicePrincipal?.secretRef;
  if (!ref?.clientId) throw new GeneratorError(`${SP}.secretRef.clientId: is required`);
  if (!ref.clientSecret) throw new GeneratorError(`${SP}.secretRef.clientSecret: is required`);
  if (!spec.tenantId) throw new GeneratorError("spec.tenantId: is required for servicePrincipal");
  const clientId = await resolveSecretKeyString(scope, ref.clientId, `${SP}.secretRef.clientId`);
  const secret = await resolveSecretKeyString(scope, ref.clientSecret, `${SP}.secretRef.clientSecret`);
  const login = loginOptions(options, authorityHostOverride() ?? cloud.authorityHost);
  return {
    credential: await clientSecretCredential(spec.tenantId, clientId, secret, login),
    scope: `${cloud.resourceManager}.default`,
    field: SP,
    tenantId: spec.tenantId,
    secrets: [secret],
  };
}

async function managedIdentity(
  spec: ACRAccessTokenSpec,
  scope: CredentialScope,
  cloud: NationalCloudEndpoints,
  options: AzureClientOptions,
): Promise<Login> {
  const remedy = `${SP} or ${WI}.serviceAccountRef`;
  const credential = await managedIdentityCredential(
    scope,
    spec.auth.managedIdentity?.identityId || undefined,
    options,
    MI,
    remedy,
  );
  return { credential, scope: `${cloud.resourceManager}.default`, field: MI, tenantId: spec.tenantId, secrets: [] };
}

/**
 * A ServiceAccount's token as a federated assertion: the client and tenant ids come from its
 * azure.workload.identity annotations (spec.tenantId stands in for a missing tenant annotation); the token's
 * audiences are api://AzureADTokenExchange plus the ref's own, as upstream.
 */
async function workloadIdentity(
  spec: ACRAccessTokenSpec,
  scope: CredentialScope,
  cloud: NationalCloudEndpoints,
  options: AzureClientOptions,
): Promise<Login> {
  const ref = spec.auth.workloadIdentity?.serviceAccountRef;
  const login = loginOptions(options, authorityHostOverride() ?? cloud.authorityHost);
  // Upstream's workload identity asks for the classic management resource, not Resource Manager's.
  const tokenScope = `${cloud.serviceManagement}/.default`;
  const issued: string[] = [];
  if (!ref?.name) return ownWorkloadIdentity(scope, tokenScope, login, issued);
  const field = `${WI}.serviceAccountRef`;
  const ids = await annotatedIdentity(scope, ref, field);
  const tenantId = ids.tenantId ?? spec.tenantId;
  if (!ids.clientId) {
    throw new GeneratorError(
      `${field}: ServiceAccount ${JSON.stringify(ref.name)} has no azure.workload.identity/client-id annotation (or does not exist)`,
    );
  }
  if (!tenantId) {
    throw new GeneratorError(
      `${field}: ServiceAccount ${JSON.stringify(ref.name)} has no azure.workload.identity/tenant-id annotation and spec.tenantId is unset`,
    );
  }
  const audiences = [
    WORKLOAD_IDENTITY_AUDIENCE,
    ...(ref.audiences ?? []).filter((a) => a !== WORKLOAD_IDENTITY_AUDIENCE),
  ];
  const withAudiences: ServiceAccountSelector = { ...ref, audiences };
  const assertion = async () => {
    const token = await serviceAccountToken(scope, withAudiences, audiences, field);
    issued.push(token);
    return token;
  };
  return {
    credential: await federatedCredential(tenantId, ids.clientId, assertion, login),
    scope: tokenScope,
    field,
    tenantId,
    secrets: issued,
  };
}

/**
 * No serviceAccountRef: the controller's own workload identity, from the variables the Azure workload identity
 * webhook injects (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE). Ambient, so under the tenant policy.
 */
async function ownWorkloadIdentity(
  scope: CredentialScope,
  tokenScope: string,
  login: ReturnType<typeof loginOptions>,
  issued: string[],
): Promise<Login> {
  refuseAmbientCredentials(scope, WI, "Azure workload identity", `${WI}.serviceAccountRef`);
  const clientId = process.env.AZURE_CLIENT_ID;
  const tenantId = process.env.AZURE_TENANT_ID;
  const file = process.env.AZURE_FEDERATED_TOKEN_FILE;
  if (!clientId || !tenantId || !file) {
    throw new GeneratorError(
      `${WI}: without serviceAccountRef the controller's own workload identity is used, but AZURE_CLIENT_ID, AZURE_TENANT_ID or AZURE_FEDERATED_TOKEN_FILE is not set`,
    );
  }
  const assertion = async () => {
    const token = (await readFile(file, "utf8")).trim();
    issued.push(token);
    return token;
  };
  return {
    credential: await federatedCredential(tenantId, clientId, assertion, login),
    scope: tokenScope,
    field: WI,
    tenantId,
    secrets: issued,
  };
}

function loginFailure(err: unknown, login: Login): GeneratorError {
  if (err instanceof GeneratorError) return err;
  const e = err as { name?: string; statusCode?: number; message?: string };
  const first = String(e?.message ?? err).split("\n")[0] ?? "";
  const text = redactValues(first, login.secrets).text;
  const detail = text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text;
  const status = typeof e?.statusCode === "number" ? ` (HTTP ${e.statusCode})` : "";
  return new GeneratorError(`${login.field}: Entra ID token request failed${status}: ${detail}`);
}

/** Logs in with spec.auth and returns an Entra ID access token for the cloud's management resource. */
export async function aadAccessToken(
  spec: ACRAccessTokenSpec,
  scope: CredentialScope,
  options: AzureClientOptions,
  signal: AbortSignal | undefined,
): Promise<AadLogin> {
  const cloud = nationalCloud(spec.environmentType);
  const auth = spec.auth ?? {};
  let login: Login;
  if (auth.servicePrincipal) login = await servicePrincipal(spec, scope, cloud, options);
  else if (auth.managedIdentity) login = await managedIdentity(spec, scope, cloud, options);
  else if (auth.workloadIdentity) login = await workloadIdentity(spec, scope, cloud, options);
  else throw new GeneratorError("spec.auth: one of servicePrincipal, managedIdentity or workloadIdentity is required");
  let token: AccessToken | null;
  try {
    token = await login.credential.getToken(login.scope, { abortSignal: signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw loginFailure(err, login);
  }
  if (!token?.token) throw new GeneratorError(`${login.field}: Entra ID returned no access token`);
  return { token: token.token, ...(login.tenantId ? { tenantId: login.tenantId } : {}) };
}
