/**
 * One webhook call: the store's url, headers and body rendered for a remote reference, sent with the store's CA
 * and timeout (capped by the reconcile deadline). Non-2xx answers become provider errors naming the key.
 */
import type { WebhookProvider } from "../../api/providers/webhook.js";
import { capTimeout } from "../../runtime/deadline.js";
import { NoSecretError } from "../errors.js";
import type { RemoteRef } from "../provider.js";
import { type HttpRequest, type HttpResponse, httpRequest, statusError } from "../util/http-client.js";
import { ntlmRequest } from "./ntlm/handshake.js";
import type { Credentials } from "./ntlm/messages.js";
import { renderField, templateData } from "./templates.js";

export interface WebhookSettings {
  spec: WebhookProvider;
  secrets: Record<string, Record<string, string>>;
  ca?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Epoch ms of the reconcile deadline: the store's timeout never runs past it. */
  deadline?: number;
  /** Response size cap (default 16 MiB). */
  maxBytes?: number;
  /** auth.ntlm, resolved. */
  ntlm?: Credentials;
}

export async function callWebhook(s: WebhookSettings, ref: RemoteRef): Promise<HttpResponse> {
  const { spec } = s;
  const url = renderField("url", spec.url, templateData(ref, s.secrets, true));
  const data = templateData(ref, s.secrets, false);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.headers ?? {}))
    headers[name] = renderField(`headers.${name}`, value, data);
  const body = spec.body ? renderField("body", spec.body, data) : undefined;
  const req: HttpRequest = {
    method: spec.method || "GET",
    url,
    headers,
    body,
    ca: s.ca,
    timeoutMs: capTimeout(s.timeoutMs, s.deadline),
    signal: s.signal,
    maxBytes: s.maxBytes,
    what: "webhook response",
  };
  let res: HttpResponse;
  try {
    res = s.ntlm ? await ntlmRequest(req, s.ntlm) : await httpRequest(req);
  } catch (err) {
    throw new Error(`webhook: key "${ref.key}": request failed: ${(err as Error).message}`);
  }
  if (res.status === 404) throw new NoSecretError(`webhook: key "${ref.key}": endpoint returned 404 Not Found`);
  if (res.status >= 400) throw statusError("webhook", `key "${ref.key}"`, res.status);
  return res;
}
