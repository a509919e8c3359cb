/**
 * auth.iam: Conjur's authn-iam login. A GET sts:GetCallerIdentity request is SigV4-signed with AWS credentials
 * (secretRef, or else the operator's default credential chain, which the tenant policy may refuse to
 * SecretStores) and its headers are posted as JSON to /authn-iam/{serviceID}/{account}/host%2F{hostId}/authenticate;
 * Conjur replays the request to STS and matches the caller's role to the host. As Conjur's Go client: the
 * regional STS endpoint of AWS_REGION (default us-east-1; `global` is sts.amazonaws.com).
 */
import type { ConjurAuth } from "../../../api/providers/conjur.js";
import type { AwsCredentials } from "../../aws/kit/sigv4.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";
import type { Login } from "../transport.js";
import { hostSegment } from "./jwt-form.js";
import type { ResolvedAuth } from "./resolve.js";

type IamAuth = NonNullable<ConjurAuth["iam"]>;

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** The STS request Conjur replays, and the region it is signed for. */
export function stsRequest(region: string): { url: URL; signingRegion: string } {
  const host = region === "global" ? "sts.amazonaws.com" : `sts.${region}.amazonaws.com`;
  return {
    url: new URL(`https://${host}/?Action=GetCallerIdentity&Version=2011-06-15`),
    signingRegion: region === "global" ? "us-east-1" : region,
  };
}

function awsRegion(field: string): string {
  const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "us-east-1";
  if (region !== "global" && !REGION.test(region)) {
    throw new StoreConfigError(`${field}: AWS_REGION ${JSON.stringify(region)} is not an AWS region`);
  }
  return region;
}

export async function iamAuth(auth: IamAuth, ctx: ProviderContext, field: string): Promise<ResolvedAuth> {
  const region = awsRegion(field);
  let credentials: () => Promise<AwsCredentials>;
  let identity: string;
  if (auth.secretRef) {
    const s = auth.secretRef;
    const f = `${field}.secretRef`;
    const accessKeyId = await resolveSecretKeyString(ctx, s.accessKeyIDSecretRef, `${f}.accessKeyIDSecretRef`);
    const secretAccessKey = await resolveSecretKeyString(
      ctx,
      s.secretAccessKeySecretRef,
      `${f}.secretAccessKeySecretRef`,
    );
    const sessionToken = s.sessionTokenSecretRef
      ? await resolveSecretKeyString(ctx, s.sessionTokenSecretRef, `${f}.sessionTokenSecretRef`)
      : undefined;
    const fixed: AwsCredentials = { accessKeyId, secretAccessKey, sessionToken };
    credentials = async () => fixed;
    identity = `static:${accessKeyId}:${secretAccessKey}:${sessionToken ?? ""}`;
  } else {
    refuseAmbientCredentials(
      ctx,
      field,
      "AWS identity (default credential chain)",
      `${field}.secretRef, or the apikey, jwt or cert method`,
    );
    // The AWS credential chain loads only for stores that use it.
    const [{ buildCredentials }, { DEFAULT_TUNING }] = await Promise.all([
      import("../../aws/kit/credentials.js"),
      import("../../aws/kit/sdk-options.js"),
    ]);
    const built = await buildCredentials(undefined, {}, region, ctx, DEFAULT_TUNING, field);
    credentials = built.provider;
    identity = `chain:${built.fingerprint}`;
  }
  const path = `/authn-iam/${encodeURIComponent(auth.serviceID)}/${encodeURIComponent(auth.account)}/${hostSegment(auth.hostId)}/authenticate`;
  const login: Login = async (api) => {
    const { signRequest } = await import("../../aws/kit/sigv4.js");
    const { url, signingRegion } = stsRequest(region);
    const signed = signRequest(
      { method: "GET", url, headers: {}, body: "" },
      await credentials(),
      signingRegion,
      "sts",
    );
    return api.authenticate(path, `authenticate with authn-iam/${auth.serviceID}`, JSON.stringify(signed), {
      "content-type": "application/json",
    });
  };
  return {
    account: auth.account,
    login,
    credentials: ["iam", auth.account, auth.serviceID, auth.hostId, region, identity],
  };
}
