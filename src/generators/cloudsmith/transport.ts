/**
 * Cloudsmith's OIDC exchange: POST {apiUrl}/openid/{org}/ with the ServiceAccount token and the service slug,
 * answered with an API token. Errors name the call and status, never a token or the body.
 */
import { httpRequest } from "../../providers/util/http-client.js";
import { GeneratorError } from "../generator.js";

/** Upstream's client timeout for this call. */
const TIMEOUT_MS = 30_000;
const MAX_BYTES = 256 * 1024;

export interface OidcExchangeRequest {
  apiUrl: string;
  orgSlug: string;
  serviceSlug: string;
  oidcToken: string;
  signal?: AbortSignal;
}

export function exchangeUrl(apiUrl: string, orgSlug: string): string {
  return `${apiUrl.replace(/\/+$/, "")}/openid/${encodeURIComponent(orgSlug)}/`;
}

export async function exchangeOidcToken(req: OidcExchangeRequest): Promise<string> {
  const call = "cloudsmith: POST /openid/{orgSlug}/";
  let url: string;
  try {
    url = new URL(exchangeUrl(req.apiUrl, req.orgSlug)).toString();
  } catch {
    throw new GeneratorError("spec.apiUrl: is not a valid URL");
  }
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      method: "POST",
      url,
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ oidc_token: req.oidcToken, service_slug: req.serviceSlug }),
      timeoutMs: TIMEOUT_MS,
      signal: req.signal,
      maxBytes: MAX_BYTES,
      what: "cloudsmith token response",
    });
  } catch (err) {
    if (req.signal?.aborted) throw err;
    throw new GeneratorError(`spec.apiUrl: ${call} failed: ${(err as Error).message}`);
  }
  if (res.status === 401 || res.status === 403) {
    throw new GeneratorError(
      `spec.serviceSlug: ${call} was refused (HTTP ${res.status}): check the Cloudsmith OIDC service (issuer, subject claim) and spec.serviceAccountRef.audiences`,
    );
  }
  if (res.status === 404) {
    throw new GeneratorError(`spec.orgSlug: ${call}: not found (HTTP 404): check spec.orgSlug and spec.apiUrl`);
  }
  if (res.status < 200 || res.status >= 300) {
    throw new GeneratorError(`spec.apiUrl: ${call}: unexpected HTTP ${res.status}`);
  }
  let token: unknown;
  try {
    token = (JSON.parse(res.body.toString("utf8")) as { token?: unknown })?.token;
  } catch {
    throw new GeneratorError(`${call}: the response is not valid JSON`);
  }
  if (typeof token !== "string" || !token) throw new GeneratorError(`${call}: the response holds no token`);
  return token;
}
