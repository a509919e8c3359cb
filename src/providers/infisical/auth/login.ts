/** What each auth method yields: a login to perform at the Infisical API, or an access token given outright. */
import type { LoginResult } from "../transport.js";

export const AUTH_FIELD = "spec.provider.infisical.auth";

export interface IdentityLogin {
  kind: "login";
  /** The method's path segment: POST /v1/auth/<method>/login. */
  method: string;
  /** What the token depends on (credential values included): digested into the login cache key. */
  fingerprint: string[];
  /** Builds the login body (cloud proofs are minted here, just before they are sent). */
  body(): Promise<Record<string, unknown>>;
}

export interface GivenToken {
  kind: "token";
  accessToken: string;
}

export type ResolvedAuth = IdentityLogin | GivenToken;

export type { LoginResult };
