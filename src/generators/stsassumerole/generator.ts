/**
 * STSAssumeRoleToken: temporary credentials for spec.role from STS AssumeRole, signed with whatever spec.auth
 * yields (long-term keys, IRSA's web identity session, the default chain), as upstream. Values: access_key_id,
 * secret_access_key, session_token and expiration (Unix seconds). Nothing to clean up: the credentials expire.
 */
import type { STSAssumeRoleTokenSpec } from "../../api/generators/stsassumerole.js";
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { AUTH_CODES, awsErrorCode } from "../../providers/aws/kit/errors.js";
import { type AwsSdkTuning, DEFAULT_TUNING } from "../../providers/aws/kit/sdk-options.js";
import { redactValues } from "../../template/redact.js";
import { type Generator, GeneratorError } from "../generator.js";
import { assumeRole } from "./transport.js";

const OPERATION = "sts:AssumeRole";
const TIMEOUT_CODES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
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
  if (err instanceof GeneratorError) return err;
  const code = awsErrorCode(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (TIMEOUT_CODES.has(code)) {
    return new GeneratorError(
      `spec.region ${JSON.stringify(spec.region)}: ${OPERATION} timed out (no answer within ${timeoutMs} ms per attempt)`,
    );
  }
  const secrets = [identity.secretAccessKey, identity.sessionToken].filter((s): s is string => !!s);
  const cut = redactValues(String((err as Error)?.message ?? ""), secrets);
  const message = cut.shortValueSeen ? "" : cut.text.slice(0, 200);
  const detail = `${code}${status ? ` (HTTP ${status})` : ""}${message && message !== code ? `: ${message}` : ""}`;
  if (AUTH_CODES.has(code) || status === 401 || status === 403) {
    return new GeneratorError(`spec.role: ${OPERATION} was refused: ${detail}`);
  }
  if (code === "ValidationError") {
    const field = /duration/i.test(message) ? "spec.requestParameters.sessionDuration" : "spec.role";
    return new GeneratorError(`${field}: ${OPERATION} rejected the request: ${detail}`);
  }
  return new GeneratorError(`spec.region ${JSON.stringify(spec.region)}: ${OPERATION} failed: ${detail}`);
}

/** The generator with the given SDK settings (the registered one uses the AWS kit's defaults). */
export function newStsAssumeRoleTokenGenerator(tuning: Partial<AwsSdkTuning> = {}): Generator<STSAssumeRoleTokenSpec> {
  const settings: AwsSdkTuning = { ...DEFAULT_TUNING, ...tuning };
  return {
    kind: "STSAssumeRoleToken",
    clusterSpecKey: "stsAssumeRoleTokenSpec",
    async generate(spec, ctx) {
      checkSpec(spec);
      const { buildCredentials } = await import("../../providers/aws/kit/credentials.js");
      // spec.role is the role this generator assumes itself (with the request parameters), not a hop of the kit's.
      const { provider } = await buildCredentials(
        spec.auth,
        {},
        spec.region,
        { kube: ctx.kube, storeKind: "SecretStore", namespace: ctx.namespace },
        settings,
        "spec",
      );
      let identity: AwsIdentity;
      try {
        identity = await provider();
      } catch (err) {
        if (ctx.signal?.aborted) throw err;
        throw new GeneratorError(`spec.auth: ${(err as Error).message}`);
      }
      try {
        const c = await assumeRole(spec.region, spec.role, identity, spec.requestParameters, settings, ctx.signal);
        return {
          data: {
            access_key_id: Buffer.from(c.accessKeyId),
            secret_access_key: Buffer.from(c.secretAccessKey),
            session_token: Buffer.from(c.sessionToken),
            ...(c.expiration ? { expiration: Buffer.from(String(Math.floor(c.expiration.getTime() / 1000))) } : {}),
          },
        };
      } catch (err) {
        if (ctx.signal?.aborted) throw err;
        throw failure(err, spec, identity, settings.requestTimeoutMs);
      }
    },
  };
}

export const stsAssumeRoleTokenGenerator = newStsAssumeRoleTokenGenerator();
