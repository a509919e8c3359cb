import { NotSupportedError } from "../errors.js";
import type {
  FindRef,
  PushRemoteRef,
  PushSecretData,
  PushSource,
  RemoteRef,
  SecretsClient,
  ValidationResult,
} from "../provider.js";
import { pushValue } from "../util/push-value.js";
import { readinessOf } from "../util/readiness.js";
import { parsePulumiPushMetadata, setDefinitionValue } from "./push.js";
import type { PulumiEscApi } from "./transport.js";
import { escObjectEntries, escValueBytes } from "./values.js";

/** One ESC environment. Keys use Pulumi's path syntax (`a.b[0]["c d"]`); property and version are not used, as upstream. */
export class PulumiClient implements SecretsClient {
  constructor(private readonly api: PulumiEscApi) {}

  private async read(key: string) {
    const session = await this.api.open();
    return this.api.readProperty(session, key);
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const v = await this.read(ref.key);
    return escValueBytes(v.value);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const v = await this.read(ref.key);
    return escObjectEntries(v.value, ref.key);
  }

  async getAllSecrets(_find: FindRef): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("pulumi: getting all secrets is currently not supported by Pulumi");
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    if (data.secretKey === undefined || data.secretKey === "") {
      throw new NotSupportedError("pulumi: pushing the whole secret is not yet implemented");
    }
    const meta = parsePulumiPushMetadata(data.metadata);
    const value = pushValue(source, data, "pulumi");
    const definition = await this.api.getDefinition();
    const updated = setDefinitionValue(definition, data.remoteRef.remoteKey, value, meta.secret !== false);
    await this.api.updateDefinition(updated);
  }

  async deleteSecret(_ref: PushRemoteRef): Promise<void> {
    throw new NotSupportedError("pulumi: deleting secrets is currently not supported by Pulumi");
  }

  async secretExists(_ref: PushRemoteRef): Promise<boolean> {
    throw new NotSupportedError("pulumi: pushing secrets is currently not supported by Pulumi");
  }

  /** Reads the environment's definition: checks the token, the organization, project and environment. */
  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.getDefinition());
  }

  async close(): Promise<void> {}
}
