/** The store's credentials: `token` when set (username and password are then ignored, as upstream), else a login. */
import type { SecretServerProvider } from "../../../api/providers/secretserver.js";
import type { ProviderContext } from "../../provider.js";
import { resolveValueOrRef } from "../../util/value-or-ref.js";
import { passwordTokens, SECRET_SERVER_TOKENS } from "./password.js";
import { staticToken } from "./static-token.js";
import type { TokenSource } from "./token-source.js";

const FIELD = "spec.provider.secretserver";

export async function resolveTokenSource(
  spec: SecretServerProvider,
  serverURL: string,
  ca: string | undefined,
  ctx: ProviderContext,
): Promise<TokenSource> {
  if (spec.token) return staticToken(await resolveValueOrRef(ctx, spec.token, `${FIELD}.token`));
  const username = await resolveValueOrRef(ctx, spec.username, `${FIELD}.username`);
  const password = await resolveValueOrRef(ctx, spec.password, `${FIELD}.password`);
  return passwordTokens(ctx.caches.get(SECRET_SERVER_TOKENS), {
    serverURL,
    username,
    password,
    domain: spec.domain || undefined,
    ca,
    signal: ctx.signal,
    deadline: ctx.deadline,
  });
}
