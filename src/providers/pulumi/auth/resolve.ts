/** Which credential a Pulumi store uses: auth.accessToken, auth.oidcConfig, or the deprecated accessToken. */
import type { PulumiProvider } from "../../../api/providers/pulumi.js";
import { DEFAULT_PULUMI_API_URL } from "../../../api/providers/pulumi.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import type { TokenSource } from "../transport.js";
import { oidcTokenSource } from "./oidc.js";

const FIELD = "spec.provider.pulumi";

/** Resolves the credential once (an access token) or returns a source that renews it (OIDC). */
export async function resolveTokenSource(spec: PulumiProvider, ctx: ProviderContext): Promise<TokenSource> {
  const apiUrl = spec.apiUrl || DEFAULT_PULUMI_API_URL;
  const tokenRef = spec.auth?.accessToken?.secretRef;
  if (tokenRef) {
    const token = await resolveSecretKeyString(ctx, tokenRef, `${FIELD}.auth.accessToken.secretRef`);
    return async () => token;
  }
  const oidc = spec.auth?.oidcConfig;
  if (oidc) {
    const source = oidcTokenSource(oidc, apiUrl, ctx, `${FIELD}.auth.oidcConfig`);
    await source();
    return source;
  }
  const legacyRef = spec.accessToken?.secretRef;
  if (legacyRef) {
    const token = await resolveSecretKeyString(ctx, legacyRef, `${FIELD}.accessToken.secretRef`);
    return async () => token;
  }
  throw new StoreConfigError(
    `${FIELD}: no authentication method configured: either auth.accessToken, auth.oidcConfig, or accessToken must be specified`,
  );
}
