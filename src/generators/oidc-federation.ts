/**
 * What the OIDC-federated token generators (QuayAccessToken, CloudsmithAccessToken) share: the ServiceAccount
 * token they present, and the expiry of the token they are given back.
 */
import type { ServiceAccountSelector } from "../api/common.js";
import { serviceAccountToken } from "../providers/resolvers.js";
import { unverifiedJwtClaims } from "../util/jwt-claims.js";
import { type GeneratorContext, GeneratorError } from "./generator.js";

/**
 * A TokenRequest for spec.serviceAccountRef in the generator's namespace (as upstream; naming another namespace is
 * refused); without audiences the API server's default audience is used, as upstream.
 */
export async function federatedServiceAccountToken(
  ref: ServiceAccountSelector | undefined,
  ctx: GeneratorContext,
): Promise<string> {
  const field = "spec.serviceAccountRef";
  if (!ref?.name) throw new GeneratorError(`${field}.name: is required`);
  try {
    return await serviceAccountToken(
      { kube: ctx.kube, storeKind: "SecretStore", namespace: ctx.namespace },
      ref,
      [],
      field,
    );
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    const msg = (err as Error).message;
    throw new GeneratorError(msg.startsWith(field) ? msg : `${field}: TokenRequest failed: ${msg}`);
  }
}

/**
 * The `exp` claim of an issued JWT as decimal Unix seconds (upstream's `expiry`), read without verification: the
 * token came straight from its issuer.
 */
export function jwtExpiry(token: string, what: string): string {
  const claims = unverifiedJwtClaims(token);
  if (!claims) throw new GeneratorError(`${what}: the issued token is not a JWT, so its expiry cannot be read`);
  const exp = claims.exp;
  if (typeof exp !== "number" || !Number.isFinite(exp)) {
    throw new GeneratorError(`${what}: the issued token has no numeric exp claim`);
  }
  return String(exp);
}
