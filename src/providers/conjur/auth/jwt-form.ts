/** The login body authn-jwt, authn-azure and authn-gcp share: the token as the `jwt` form field. */
import type { ConjurApi } from "../transport.js";

export function postJwt(api: ConjurApi, path: string, what: string, jwt: string): Promise<string> {
  return api.authenticate(path, what, new URLSearchParams({ jwt }).toString(), {
    "content-type": "application/x-www-form-urlencoded",
  });
}

/** Conjur's path segment for a host login: `host/{hostId}`, encoded whole (its slashes too). */
export function hostSegment(hostId: string): string {
  return encodeURIComponent(`host/${hostId}`);
}
