import { boundedResponse, DEFAULT_MAX_RESPONSE_BYTES } from "../util/bounded-body.js";
import type { TokenSource } from "./kit/token-source.js";

/**
 * The auth client google-gax's REST (fallback) transport calls: it asks for request headers and performs the
 * HTTP request itself, with a bearer token from one of our token sources.
 */
export class BearerAuthClient {
  constructor(private readonly source: TokenSource) {}

  async getRequestHeaders(): Promise<Headers> {
    return new Headers({ authorization: `Bearer ${(await this.source()).token}` });
  }

  async fetch(
    url: string | URL,
    init: { method?: string; headers?: unknown; body?: unknown; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set("authorization", `Bearer ${(await this.source()).token}`);
    const res = await fetch(url, {
      method: init.method ?? "GET",
      headers,
      body: init.body as RequestInit["body"],
      signal: init.signal,
    });
    // The SDK reads the body itself: hand it one already read under the cap (the endpoint may be overridden).
    return boundedResponse(res, DEFAULT_MAX_RESPONSE_BYTES, "gcpsm response");
  }
}
