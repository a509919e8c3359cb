/** The methods whose whole proof sits in the store's Secrets: universal auth, JWT, LDAP and a given token. */
import type { InfisicalAuth } from "../../../api/providers/infisical.js";
import type { CredentialScope } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { AUTH_FIELD, type GivenToken, type IdentityLogin } from "./login.js";

type Auth = InfisicalAuth;

export async function universalAuth(
  c: NonNullable<Auth["universalAuthCredentials"]>,
  ctx: CredentialScope,
): Promise<IdentityLogin> {
  const f = `${AUTH_FIELD}.universalAuthCredentials`;
  const clientId = await resolveSecretKeyString(ctx, c.clientId, `${f}.clientId`);
  const clientSecret = await resolveSecretKeyString(ctx, c.clientSecret, `${f}.clientSecret`);
  return {
    kind: "login",
    method: "universal-auth",
    fingerprint: [clientId, clientSecret],
    body: async () => ({ clientId, clientSecret }),
  };
}

export async function jwtAuth(
  c: NonNullable<Auth["jwtAuthCredentials"]>,
  ctx: CredentialScope,
): Promise<IdentityLogin> {
  const f = `${AUTH_FIELD}.jwtAuthCredentials`;
  const identityId = await resolveSecretKeyString(ctx, c.identityId, `${f}.identityId`);
  const jwt = await resolveSecretKeyString(ctx, c.jwt, `${f}.jwt`);
  return { kind: "login", method: "jwt-auth", fingerprint: [identityId, jwt], body: async () => ({ identityId, jwt }) };
}

export async function ldapAuth(
  c: NonNullable<Auth["ldapAuthCredentials"]>,
  ctx: CredentialScope,
): Promise<IdentityLogin> {
  const f = `${AUTH_FIELD}.ldapAuthCredentials`;
  const identityId = await resolveSecretKeyString(ctx, c.identityId, `${f}.identityId`);
  const username = await resolveSecretKeyString(ctx, c.ldapUsername, `${f}.ldapUsername`);
  const password = await resolveSecretKeyString(ctx, c.ldapPassword, `${f}.ldapPassword`);
  return {
    kind: "login",
    method: "ldap-auth",
    fingerprint: [identityId, username, password],
    body: async () => ({ identityId, username, password }),
  };
}

export async function tokenAuth(
  c: NonNullable<Auth["tokenAuthCredentials"]>,
  ctx: CredentialScope,
): Promise<GivenToken> {
  const accessToken = await resolveSecretKeyString(
    ctx,
    c.accessToken,
    `${AUTH_FIELD}.tokenAuthCredentials.accessToken`,
  );
  return { kind: "token", accessToken };
}
