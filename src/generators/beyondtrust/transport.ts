/**
 * The one BeyondTrust Workload Credentials API call the generator makes: POST
 * `<apiUrl>/<siteId>/secrets/dynamic/<name>/generate[?folder=<folder>]` with the API key as a bearer token.
 * Errors name the call, the dynamic secret's path and the HTTP status, never the token or a response body.
 */
import { HttpTransportError, httpRequest } from "../../providers/util/http-client.js";
import { GeneratorError } from "../generator.js";

/** The API version upstream pins in every request. */
export const API_VERSION_HEADER = "bt-secrets-api-version";
export const API_VERSION = "2026-04-28";
/** As upstream: one call may take 30 s, and a response may hold 10 MiB. */
const TIMEOUT_MS = 30_000;
const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface WorkloadCredentialsTarget {
  /** `<apiUrl>/<siteId>/secrets`, no trailing slash. */
  baseUrl: string;
  token: string;
  /** PEM bundle that replaces the default roots when set. */
  ca?: string;
  signal?: AbortSignal;
}

/** The AWS-style credentials a dynamic secret definition returns (upstream maps these fields only). */
export interface GeneratedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  leaseId: string;
  expiration: string;
}

/** A failure worth another attempt: the connection failed, the service throttled or erred. */
export class RetryableError extends GeneratorError {}

const FIELDS = ["accessKeyId", "secretAccessKey", "sessionToken", "leaseId", "expiration"] as const;

function statusError(status: number, what: string): GeneratorError {
  const call = `beyondtrust: generate dynamic secret ${what}`;
  if (status === 401 || status === 403) return new GeneratorError(`${call}: authentication failed (HTTP ${status})`);
  if (status === 404) return new GeneratorError(`${call}: not found (HTTP 404)`);
  if (status === 429) return new RetryableError(`${call}: rate limited (HTTP 429)`);
  if (status >= 500) return new RetryableError(`${call}: HTTP ${status}`);
  return new GeneratorError(`${call}: HTTP ${status}`);
}

function parseCredentials(body: Buffer, what: string): GeneratedCredentials {
  const call = `beyondtrust: generate dynamic secret ${what}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new GeneratorError(`${call}: response is not valid JSON`);
  }
  const secret = (parsed as { secret?: unknown } | null)?.secret;
  if (!secret || typeof secret !== "object" || Array.isArray(secret)) {
    throw new GeneratorError(`${call}: response carries no "secret" object`);
  }
  const out = {} as GeneratedCredentials;
  for (const f of FIELDS) {
    const v = (secret as Record<string, unknown>)[f];
    if (v !== undefined && v !== null && typeof v !== "string") {
      throw new GeneratorError(`${call}: response field secret.${f} is not a string`);
    }
    out[f] = v ?? "";
  }
  return out;
}

/** Generates one set of credentials from the dynamic secret `name` in `folder` (root when undefined). */
export async function generateDynamicSecret(
  target: WorkloadCredentialsTarget,
  name: string,
  folder: string | undefined,
): Promise<GeneratedCredentials> {
  const what = `"${folder ? `${folder}/` : ""}${name}"`;
  const query = folder ? `?${new URLSearchParams({ folder })}` : "";
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      method: "POST",
      url: `${target.baseUrl}/dynamic/${encodeURIComponent(name)}/generate${query}`,
      headers: {
        authorization: `Bearer ${target.token}`,
        [API_VERSION_HEADER]: API_VERSION,
        "content-type": "application/json",
        accept: "application/json",
      },
      ca: target.ca,
      timeoutMs: TIMEOUT_MS,
      signal: target.signal,
      maxBytes: MAX_RESPONSE_BYTES,
      what: "beyondtrust response",
    });
  } catch (err) {
    if (target.signal?.aborted) throw new GeneratorError(`beyondtrust: generate dynamic secret ${what}: aborted`);
    const msg = `beyondtrust: generate dynamic secret ${what}: request failed: ${(err as Error).message}`;
    throw err instanceof HttpTransportError ? new RetryableError(msg) : new GeneratorError(msg);
  }
  if (res.status !== 200 && res.status !== 201) throw statusError(res.status, what);
  return parseCredentials(res.body, what);
}
