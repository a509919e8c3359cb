/** auth.oidcConfig: a ServiceAccount token (audience: the Doppler API host) exchanged for a short-lived API token. */
import type { DopplerProvider } from "../../../api/providers/doppler.js";
import type { ProviderContext } from "../../provider.js";
import { serviceAccountToken } from "../../resolvers.js";
import { DopplerApi } from "../transport.js";

type OidcConfig = NonNullable<NonNullable<DopplerProvider["auth"]>["oidcConfig"]>;

export async function oidcToken(oidc: OidcConfig, host: string, ctx: ProviderContext, field: string): Promise<string> {
  const sa = await serviceAccountToken(
    ctx,
    oidc.serviceAccountRef,
    [host],
    `${field}.serviceAccountRef`,
    oidc.expirationSeconds ?? 600,
  );
  return DopplerApi.oidcLogin(oidc.identity, sa, host, ctx.signal);
}
