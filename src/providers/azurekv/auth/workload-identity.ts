/** authType WorkloadIdentity: a ServiceAccount token (audience api://AzureADTokenExchange) as client assertion. */
import type { TokenCredential } from "@azure/identity";
import type { AzureKVProvider } from "../../../api/providers/azurekv.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { refNamespace, serviceAccountToken } from "../../resolvers.js";
import { tenantAndClient } from "./app-identity.js";
import type { CredentialOptions } from "./credential-options.js";

const FIELD = "spec.provider.azurekv";
const WI_AUDIENCE = "api://AzureADTokenExchange";

export async function workloadIdentityCredential(
  spec: AzureKVProvider,
  ctx: ProviderContext,
  options: CredentialOptions,
): Promise<TokenCredential> {
  const sa = spec.serviceAccountRef;
  if (!sa?.name) throw new StoreConfigError(`${FIELD}.serviceAccountRef: is required for WorkloadIdentity`);
  const { ClientAssertionCredential } = await import("@azure/identity");
  const ns = refNamespace(ctx, sa, `${FIELD}.serviceAccountRef`);
  const annotations = (await ctx.kube.getServiceAccountAnnotations?.(ns, sa.name)) ?? {};
  const { tenantId, clientId } = await tenantAndClient(spec, ctx, annotations);
  const assertion = () => serviceAccountToken(ctx, sa, [WI_AUDIENCE], `${FIELD}.serviceAccountRef`);
  return new ClientAssertionCredential(tenantId, clientId, assertion, options);
}
