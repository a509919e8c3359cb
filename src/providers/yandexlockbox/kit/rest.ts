/** One call to a Yandex Cloud REST endpoint (`host:port`, spoken over HTTPS), errors mapped to provider errors. */
import { capTimeout } from "../../../runtime/deadline.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../../util/http-client.js";

const CALL_TIMEOUT_MS = 30_000;

export interface YandexCallTarget {
  /** The provider name errors start with. */
  provider: string;
  /** PEM CA bundle replacing the system roots (caProvider). */
  ca?: string;
  signal?: AbortSignal;
  deadline?: number;
}

/** `host:port` (as upstream's apiEndpoint and the endpoint list give them) as an https base URL. */
export function httpsBase(address: string): string {
  return /^https?:\/\//.test(address) ? address.replace(/\/+$/, "") : `https://${address}`;
}

export async function yandexCall<T>(
  t: YandexCallTarget,
  req: { method?: string; url: string; token?: string; body?: unknown },
  what: string,
): Promise<T> {
  let res: HttpResponse;
  try {
    res = await httpRequest({
      method: req.method ?? "GET",
      url: req.url,
      headers: {
        accept: "application/json",
        ...(req.token ? { authorization: `Bearer ${req.token}` } : {}),
        ...(req.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      ca: t.ca,
      signal: t.signal,
      timeoutMs: capTimeout(CALL_TIMEOUT_MS, t.deadline),
      what: `${t.provider} response`,
    });
  } catch (err) {
    throw new Error(`${t.provider}: ${what}: request failed: ${(err as Error).message}`);
  }
  if (res.status >= 300) throw statusError(t.provider, what, res.status, grpcCode(res));
  return jsonBody<T>(res, t.provider, what);
}

/** The gRPC status name Yandex's REST gateway puts in error bodies (`{"code":5,"message":...}`); never the message. */
function grpcCode(res: HttpResponse): string {
  try {
    const code = (JSON.parse(res.body.toString("utf8")) as { code?: unknown }).code;
    return typeof code === "number" && GRPC_CODES[code] ? GRPC_CODES[code] : "";
  } catch {
    return "";
  }
}

const GRPC_CODES: Record<number, string> = {
  3: "INVALID_ARGUMENT",
  5: "NOT_FOUND",
  7: "PERMISSION_DENIED",
  8: "RESOURCE_EXHAUSTED",
  13: "INTERNAL",
  14: "UNAVAILABLE",
  16: "UNAUTHENTICATED",
};
