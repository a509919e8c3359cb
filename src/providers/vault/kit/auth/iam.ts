import { DEFAULT_TUNING } from "../../../aws/kit/sdk-options.js";
import { signRequest } from "../../../aws/kit/sigv4.js";
import { StoreConfigError } from "../../../errors.js";
import { refuseAmbientCredentials } from "../../../tenant-policy.js";
import { stsTarget } from "./sts-endpoint.js";
import { type AuthFactory, trimSlashes, vaultLogin } from "./types.js";

const FIELD = "spec.provider.vault.auth.iam";
const STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

/**
 * auth.iam (Vault's aws auth, iam type): AWS credentials from secretRef, an IRSA ServiceAccount (jwt) or the
 * default chain, optionally through `role` (with externalID); then a SigV4-signed sts:GetCallerIdentity
 * request is handed to Vault, which replays it to STS to learn who we are. The request names the STS endpoint
 * stsEndpointPolicy picks (sts-endpoint.ts).
 */
export const iamAuth: AuthFactory<"iam"> = async (spec, ctx) => {
  if (!spec.vaultRole) throw new StoreConfigError(`${FIELD}.vaultRole: is required`);
  if (!spec.secretRef && !spec.jwt) {
    refuseAmbientCredentials(ctx, FIELD, "AWS identity (default credential chain)", "secretRef or jwt");
  }
  const region = spec.region || "us-east-1";
  // The AWS credential chain (STS, SSO, ...) is loaded only by stores that use IAM auth.
  const { buildCredentials } = await import("../../../aws/kit/credentials.js");
  const { provider, fingerprint } = await buildCredentials(
    { secretRef: spec.secretRef, jwt: spec.jwt },
    { role: spec.role, externalID: spec.externalID },
    region,
    ctx,
    DEFAULT_TUNING,
    FIELD,
  );
  const path = `auth/${trimSlashes(spec.path || "aws")}/login`;
  return {
    kind: "login",
    name: "iam",
    fingerprint,
    login: async (http, ns) => {
      const creds = await provider();
      const { url, signingRegion } = stsTarget(region, spec.stsEndpointPolicy);
      const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" };
      if (spec.vaultAwsIamServerID) headers["X-Vault-AWS-IAM-Server-ID"] = spec.vaultAwsIamServerID;
      const signed = signRequest({ method: "POST", url, headers, body: STS_BODY }, creds, signingRegion, "sts");
      const headerLists: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(signed)) headerLists[k] = [v];
      const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
      return vaultLogin(
        http,
        "iam",
        path,
        {
          role: spec.vaultRole,
          iam_http_request_method: "POST",
          iam_request_url: b64(url.toString()),
          iam_request_body: b64(STS_BODY),
          iam_request_headers: b64(JSON.stringify(headerLists)),
        },
        ns,
        // The signature and session token travel base64-encoded; Vault may quote STS's answer about them.
        Object.entries(signed)
          .filter(([k]) => /^(authorization|x-amz-security-token)$/i.test(k))
          .map(([, v]) => v),
      );
    },
  };
};
