/**
 * Turns a failed GetSessionToken into a GeneratorError naming the spec field to fix. AWS's message is kept (it
 * says which principal was refused what) with the caller's secret key, session token and MFA code cut out; a
 * message that would repeat a code too short to cut safely is left out.
 */
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { AUTH_CODES, awsErrorCode } from "../../providers/aws/kit/errors.js";
import { redactValues } from "../../template/redact.js";
import { GeneratorError } from "../generator.js";

const OPERATION = "sts:GetSessionToken";
const TIMEOUT_CODES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const MAX_MESSAGE = 200;

export interface StsFailureContext {
  region: string;
  /** spec.role when set, else spec.auth. */
  identityField: string;
  requestTimeoutMs: number;
  identity?: AwsIdentity;
  tokenCode?: string;
  serialNumber?: string;
}

function cleanMessage(err: unknown, f: StsFailureContext): string {
  const raw = String((err as Error)?.message ?? "");
  const cut = redactValues(
    raw,
    [f.identity?.secretAccessKey, f.identity?.sessionToken, f.tokenCode].filter(Boolean) as string[],
  );
  if (cut.shortValueSeen) return "";
  return cut.text.length > MAX_MESSAGE ? `${cut.text.slice(0, MAX_MESSAGE)}...` : cut.text;
}

/** The field a refusal points at: the MFA fields when AWS says the MFA check failed, else the identity. */
function refusedField(message: string, f: StsFailureContext): string {
  if (f.serialNumber && /multifactor|mfa/i.test(message)) return "spec.requestParameters.tokenCode";
  return f.identityField;
}

export function stsFailure(err: unknown, f: StsFailureContext): GeneratorError {
  if (err instanceof GeneratorError) return err;
  const code = awsErrorCode(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const endpointField = `spec.region ${JSON.stringify(f.region)}`;
  if (TIMEOUT_CODES.has(code)) {
    return new GeneratorError(
      `${endpointField}: ${OPERATION} timed out (no answer within ${f.requestTimeoutMs} ms per attempt)`,
    );
  }
  const message = cleanMessage(err, f);
  const detail = `${code}${status ? ` (HTTP ${status})` : ""}${message && message !== code ? `: ${message}` : ""}`;
  if (AUTH_CODES.has(code) || status === 401 || status === 403) {
    const hint = f.identity?.sessionToken
      ? " (GetSessionToken takes an IAM user's long-term access keys, not temporary credentials)"
      : "";
    return new GeneratorError(`${refusedField(message, f)}: ${OPERATION} was refused: ${detail}${hint}`);
  }
  if (code === "ValidationError" || code === "InvalidParameterValue") {
    const field = /duration/i.test(message)
      ? "spec.requestParameters.sessionDuration"
      : /serial/i.test(message)
        ? "spec.requestParameters.serialNumber"
        : /token ?code/i.test(message)
          ? "spec.requestParameters.tokenCode"
          : "spec.requestParameters";
    return new GeneratorError(`${field}: ${OPERATION} rejected the request: ${detail}`);
  }
  return new GeneratorError(`${endpointField}: ${OPERATION} failed: ${detail}`);
}
