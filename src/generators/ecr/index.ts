/**
 * ECRAuthorizationToken: a registry login for Amazon ECR (private, via the SDK) or ECR Public (us-east-1),
 * using the AWS provider's credential code (static keys, IRSA, role assumption) and SDK settings (timeouts,
 * retries). Values: username, password, proxy_endpoint (private only) and expires_at (Unix seconds), as
 * upstream. Endpoints can be redirected with AWS_ECR_ENDPOINT / AWS_ECR_PUBLIC_ENDPOINT (ENDPOINT_ENV).
 */
import type { ECRAuthorizationTokenSpec } from "../../api/generators.js";
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import {
  type AwsSdkTuning,
  clientConfig,
  DEFAULT_TUNING,
  ENDPOINT_ENV,
  endpointFor,
} from "../../providers/aws/kit/sdk-options.js";
import { type AwsFailureContext, awsFailure, endpointFieldFor } from "../aws-kit/failure.js";
import { generatorIdentity, identityField } from "../aws-kit/identity.js";
import { type Generator, GeneratorError } from "../generator.js";
import { PUBLIC_REGION, publicAuthorizationData } from "./public.js";

export const ECR_ENDPOINT_ENV = ENDPOINT_ENV.ecr;
export const ECR_PUBLIC_ENDPOINT_ENV = ENDPOINT_ENV.ecrpublic;

function splitToken(token: string | undefined): { username: string; password: string } {
  const decoded = Buffer.from(token ?? "", "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i <= 0) throw new GeneratorError("ecr: unexpected authorization token format");
  return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

const seconds = (d: Date | number | undefined) =>
  String(Math.floor(d instanceof Date ? d.getTime() / 1000 : Number(d ?? 0)));

async function privateToken(
  region: string,
  identity: AwsIdentity,
  tuning: AwsSdkTuning,
  signal: AbortSignal | undefined,
): Promise<Record<string, Buffer>> {
  const { ECRClient, GetAuthorizationTokenCommand } = await import("@aws-sdk/client-ecr");
  const client = new ECRClient({ ...clientConfig("ecr", region, tuning), credentials: identity });
  try {
    const out = await client.send(new GetAuthorizationTokenCommand({}), { abortSignal: signal });
    const data = out.authorizationData?.[0];
    if (!data?.authorizationToken) throw new GeneratorError("ecr: GetAuthorizationToken returned no token");
    const { username, password } = splitToken(data.authorizationToken);
    return {
      username: Buffer.from(username),
      password: Buffer.from(password),
      proxy_endpoint: Buffer.from(data.proxyEndpoint ?? ""),
      expires_at: Buffer.from(seconds(data.expiresAt)),
    };
  } finally {
    client.destroy();
  }
}

async function publicToken(
  identity: AwsIdentity,
  tuning: AwsSdkTuning,
  signal: AbortSignal | undefined,
): Promise<Record<string, Buffer>> {
  const endpoint = endpointFor("ecrpublic") ?? `https://api.ecr-public.${PUBLIC_REGION}.amazonaws.com`;
  const data = await publicAuthorizationData(endpoint, identity, tuning, signal);
  if (!data.authorizationToken) throw new GeneratorError("ecr-public: GetAuthorizationToken returned no token");
  const { username, password } = splitToken(data.authorizationToken);
  return {
    username: Buffer.from(username),
    password: Buffer.from(password),
    expires_at: Buffer.from(seconds(data.expiresAt)),
  };
}

/** The generator with the given SDK settings (the registered one uses the provider's defaults). */
export function newEcrAuthorizationTokenGenerator(
  tuning: Partial<AwsSdkTuning> = {},
): Generator<ECRAuthorizationTokenSpec> {
  const settings: AwsSdkTuning = { ...DEFAULT_TUNING, ...tuning };
  return {
    kind: "ECRAuthorizationToken",
    clusterSpecKey: "ecrRAuthorizationTokenSpec", // upstream's spelling, kept so its manifests apply
    async generate(spec, ctx) {
      if (!spec?.region) throw new GeneratorError("spec.region: is required");
      const scope = spec.scope ?? "private";
      if (scope !== "private" && scope !== "public") {
        throw new GeneratorError(`spec.scope: must be private or public, got "${scope}"`);
      }
      const region = scope === "public" ? PUBLIC_REGION : spec.region;
      const identity = await generatorIdentity({ ...spec, region, failureField: false }, ctx, settings);
      const failure: AwsFailureContext = {
        operation: scope === "public" ? "ecr-public:GetAuthorizationToken" : "ecr:GetAuthorizationToken",
        endpointField: scope === "public" ? 'spec.scope "public"' : endpointFieldFor(region),
        refusedField: identityField(spec.role),
        requestTimeoutMs: settings.requestTimeoutMs,
        secrets: [identity.secretAccessKey, identity.sessionToken],
        keepMessageWithShortSecret: true,
      };
      try {
        const data =
          scope === "public"
            ? await publicToken(identity, settings, ctx.signal)
            : await privateToken(region, identity, settings, ctx.signal);
        return { data };
      } catch (err) {
        if (ctx.signal?.aborted) throw err;
        throw awsFailure(err, failure);
      }
    },
  };
}

export const ecrAuthorizationTokenGenerator = newEcrAuthorizationTokenGenerator();
