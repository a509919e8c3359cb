/**
 * ArtifactoryAccessToken: a JFrog Platform access token from an OIDC exchange of a ServiceAccount token
 * (spec.auth.oidc) or created with a bootstrap token from a Secret (spec.auth.referenceToken). Values as upstream:
 * registry, access_token, reference_token, username, auth (base64 "username:token", preferring the reference
 * token) and expiry (Unix seconds). Upstream revokes nothing: the tokens expire on their own, so there is no state.
 */
import type { ArtifactoryAccessTokenSpec } from "../../api/generators/artifactory.js";
import { resolveSecretKeyString, serviceAccountToken } from "../../providers/resolvers.js";
import { unverifiedJwtClaims } from "../../util/jwt-claims.js";
import { type Generator, type GeneratorContext, GeneratorError } from "../generator.js";
import { jwtExpiry } from "../oidc-federation.js";
import { createToken, exchangeOidcToken, type IssuedToken } from "./transport.js";

const DEFAULT_PROVIDER_TYPE = "GenericOidc";

export interface ArtifactoryGeneratorOptions {
  /** The clock expires_in counts from, in ms (tests pin it). */
  now?: () => number;
}

async function tenantCredential<T>(ctx: GeneratorContext, field: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    const msg = (err as Error).message;
    throw new GeneratorError(msg.startsWith(field) ? msg : `${field}: ${msg}`);
  }
}

/** spec.registry without a leading https://, else the host (and port) written in spec.url, as upstream. */
export function registryHost(spec: ArtifactoryAccessTokenSpec): string {
  if (spec.registry) return spec.registry.replace(/^https:\/\//, "");
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(spec.url ?? "");
  const host = m?.[1]?.replace(/^.*@/, "");
  if (!host) throw new GeneratorError("spec.url: must include a hostname");
  return host;
}

/** The `sub` claim of a JWT, or "" when the token is not one (upstream's username fallback). */
function jwtSubject(token: string): string {
  const sub = unverifiedJwtClaims(token)?.sub;
  return typeof sub === "string" ? sub : "";
}

function output(spec: ArtifactoryAccessTokenSpec, t: IssuedToken, nowMs: number): Record<string, Buffer> {
  if (!t.accessToken && !t.referenceToken) throw new GeneratorError("artifactory: the response holds no token");
  const data: Record<string, Buffer> = { registry: Buffer.from(registryHost(spec)) };
  if (t.accessToken) data.access_token = Buffer.from(t.accessToken);
  if (t.referenceToken) data.reference_token = Buffer.from(t.referenceToken);
  if (t.username) {
    data.username = Buffer.from(t.username);
    const password = t.referenceToken || t.accessToken;
    data.auth = Buffer.from(Buffer.from(`${t.username}:${password}`).toString("base64"));
  }
  data.expiry = Buffer.from(
    t.expiresIn > 0
      ? String(Math.floor(nowMs / 1000) + Math.trunc(t.expiresIn))
      : jwtExpiry(t.accessToken || t.referenceToken, "artifactory: the response has no expires_in and"),
  );
  return data;
}

export function newArtifactoryAccessTokenGenerator(
  opts: ArtifactoryGeneratorOptions = {},
): Generator<ArtifactoryAccessTokenSpec> {
  const now = opts.now ?? Date.now;
  return {
    kind: "ArtifactoryAccessToken",
    clusterSpecKey: "artifactoryAccessTokenSpec",
    async generate(spec, ctx) {
      if (!spec) throw new GeneratorError("spec: is required");
      if (!spec.url) throw new GeneratorError("spec.url: is required");
      registryHost(spec);
      const scope = { kube: ctx.kube, storeKind: "SecretStore" as const, namespace: ctx.namespace };
      const { oidc, referenceToken: ref } = spec.auth ?? {};
      if (oidc && ref) throw new GeneratorError("spec.auth: set only one of oidc or referenceToken");
      if (oidc) {
        if (!oidc.providerName) throw new GeneratorError("spec.auth.oidc.providerName: is required");
        const field = "spec.auth.oidc.serviceAccountRef";
        const saToken = await tenantCredential(ctx, field, () =>
          serviceAccountToken(scope, oidc.serviceAccountRef, [], field),
        );
        const issued = await exchangeOidcToken(
          spec.url,
          {
            subjectToken: saToken,
            providerName: oidc.providerName,
            providerType: oidc.providerType || DEFAULT_PROVIDER_TYPE,
            applicationKey: oidc.applicationKey,
            projectKey: oidc.projectKey,
            identityMappingName: oidc.identityMappingName,
            includeReferenceToken: oidc.includeReferenceToken,
          },
          ctx.signal,
        );
        return { data: output(spec, issued, now()) };
      }
      if (ref) {
        if (!ref.scope) throw new GeneratorError("spec.auth.referenceToken.scope: is required");
        const field = "spec.auth.referenceToken.token";
        if (!ref.token?.name) throw new GeneratorError(`${field}.name: is required`);
        const bootstrap = await tenantCredential(ctx, field, () => resolveSecretKeyString(scope, ref.token, field));
        const issued = await createToken(
          spec.url,
          bootstrap,
          {
            scope: ref.scope,
            description: ref.description,
            expiresIn: ref.expiresIn,
            includeReferenceToken: ref.includeReferenceToken,
            refreshable: ref.refreshable,
            projectKey: ref.projectKey,
          },
          ctx.signal,
        );
        return { data: output(spec, { ...issued, username: jwtSubject(issued.accessToken) }, now()) };
      }
      throw new GeneratorError("spec.auth: either oidc or referenceToken must be set");
    },
  };
}

export const artifactoryAccessTokenGenerator = newArtifactoryAccessTokenGenerator();
