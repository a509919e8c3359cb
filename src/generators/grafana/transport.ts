/**
 * The Grafana HTTP API calls the generator makes (service accounts and their tokens), one function each.
 * Non-2xx answers become GeneratorErrors naming the call and the status, never a credential or the body.
 */
import { type HttpResponse, httpRequest } from "../../providers/util/http-client.js";
import { GeneratorError } from "../generator.js";

const TIMEOUT_MS = 30_000;
const MAX_BYTES = 4 * 1024 * 1024;

export interface GrafanaApi {
  /** Grafana's URL; a path prefix (https://host/grafana) is kept in front of /api. */
  url: string;
  /** The Authorization header value: "Bearer <token>" or "Basic <...>". */
  authorization: string;
  signal?: AbortSignal;
}

export interface GrafanaServiceAccount {
  id: number;
  name: string;
  login: string;
}

function apiUrl(api: GrafanaApi, path: string, query: Record<string, string>): string {
  let base: URL;
  try {
    base = new URL(api.url);
  } catch {
    throw new GeneratorError("spec.url: is not a valid URL");
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") {
    throw new GeneratorError(`spec.url: scheme must be https or http, got ${base.protocol.replace(/:$/, "")}`);
  }
  base.pathname = `${base.pathname.replace(/\/+$/, "")}/api${path}`;
  base.search = new URLSearchParams(query).toString();
  return base.toString();
}

async function call(
  api: GrafanaApi,
  method: string,
  path: string,
  name: string,
  opts: { body?: unknown; query?: Record<string, string> } = {},
): Promise<HttpResponse> {
  const url = apiUrl(api, path, opts.query ?? {});
  const body = opts.body;
  try {
    return await httpRequest({
      method,
      url,
      headers: {
        authorization: api.authorization,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: TIMEOUT_MS,
      signal: api.signal,
      maxBytes: MAX_BYTES,
      what: "grafana response",
    });
  } catch (err) {
    if (api.signal?.aborted) throw err;
    throw new GeneratorError(`spec.url: grafana: ${name} failed: ${(err as Error).message}`);
  }
}

function failure(name: string, status: number): GeneratorError {
  if (status === 401) {
    return new GeneratorError(`spec.auth: grafana: ${name} was refused (HTTP 401): the credentials are not valid`);
  }
  if (status === 403) {
    return new GeneratorError(
      `spec.auth: grafana: ${name} was refused (HTTP 403): the credentials may not manage service accounts`,
    );
  }
  return new GeneratorError(`grafana: ${name}: unexpected HTTP ${status}`);
}

function json<T>(res: HttpResponse, name: string): T {
  try {
    return JSON.parse(res.body.toString("utf8")) as T;
  } catch {
    throw new GeneratorError(`grafana: ${name}: the response is not valid JSON`);
  }
}

function ok(res: HttpResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

/** The service account with exactly this name, from Grafana's (substring) search; undefined when none. */
export async function findServiceAccount(api: GrafanaApi, name: string): Promise<GrafanaServiceAccount | undefined> {
  const what = "search service accounts";
  const res = await call(api, "GET", "/serviceaccounts/search", what, { query: { query: name } });
  if (!ok(res)) throw failure(what, res.status);
  const page = json<{ serviceAccounts?: GrafanaServiceAccount[] }>(res, what);
  return (page.serviceAccounts ?? []).find((sa) => sa?.name === name);
}

export async function createServiceAccount(
  api: GrafanaApi,
  name: string,
  role: string,
): Promise<GrafanaServiceAccount> {
  const what = "create service account";
  const res = await call(api, "POST", "/serviceaccounts", what, { body: { name, role } });
  if (!ok(res)) {
    if (res.status === 400) {
      throw new GeneratorError(
        `spec.serviceAccount: grafana: ${what} was rejected (HTTP 400): check the name and role`,
      );
    }
    throw failure(what, res.status);
  }
  const sa = json<GrafanaServiceAccount>(res, what);
  if (typeof sa?.id !== "number") throw new GeneratorError(`grafana: ${what}: the response holds no id`);
  return sa;
}

export async function createToken(
  api: GrafanaApi,
  serviceAccountId: number,
  tokenName: string,
): Promise<{ id: number; key: string }> {
  const what = "create service account token";
  const res = await call(api, "POST", `/serviceaccounts/${serviceAccountId}/tokens`, what, {
    body: { name: tokenName },
  });
  if (!ok(res)) throw failure(what, res.status);
  const token = json<{ id?: unknown; key?: unknown }>(res, what);
  if (typeof token?.id !== "number" || typeof token.key !== "string" || !token.key) {
    throw new GeneratorError(`grafana: ${what}: the response holds no token`);
  }
  return { id: token.id, key: token.key };
}

/** Deletes a token; one already gone (or whose service account is gone) counts as deleted. */
export async function deleteToken(api: GrafanaApi, serviceAccountId: number, tokenId: number): Promise<void> {
  const what = "delete service account token";
  const res = await call(api, "DELETE", `/serviceaccounts/${serviceAccountId}/tokens/${tokenId}`, what);
  if (ok(res) || res.status === 404) return;
  throw failure(what, res.status);
}
