/**
 * The HTTP client the Azure SDKs (Key Vault, identity) are given: the SDK's default client, but every
 * response body is read as a stream under the size cap instead of being buffered whole. `vaultUrl` and the
 * Active Directory endpoint are written by the store's author, so the server at the other end may be hostile.
 */
import type { HttpClient } from "@azure/core-rest-pipeline";
import { DEFAULT_MAX_RESPONSE_BYTES, readBoundedStream } from "../../util/bounded-body.js";

/** Any status code: the SDK hands back every body as a stream, which is then read under the cap. */
const STREAM_ALL = new Set([Number.POSITIVE_INFINITY]);

export async function boundedAzureHttpClient(limit = DEFAULT_MAX_RESPONSE_BYTES): Promise<HttpClient> {
  const { createDefaultHttpClient } = await import("@azure/core-rest-pipeline");
  const inner = createDefaultHttpClient();
  return {
    async sendRequest(request) {
      const wanted = request.streamResponseStatusCodes;
      request.streamResponseStatusCodes = STREAM_ALL;
      let res: Awaited<ReturnType<HttpClient["sendRequest"]>>;
      try {
        res = await inner.sendRequest(request);
      } finally {
        request.streamResponseStatusCodes = wanted;
      }
      // An operation that asked for a stream reads it itself (none of the Key Vault reads we make do).
      if (wanted?.has(Number.POSITIVE_INFINITY) || wanted?.has(res.status)) return res;
      const stream = res.readableStreamBody;
      if (stream) {
        res.readableStreamBody = undefined;
        res.bodyAsText = (await readBoundedStream(stream, limit, "azure response")).toString("utf8");
      }
      return res;
    },
  };
}
