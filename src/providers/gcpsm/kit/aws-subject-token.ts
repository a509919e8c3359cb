/**
 * The subject token Google STS takes for an AWS workload identity pool provider, in the format Google documents
 * ("Exchange AWS credentials"): a SigV4-signed sts:GetCallerIdentity request that is described, not sent. The
 * request is signed with the audience in x-goog-cloud-target-resource, so the token is only good for that pool
 * provider; the whole description is JSON, URL-encoded.
 */
import { type AwsCredentials, signRequest } from "../../aws/kit/sigv4.js";

export const AWS_TOKEN_TYPE = "urn:ietf:params:aws:token-type:aws4_request";

export function awsSubjectToken(creds: AwsCredentials, region: string, audience: string, now = new Date()): string {
  const url = new URL(`https://sts.${region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15`);
  const signed = signRequest(
    { method: "POST", url, headers: { "x-goog-cloud-target-resource": audience }, body: "" },
    creds,
    region,
    "sts",
    now,
  );
  const headers = Object.entries(signed)
    .map(([key, value]) => ({ key: key === "Authorization" ? key : key.toLowerCase(), value }))
    .sort((a, b) => (a.key.toLowerCase() < b.key.toLowerCase() ? -1 : 1));
  return encodeURIComponent(JSON.stringify({ url: url.toString(), method: "POST", headers }));
}
