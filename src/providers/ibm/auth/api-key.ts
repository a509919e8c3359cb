/** auth.secretRef: an IBM Cloud API key read from the store's own namespace (or the ClusterSecretStore's ref). */
import type { IBMProvider } from "../../../api/providers/ibm.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { DEFAULT_IAM_ENDPOINT, type IamGrant } from "./iam-token.js";

type SecretRefAuth = NonNullable<IBMProvider["auth"]["secretRef"]>;

export async function apiKeyGrant(
  auth: SecretRefAuth,
  ctx: CredentialScope,
  field: string,
): Promise<{ endpoint: string; grant: IamGrant }> {
  const ref = auth.secretApiKeySecretRef;
  if (!ref?.name) throw new StoreConfigError(`${field}.secretApiKeySecretRef.name: is required`);
  const apikey = await resolveSecretKeyString(ctx, ref, `${field}.secretApiKeySecretRef`);
  if (!apikey) throw new StoreConfigError(`${field}.secretApiKeySecretRef: the API key is empty`);
  return { endpoint: auth.iamEndpoint || DEFAULT_IAM_ENDPOINT, grant: { kind: "apikey", apikey } };
}
