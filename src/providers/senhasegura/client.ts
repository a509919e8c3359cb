import { NoSecretError, NotSupportedError, ProviderAuthError } from "../errors.js";
import type { RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { goJsonMarshal } from "../util/go-json.js";
import { readinessOf } from "../util/readiness.js";
import type { DsmApplication, DsmSecret, SenhaseguraApi } from "./transport.js";

const NOT_IMPLEMENTED = "senhasegura: not implemented";

/** Hands out an access token; `refresh` forgets the cached one first (after the service answered 401). */
export type TokenSource = (refresh?: boolean) => Promise<string>;

/** Read-only client over the secrets a DSM application authorization can read, addressed by identity. */
export class SenhaseguraDsmClient implements SecretsClient {
  constructor(
    private readonly api: SenhaseguraApi,
    private readonly token: TokenSource,
  ) {}

  private async application(): Promise<DsmApplication> {
    const token = await this.token();
    try {
      return await this.api.application(token);
    } catch (err) {
      if (!(err instanceof ProviderAuthError)) throw err;
      return this.api.application(await this.token(true));
    }
  }

  private async secret(identity: string): Promise<DsmSecret> {
    const app = await this.application();
    const found = app.application?.secrets?.find((s) => s.identity === identity);
    if (!found) throw new NoSecretError(`senhasegura: secret ${JSON.stringify(identity)} not found`);
    return found;
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const s = await this.secret(ref.key);
    const data = s.data ?? [];
    // Without a property the whole data list is returned as JSON (Go's encoding: map keys sorted).
    if (!ref.property) return Buffer.from(goJsonMarshal(data), "utf8");
    for (const entry of data) {
      if (Object.hasOwn(entry, ref.property)) return Buffer.from(String(entry[ref.property]), "utf8");
    }
    throw new NoSecretError(
      `senhasegura: secret ${JSON.stringify(ref.key)}: property ${JSON.stringify(ref.property)} not found`,
    );
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const s = await this.secret(ref.key);
    const out: Record<string, Buffer> = {};
    for (const entry of s.data ?? []) {
      for (const [k, v] of Object.entries(entry)) out[k] = Buffer.from(String(v), "utf8");
    }
    return out;
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError(NOT_IMPLEMENTED);
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError(NOT_IMPLEMENTED);
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError(NOT_IMPLEMENTED);
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError(NOT_IMPLEMENTED);
  }

  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.application());
  }

  async close(): Promise<void> {}
}
