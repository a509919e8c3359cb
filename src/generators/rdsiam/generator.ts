/**
 * RDSIAMAuthToken: an IAM authentication token for an RDS database user, presigned locally with the AWS
 * credentials spec.auth/spec.role select (static keys, IRSA, role assumption), as upstream. Values: username,
 * password and token (the same token), hostname, port, endpoint (host:port) and expires_at (Unix seconds, 15
 * minutes on). Nothing to clean up: the token expires.
 */
import type { RDSIAMAuthTokenSpec } from "../../api/generators/rdsiam.js";
import { type AwsSdkTuning, DEFAULT_TUNING } from "../../providers/aws/kit/sdk-options.js";
import { generatorIdentity } from "../aws-kit/identity.js";
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
      const identity = await generatorIdentity({ ...spec, region: s.region }, ctx, settings);
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
