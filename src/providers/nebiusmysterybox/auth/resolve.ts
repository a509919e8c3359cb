/** The IAM token a store presents: read from tokenSecretRef, or exchanged from serviceAccountCredsSecretRef. */
import type { NebiusMysteryboxProvider } from "../../../api/providers/nebiusmysterybox.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import type { NebiusCallOptions } from "../transport.js";
import { NEBIUS_IAM_TOKENS, parseServiceAccountCreds, serviceAccountToken } from "./service-account.js";

const FIELD = "spec.provider.nebiusmysterybox.auth";

export async function resolveIamToken(
  ctx: ProviderContext,
  auth: NebiusMysteryboxProvider["auth"],
  call: NebiusCallOptions,
): Promise<string> {
  if (auth.tokenSecretRef?.name) {
    return resolveSecretKeyString(ctx, auth.tokenSecretRef, `${FIELD}.tokenSecretRef`);
  }
  if (auth.serviceAccountCredsSecretRef?.name) {
    const field = `${FIELD}.serviceAccountCredsSecretRef`;
    const json = await resolveSecretKeyString(ctx, auth.serviceAccountCredsSecretRef, field);
    const creds = parseServiceAccountCreds(json, field);
    return (await serviceAccountToken(call, ctx.caches.get(NEBIUS_IAM_TOKENS), creds)).trim();
  }
  throw new StoreConfigError(`${FIELD}: invalid auth configuration: none provided`);
}
