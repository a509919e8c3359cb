/** The Doppler API token for a store: a service token from secretRef, or one obtained through OIDC. */
import type { DopplerProvider } from "../../../api/providers/doppler.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { oidcToken } from "./oidc.js";

const FIELD = "spec.provider.doppler";

export async function resolveToken(spec: DopplerProvider, ctx: ProviderContext): Promise<string> {
  const ref = spec.auth?.secretRef?.dopplerToken;
  if (ref) return resolveSecretKeyString(ctx, ref, `${FIELD}.auth.secretRef.dopplerToken`);
  const oidc = spec.auth?.oidcConfig;
  if (oidc) return oidcToken(oidc, ctx, `${FIELD}.auth.oidcConfig`);
  throw new StoreConfigError(`${FIELD}.auth: one of secretRef or oidcConfig is required`);
}
