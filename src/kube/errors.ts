/**
 * A failed API call. `code` is the HTTP status, 0 when no response arrived (connection refused, timeout, body
 * over the size cap); `reason` is the Status reason. The message names the verb and path and carries the API
 * server's own Status message, never a request or response body.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly code: number,
    message: string,
    readonly reason?: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.code === 404;
/** A write lost a race (stale resourceVersion). A create of an existing name is `isAlreadyExists` instead. */
export const isConflict = (e: unknown): boolean =>
  e instanceof ApiError && e.code === 409 && e.reason !== "AlreadyExists";
export const isAlreadyExists = (e: unknown): boolean =>
  e instanceof ApiError && e.code === 409 && e.reason === "AlreadyExists";
/** The resourceVersion a list or watch asked for has been compacted away: list again. */
export const isGone = (e: unknown): boolean => e instanceof ApiError && e.code === 410;
