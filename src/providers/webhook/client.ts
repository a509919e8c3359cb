/** The webhook provider's client: reads only; find, push and delete are not supported, as upstream. */
import { NoSecretError, NotSupportedError } from "../errors.js";
import type { FindRef, RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import { evaluateJsonPath, JsonPathError } from "./jsonpath.js";
import { callWebhook, type WebhookSettings } from "./transport.js";

/** Read-only client: one templated HTTP call per remote reference, the result picked by result.jsonPath. */
export class WebhookClient implements SecretsClient {
  constructor(private readonly s: WebhookSettings) {}

  /** The response, narrowed by result.jsonPath: strings as-is, anything else as JSON. */
  private async result(ref: RemoteRef): Promise<Buffer> {
    const res = await callWebhook(this.s, ref);
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
