/**
 * Yandex Cloud's endpoint list (`GET https://<apiEndpoint>/endpoints`), which names the host of each service,
 * as the Go SDK upstream uses discovers them. Kept per API endpoint and CA for a while.
 */
import { createHash } from "node:crypto";
import { NotSupportedError } from "../../errors.js";
import type { CacheKey } from "../../provider.js";
import { httpsBase, type YandexCallTarget, yandexCall } from "./rest.js";

export const DEFAULT_YANDEX_API_ENDPOINT = "api.cloud.yandex.net:443";
const KEEP_MS = 10 * 60_000;
const MAX_ENTRIES = 1000;

/** Service ids in the endpoint list. */
export const YANDEX_SERVICE = {
  iam: "iam",
  lockboxPayload: "lockbox-payload",
  certificateManagerData: "certificate-manager-data",
} as const;

interface Entry {
  at: number;
  endpoints: Promise<Map<string, string>>;
}

export const YANDEX_ENDPOINTS: CacheKey<Map<string, Entry>> = {
  name: "yandex-endpoints",
  create: () => new Map(),
};

export async function yandexEndpoints(
  cache: Map<string, Entry>,
  apiEndpoint: string,
  t: YandexCallTarget,
): Promise<Map<string, string>> {
  const key = `${apiEndpoint}\0${createHash("sha256")
    .update(t.ca ?? "")
    .digest("hex")}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < KEEP_MS) return hit.endpoints;
  const endpoints = yandexCall<{ endpoints?: { id?: string; address?: string }[] }>(
    t,
    { url: `${httpsBase(apiEndpoint)}/endpoints` },
    "list API endpoints",
  ).then((body) => new Map((body.endpoints ?? []).filter((e) => e.id && e.address).map((e) => [e.id!, e.address!])));
  if (cache.size >= MAX_ENTRIES && !cache.has(key)) cache.delete(cache.keys().next().value!);
  cache.set(key, { at: Date.now(), endpoints });
  endpoints.catch(() => cache.delete(key));
  return endpoints;
}

export function serviceBase(endpoints: Map<string, string>, id: string, provider: string): string {
  const address = endpoints.get(id);
  if (!address) throw new NotSupportedError(`${provider}: the API endpoint lists no "${id}" service`);
  return httpsBase(address);
}
