/**
 * JFrog Platform Access API calls: the OIDC token exchange (POST /access/api/v1/oidc/token, unauthenticated) and
 * token creation (POST /access/api/v1/tokens, bearer). spec.url is tenant input: only the tenant's own token or
 * ServiceAccount token is ever sent to it. Errors name the call, the spec field and the status, never a token
 * or the response body.
 */
import { httpRequest } from "../../providers/util/http-client.js";
import { GeneratorError } from "../generator.js";

/** Upstream's client timeout for these calls. */
const TIMEOUT_MS = 30_000;
const MAX_BYTES = 256 * 1024;

export const OIDC_TOKEN_PATH = "/access/api/v1/oidc/token";
export const CREATE_TOKEN_PATH = "/access/api/v1/tokens";

/** The tokens an Access API answer carries (absent fields are empty strings / 0). */
export interface IssuedToken {
  accessToken: string;
  referenceToken: string;
  username: string;
  expiresIn: number;
}

interface Call {
  name: string;
  /** The spec field to check when the service refuses the credential. */
  credentialField: string;
  /** The spec fields to check when the service rejects the request body. */
  bodyField: string;
}

async function postJson(
  baseUrl: string,
  path: string,
  body: Record<string, unknown>,
  bearer: string | undefined,
  call: Call,
  signal: AbortSignal | undefined,
): Promise<IssuedToken> {
  let url: string;
  try {
    const base = new URL(baseUrl);
    if (base.protocol !== "https:" && base.protocol !== "http:") throw new Error("scheme");
    url = new URL(baseUrl.replace(/\/+$/, "") + path).toString();
  } catch {
    throw new GeneratorError("spec.url: is not a valid http(s) URL");
  }
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      method: "POST",
      url,
      headers,
      body: JSON.stringify(body),
      timeoutMs: TIMEOUT_MS,
      signal,
      maxBytes: MAX_BYTES,
      what: "artifactory token response",
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new GeneratorError(`spec.url: ${call.name} failed: ${(err as Error).message}`);
  }
  const s = res.status;
  if (s === 401 || s === 403) {
    throw new GeneratorError(`${call.credentialField}: ${call.name} was refused (HTTP ${s})`);
  }
  if (s === 400) {
    throw new GeneratorError(`${call.bodyField}: ${call.name} rejected the request (HTTP 400)`);
  }
  if (s === 404) throw new GeneratorError(`spec.url: ${call.name}: not found (HTTP 404): check spec.url`);
  if (s < 200 || s >= 300) throw new GeneratorError(`spec.url: ${call.name}: unexpected HTTP ${s}`);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(res.body.toString("utf8")) ?? {};
  } catch {
    throw new GeneratorError(`${call.name}: the response is not valid JSON`);
  }
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    accessToken: str(parsed.access_token),
    referenceToken: str(parsed.reference_token),
    username: str(parsed.username),
    expiresIn: typeof parsed.expires_in === "number" && Number.isFinite(parsed.expires_in) ? parsed.expires_in : 0,
  };
}

export interface OidcExchange {
  subjectToken: string;
  providerName: string;
  providerType: string;
  applicationKey?: string;
  projectKey?: string;
  identityMappingName?: string;
  includeReferenceToken?: boolean;
}

/** Empty strings and false are left out of the body, as upstream's omitempty. */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "" && v !== false && v !== 0));
}

export function exchangeOidcToken(baseUrl: string, req: OidcExchange, signal?: AbortSignal): Promise<IssuedToken> {
  const body = {
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
    subject_token: req.subjectToken,
    provider_name: req.providerName,
    ...compact({
      provider_type: req.providerType,
      application_key: req.applicationKey,
      project_key: req.projectKey,
      identity_mapping_name: req.identityMappingName,
      include_reference_token: req.includeReferenceToken,
    }),
  };
  return postJson(
    baseUrl,
    OIDC_TOKEN_PATH,
    body,
    undefined,
    {
      name: `artifactory: POST ${OIDC_TOKEN_PATH}`,
      credentialField: "spec.auth.oidc.providerName",
      bodyField: "spec.auth.oidc",
    },
    signal,
  );
}

export interface CreateToken {
  scope: string;
  description?: string;
  expiresIn?: number;
  includeReferenceToken?: boolean;
  refreshable?: boolean;
  projectKey?: string;
}

export function createToken(
  baseUrl: string,
  bootstrapToken: string,
  req: CreateToken,
  signal?: AbortSignal,
): Promise<IssuedToken> {
  const body = {
    scope: req.scope,
    ...compact({
      description: req.description,
      expires_in: req.expiresIn,
      include_reference_token: req.includeReferenceToken,
      refreshable: req.refreshable,
      project_key: req.projectKey,
    }),
  };
  return postJson(
    baseUrl,
    CREATE_TOKEN_PATH,
    body,
    bootstrapToken,
    {
      name: `artifactory: POST ${CREATE_TOKEN_PATH}`,
      credentialField: "spec.auth.referenceToken.token",
      bodyField: "spec.auth.referenceToken",
    },
    signal,
  );
}
