/**
 * Turns a failed GetAuthorizationToken (ECR or ECR Public) into a GeneratorError that names the spec field
 * to look at and never repeats credential material: the server's message is kept (it says which principal
 * lacks which permission) with the caller's secret key and session token blanked out.
 */
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { AUTH_CODES, awsErrorCode } from "../../providers/aws/kit/errors.js";
import { redactValues } from "../../template/redact.js";
import { GeneratorError } from "../generator.js";

const TIMEOUT_CODES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const MAX_MESSAGE = 200;

export interface FailureContext {
  /** e.g. "ecr:GetAuthorizationToken" */
  operation: string;
  /** The spec field that chose the endpoint: `spec.region "eu-west-1"` or `spec.scope "public"`. */
  endpointField: string;
  /** The spec field that chose the identity: spec.role when set, else spec.auth. */
  identityField: string;
  requestTimeoutMs: number;
  identity?: AwsIdentity;
}

function scrub(message: string, identity: AwsIdentity | undefined): string {
  const secrets = [identity?.secretAccessKey, identity?.sessionToken].filter((s): s is string => !!s);
  const out = redactValues(message, secrets).text;
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}...` : out;
}

export function ecrFailure(err: unknown, f: FailureContext): GeneratorError {
  if (err instanceof GeneratorError) return err;
  const code = awsErrorCode(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (TIMEOUT_CODES.has(code)) {
    return new GeneratorError(
      `${f.endpointField}: ${f.operation} timed out (no answer within ${f.requestTimeoutMs} ms per attempt)`,
    );
  }
  const message = scrub(String((err as Error)?.message ?? ""), f.identity);
  const detail = `${code}${status ? ` (HTTP ${status})` : ""}${message && message !== code ? `: ${message}` : ""}`;
  if (AUTH_CODES.has(code) || status === 401 || status === 403) {
    return new GeneratorError(`${f.identityField}: ${f.operation} was refused: ${detail}`);
  }
  return new GeneratorError(`${f.endpointField}: ${f.operation} failed: ${detail}`);
}
