/**
 * Volcengine OpenAPI calls (`GET /?Action=...&Version=...`, signed), and the mapping of its error envelope
 * (`ResponseMetadata.Error.Code`) to provider errors. Error text carries the code, never the message.
 */
import { capTimeout } from "../../runtime/deadline.js";
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../errors.js";
import { type HttpResponse, httpRequest } from "../util/http-client.js";
import { signRequest, type VolcCredentials } from "./signer.js";

const CALL_TIMEOUT_MS = 30_000;
export const KMS_API_VERSION = "2021-02-18";
/** Points the provider at another OpenAPI host (tests, private endpoints). */
export const ENDPOINT_ENV = "ESO_VOLCENGINE_ENDPOINT";
export const DEFAULT_ENDPOINT = "https://open.volcengineapi.com";
/** STS's own host (AssumeRoleWithOIDC is sent unsigned, so the gateway cannot route it by signing scope). */
export const STS_ENDPOINT_ENV = "ESO_VOLCENGINE_STS_ENDPOINT";
const DEFAULT_STS_ENDPOINT = "https://sts.volcengineapi.com";

interface Envelope<T> {
  ResponseMetadata?: { Error?: { Code?: string; CodeN?: number } };
  Result?: T;
}

function errorFor(what: string, status: number, code: string): Error {
  const c = code ? ` (${code})` : "";
  if (status === 404 || /NotFound|NotExist/i.test(code)) return new NoSecretError(`volcengine: ${what}: not found${c}`);
  if (status === 429 || /Throttl|LimitExceeded|FlowLimit/i.test(code))
    return new ProviderThrottledError(`volcengine: ${what}: rate limited${c}`);
  if (
    status === 401 ||
    status === 403 ||
    /AccessDenied|Signature|InvalidAccessKey|Unauthorized|Forbidden|Authenticat/i.test(code)
  )
    return new ProviderAuthError(`volcengine: ${what}: authentication failed (HTTP ${status})${c}`);
  return new Error(`volcengine: ${what}: HTTP ${status}${c}`);
}

export function endpoint(service: string): string {
  const url =
    service === "sts"
      ? process.env[STS_ENDPOINT_ENV] || process.env[ENDPOINT_ENV] || DEFAULT_STS_ENDPOINT
      : process.env[ENDPOINT_ENV] || DEFAULT_ENDPOINT;
  return url.replace(/\/+$/, "");
}

export async function volcCall<T>(
  opts: {
    service: string;
    version: string;
    region: string;
    action: string;
    params: Record<string, string | undefined>;
    creds?: VolcCredentials;
    signal?: AbortSignal;
    deadline?: number;
  },
  what: string,
): Promise<T> {
  const base = new URL(endpoint(opts.service));
  const query = new URLSearchParams({ Action: opts.action, Version: opts.version });
  for (const [k, v] of Object.entries(opts.params)) if (v !== undefined && v !== "") query.set(k, v);
  const path = base.pathname.replace(/\/+$/, "") || "/";
  const headers = opts.creds
    ? signRequest({ method: "GET", host: base.host, path, query, body: "" }, opts.creds, opts.region, opts.service)
    : {};
  let res: HttpResponse;
  try {
    res = await httpRequest({
      url: `${base.origin}${path}?${query}`,
      headers: { accept: "application/json", ...headers },
      signal: opts.signal,
      timeoutMs: capTimeout(CALL_TIMEOUT_MS, opts.deadline),
      what: "volcengine response",
    });
  } catch (err) {
    throw new Error(`volcengine: ${what}: request failed: ${(err as Error).message}`);
  }
  let body: Envelope<T> | undefined;
  try {
    body = JSON.parse(res.body.toString("utf8")) as Envelope<T>;
  } catch {
    body = undefined;
  }
  const code = body?.ResponseMetadata?.Error?.Code ?? "";
  if (res.status >= 300 || code) throw errorFor(what, res.status, code.replace(/[^\w.-]/g, "").slice(0, 80));
  if (!body?.Result) throw new Error(`volcengine: ${what}: the response has no Result`);
  return body.Result;
}
