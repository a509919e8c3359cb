import { NoSecretError, NotSupportedError } from "../errors.js";
import type { RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { gjsonGet } from "../util/gjson-path.js";
import { goByteValue, goJsonMarshal } from "../util/go-json.js";
import { jsonValueString } from "../util/json-value.js";
import { readinessOf } from "../util/readiness.js";
import type { DsvApi, DsvSecret } from "./transport.js";

const quote = (s: string) => JSON.stringify(s);

/** Read-only client over DSV secrets, as upstream: the secret's data as JSON, or one gjson property of it. */
export class DelineaClient implements SecretsClient {
  constructor(private readonly api: DsvApi) {}

  private async read(ref: RemoteRef): Promise<DsvSecret> {
    if (ref.version)
      throw new NotSupportedError(`delinea: secret ${quote(ref.key)}: specifying a version is not yet supported`);
    return this.api.secret(ref.key);
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const secret = await this.read(ref);
    if (secret.data === null || secret.data === undefined) return Buffer.alloc(0);
    const json = goJsonMarshal(secret.data);
    if (!ref.property) return Buffer.from(json, "utf8");
    const val = gjsonGet(json, ref.property);
    if (!val) throw new NoSecretError(`delinea: secret ${quote(ref.key)}: property ${quote(ref.property)} not found`);
    return Buffer.from(jsonValueString(val), "utf8");
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const secret = await this.read(ref);
    const out: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = goByteValue(v);
    return out;
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("delinea: getting all secrets is not supported by Delinea DevOps Secrets Vault");
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError("delinea: pushing secrets is not supported by Delinea DevOps Secrets Vault");
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError("delinea: deleting secrets is not supported by Delinea DevOps Secrets Vault");
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError("delinea: secretExists: not implemented");
  }

  /** Ready once the client credentials obtain a token (upstream reports ready without a call). */
  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.token());
  }

  async close(): Promise<void> {}
}
