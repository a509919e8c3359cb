/**
 * What the STS generators share: an STS client on the AWS kit's settings (endpoint override AWS_STS_ENDPOINT,
 * per-attempt timeouts, the shared jitter retry strategy), the temporary credentials it answers with, and their
 * output keys as upstream (access_key_id, secret_access_key, session_token, expiration in Unix seconds).
 */
import type { Credentials, STSClient } from "@aws-sdk/client-sts";
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { type AwsSdkTuning, clientConfig } from "../../providers/aws/kit/sdk-options.js";
import { GeneratorError } from "../generator.js";

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

type StsSdk = typeof import("@aws-sdk/client-sts");

/** Runs `call` with an STS client (the SDK loaded on first use) and destroys the client afterwards. */
export async function withStsClient<T>(
  region: string,
  identity: AwsIdentity,
  tuning: AwsSdkTuning,
  call: (client: STSClient, sdk: StsSdk) => Promise<T>,
): Promise<T> {
  const sdk = await import("@aws-sdk/client-sts");
  const client = new sdk.STSClient({ ...clientConfig("sts", region, tuning), credentials: identity });
  try {
    return await call(client, sdk);
  } finally {
    client.destroy();
  }
}

/** The credentials of an STS answer; `operation` names the call when they are missing. */
export function temporaryCredentials(
  c: Credentials | undefined,
  operation: string,
  expirationRequired: boolean,
): TemporaryCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || (expirationRequired && !c.Expiration)) {
    throw new GeneratorError(`${operation} returned no credentials`);
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

export function credentialValues(c: TemporaryCredentials): Record<string, Buffer> {
  return {
    access_key_id: Buffer.from(c.accessKeyId),
    secret_access_key: Buffer.from(c.secretAccessKey),
    session_token: Buffer.from(c.sessionToken),
    ...(c.expiration ? { expiration: Buffer.from(String(Math.floor(c.expiration.getTime() / 1000))) } : {}),
  };
}
