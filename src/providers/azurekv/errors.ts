import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../errors.js";

/**
 * Maps Azure SDK errors (RestError from Key Vault, AuthenticationError / CredentialUnavailableError from
 * @azure/identity) to provider errors. `what` names the object; service messages name objects, not values.
 */
export function mapAzureError(err: unknown, what: string): Error {
  if (err instanceof ProviderAuthError || err instanceof NoSecretError || err instanceof ProviderThrottledError) {
    return err;
  }
  const e = err as { name?: string; statusCode?: number; code?: string; message?: string };
  const msg = (e?.message ?? String(err)).split("\n")[0]!.slice(0, 300);
  // AuthenticationError, AuthenticationRequiredError, AggregateAuthenticationError, CredentialUnavailableError.
  if (/Authentication|Credential/.test(e?.name ?? "")) {
    if (e.statusCode === 429) return new ProviderThrottledError(`azurekv: ${what}: token request throttled`);
    return new ProviderAuthError(`azurekv: ${what}: authentication failed: ${msg}`);
  }
  switch (e?.statusCode) {
    case 401:
    case 403:
      return new ProviderAuthError(
        `azurekv: ${what}: access denied (HTTP ${e.statusCode}${e.code ? ` ${e.code}` : ""})`,
      );
    case 404:
      return new NoSecretError(`azurekv: ${what}: not found`);
    case 429:
      return new ProviderThrottledError(`azurekv: ${what}: throttled (HTTP 429)`);
    default:
      if (typeof e?.statusCode === "number") return new Error(`azurekv: ${what}: HTTP ${e.statusCode}: ${msg}`);
      return new Error(`azurekv: ${what}: ${msg}`);
  }
}

export async function azureCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapAzureError(err, what);
  }
}
