import { NoSecretError, NotSupportedError } from "../errors.js";
import type {
  FindRef,
  PushRemoteRef,
  PushSecretData,
  PushSource,
  RemoteRef,
  SecretsClient,
  ValidationResult,
} from "../provider.js";
import { newFindMatcher } from "../util/find.js";
import { selectProperty } from "../util/json-property.js";
import { pushValue } from "../util/push-value.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import type { DopplerApi } from "./transport.js";

/** Key under which dataFrom.find returns the downloaded secrets file when spec.format is set (as upstream). */
export const SECRETS_FILE_KEY = "DOPPLER_SECRETS_FILE";

export class DopplerClient implements SecretsClient {
  constructor(
    private readonly api: DopplerApi,
    private readonly opts: { format?: string; nameTransformer?: string },
  ) {}

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const value = await this.api.getSecret(ref.key);
    return selectProperty(Buffer.from(value, "utf8"), ref.property, ref.key);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const value = await this.getSecret(ref);
    return jsonToSecretMap(value, ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.tags && Object.keys(find.tags).length) {
      throw new NotSupportedError("doppler: dataFrom.find.tags: Doppler secrets have no tags");
    }
    if (this.opts.format) {
      const file = await this.api.download(this.opts.format, this.opts.nameTransformer);
      return { [SECRETS_FILE_KEY]: Buffer.from(file, "utf8") };
    }
    const all = JSON.parse(await this.api.download("json", this.opts.nameTransformer)) as Record<string, string>;
    const matcher = newFindMatcher({ name: find.name, path: find.path });
    const out: Record<string, Buffer> = {};
    for (const [name, value] of Object.entries(all)) {
      if (matcher.matches(name)) out[name] = Buffer.from(String(value), "utf8");
    }
    return out;
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const value = pushValue(source, data, "doppler");
    await this.api.updateSecrets({ [data.remoteRef.remoteKey]: value });
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    try {
      await this.api.deleteSecret(ref.remoteKey);
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
    }
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    try {
      await this.api.getSecret(ref.remoteKey);
      return true;
    } catch (err) {
      if (err instanceof NoSecretError) return false;
      throw err;
    }
  }

  async validate(): Promise<ValidationResult> {
    try {
      await this.api.me();
      return { ready: true };
    } catch (err) {
      return { ready: false, message: (err as Error).message };
    }
  }

  async close(): Promise<void> {}
}
