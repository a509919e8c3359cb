/**
 * The one STS call this generator makes: GetSessionToken through the SDK, on the AWS kit's client settings
 * (endpoint override AWS_STS_ENDPOINT, per-attempt timeouts, the shared jitter retry strategy).
 */
import type { STSRequestParameters } from "../../api/generators/sts.js";
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { type AwsSdkTuning, clientConfig } from "../../providers/aws/kit/sdk-options.js";
import { GeneratorError } from "../generator.js";

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export async function getSessionToken(
  region: string,
  identity: AwsIdentity,
  params: STSRequestParameters | undefined,
  tuning: AwsSdkTuning,
  signal: AbortSignal | undefined,
): Promise<SessionCredentials> {
  const { STSClient, GetSessionTokenCommand } = await import("@aws-sdk/client-sts");
  const client = new STSClient({ ...clientConfig("sts", region, tuning), credentials: identity });
  try {
    const out = await client.send(
      new GetSessionTokenCommand({
        ...(params?.sessionDuration !== undefined ? { DurationSeconds: params.sessionDuration } : {}),
        ...(params?.serialNumber ? { SerialNumber: params.serialNumber } : {}),
        ...(params?.tokenCode ? { TokenCode: params.tokenCode } : {}),
      }),
      { abortSignal: signal },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new GeneratorError("sts:GetSessionToken returned no credentials");
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  } finally {
    client.destroy();
  }
}
