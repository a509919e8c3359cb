/**
 * The one CodeArtifact call this generator makes: GetAuthorizationToken through the SDK, on the AWS kit's client
 * settings (endpoint override AWS_CODEARTIFACT_ENDPOINT, per-attempt timeouts, the shared jitter retry strategy).
 */
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { type AwsSdkTuning, clientConfig } from "../../providers/aws/kit/sdk-options.js";
import { GeneratorError } from "../generator.js";

export interface CodeArtifactToken {
  token: string;
  expiration: Date;
}

export interface TokenRequest {
  region: string;
  domain: string;
  domainOwner: string;
  durationSeconds?: number;
}

export async function getAuthorizationToken(
  req: TokenRequest,
  identity: AwsIdentity,
  tuning: AwsSdkTuning,
  signal: AbortSignal | undefined,
): Promise<CodeArtifactToken> {
  const { CodeartifactClient, GetAuthorizationTokenCommand } = await import("@aws-sdk/client-codeartifact");
  const client = new CodeartifactClient({ ...clientConfig("codeartifact", req.region, tuning), credentials: identity });
  try {
    const out = await client.send(
      new GetAuthorizationTokenCommand({
        domain: req.domain,
        domainOwner: req.domainOwner,
        ...(req.durationSeconds !== undefined ? { durationSeconds: req.durationSeconds } : {}),
      }),
      { abortSignal: signal },
    );
    if (!out.authorizationToken) throw new GeneratorError("codeartifact:GetAuthorizationToken returned no token");
    if (!out.expiration) throw new GeneratorError("codeartifact:GetAuthorizationToken returned no expiration");
    return { token: out.authorizationToken, expiration: out.expiration };
  } finally {
    client.destroy();
  }
}
