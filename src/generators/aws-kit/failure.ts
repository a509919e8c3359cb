/**
 * Turns a failed AWS call made by a generator into a GeneratorError naming the spec field to fix. AWS's message
 * is kept (it says which principal was refused what) with the caller's secrets cut out, and cut to 200 chars.
 */
import { AUTH_CODES, awsErrorCode } from "../../providers/aws/kit/errors.js";
import { redactValues } from "../../template/redact.js";
import { GeneratorError } from "../generator.js";

const TIMEOUT_CODES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const MAX_MESSAGE = 200;

/** A field and what the call did wrong, for errors a generator names more precisely than "failed". */
export interface FailureVerdict {
  field: string;
  /** e.g. "rejected the request" */
  outcome: string;
}

export interface AwsFailureContext {
  /** e.g. "sts:AssumeRole" */
  operation: string;
  /** The spec field that chose the endpoint, e.g. `spec.region "eu-west-1"`. */
  endpointField: string;
  /** The field a refusal points at (spec.role or spec.auth), given the cleaned AWS message. */
  refusedField: string | ((message: string) => string);
  /** Appended to a refusal's message. */
  refusalHint?: string;
  requestTimeoutMs: number;
  /** Values that must never appear in the message (secret key, session token, MFA code). */
  secrets: ReadonlyArray<string | undefined>;
  /**
   * Keep the message even when a secret too short to cut safely was seen in it (default: drop the message).
   */
  keepMessageWithShortSecret?: boolean;
  /** Mark a cut message with "..." (default true). */
  markCut?: boolean;
  /** The generator's own reading of codes other than timeouts and refusals. */
  classify?: (code: string, message: string) => FailureVerdict | undefined;
}

export const endpointFieldFor = (region: string) => `spec.region ${JSON.stringify(region)}`;

function cleanMessage(err: unknown, f: AwsFailureContext): string {
  const secrets = f.secrets.filter((s): s is string => !!s);
  const cut = redactValues(String((err as Error)?.message ?? ""), secrets);
  if (cut.shortValueSeen && !f.keepMessageWithShortSecret) return "";
  if (cut.text.length <= MAX_MESSAGE) return cut.text;
  return `${cut.text.slice(0, MAX_MESSAGE)}${f.markCut === false ? "" : "..."}`;
}

export function awsFailure(err: unknown, f: AwsFailureContext): GeneratorError {
  if (err instanceof GeneratorError) return err;
  const code = awsErrorCode(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (TIMEOUT_CODES.has(code)) {
    return new GeneratorError(
      `${f.endpointField}: ${f.operation} timed out (no answer within ${f.requestTimeoutMs} ms per attempt)`,
    );
  }
  const message = cleanMessage(err, f);
  const detail = `${code}${status ? ` (HTTP ${status})` : ""}${message && message !== code ? `: ${message}` : ""}`;
  if (AUTH_CODES.has(code) || status === 401 || status === 403) {
    const field = typeof f.refusedField === "function" ? f.refusedField(message) : f.refusedField;
    return new GeneratorError(`${field}: ${f.operation} was refused: ${detail}${f.refusalHint ?? ""}`);
  }
  const verdict = f.classify?.(code, message);
  if (verdict) return new GeneratorError(`${verdict.field}: ${f.operation} ${verdict.outcome}: ${detail}`);
  return new GeneratorError(`${f.endpointField}: ${f.operation} failed: ${detail}`);
}
