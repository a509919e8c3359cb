/**
 * RDSIAMAuthToken: an IAM authentication token for an RDS database user, presigned locally with the AWS
 * credentials spec.auth/spec.role select (static keys, IRSA, role assumption), as upstream. Values: username,
 * password and token (the same token), hostname, port, endpoint (host:port) and expires_at (Unix seconds, 15
 * minutes on). Nothing to clean up: the token expires.
 */
import type { RDSIAMAuthTokenSpec } from "../../api/generators/rdsiam.js";
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { type AwsSdkTuning, DEFAULT_TUNING } from "../../providers/aws/kit/sdk-options.js";
import { type Generator, GeneratorError } from "../generator.js";
import { RDS_TOKEN_TTL_SECONDS, rdsAuthToken } from "./presign.js";

interface CheckedSpec {
  region: string;
  hostname: string;
  port: number;
  username: string;
}

function checkSpec(spec: RDSIAMAuthTokenSpec | undefined): CheckedSpec {
  const region = spec?.region?.trim();
  if (!region) throw new GeneratorError("spec.region: is required");
  const hostname = spec?.hostname?.trim();
  if (!hostname) throw new GeneratorError("spec.hostname: is required");
  const port = spec?.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new GeneratorError(`spec.port: must be between 1 and 65535, got ${port}`);
  }
  const username = spec?.username?.trim();
  if (!username) throw new GeneratorError("spec.username: is required");
  return { region, hostname, port, username };
}

/** The generator with the given SDK settings (they apply to the role assumption; the token is made locally). */
export function newRdsIamAuthTokenGenerator(
  tuning: Partial<AwsSdkTuning> = {},
  now: () => Date = () => new Date(),
): Generator<RDSIAMAuthTokenSpec> {
  const settings: AwsSdkTuning = { ...DEFAULT_TUNING, ...tuning };
  return {
    kind: "RDSIAMAuthToken",
    clusterSpecKey: "rdsIAMAuthTokenSpec",
    async generate(spec, ctx) {
      const s = checkSpec(spec);
      const { buildCredentials } = await import("../../providers/aws/kit/credentials.js");
      const { provider } = await buildCredentials(
        spec.auth,
        { role: spec.role },
        s.region,
        { kube: ctx.kube, storeKind: "SecretStore", namespace: ctx.namespace },
        settings,
        "spec",
      );
      const identityField = spec.role ? "spec.role" : "spec.auth";
      let identity: AwsIdentity;
      try {
        identity = await provider();
      } catch (err) {
        if (ctx.signal?.aborted) throw err;
        throw new GeneratorError(`${identityField}: ${(err as Error).message}`);
      }
      const at = now();
      const token = Buffer.from(rdsAuthToken(s, identity, at));
      const endpoint = `${s.hostname}:${s.port}`;
      return {
        data: {
          username: Buffer.from(s.username),
          password: token,
          token: Buffer.from(token),
          hostname: Buffer.from(s.hostname),
          port: Buffer.from(String(s.port)),
          endpoint: Buffer.from(endpoint),
          expires_at: Buffer.from(String(Math.floor(at.getTime() / 1000) + RDS_TOKEN_TTL_SECONDS)),
        },
      };
    },
  };
}

export const rdsIamAuthTokenGenerator = newRdsIamAuthTokenGenerator();
