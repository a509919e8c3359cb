/** The tenant and client (application) ids a service principal or workload identity logs in as. */
import type { AzureKVProvider } from "../../../api/providers/azurekv.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";

const FIELD = "spec.provider.azurekv";

/** From authSecretRef and tenantId, else (workload identity) the ids the ServiceAccount's annotations name. */
export async function tenantAndClient(
  spec: AzureKVProvider,
  ctx: ProviderContext,
  annotated: { clientId?: string; tenantId?: string } = {},
): Promise<{ tenantId: string; clientId: string }> {
  const auth = spec.authSecretRef;
  const clientId = auth?.clientId
    ? await resolveSecretKeyString(ctx, auth.clientId, `${FIELD}.authSecretRef.clientId`)
    : annotated.clientId;
  const tenantId =
    spec.tenantId ??
    (auth?.tenantId
      ? await resolveSecretKeyString(ctx, auth.tenantId, `${FIELD}.authSecretRef.tenantId`)
      : undefined) ??
    annotated.tenantId;
  if (!clientId) throw new StoreConfigError(`${FIELD}.authSecretRef.clientId: is required`);
  if (!tenantId) throw new StoreConfigError(`${FIELD}.tenantId: is required`);
  return { tenantId, clientId };
}
