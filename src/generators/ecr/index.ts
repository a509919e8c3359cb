/**
 * ECRAuthorizationToken: a registry login for Amazon ECR (private, via the SDK) or ECR Public (us-east-1),
 * using the AWS provider's credential code (static keys, IRSA, role assumption). Values: username,
 * password, proxy_endpoint (private only) and expires_at (Unix seconds), as upstream. Endpoints can be
 * redirected with AWS_ECR_ENDPOINT / AWS_ECR_PUBLIC_ENDPOINT, like the provider's AWS_*_ENDPOINT variables.
 */
import { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { buildCredentials, type CredentialProvider } from "../../providers/aws/credentials.js";
import { mapAwsError } from "../../providers/aws/errors.js";
import { JitterRetryStrategy } from "../../providers/aws/retry.js";
import { DEFAULT_TUNING } from "../../providers/aws/sdk-options.js";
import { signRequest } from "../../providers/aws/sigv4.js";
import type { AWSAuthSpec } from "../../providers/aws/spec.js";
import { type Generator, GeneratorError } from "../generator.js";
import { registerGenerator } from "../registry.js";

export interface ECRAuthorizationTokenSpec {
  region: string;
  auth?: AWSAuthSpec;
  role?: string;
  scope?: "private" | "public";
}

export const ECR_ENDPOINT_ENV = "AWS_ECR_ENDPOINT";
export const ECR_PUBLIC_ENDPOINT_ENV = "AWS_ECR_PUBLIC_ENDPOINT";
/** ECR Public's API lives in us-east-1 only. */
const PUBLIC_REGION = "us-east-1";
const PUBLIC_TARGET = "SpencerFrontendService.GetAuthorizationToken";

function splitToken(token: string | undefined): { username: string; password: string } {
  const decoded = Buffer.from(token ?? "", "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i <= 0) throw new GeneratorError("ecr: unexpected authorization token format");
  return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

const seconds = (d: Date | number | undefined) =>
  String(Math.floor(d instanceof Date ? d.getTime() / 1000 : Number(d ?? 0)));

async function privateToken(region: string, credentials: CredentialProvider): Promise<Record<string, Buffer>> {
  const endpoint = process.env[ECR_ENDPOINT_ENV] || undefined;
  const client = new ECRClient({
    region,
    credentials,
    maxAttempts: DEFAULT_TUNING.maxAttempts,
    retryStrategy: new JitterRetryStrategy(DEFAULT_TUNING.maxAttempts, DEFAULT_TUNING.retryBaseMs),
    ...(endpoint ? { endpoint } : {}),
  });
  try {
    const out = await client.send(new GetAuthorizationTokenCommand({}));
    const data = out.authorizationData?.[0];
    if (!data?.authorizationToken) throw new GeneratorError("ecr: GetAuthorizationToken returned no token");
    const { username, password } = splitToken(data.authorizationToken);
    return {
      username: Buffer.from(username),
      password: Buffer.from(password),
      proxy_endpoint: Buffer.from(data.proxyEndpoint ?? ""),
      expires_at: Buffer.from(seconds(data.expiresAt)),
    };
  } catch (err) {
    if (err instanceof GeneratorError) throw err;
    throw mapAwsError(err, "ecr:GetAuthorizationToken");
  } finally {
    client.destroy();
  }
}

async function publicToken(credentials: CredentialProvider, signal?: AbortSignal): Promise<Record<string, Buffer>> {
  const url = new URL(process.env[ECR_PUBLIC_ENDPOINT_ENV] || `https://api.ecr-public.${PUBLIC_REGION}.amazonaws.com`);
  const body = "{}";
  const headers = signRequest(
    {
      method: "POST",
      url,
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": PUBLIC_TARGET },
      body,
    },
    await credentials(),
    PUBLIC_REGION,
    "ecr-public",
  );
  delete headers.Host;
  const res = await fetch(url, { method: "POST", headers, body, signal });
  const json = (await res.json().catch(() => ({}))) as Record<string, any>;
  if (!res.ok) {
    const code = String(json.__type ?? "Error")
      .split("#")
      .pop();
    throw mapAwsError(
      { name: code, message: json.message ?? "", $metadata: { httpStatusCode: res.status } },
      "ecr-public:GetAuthorizationToken",
    );
  }
  const data = json.authorizationData;
  if (!data?.authorizationToken) throw new GeneratorError("ecr-public: GetAuthorizationToken returned no token");
  const { username, password } = splitToken(data.authorizationToken);
  return {
    username: Buffer.from(username),
    password: Buffer.from(password),
    expires_at: Buffer.from(seconds(data.expiresAt)),
  };
}

export const ecrAuthorizationTokenGenerator: Generator<ECRAuthorizationTokenSpec> = {
  kind: "ECRAuthorizationToken",
  clusterSpecKey: "ecrAuthorizationTokenSpec",
  async generate(spec, ctx) {
    if (!spec?.region) throw new GeneratorError("spec.region: is required");
    const scope = spec.scope ?? "private";
    if (scope !== "private" && scope !== "public") {
      throw new GeneratorError(`spec.scope: must be private or public, got "${scope}"`);
    }
    const region = scope === "public" ? PUBLIC_REGION : spec.region;
    const { provider } = await buildCredentials(
      spec.auth,
      { role: spec.role },
      region,
      { kube: ctx.kube, storeKind: "SecretStore", storeName: "ecrauthorizationtoken", namespace: ctx.namespace },
      DEFAULT_TUNING,
      "spec",
    );
    const data = scope === "public" ? await publicToken(provider, ctx.signal) : await privateToken(region, provider);
    return { data };
  },
};

registerGenerator(ecrAuthorizationTokenGenerator);
