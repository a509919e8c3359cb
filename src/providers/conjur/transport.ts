/**
 * The Conjur REST API calls this provider makes: authenticate (authn, authn-jwt, authn-cert), retrieve one
 * variable, retrieve a batch, and list variable resources. Errors name the operation and variable, never a value,
 * an API key or a token; Conjur's error bodies are not quoted.
 */
import type { Agent } from "node:https";
import { capTimeout } from "../../runtime/deadline.js";
import { ProviderAuthError } from "../errors.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

export const DEFAULT_TIMEOUT_MS = 30_000;
const P = "conjur";

export interface ConjurConnection {
  /** The appliance base URL (endpoints.ts applianceBase). */
  base: string;
  /** PEM CA bundle for the server certificate. */
  ca?: string;
  signal?: AbortSignal;
  /** Epoch ms of the reconcile deadline. */
  deadline?: number;
  timeoutMs?: number;
}

/** One annotation of a resource, as GET /resources returns it. */
export interface ConjurAnnotation {
  name: string;
  value: string;
  policy?: string;
}

export interface ConjurResource {
  id: string;
  annotations?: ConjurAnnotation[];
}

/** A login: obtains a fresh access token (base64 of the signed token JSON). */
export type Login = (api: ConjurApi) => Promise<string>;

/** An access token source: the cached token, and a way to drop it when Conjur refuses it. */
export interface TokenSource {
  token(): Promise<string>;
  invalidate(token: string): void;
}

export class ConjurApi {
  constructor(readonly conn: ConjurConnection) {}

  async send(
    method: string,
    path: string,
    what: string,
    extra: { headers?: Record<string, string>; body?: string; agent?: Agent } = {},
  ): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await httpRequest({
        method,
        url: `${this.conn.base}${path}`,
        headers: extra.headers,
        body: extra.body,
        ca: this.conn.ca,
        agent: extra.agent,
        signal: this.conn.signal,
        timeoutMs: capTimeout(this.conn.timeoutMs ?? DEFAULT_TIMEOUT_MS, this.conn.deadline),
        what: "conjur response",
      });
    } catch (err) {
      throw new Error(`${P}: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 300) throw statusError(P, what, res.status);
    return res;
  }

  /** POST .../authenticate of any authenticator; returns the token base64-encoded, ready for the header. */
  async authenticate(
    path: string,
    what: string,
    body: string | undefined,
    headers: Record<string, string> = {},
    agent?: Agent,
  ): Promise<string> {
    let res: HttpResponse;
    try {
      res = await this.send("POST", path, what, {
        headers: { "accept-encoding": "base64", ...headers },
        body,
        agent,
      });
    } catch (err) {
      // Conjur answers 401 to every refused login, 403 when the host may not use this authenticator.
      if (err instanceof ProviderAuthError) throw new ProviderAuthError(`${P}: ${what}: authentication refused`);
      throw err;
    }
    const text = res.body.toString("utf8").trim();
    if (!text) throw new ProviderAuthError(`${P}: ${what}: response carries no token`);
    // A server that ignored Accept-Encoding: base64 sends the token JSON itself.
    return text.startsWith("{") ? Buffer.from(text, "utf8").toString("base64") : text;
  }
}

/** The calls made with an access token; a 401 drops the token and retries once with a fresh login. */
export class ConjurData {
  constructor(
    private readonly api: ConjurApi,
    private readonly tokens: TokenSource,
  ) {}

  private async authed(path: string, what: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token();
      try {
        return await this.api.send("GET", path, what, {
          headers: { authorization: `Token token="${token}"`, ...headers },
        });
      } catch (err) {
        if (attempt === 0 && err instanceof ProviderAuthError && err.message.includes("HTTP 401")) {
          this.tokens.invalidate(token);
          continue;
        }
        throw err;
      }
    }
  }

  /** Checks that a token can be obtained (store readiness). */
  async login(): Promise<void> {
    await this.tokens.token();
  }

  /** GET /secrets/{account}/variable/{id}[?version=N]: the raw value. */
  async retrieve(account: string, id: string, version?: string): Promise<Buffer> {
    const q = version ? `?version=${encodeURIComponent(version)}` : "";
    const path = `/secrets/${encodeURIComponent(account)}/variable/${encodeURIComponent(id)}${q}`;
    const res = await this.authed(path, `variable ${JSON.stringify(id)}`);
    return res.body;
  }

  /** GET /secrets?variable_ids=...: values keyed by full resource id. Fails whole when any id is unreadable. */
  async retrieveBatch(fullIds: string[]): Promise<Map<string, Buffer>> {
    const q = fullIds.map(encodeURIComponent).join(",");
    const what = `batch of ${fullIds.length} variables`;
    const res = await this.authed(`/secrets?variable_ids=${q}`, what, { accept: "base64" });
    const body = jsonBody<Record<string, unknown>>(res, P, what);
    // Conjur honours Accept: base64 (binary-safe) and then says so in Content-Encoding.
    const encoded = String(res.headers["content-encoding"] ?? "").toLowerCase() === "base64";
    const out = new Map<string, Buffer>();
    for (const [id, v] of Object.entries(body ?? {})) {
      const s = typeof v === "string" ? v : JSON.stringify(v);
      out.set(id, encoded ? Buffer.from(s, "base64") : Buffer.from(s, "utf8"));
    }
    return out;
  }

  /** GET /resources/{account}?kind=variable&limit&offset: one page of the variables this identity can see. */
  async listVariables(account: string, limit: number, offset: number): Promise<ConjurResource[]> {
    const path = `/resources/${encodeURIComponent(account)}?kind=variable&limit=${limit}&offset=${offset}`;
    const what = "list variables";
    const res = await this.authed(path, what);
    const body = jsonBody<unknown>(res, P, what);
    if (!Array.isArray(body)) throw new Error(`${P}: ${what}: response is not a list`);
    return body as ConjurResource[];
  }
}
