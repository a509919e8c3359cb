/** The one STS call this generator makes: AssumeRole through the SDK, on the AWS kit's client settings. */
import type { AssumeRoleRequestParameters } from "../../api/generators/stsassumerole.js";
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import type { AwsSdkTuning } from "../../providers/aws/kit/sdk-options.js";
import { type TemporaryCredentials, temporaryCredentials, withStsClient } from "../aws-kit/sts-credentials.js";

/** The session name AWS records in CloudTrail for the assumed role. */
export const ROLE_SESSION_NAME = "external-secrets-generator-sts-assume-role";

export async function assumeRole(
  region: string,
  roleArn: string,
  identity: AwsIdentity,
  params: AssumeRoleRequestParameters | undefined,
  tuning: AwsSdkTuning,
  signal: AbortSignal | undefined,
): Promise<TemporaryCredentials> {
  return withStsClient(region, identity, tuning, async (client, { AssumeRoleCommand }) => {
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: ROLE_SESSION_NAME,
        ...(params?.sessionDuration !== undefined ? { DurationSeconds: params.sessionDuration } : {}),
        ...(params?.externalID ? { ExternalId: params.externalID } : {}),
      }),
      { abortSignal: signal },
    );
    return temporaryCredentials(out.Credentials, "sts:AssumeRole", false);
  });
}
