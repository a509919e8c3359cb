import { NotSupportedError } from "../errors.js";
import type { RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { readinessOf } from "../util/readiness.js";
import type { PreviderApi } from "./transport.js";

/** Upstream's answer to everything the Previder provider does not do. */
const NOT_IMPLEMENTED = "previder: not implemented";

/**
 * Read-only client: a remote key is a Previder secret id (or name), its value the decrypted secret. As upstream,
 * remoteRef.property and version are not applied, and a map read yields the one key itself.
 */
export class PreviderClient implements SecretsClient {
  constructor(private readonly api: PreviderApi) {}

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    return Buffer.from(await this.api.decrypt(ref.key), "utf8");
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return { [ref.key]: await this.getSecret(ref) };
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError(`${NOT_IMPLEMENTED} (dataFrom.find)`);
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError(`${NOT_IMPLEMENTED} (PushSecret)`);
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError(`${NOT_IMPLEMENTED} (deleteSecret)`);
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError(`${NOT_IMPLEMENTED} (secretExists)`);
  }

  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.tokenInfo());
  }

  async close(): Promise<void> {}
}
