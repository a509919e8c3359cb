/** auth.apikey: POST /authn/{account}/{login}/authenticate with the API key as the body. */
import type { ConjurAuth } from "../../../api/providers/conjur.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import type { Login } from "../transport.js";
import type { ResolvedAuth } from "./resolve.js";

type ApiKeyAuth = NonNullable<ConjurAuth["apikey"]>;

export async function apiKeyAuth(auth: ApiKeyAuth, ctx: ProviderContext, field: string): Promise<ResolvedAuth> {
  const user = await resolveSecretKeyString(ctx, auth.userRef, `${field}.userRef`);
  const apiKey = await resolveSecretKeyString(ctx, auth.apiKeyRef, `${field}.apiKeyRef`);
  const path = `/authn/${encodeURIComponent(auth.account)}/${encodeURIComponent(user)}/authenticate`;
  const login: Login = (api) => api.authenticate(path, `authenticate ${JSON.stringify(user)}`, apiKey);
  return { account: auth.account, login, credentials: ["apikey", auth.account, user, apiKey] };
}
