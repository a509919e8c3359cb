/**
 * The one STS call this generator makes: AssumeRole through the SDK, on the AWS kit's client settings (endpoint
 * override AWS_STS_ENDPOINT, per-attempt timeouts, the shared jitter retry strategy).
 */
import type { AssumeRoleRequestParameters } from "../../api/generators/stsassumerole.js";
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { type AwsSdkTuning, clientConfig } from "../../providers/aws/kit/sdk-options.js";
import { GeneratorError } from "../generator.js";

/** The session name AWS records in CloudTrail for the assumed role. */
export const ROLE_SESSION_NAME = "external-secrets-generator-sts-assume-role";

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

export async function assumeRole(
  region: string,
  roleArn: string,
  identity: AwsIdentity,
  params: AssumeRoleRequestParameters | undefined,
  tuning: AwsSdkTuning,
  signal: AbortSignal | undefined,
): Promise<RoleCredentials> {
  const { STSClient, AssumeRoleCommand } = await import("@aws-sdk/client-sts");
  const client = new STSClient({ ...clientConfig("sts", region, tuning), credentials: identity });
  try {
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: ROLE_SESSION_NAME,
        ...(params?.sessionDuration !== undefined ? { DurationSeconds: params.sessionDuration } : {}),
        ...(params?.externalID ? { ExternalId: params.externalID } : {}),
      }),
      { abortSignal: signal },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
      throw new GeneratorError("sts:AssumeRole returned no credentials");
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
