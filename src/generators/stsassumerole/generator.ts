/**
 * STSAssumeRoleToken: temporary credentials for spec.role from STS AssumeRole, signed with whatever spec.auth
 * yields (long-term keys, IRSA's web identity session, the default chain), as upstream. Values: access_key_id,
 * secret_access_key, session_token and expiration (Unix seconds). Nothing to clean up: the credentials expire.
 */
import type { STSAssumeRoleTokenSpec } from "../../api/generators/stsassumerole.js";
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { type AwsSdkTuning, DEFAULT_TUNING } from "../../providers/aws/kit/sdk-options.js";
import { awsFailure, endpointFieldFor } from "../aws-kit/failure.js";
import { generatorIdentity } from "../aws-kit/identity.js";
import { credentialValues } from "../aws-kit/sts-credentials.js";
import { type Generator, GeneratorError } from "../generator.js";
import { assumeRole } from "./transport.js";

const OPERATION = "sts:AssumeRole";
const MIN_DURATION = 900;
const MAX_DURATION = 43_200;

function checkSpec(spec: STSAssumeRoleTokenSpec | undefined): asserts spec is STSAssumeRoleTokenSpec {
  if (!spec?.region) throw new GeneratorError("spec.region: is required");
  if (!spec.role) throw new GeneratorError("spec.role: is required");
  const d = spec.requestParameters?.sessionDuration;
  if (d !== undefined && (d < MIN_DURATION || d > MAX_DURATION)) {
    throw new GeneratorError(
      `spec.requestParameters.sessionDuration: must be between ${MIN_DURATION} and ${MAX_DURATION} seconds, got ${d}`,
    );
  }
}

function failure(err: unknown, spec: STSAssumeRoleTokenSpec, identity: AwsIdentity, timeoutMs: number) {
  return awsFailure(err, {
    operation: OPERATION,
    endpointField: endpointFieldFor(spec.region),
    refusedField: "spec.role",
    requestTimeoutMs: timeoutMs,
    secrets: [identity.secretAccessKey, identity.sessionToken],
    markCut: false,
    classify: (code, message) =>
      code === "ValidationError"
        ? {
            field: /duration/i.test(message) ? "spec.requestParameters.sessionDuration" : "spec.role",
            outcome: "rejected the request",
          }
        : undefined,
  });
}

/** The generator with the given SDK settings (the registered one uses the AWS kit's defaults). */
export function newStsAssumeRoleTokenGenerator(tuning: Partial<AwsSdkTuning> = {}): Generator<STSAssumeRoleTokenSpec> {
  const settings: AwsSdkTuning = { ...DEFAULT_TUNING, ...tuning };
  return {
    kind: "STSAssumeRoleToken",
    clusterSpecKey: "stsAssumeRoleTokenSpec",
    async generate(spec, ctx) {
      checkSpec(spec);
      // spec.role is the role this generator assumes itself (with the request parameters), not a hop of the kit's.
      const identity = await generatorIdentity(
        { auth: spec.auth, region: spec.region, failureField: "spec.auth" },
        ctx,
        settings,
      );
      try {
        const c = await assumeRole(spec.region, spec.role, identity, spec.requestParameters, settings, ctx.signal);
        return { data: credentialValues(c) };
      } catch (err) {
        if (ctx.signal?.aborted) throw err;
        throw failure(err, spec, identity, settings.requestTimeoutMs);
      }
    },
  };
}

export const stsAssumeRoleTokenGenerator = newStsAssumeRoleTokenGenerator();
