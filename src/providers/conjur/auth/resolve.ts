/** The store's one auth method, resolved to a login and the credentials that identify it. */
import type { ConjurProvider } from "../../../api/providers/conjur.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import type { Login } from "../transport.js";
import { apiKeyAuth } from "./apikey.js";
import { azureAuth } from "./azure.js";
import { certAuth } from "./cert.js";
import { gcpAuth } from "./gcp.js";
import { iamAuth } from "./iam.js";
import { jwtAuth } from "./jwt.js";

export interface ResolvedAuth {
  /** The Conjur account variables are read from. */
  account: string;
  login: Login;
  /** Everything the login depends on; hashed into the token cache key, never logged. */
  credentials: string[];
}

const FIELD = "spec.provider.conjur.auth";
export const AUTH_METHODS = ["apikey", "jwt", "cert", "iam", "azure", "gcp"] as const;
export const ONE_METHOD = "exactly one of apikey, jwt, cert, iam, azure or gcp must be set";

export async function resolveAuth(
  spec: ConjurProvider,
  ctx: ProviderContext,
  ca: string | undefined,
): Promise<ResolvedAuth> {
  const auth = spec.auth ?? {};
  const set = AUTH_METHODS.filter((m) => auth[m]).length;
  if (set !== 1) throw new StoreConfigError(`${FIELD}: ${ONE_METHOD}`);
  if (auth.apikey) return apiKeyAuth(auth.apikey, ctx, `${FIELD}.apikey`);
  if (auth.jwt) return jwtAuth(auth.jwt, ctx, `${FIELD}.jwt`);
  if (auth.iam) return iamAuth(auth.iam, ctx, `${FIELD}.iam`);
  if (auth.azure) return azureAuth(auth.azure, ctx, `${FIELD}.azure`);
  if (auth.gcp) return gcpAuth(auth.gcp, ctx, `${FIELD}.gcp`);
  return certAuth(auth.cert!, ctx, `${FIELD}.cert`, ca);
}
