/** The Doppler API token for a store: a service token from secretRef, or one obtained through OIDC. */
import type { DopplerProvider } from "../../../api/providers/doppler.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { oidcToken } from "./oidc.js";

const FIELD = "spec.provider.doppler";

/** As upstream, a dopplerToken reference without a key reads the key "dopplerToken". */
export const DEFAULT_TOKEN_KEY = "dopplerToken";

export async function resolveToken(spec: DopplerProvider, host: string, ctx: ProviderContext): Promise<string> {
  const ref = spec.auth?.secretRef?.dopplerToken;
  if (ref) {
    const withKey = { ...ref, key: ref.key || DEFAULT_TOKEN_KEY };
    return resolveSecretKeyString(ctx, withKey, `${FIELD}.auth.secretRef.dopplerToken`);
  }
  const oidc = spec.auth?.oidcConfig;
  if (oidc) return oidcToken(oidc, host, ctx, `${FIELD}.auth.oidcConfig`);
  throw new StoreConfigError(`${FIELD}.auth: one of secretRef or oidcConfig is required`);
}
