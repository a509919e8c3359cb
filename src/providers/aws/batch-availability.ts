/**
 * Remembers, per Secrets Manager SDK client, that BatchGetSecretValue is unavailable to its caller (IAM does
 * not grant it, or the endpoint does not implement it), so later reconciles go straight to GetSecretValue
 * instead of paying a failing batch call first. The memory lapses after BATCH_UNAVAILABLE_MS so a newly
 * granted permission is picked up; a client built for other credentials starts with batching allowed.
 * Transient failures (throttling, 5xx, timeouts) never count: the next batch tries again.
 */
import { awsErrorCode } from "./kit/errors.js";

export const BATCH_UNAVAILABLE_MS = 10 * 60_000;

/** Error codes meaning "this caller may not (or cannot) call this operation", not "try again later". */
const UNAVAILABLE_CODES = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnauthorizedOperation",
  "UnknownOperationException",
  "UnsupportedOperationException",
  "UnsupportedOperation",
  "InvalidAction",
  "NotImplemented",
]);

const unavailableUntil = new WeakMap<object, number>();

/** True when `err` from a batch call says the operation itself is refused rather than failing transiently. */
export function isBatchRefused(err: unknown): boolean {
  if (UNAVAILABLE_CODES.has(awsErrorCode(err))) return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (status === 501) return true;
  return /is not authorized to perform/i.test(String((err as Error)?.message ?? ""));
}

export function batchAvailable(client: object, now = Date.now()): boolean {
  const until = unavailableUntil.get(client);
  if (until === undefined) return true;
  if (now < until) return false;
  unavailableUntil.delete(client);
  return true;
}

export function markBatchUnavailable(client: object, now = Date.now()): void {
  unavailableUntil.set(client, now + BATCH_UNAVAILABLE_MS);
}
