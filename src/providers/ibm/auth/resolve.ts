/** The IAM grant for a store: an API key (secretRef) or the trusted-profile container token (containerAuth). */
import type { IBMProvider } from "../../../api/providers/ibm.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { apiKeyGrant } from "./api-key.js";
import { containerGrant } from "./container.js";
import type { IamGrant } from "./iam-token.js";

const FIELD = "spec.provider.ibm.auth";

export async function resolveGrant(
  spec: IBMProvider,
  ctx: CredentialScope,
): Promise<{ endpoint: string; grant: IamGrant }> {
  const container = spec.auth?.containerAuth;
  // As upstream: a containerAuth with a profile wins; anything else is API key auth.
  if (container?.profile) return containerGrant(container, ctx, `${FIELD}.containerAuth`);
  if (spec.auth?.secretRef) return apiKeyGrant(spec.auth.secretRef, ctx, `${FIELD}.secretRef`);
  throw new StoreConfigError(`${FIELD}: missing auth method`);
}
