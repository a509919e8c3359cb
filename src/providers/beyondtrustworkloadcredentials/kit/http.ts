/**
 * The one way to call the BeyondTrust Workload Credentials API, shared by the store provider and the
 * BeyondtrustWorkloadCredentialsDynamicSecret generator: the API key as a bearer token, the API version upstream
 * pins, a 30 s limit per call and a 10 MiB response cap (as upstream). Transport failures reject with
 * HttpTransportError; the caller maps statuses to its own errors.
 */
import { type HttpResponse, httpRequest } from "../../util/http-client.js";

export const API_VERSION_HEADER = "bt-secrets-api-version";
export const API_VERSION = "2026-04-28";
export const TIMEOUT_MS = 30_000;
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface WorkloadCredentialsTarget {
  /** `<apiUrl>/<siteId>/secrets`, no trailing slash. */
  baseUrl: string;
  token: string;
  /** PEM bundle that replaces the default roots when set. */
  ca?: string;
  signal?: AbortSignal;
  /** Defaults to TIMEOUT_MS; callers cap it by their deadline. */
  timeoutMs?: number;
}

/** `<apiUrl>/<siteId>/secrets` for a store or generator spec's server block. */
export function secretsBaseUrl(apiUrl: string, siteId: string): string {
  return `${apiUrl.replace(/\/+$/, "")}/${encodeURIComponent(siteId)}/secrets`;
}

/** One call: `path` is relative to the base URL and starts with "/" (query included). */
export function workloadCredentialsRequest(
  target: WorkloadCredentialsTarget,
  method: string,
  path: string,
): Promise<HttpResponse> {
  return httpRequest({
    method,
    url: `${target.baseUrl}${path}`,
    headers: {
      authorization: `Bearer ${target.token}`,
      [API_VERSION_HEADER]: API_VERSION,
      "content-type": "application/json",
      accept: "application/json",
    },
    ca: target.ca,
    timeoutMs: target.timeoutMs ?? TIMEOUT_MS,
    signal: target.signal,
    maxBytes: MAX_RESPONSE_BYTES,
    what: "beyondtrust response",
  });
}
