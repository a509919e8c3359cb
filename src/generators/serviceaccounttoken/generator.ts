/**
 * ServiceAccountToken: a TokenRequest for spec.serviceAccountRef in the namespace the generator runs for, with the
 * selector's audiences (none: the API server's default audience) and spec.expirationSeconds (unset: the API
 * server's default). Output keys as upstream: `token`, and `expirationTimestamp` (RFC 3339, UTC, whole seconds)
 * read from the issued token's `exp` claim, which the API server sets to the expiry it reports, so a lifetime
 * the server shortened shows as issued. A ServiceAccount token cannot be revoked, only expire: no cleanup.
 */
import type { ServiceAccountTokenSpec } from "../../api/generators/serviceaccounttoken.js";
import { type Generator, GeneratorError } from "../generator.js";
import { jwtExpiry } from "../oidc-federation.js";

const FIELD = "spec.serviceAccountRef";

/** Unix seconds as upstream's `expirationTimestamp`: RFC 3339 in UTC without fractional seconds. */
export function rfc3339Seconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The API server's status and Status message (a TokenRequest's request and answer carry no credential but the token). */
function statusOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = (err as Error).message;
  return typeof code === "number" && code > 0 ? `HTTP ${code}: ${message}` : message;
}

export const serviceAccountTokenGenerator: Generator<ServiceAccountTokenSpec> = {
  kind: "ServiceAccountToken",
  clusterSpecKey: "serviceAccountTokenSpec",
  async generate(spec, ctx) {
    const ref = spec?.serviceAccountRef;
    if (!ref?.name) throw new GeneratorError(`${FIELD}.name: is required`);
    // As upstream: refused even when it names the generator's own namespace, so the field never suggests reach.
    if (ref.namespace != null) {
      throw new GeneratorError(
        `${FIELD}.namespace: is not supported: the token is always issued in the namespace the generator runs for`,
      );
    }
    const expirationSeconds = spec.expirationSeconds;
    if (expirationSeconds !== undefined && (!Number.isInteger(expirationSeconds) || expirationSeconds <= 0)) {
      throw new GeneratorError("spec.expirationSeconds: must be a positive number of seconds");
    }
    let token: string;
    try {
      token = await ctx.kube.createServiceAccountToken(ctx.namespace, ref.name, ref.audiences ?? [], expirationSeconds);
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      throw new GeneratorError(
        `${FIELD}: TokenRequest for ServiceAccount ${ctx.namespace}/${ref.name} failed: ${statusOf(err)}`,
      );
    }
    const exp = Number(jwtExpiry(token, `${FIELD}: TokenRequest for ServiceAccount ${ctx.namespace}/${ref.name}`));
    return { data: { token: Buffer.from(token), expirationTimestamp: Buffer.from(rfc3339Seconds(exp)) } };
  },
};
