import { NoSecretError, ProviderAuthError, ProviderThrottledError, StoreConfigError } from "../errors.js";

const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const RESOURCE_EXHAUSTED = 8;
const FAILED_PRECONDITION = 9;
const UNAUTHENTICATED = 16;

/** FAILED_PRECONDITION: e.g. the version is disabled or destroyed. */
export class GcpPreconditionError extends Error {
  override readonly name = "GcpPreconditionError";
}

/** Maps google-gax errors (gRPC status codes, also on the REST transport) to provider errors. */
export function mapGcpError(err: unknown, what: string): Error {
  if (
    err instanceof NoSecretError ||
    err instanceof ProviderAuthError ||
    err instanceof ProviderThrottledError ||
    err instanceof StoreConfigError
  ) {
    return err;
  }
  const e = err as { code?: number; details?: unknown; message?: unknown };
  const text =
    typeof e?.details === "string" && e.details ? e.details : typeof e?.message === "string" ? e.message : String(err);
  const detail = text.split("\n")[0]!.slice(0, 300);
  switch (e?.code) {
    case NOT_FOUND:
      return new NoSecretError(`gcpsm: ${what}: not found`);
    case PERMISSION_DENIED:
    case UNAUTHENTICATED:
      return new ProviderAuthError(
        `gcpsm: ${what}: ${e.code === UNAUTHENTICATED ? "unauthenticated" : "permission denied"}: ${detail}`,
      );
    case FAILED_PRECONDITION:
      return new GcpPreconditionError(`gcpsm: ${what}: failed precondition: ${detail}`);
    case RESOURCE_EXHAUSTED:
      return new ProviderThrottledError(`gcpsm: ${what}: quota exhausted / throttled`);
    default:
      return new Error(`gcpsm: ${what}: ${typeof e?.code === "number" ? `code ${e.code}: ` : ""}${detail}`);
  }
}

export async function gcpCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapGcpError(err, what);
  }
}
