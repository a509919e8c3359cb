/** authSecretRef.secretRef with access type api_key / access_key: an access id and its key, read from Secrets. */
import type { SecretKeySelector } from "../../../api/common.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";

export async function accessKeyAuth(
  accessId: string,
  accessType: string,
  keyRef: SecretKeySelector | undefined,
  ctx: CredentialScope,
  where: string,
): Promise<Record<string, unknown>> {
  if (!keyRef) throw new StoreConfigError(`${where}.accessTypeParam: is required for access type ${accessType}`);
  const key = await resolveSecretKeyString(ctx, keyRef, `${where}.accessTypeParam`);
  return { "access-id": accessId, "access-type": "access_key", "access-key": key };
}
