/**
 * Turns a failed GetAuthorizationToken into a GeneratorError naming the spec field to fix. AWS's message is kept
 * (it names the refused principal or the missing domain) with the caller's secret key and session token cut out.
 */
import type { AwsIdentity } from "../../providers/aws/kit/credentials.js";
import { AUTH_CODES, awsErrorCode } from "../../providers/aws/kit/errors.js";
import { redactValues } from "../../template/redact.js";
import { GeneratorError } from "../generator.js";

const OPERATION = "codeartifact:GetAuthorizationToken";
const TIMEOUT_CODES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const MAX_MESSAGE = 200;

export interface CodeArtifactFailureContext {
  region: string;
  /** spec.role when set, else spec.auth. */
  identityField: string;
  requestTimeoutMs: number;
  identity?: AwsIdentity;
}

function cleanMessage(err: unknown, identity: AwsIdentity | undefined): string {
  const secrets = [identity?.secretAccessKey, identity?.sessionToken].filter((s): s is string => !!s);
  const cut = redactValues(String((err as Error)?.message ?? ""), secrets);
  if (cut.shortValueSeen) return "";
  return cut.text.length > MAX_MESSAGE ? `${cut.text.slice(0, MAX_MESSAGE)}...` : cut.text;
}

export function codeArtifactFailure(err: unknown, f: CodeArtifactFailureContext): GeneratorError {
  if (err instanceof GeneratorError) return err;
  const code = awsErrorCode(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const endpointField = `spec.region ${JSON.stringify(f.region)}`;
  if (TIMEOUT_CODES.has(code)) {
    return new GeneratorError(
      `${endpointField}: ${OPERATION} timed out (no answer within ${f.requestTimeoutMs} ms per attempt)`,
    );
  }
  const message = cleanMessage(err, f.identity);
  const detail = `${code}${status ? ` (HTTP ${status})` : ""}${message && message !== code ? `: ${message}` : ""}`;
  if (AUTH_CODES.has(code) || status === 401 || status === 403) {
    return new GeneratorError(`${f.identityField}: ${OPERATION} was refused: ${detail}`);
  }
  if (code === "ResourceNotFoundException") {
    return new GeneratorError(`spec.domain/spec.domainOwner: ${OPERATION} found no such domain: ${detail}`);
  }
  if (code === "ValidationException") {
    const field = /duration/i.test(message) ? "spec.durationSeconds" : "spec";
    return new GeneratorError(`${field}: ${OPERATION} rejected the request: ${detail}`);
  }
  return new GeneratorError(`${endpointField}: ${OPERATION} failed: ${detail}`);
}
