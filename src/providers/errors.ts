/**
 * Typed provider errors. Messages name keys and fields, never values.
 */

/** The remote secret (or property) does not exist. Drives deletionPolicy Delete/Merge. */
export class NoSecretError extends Error {
  override readonly name = "NoSecretError";
}

/** Authentication or authorization against the provider failed. Counted in auth-failure metrics. */
export class ProviderAuthError extends Error {
  override readonly name = "ProviderAuthError";
}

/** The provider throttled us (HTTP 429 / ThrottlingException); retry with backoff. */
export class ProviderThrottledError extends Error {
  override readonly name = "ProviderThrottledError";
}

/** The store spec or a referenced credential is unusable (missing key, bad field). */
export class StoreConfigError extends Error {
  override readonly name = "StoreConfigError";
}

/** The operation is not supported by this provider (e.g. push on a read-only provider). */
export class NotSupportedError extends Error {
  override readonly name = "NotSupportedError";
}
