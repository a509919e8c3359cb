/**
 * GCRAccessToken: a Google OAuth2 access token for `docker login` to Container Registry / Artifact Registry,
 * obtained with the gcpsm provider's auth (service account key, GKE workload identity, workload identity
 * federation). Values, as upstream: username "oauth2accesstoken", password (the token), expiry (Unix seconds).
 */
import type { GCRAccessTokenSpec } from "../../api/generators/gcr.js";
import { ProviderThrottledError } from "../../providers/errors.js";
import { googleTokenSource } from "../../providers/gcpsm/kit/resolve.js";
import type { GcpAuthScope } from "../../providers/gcpsm/kit/scope.js";
import { federationErrors } from "../../providers/gcpsm/kit/workload-identity-federation.js";
import { type Generator, type GeneratorContext, GeneratorError } from "../generator.js";

export const GCR_USERNAME = "oauth2accesstoken";
const AUTH = "spec.auth";

/** Checks that need no I/O, so a misconfigured generator fails before any credential is read. */
function specErrors(spec: GCRAccessTokenSpec | undefined): string[] {
  if (!spec) return ["spec: is required"];
  const errs: string[] = [];
  if (!spec.projectID) errs.push("spec.projectID: is required");
  const auth = spec.auth;
  const ref = auth?.secretRef?.secretAccessKeySecretRef;
  if (auth?.secretRef && (!ref?.name || !ref.key)) {
    errs.push(`${AUTH}.secretRef.secretAccessKeySecretRef: name and key are required`);
  }
  const methods = [auth?.secretRef, auth?.workloadIdentity, auth?.workloadIdentityFederation].filter(Boolean);
  if (methods.length > 1) {
    errs.push(`${AUTH}: only one of secretRef, workloadIdentity or workloadIdentityFederation may be set`);
  }
  if (auth?.workloadIdentity && !auth.workloadIdentity.serviceAccountRef?.name) {
    errs.push(`${AUTH}.workloadIdentity.serviceAccountRef.name: is required`);
  }
  errs.push(...federationErrors(auth?.workloadIdentityFederation, AUTH));
  return errs;
}

async function accessToken(spec: GCRAccessTokenSpec, ctx: GeneratorContext) {
  // A generator resolves credentials as a SecretStore would: only in the requesting namespace, and the
  // operator's ambient Google identity only where the tenant policy allows it.
  const scope: GcpAuthScope = {
    kube: ctx.kube,
    storeKind: "SecretStore",
    namespace: ctx.namespace,
    signal: ctx.signal,
    authField: AUTH,
    label: "gcr",
  };
  const source = await googleTokenSource(spec.auth, spec.projectID, scope);
  return source();
}

export function newGcrAccessTokenGenerator(): Generator<GCRAccessTokenSpec> {
  return {
    kind: "GCRAccessToken",
    clusterSpecKey: "gcrAccessTokenSpec",
    async generate(spec, ctx) {
      const errs = specErrors(spec);
      if (errs.length) throw new GeneratorError(errs.join("; "));
      let token: { token: string; expiresAt: number };
      try {
        token = await accessToken(spec, ctx);
      } catch (err) {
        // Throttling keeps its class (the sync reports it as such); the kit's messages name the field or call.
        if (ctx.signal?.aborted || err instanceof ProviderThrottledError) throw err;
        throw new GeneratorError((err as Error).message, { cause: err });
      }
      return {
        data: {
          username: Buffer.from(GCR_USERNAME),
          password: Buffer.from(token.token),
          expiry: Buffer.from(String(Math.floor(token.expiresAt / 1000))),
        },
      };
    },
  };
}

export const gcrAccessTokenGenerator = newGcrAccessTokenGenerator();
