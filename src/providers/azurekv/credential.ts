import { readFile } from "node:fs/promises";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import type { AzureKVProvider } from "../../api/providers/azurekv.js";
import { StoreConfigError } from "../errors.js";
import type { ProviderContext } from "../provider.js";
import { refNamespace, resolveSecretKeyString, serviceAccountToken } from "../resolvers.js";
import { refuseAmbientCredentials } from "../tenant-policy.js";
import { boundedAzureHttpClient } from "./bounded-http-client.js";
import type { CloudEndpoints } from "./clouds.js";

const FIELD = "spec.provider.azurekv";
const WI_AUDIENCE = "api://AzureADTokenExchange";
const ANNOTATION_CLIENT_ID = "azure.workload.identity/client-id";
const ANNOTATION_TENANT_ID = "azure.workload.identity/tenant-id";

/** Client options shared by the credentials and the Key Vault clients. */
export interface AzureClientOptions {
  retryOptions: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
  tlsOptions?: { ca: string };
  httpClient?: HttpClient;
}

/**
 * ESO_AZURE_CA_BUNDLE names a PEM file of CAs trusted (instead of the public roots) for Entra ID and Key
 * Vault: private clouds with their own CA, and loopback test servers.
 */
export async function azureClientOptions(): Promise<AzureClientOptions> {
  const opts: AzureClientOptions = {
    retryOptions: { maxRetries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 5000 },
    // Response bodies are read under the size cap (vaultUrl and the AD endpoint are the store author's choice).
    httpClient: await boundedAzureHttpClient(),
  };
  const caFile = process.env.ESO_AZURE_CA_BUNDLE;
  if (caFile) opts.tlsOptions = { ca: await readFile(caFile, "utf8") };
  return opts;
}

async function tenantAndClient(
  spec: AzureKVProvider,
  ctx: ProviderContext,
  annotations: Record<string, string> = {},
): Promise<{ tenantId: string; clientId: string }> {
  const auth = spec.authSecretRef;
  const clientId = auth?.clientId
    ? await resolveSecretKeyString(ctx, auth.clientId, `${FIELD}.authSecretRef.clientId`)
    : annotations[ANNOTATION_CLIENT_ID];
  const tenantId =
    spec.tenantId ??
    (auth?.tenantId
      ? await resolveSecretKeyString(ctx, auth.tenantId, `${FIELD}.authSecretRef.tenantId`)
      : undefined) ??
    annotations[ANNOTATION_TENANT_ID];
  if (!clientId) throw new StoreConfigError(`${FIELD}.authSecretRef.clientId: is required`);
  if (!tenantId) throw new StoreConfigError(`${FIELD}.tenantId: is required`);
  return { tenantId, clientId };
}

/** Builds the @azure/identity credential for spec.authType. */
export async function newCredential(
  spec: AzureKVProvider,
  ctx: ProviderContext,
  cloud: CloudEndpoints,
  options: AzureClientOptions,
): Promise<TokenCredential> {
  const authType = spec.authType ?? "ServicePrincipal";
  // Loaded on first use, as the Key Vault clients: stores of other providers never pay for the Azure SDK.
  const { ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } =
    await import("@azure/identity");
  const common = { ...options, authorityHost: cloud.authorityHost, disableInstanceDiscovery: true };
  switch (authType) {
    case "ServicePrincipal": {
      const auth = spec.authSecretRef;
      if (!auth) throw new StoreConfigError(`${FIELD}.authSecretRef: is required for ServicePrincipal`);
      const { tenantId, clientId } = await tenantAndClient(spec, ctx);
      if (auth.clientSecret) {
        const secret = await resolveSecretKeyString(ctx, auth.clientSecret, `${FIELD}.authSecretRef.clientSecret`);
        return new ClientSecretCredential(tenantId, clientId, secret, common);
      }
      if (auth.clientCertificate) {
        const pem = await resolveSecretKeyString(
          ctx,
          auth.clientCertificate,
          `${FIELD}.authSecretRef.clientCertificate`,
        );
        return new ClientCertificateCredential(tenantId, clientId, { certificate: pem }, common);
      }
      throw new StoreConfigError(`${FIELD}.authSecretRef: clientSecret or clientCertificate is required`);
    }
    case "ManagedIdentity": {
      refuseAmbientCredentials(
        ctx,
        `${FIELD}.authType`,
        "Azure managed identity",
        "authType ServicePrincipal or WorkloadIdentity",
      );
      const id = spec.identityId;
      const mi = id?.startsWith("/") ? { resourceId: id } : id ? { clientId: id } : {};
      return new ManagedIdentityCredential({ ...options, ...mi });
    }
    case "WorkloadIdentity": {
      const sa = spec.serviceAccountRef;
      if (!sa?.name) throw new StoreConfigError(`${FIELD}.serviceAccountRef: is required for WorkloadIdentity`);
      const ns = refNamespace(ctx, sa, `${FIELD}.serviceAccountRef`);
      const annotations = (await ctx.kube.getServiceAccountAnnotations?.(ns, sa.name)) ?? {};
      const { tenantId, clientId } = await tenantAndClient(spec, ctx, annotations);
      const assertion = () => serviceAccountToken(ctx, sa, [WI_AUDIENCE], `${FIELD}.serviceAccountRef`);
      return new ClientAssertionCredential(tenantId, clientId, assertion, common);
    }
    default:
      throw new StoreConfigError(`${FIELD}.authType: unsupported value ${authType}`);
  }
}
