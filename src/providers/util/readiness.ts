/**
 * A store's readiness from one probe call (a login, a one-item list): ready when it succeeds, otherwise not ready
 * with the provider error's message, which already names the operation and never a value.
 */
import { NoSecretError } from "../errors.js";
import type { ValidationResult } from "../provider.js";

export async function readinessOf(probe: () => Promise<unknown>): Promise<ValidationResult> {
  try {
    await probe();
    return { ready: true };
  } catch (err) {
    return { ready: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** secretExists from a read: true when it succeeds, false when the provider says the key does not exist. */
export async function existsBy(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (err) {
    if (err instanceof NoSecretError) return false;
    throw err;
  }
}
