/**
 * The one BeyondTrust Workload Credentials API call the generator makes: POST
 * `<apiUrl>/<siteId>/secrets/dynamic/<name>/generate[?folder=<folder>]` with the API key as a bearer token.
 * The HTTP call itself is the Workload Credentials kit's. Errors name the call, the dynamic secret's path and the HTTP status, never the token or a response body.
 */
import {
  type WorkloadCredentialsTarget,
  workloadCredentialsRequest,
} from "../../providers/beyondtrustworkloadcredentials/kit/http.js";
import { HttpTransportError } from "../../providers/util/http-client.js";
import { GeneratorError } from "../generator.js";

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
  let res: Awaited<ReturnType<typeof workloadCredentialsRequest>>;
  try {
    res = await workloadCredentialsRequest(target, "POST", `/dynamic/${encodeURIComponent(name)}/generate${query}`);
  } catch (err) {
    if (target.signal?.aborted) throw new GeneratorError(`beyondtrust: generate dynamic secret ${what}: aborted`);
    const msg = `beyondtrust: generate dynamic secret ${what}: request failed: ${(err as Error).message}`;
    throw err instanceof HttpTransportError ? new RetryableError(msg) : new GeneratorError(msg);
  }
  if (res.status !== 200 && res.status !== 201) throw statusError(res.status, what);
  return parseCredentials(res.body, what);
}
