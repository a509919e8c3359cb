/**
 * Maps AWS SDK errors to the provider error types with messages that name the operation and key, never a value.
 */
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../../errors.js";

/** Error codes that mean the caller's identity was refused or is invalid. */
export const AUTH_CODES: ReadonlySet<string> = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "CredentialsProviderError",
  "InvalidIdentityToken",
  "IDPRejectedClaim",
  "KMSAccessDeniedException",
]);
const THROTTLE_CODES = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ThrottledException",
  "TooManyUpdates",
]);
const NOT_FOUND_CODES = new Set(["ResourceNotFoundException", "ParameterNotFound", "ParameterVersionNotFound"]);

export function awsErrorCode(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  return e?.Code ?? e?.name ?? e?.code ?? "Error";
}

export function isNotFound(err: unknown): boolean {
  return NOT_FOUND_CODES.has(awsErrorCode(err));
}

/** Converts an SDK error into NoSecretError / ProviderAuthError / ProviderThrottledError / Error. */
export function mapAwsError(err: unknown, what: string): Error {
  if (err instanceof NoSecretError || err instanceof ProviderAuthError || err instanceof ProviderThrottledError)
    return err;
  const code = awsErrorCode(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const message = String((err as Error)?.message ?? "").slice(0, 200);
  const detail = `${code}${status ? ` (HTTP ${status})` : ""}${message && message !== code ? `: ${message}` : ""}`;
  if (NOT_FOUND_CODES.has(code)) return new NoSecretError(`aws: ${what}: not found`);
  if (AUTH_CODES.has(code) || status === 401 || status === 403) return new ProviderAuthError(`aws: ${what}: ${detail}`);
  if (THROTTLE_CODES.has(code) || status === 429) return new ProviderThrottledError(`aws: ${what}: ${detail}`);
  if (code === "TimeoutError" || code === "RequestTimeout") return new Error(`aws: ${what}: request timed out`);
  return new Error(`aws: ${what}: ${detail}`);
}

/** Runs one SDK call; a failure is mapped to a provider error naming `what`. */
export async function awsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapAwsError(err, what);
  }
}
