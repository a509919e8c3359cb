/**
 * CodeArtifactAuthorizationToken: a bearer token for the CodeArtifact domain spec.domain (owned by account
 * spec.domainOwner) from GetAuthorizationToken, as upstream. Values: authorizationToken and expiration (Unix
 * seconds). Nothing to clean up: the token expires.
 */
import { CODEARTIFACT_DURATION, type CodeArtifactAuthorizationTokenSpec } from "../../api/generators/codeartifact.js";
import { type AwsSdkTuning, DEFAULT_TUNING } from "../../providers/aws/kit/sdk-options.js";
import { generatorIdentity, identityField as identityFieldOf } from "../aws-kit/identity.js";
import { type Generator, GeneratorError } from "../generator.js";
import { codeArtifactFailure } from "./failure.js";
import { getAuthorizationToken } from "./transport.js";

function checkSpec(
  spec: CodeArtifactAuthorizationTokenSpec | undefined,
): asserts spec is CodeArtifactAuthorizationTokenSpec {
  if (!spec?.region) throw new GeneratorError("spec.region: is required");
  if (!spec.domain) throw new GeneratorError("spec.domain: is required");
  if (!spec.domainOwner) throw new GeneratorError("spec.domainOwner: is required");
  const d = spec.durationSeconds;
  if (d !== undefined && d !== 0 && (d < CODEARTIFACT_DURATION.min || d > CODEARTIFACT_DURATION.max)) {
    throw new GeneratorError(
      `spec.durationSeconds: must be 0 or between ${CODEARTIFACT_DURATION.min} and ${CODEARTIFACT_DURATION.max}, got ${d}`,
    );
  }
}

/** The generator with the given SDK settings (the registered one uses the AWS kit's defaults). */
export function newCodeArtifactAuthorizationTokenGenerator(
  tuning: Partial<AwsSdkTuning> = {},
): Generator<CodeArtifactAuthorizationTokenSpec> {
  const settings: AwsSdkTuning = { ...DEFAULT_TUNING, ...tuning };
  return {
    kind: "CodeArtifactAuthorizationToken",
    clusterSpecKey: "codeArtifactAuthorizationTokenSpec",
    async generate(spec, ctx) {
      checkSpec(spec);
      const identityField = identityFieldOf(spec.role);
      const identity = await generatorIdentity(spec, ctx, settings);
      try {
        const t = await getAuthorizationToken(
          {
            region: spec.region,
            domain: spec.domain,
            domainOwner: spec.domainOwner,
            durationSeconds: spec.durationSeconds,
          },
          identity,
          settings,
          ctx.signal,
        );
        return {
          data: {
            authorizationToken: Buffer.from(t.token),
            expiration: Buffer.from(String(Math.floor(t.expiration.getTime() / 1000))),
          },
        };
      } catch (err) {
        if (ctx.signal?.aborted) throw err;
        throw codeArtifactFailure(err, {
          region: spec.region,
          identityField,
          requestTimeoutMs: settings.requestTimeoutMs,
          identity,
        });
      }
    },
  };
}

export const codeArtifactAuthorizationTokenGenerator = newCodeArtifactAuthorizationTokenGenerator();
