/** The tenant and client (application) ids a service principal or workload identity logs in as. */
import type { AzureKVProvider } from "../../../api/providers/azurekv.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";

const FIELD = "spec.provider.azurekv";
const ANNOTATION_CLIENT_ID = "azure.workload.identity/client-id";
const ANNOTATION_TENANT_ID = "azure.workload.identity/tenant-id";

/** From authSecretRef and tenantId, else (workload identity) the ServiceAccount's annotations. */
export async function tenantAndClient(
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
