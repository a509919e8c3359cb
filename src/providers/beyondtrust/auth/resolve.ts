/**
 * The store's Password Safe credentials: an API key, or an OAuth client id and secret; plus an optional client
 * certificate and key for mTLS. Each may be inline (`value`) or a Secret key (`secretRef`), which a SecretStore
 * reads only from its own namespace.
 */
import type { BeyondtrustProvider } from "../../../api/providers/beyondtrust.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { resolveValueOrRef } from "../../util/value-or-ref.js";
import type { SignInCredentials } from "../transport.js";

const FIELD = "spec.provider.beyondtrust.auth";

export interface ResolvedAuth {
  signIn: SignInCredentials;
  cert?: string;
  key?: string;
}

export async function resolveAuth(spec: BeyondtrustProvider, ctx: CredentialScope): Promise<ResolvedAuth> {
  const auth = spec.auth;
  let signIn: SignInCredentials;
  if (auth?.apiKey) {
    signIn = { kind: "apiKey", apiKey: await resolveValueOrRef(ctx, auth.apiKey, `${FIELD}.apiKey`) };
    if (!signIn.apiKey) throw new StoreConfigError(`${FIELD}.apiKey: is empty`);
  } else {
    const clientId = await resolveValueOrRef(ctx, auth?.clientId, `${FIELD}.clientId`);
    const clientSecret = await resolveValueOrRef(ctx, auth?.clientSecret, `${FIELD}.clientSecret`);
    if (!clientId || !clientSecret) throw new StoreConfigError(`${FIELD}: clientId and clientSecret must not be empty`);
    signIn = { kind: "oauth", clientId, clientSecret };
  }
  // As upstream: a certificate is used only when both halves are given.
  if (!auth?.certificate || !auth.certificateKey) return { signIn };
  const cert = await resolveValueOrRef(ctx, auth.certificate, `${FIELD}.certificate`);
  const key = await resolveValueOrRef(ctx, auth.certificateKey, `${FIELD}.certificateKey`);
  return { signIn, cert, key };
}
