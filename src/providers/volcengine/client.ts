import { NoSecretError, NotSupportedError } from "../errors.js";
import type { FindRef, PushRemoteRef, PushSecretData, PushSource, RemoteRef, SecretsClient } from "../provider.js";
import { parseJson } from "../util/json-value.js";
import { existsBy } from "../util/readiness.js";
import type { VolcCredentials } from "./signer.js";
import { KMS_API_VERSION, volcCall } from "./transport.js";

const quote = (s: string) => JSON.stringify(s);

export class VolcengineClient implements SecretsClient {
  constructor(
    private readonly region: string,
    private readonly creds: VolcCredentials,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {}

  private kms<T>(action: string, params: Record<string, string | undefined>, what: string): Promise<T> {
    return volcCall<T>(
      {
        service: "kms",
        version: KMS_API_VERSION,
        region: this.region,
        action,
        params,
        creds: this.creds,
        signal: this.signal,
        deadline: this.deadline,
      },
      what,
    );
  }

  private async value(ref: RemoteRef): Promise<Buffer> {
    const what = `get secret ${quote(ref.key)}`;
    const r = await this.kms<{ SecretValue?: string | null }>(
      "GetSecretValue",
      { SecretName: ref.key, VersionID: ref.version || undefined },
      what,
    );
    if (r.SecretValue === undefined || r.SecretValue === null) {
      throw new NoSecretError(`volcengine: secret ${quote(ref.key)} has no value`);
    }
    return Buffer.from(r.SecretValue, "utf8");
  }

  /** The value; with a property, that top-level key of its JSON (a string unquoted, anything else as JSON). */
  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const value = await this.value(ref);
    if (!ref.property) return value;
    const obj = parseJson(value.toString("utf8"));
    if (obj?.type !== "object") {
      throw new Error(`volcengine: secret ${quote(ref.key)}: failed to unmarshal secret: invalid JSON format`);
    }
    const found = obj.entries.find(([k]) => k === ref.property)?.[1];
    if (!found)
      throw new NoSecretError(
        `volcengine: secret ${quote(ref.key)}: property ${quote(ref.property)} not found in secret`,
      );
    return Buffer.from(found.type === "string" ? found.str : found.raw.trim(), "utf8");
  }

  /** Each top-level key with its raw JSON text, as upstream (strings keep their quotes). */
  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const obj = parseJson((await this.value(ref)).toString("utf8"));
    if (obj?.type !== "object") {
      throw new Error(`volcengine: secret ${quote(ref.key)}: failed to unmarshal secret: invalid JSON format`);
    }
    const out: Record<string, Buffer> = {};
    for (const [k, v] of obj.entries) out[k] = Buffer.from(v.raw.trim(), "utf8");
    return out;
  }

  async getAllSecrets(_find: FindRef): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("volcengine: getAllSecrets: not implemented");
  }

  async pushSecret(_source: PushSource, _data: PushSecretData): Promise<void> {
    throw new NotSupportedError("volcengine: pushSecret: not implemented");
  }

  async deleteSecret(_ref: PushRemoteRef): Promise<void> {
    throw new NotSupportedError("volcengine: deleteSecret: not implemented");
  }

  /** DescribeSecret by name: false when the service says it does not exist. */
  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    if (!ref.remoteKey) throw new Error("volcengine: secret name is empty");
    return existsBy(() =>
      this.kms("DescribeSecret", { SecretName: ref.remoteKey }, `describe secret ${quote(ref.remoteKey)}`),
    );
  }

  async validate() {
    return { ready: true };
  }

  async close(): Promise<void> {}
}
