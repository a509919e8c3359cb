/**
 * awsAuthCredentials: Infisical's AWS IAM auth. The login carries an sts:GetCallerIdentity request signed with
 * the operator's AWS identity (default credential chain), which Infisical replays to STS to learn the caller.
 * As upstream's SDK: the regional STS endpoint, the body and the JSON header map base64-encoded.
 */
import type { InfisicalAuth } from "../../../api/providers/infisical.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { AUTH_FIELD, type IdentityLogin } from "./login.js";
import { refuseCloudIdentity } from "./operator-identity.js";

const FIELD = `${AUTH_FIELD}.awsAuthCredentials`;
const STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

function awsRegion(): string {
  return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "us-east-1";
}

export async function awsAuth(
  c: NonNullable<InfisicalAuth["awsAuthCredentials"]>,
  ctx: ProviderContext,
): Promise<IdentityLogin> {
  refuseCloudIdentity(ctx, FIELD, "AWS identity (default credential chain)");
  const identityId = await resolveSecretKeyString(ctx, c.identityId, `${FIELD}.identityId`);
  const region = awsRegion();
  return {
    kind: "login",
    method: "aws-auth",
    fingerprint: [identityId, region],
    body: async () => {
      // The AWS credential chain loads only for stores that use this method.
      const [{ buildCredentials }, { DEFAULT_TUNING }, { signRequest }] = await Promise.all([
        import("../../aws/kit/credentials.js"),
        import("../../aws/kit/sdk-options.js"),
        import("../../aws/kit/sigv4.js"),
      ]);
      const { provider } = await buildCredentials(undefined, {}, region, ctx, DEFAULT_TUNING, FIELD);
      const creds = await provider();
      const url = new URL(`https://sts.${region}.amazonaws.com/`);
      const headers: Record<string, string> = {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
      };
      const signed = signRequest({ method: "POST", url, headers, body: STS_BODY }, creds, region, "sts");
      const sent: Record<string, string> = {};
      for (const [k, v] of Object.entries(signed)) sent[canonicalName(k)] = v;
      sent.Host = url.host;
      sent["Content-Length"] = String(Buffer.byteLength(STS_BODY));
      return {
        identityId,
        iamHttpRequestMethod: "POST",
        iamRequestBody: b64(STS_BODY),
        iamRequestHeaders: b64(JSON.stringify(sent)),
      };
    },
  };
}

/** "x-amz-date" -> "X-Amz-Date", as Go's http.Header spells names. */
function canonicalName(name: string): string {
  return name
    .split("-")
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1).toLowerCase() : p))
    .join("-");
}
