import { NoSecretError, NotSupportedError } from "../errors.js";
import type { FindRef, PushRemoteRef, PushSecretData, PushSource, RemoteRef, SecretsClient } from "../provider.js";
import { goJsonMarshal } from "../util/go-json.js";
import type { LockboxApi, LockboxEntry } from "./transport.js";

const NAME = "yandexlockbox";
const quote = (s: string) => JSON.stringify(s);
const bytes = (e: LockboxEntry) => e.binary ?? Buffer.from(e.text ?? "", "utf8");

export class YandexLockboxClient implements SecretsClient {
  constructor(private readonly api: LockboxApi) {}

  private entries(ref: RemoteRef, op: string): Promise<LockboxEntry[]> {
    return this.api.payload(ref.key, ref.version || undefined, `${op} secret ${quote(ref.key)}`);
  }

  /** Without a property: every entry as one JSON object (binary values base64, as Go marshals bytes). */
  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const entries = await this.entries(ref, "get");
    if (!ref.property) {
      const obj: Record<string, string> = {};
      for (const e of entries) obj[e.key] = e.binary ? e.binary.toString("base64") : (e.text ?? "");
      return Buffer.from(goJsonMarshal(obj), "utf8");
    }
    const entry = entries.find((e) => e.key === ref.property);
    if (!entry) {
      throw new NoSecretError(
        `${NAME}: secret ${quote(ref.key)}: payload entry with key ${quote(ref.property)} not found`,
      );
    }
    return bytes(entry);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const out: Record<string, Buffer> = {};
    for (const e of await this.entries(ref, "get map of")) out[e.key] = bytes(e);
    return out;
  }

  async getAllSecrets(_find: FindRef): Promise<Record<string, Buffer>> {
    throw new NotSupportedError(`${NAME}: getAllSecrets: not implemented`);
  }

  async pushSecret(_source: PushSource, _data: PushSecretData): Promise<void> {
    throw new NotSupportedError(`${NAME}: pushSecret: not implemented`);
  }

  async deleteSecret(_ref: PushRemoteRef): Promise<void> {
    throw new NotSupportedError(`${NAME}: deleteSecret: not implemented`);
  }

  async secretExists(_ref: PushRemoteRef): Promise<boolean> {
    throw new NotSupportedError(`${NAME}: secretExists: not implemented`);
  }

  /** The IAM token was obtained when the client was built, as upstream; nothing more to check. */
  async validate() {
    return { ready: true };
  }

  async close(): Promise<void> {}
}
