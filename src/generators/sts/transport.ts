/** The one STS call this generator makes: GetSessionToken through the SDK, on the AWS kit's client settings. */
import type { STSRequestParameters } from "../../api/generators/sts.js";
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import type { AwsSdkTuning } from "../../providers/aws/kit/sdk-options.js";
import { type TemporaryCredentials, temporaryCredentials, withStsClient } from "../aws-kit/sts-credentials.js";

export async function getSessionToken(
  region: string,
  identity: AwsIdentity,
  params: STSRequestParameters | undefined,
  tuning: AwsSdkTuning,
  signal: AbortSignal | undefined,
): Promise<TemporaryCredentials> {
  return withStsClient(region, identity, tuning, async (client, { GetSessionTokenCommand }) => {
    const out = await client.send(
      new GetSessionTokenCommand({
        ...(params?.sessionDuration !== undefined ? { DurationSeconds: params.sessionDuration } : {}),
        ...(params?.serialNumber ? { SerialNumber: params.serialNumber } : {}),
        ...(params?.tokenCode ? { TokenCode: params.tokenCode } : {}),
      }),
      { abortSignal: signal },
    );
    return temporaryCredentials(out.Credentials, "sts:GetSessionToken", true);
  });
}
