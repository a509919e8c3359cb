/**
 * STSSessionToken: temporary credentials for the IAM user whose keys spec.auth.secretRef holds, from STS
 * GetSessionToken (optionally with an MFA device's code), as upstream. Values: access_key_id,
 * secret_access_key, session_token and expiration (Unix seconds). Nothing to clean up: the credentials expire.
 */
import type { STSSessionTokenSpec } from "../../api/generators/sts.js";
import { type AwsSdkTuning, DEFAULT_TUNING } from "../../providers/aws/kit/sdk-options.js";
import { generatorIdentity, identityField as identityFieldOf } from "../aws-kit/identity.js";
import { credentialValues } from "../aws-kit/sts-credentials.js";
import { type Generator, GeneratorError } from "../generator.js";
import { stsFailure } from "./failure.js";
import { getSessionToken } from "./transport.js";

const SESSION_DURATION = { min: 900, max: 129_600 };

function checkSpec(spec: STSSessionTokenSpec | undefined): asserts spec is STSSessionTokenSpec {
  if (!spec?.region) throw new GeneratorError("spec.region: is required");
  // As upstream: GetSessionToken needs an IAM user's long-term keys, which a web identity never yields.
  if (spec.auth?.jwt) {
    throw new GeneratorError("spec.auth.jwt: cannot be used for STSSessionToken; use spec.auth.secretRef");
  }
  const duration = spec.requestParameters?.sessionDuration;
  if (duration !== undefined && (duration < SESSION_DURATION.min || duration > SESSION_DURATION.max)) {
    throw new GeneratorError(
      `spec.requestParameters.sessionDuration: must be between ${SESSION_DURATION.min} and ${SESSION_DURATION.max} seconds, got ${duration}`,
    );
  }
  const { serialNumber, tokenCode } = spec.requestParameters ?? {};
  if (tokenCode && !serialNumber) {
    throw new GeneratorError("spec.requestParameters.serialNumber: is required with tokenCode");
  }
}

/** The generator with the given SDK settings (the registered one uses the AWS kit's defaults). */
export function newStsSessionTokenGenerator(tuning: Partial<AwsSdkTuning> = {}): Generator<STSSessionTokenSpec> {
  const settings: AwsSdkTuning = { ...DEFAULT_TUNING, ...tuning };
  return {
    kind: "STSSessionToken",
    clusterSpecKey: "stsSessionTokenSpec",
    async generate(spec, ctx) {
      checkSpec(spec);
      const identityField = identityFieldOf(spec.role);
      const params = spec.requestParameters;
      const failure = {
        region: spec.region,
        identityField,
        requestTimeoutMs: settings.requestTimeoutMs,
        tokenCode: params?.tokenCode,
        serialNumber: params?.serialNumber,
      };
      const identity = await generatorIdentity(spec, ctx, settings);
      try {
        const c = await getSessionToken(spec.region, identity, params, settings, ctx.signal);
        return { data: credentialValues(c) };
      } catch (err) {
        if (ctx.signal?.aborted) throw err;
        throw stsFailure(err, { ...failure, identity });
      }
    },
  };
}

export const stsSessionTokenGenerator = newStsSessionTokenGenerator();
