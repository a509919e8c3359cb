/**
 * CloudsmithAccessToken: a ServiceAccount token (TokenRequest with the selector's audiences) exchanged at
 * Cloudsmith's OIDC endpoint for an API token. Values as upstream: auth (base64 of "token:<token>", a docker
 * config `auth`) and expiry (the token's exp, Unix seconds). Nothing to revoke.
 */
import type { CloudsmithAccessTokenSpec } from "../../api/generators/cloudsmith.js";
import { type Generator, GeneratorError } from "../generator.js";
import { federatedServiceAccountToken, jwtExpiry } from "../oidc-federation.js";
import { exchangeOidcToken } from "./transport.js";

const DEFAULT_API_URL = "https://api.cloudsmith.io";

export const cloudsmithAccessTokenGenerator: Generator<CloudsmithAccessTokenSpec> = {
  kind: "CloudsmithAccessToken",
  clusterSpecKey: "cloudsmithAccessTokenSpec",
  async generate(spec, ctx) {
    if (!spec?.orgSlug) throw new GeneratorError("spec.orgSlug: is required");
    if (!spec.serviceSlug) throw new GeneratorError("spec.serviceSlug: is required");
    const oidcToken = await federatedServiceAccountToken(spec.serviceAccountRef, ctx);
    const token = await exchangeOidcToken({
      apiUrl: spec.apiUrl || DEFAULT_API_URL,
      orgSlug: spec.orgSlug,
      serviceSlug: spec.serviceSlug,
      oidcToken,
      signal: ctx.signal,
    });
    return {
      data: {
        auth: Buffer.from(Buffer.from(`token:${token}`).toString("base64")),
        expiry: Buffer.from(jwtExpiry(token, "cloudsmith: access token")),
      },
    };
  },
};
