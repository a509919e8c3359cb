import type { WebhookProvider } from "../../api/providers/webhook.js";
import { capTimeout } from "../../runtime/deadline.js";
import { NoSecretError, NotSupportedError } from "../errors.js";
import type { FindRef, RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import { type HttpResponse, httpRequest, statusError } from "./http-client.js";
import { evaluateJsonPath, JsonPathError } from "./jsonpath.js";
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
}

/** Read-only client: one templated HTTP call per remote reference, the result picked by result.jsonPath. */
export class WebhookClient implements SecretsClient {
  constructor(private readonly s: WebhookSettings) {}

  private async call(ref: RemoteRef): Promise<HttpResponse> {
    const { spec } = this.s;
    const url = renderField("url", spec.url, templateData(ref, this.s.secrets, true));
    const data = templateData(ref, this.s.secrets, false);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(spec.headers ?? {}))
      headers[name] = renderField(`headers.${name}`, value, data);
    const body = spec.body ? renderField("body", spec.body, data) : undefined;
    let res: HttpResponse;
    try {
      res = await httpRequest({
        method: spec.method || "GET",
        url,
        headers,
        body,
        ca: this.s.ca,
        timeoutMs: capTimeout(this.s.timeoutMs, this.s.deadline),
        signal: this.s.signal,
        maxBytes: this.s.maxBytes,
        what: "webhook response",
      });
    } catch (err) {
      throw new Error(`webhook: key "${ref.key}": request failed: ${(err as Error).message}`);
    }
    if (res.status === 404) throw new NoSecretError(`webhook: key "${ref.key}": endpoint returned 404 Not Found`);
    if (res.status >= 400) throw statusError("webhook", `key "${ref.key}"`, res.status);
    return res;
  }

  /** The response, narrowed by result.jsonPath: strings as-is, anything else as JSON. */
  private async result(ref: RemoteRef): Promise<Buffer> {
    const res = await this.call(ref);
    const path = this.s.spec.result?.jsonPath;
    if (!path) return res.body;
    let doc: unknown;
    try {
      doc = JSON.parse(res.body.toString("utf8"));
    } catch {
      throw new Error(`webhook: key "${ref.key}": response is not JSON, cannot apply result.jsonPath`);
    }
    let selected: unknown;
    try {
      selected = evaluateJsonPath(doc, path);
    } catch (err) {
      if (err instanceof JsonPathError && /matched nothing/.test(err.message)) {
        throw new NoSecretError(`webhook: key "${ref.key}": result.jsonPath ${path} matched nothing`);
      }
      throw new Error(`webhook: result.jsonPath: ${(err as Error).message}`);
    }
    if (typeof selected === "string") return Buffer.from(selected, "utf8");
    return Buffer.from(JSON.stringify(selected), "utf8");
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    return this.result(ref);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return jsonToSecretMap(await this.result(ref), ref.key);
  }

  async getAllSecrets(_find: FindRef): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("webhook: dataFrom.find is not supported by the webhook provider");
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError("webhook: PushSecret is not supported by the webhook provider (read-only)");
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError("webhook: deleting secrets is not supported by the webhook provider (read-only)");
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError("webhook: secretExists is not supported by the webhook provider (read-only)");
  }

  async validate(): Promise<ValidationResult> {
    // The URL depends on remoteRef; like upstream, a store is ready once its spec and secrets resolve.
    return { ready: true };
  }

  async close(): Promise<void> {}
}
