/** The store's one auth method, resolved to a login and the credentials that identify it. */
import type { ConjurProvider } from "../../../api/providers/conjur.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import type { Login } from "../transport.js";
import { apiKeyAuth } from "./apikey.js";
import { certAuth } from "./cert.js";
import { jwtAuth } from "./jwt.js";

export interface ResolvedAuth {
  /** The Conjur account variables are read from. */
  account: string;
  login: Login;
  /** Everything the login depends on; hashed into the token cache key, never logged. */
  credentials: string[];
}

const FIELD = "spec.provider.conjur.auth";

export async function resolveAuth(
  spec: ConjurProvider,
  ctx: ProviderContext,
  ca: string | undefined,
): Promise<ResolvedAuth> {
  const auth = spec.auth ?? {};
  const set = [auth.apikey, auth.jwt, auth.cert].filter(Boolean).length;
  if (set !== 1) throw new StoreConfigError(`${FIELD}: exactly one of apikey, jwt or cert must be set`);
  if (auth.apikey) return apiKeyAuth(auth.apikey, ctx, `${FIELD}.apikey`);
  if (auth.jwt) return jwtAuth(auth.jwt, ctx, `${FIELD}.jwt`);
  return certAuth(auth.cert!, ctx, `${FIELD}.cert`, ca);
}
