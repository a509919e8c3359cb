/**
 * Access type aws_iam: the cloud id is an sts:GetCallerIdentity request signed with the operator's AWS identity
 * (default credential chain), which Akeyless replays to STS to learn who is calling. Like upstream's
 * akeyless-go-cloud-id: global STS endpoint, us-east-1, and the request's method, URL, body and headers
 * base64-encoded in a base64 JSON object.
 */
import type { CredentialScope } from "../../provider.js";

const STS_URL = "https://sts.amazonaws.com/";
const STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15";
const REGION = "us-east-1";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export async function awsCloudId(ctx: CredentialScope, field: string): Promise<string> {
  // The AWS credential chain is loaded only by stores that use this access type.
  const [{ buildCredentials }, { DEFAULT_TUNING }, { signRequest }] = await Promise.all([
    import("../../aws/kit/credentials.js"),
    import("../../aws/kit/sdk-options.js"),
    import("../../aws/kit/sigv4.js"),
  ]);
  const { provider } = await buildCredentials(undefined, {}, REGION, ctx, DEFAULT_TUNING, field);
  const creds = await provider();
  const url = new URL(STS_URL);
  const headers = { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" };
  const signed = signRequest({ method: "POST", url, headers, body: STS_BODY }, creds, REGION, "sts");
  const headerLists: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(signed)) headerLists[k] = [v];
  return b64(
    JSON.stringify({
      sts_request_method: "POST",
      sts_request_url: b64(url.toString()),
      sts_request_body: b64(STS_BODY),
      sts_request_headers: b64(JSON.stringify(headerLists)),
    }),
  );
}
