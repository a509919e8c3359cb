/**
 * The registry's token endpoints (Azure's ACR AAD-OAuth flow): POST /oauth2/exchange turns an Entra ID access
 * token into an ACR refresh token, POST /oauth2/token turns that into an access token for one scope. HTTPS only,
 * trusting the public roots or, when the operator sets ESO_AZURE_CA_BUNDLE, that bundle. Errors name the call
 * and the HTTP status, never a token or a response body.
 */

import { ResponseTooLargeError } from "../../providers/util/bounded-body.js";
import { HttpTransportError, httpRequest } from "../../providers/util/http-client.js";
import { GeneratorError } from "../generator.js";

/** A token answer is a few KiB. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface RegistryCallOptions {
  /** PEM bundle replacing the public roots (ESO_AZURE_CA_BUNDLE). */
  ca?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** spec.registry as a host (and port): no scheme, path, query or user info, as upstream puts it in the URL. */
export function registryHost(registry: string | undefined): string {
  if (!registry) throw new GeneratorError("spec.registry: is required");
  let url: URL | undefined;
  try {
    url = new URL(`https://${registry}`);
  } catch {}
  if (!url || url.host !== registry.toLowerCase() || url.username || url.password) {
    throw new GeneratorError(
      `spec.registry: must be the registry's domain name (e.g. myregistry.azurecr.io), without scheme or path`,
    );
  }
  return registry;
}

async function postForm(
  registry: string,
  path: string,
  form: Record<string, string>,
  wanted: string,
  opts: RegistryCallOptions,
): Promise<string> {
  const call = `spec.registry ${JSON.stringify(registry)}: POST ${path}`;
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      method: "POST",
      url: `https://${registry}${path}`,
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(form).toString(),
      ...(opts.ca ? { ca: opts.ca } : {}),
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      maxBytes: MAX_RESPONSE_BYTES,
      what: `ACR ${path} response`,
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    if (err instanceof ResponseTooLargeError) throw new GeneratorError(`${call}: ${err.message}`);
    const reason = err instanceof HttpTransportError ? err.message : "request failed";
    throw new GeneratorError(`${call} failed: ${reason}`);
  }
  if (res.status === 401 || res.status === 403) {
    throw new GeneratorError(`${call} was refused (HTTP ${res.status}): the identity has no access to the registry`);
  }
  if (res.status !== 200) throw new GeneratorError(`${call} failed (HTTP ${res.status})`);
  let value: unknown;
  try {
    value = (JSON.parse(res.body.toString("utf8")) as Record<string, unknown>)?.[wanted];
  } catch {
    throw new GeneratorError(`${call}: the answer is not JSON`);
  }
  if (typeof value !== "string" || !value) throw new GeneratorError(`${call}: the answer has no ${wanted}`);
  return value;
}

/** grant_type=access_token: an Entra ID access token for an ACR refresh token. */
export function exchangeForRefreshToken(
  registry: string,
  aadAccessToken: string,
  tenantId: string | undefined,
  opts: RegistryCallOptions,
): Promise<string> {
  const form = { grant_type: "access_token", service: registry, tenant: tenantId ?? "", access_token: aadAccessToken };
  return postForm(registry, "/oauth2/exchange", form, "refresh_token", opts);
}

/** grant_type=refresh_token: an ACR refresh token for an access token limited to `scope`. */
export function accessTokenForScope(
  registry: string,
  refreshToken: string,
  scope: string,
  opts: RegistryCallOptions,
): Promise<string> {
  const form = { grant_type: "refresh_token", service: registry, scope, refresh_token: refreshToken };
  return postForm(registry, "/oauth2/token", form, "access_token", opts);
}
