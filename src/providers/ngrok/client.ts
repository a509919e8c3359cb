import { createHash } from "node:crypto";
import { NoSecretError, NotSupportedError, StoreConfigError } from "../errors.js";
import type { PushRemoteRef, PushSecretData, PushSource, SecretsClient, ValidationResult } from "../provider.js";
import { goJsonMarshal } from "../util/go-json.js";
import { parseNgrokPushMetadata } from "./metadata.js";
import type { NgrokApi } from "./transport.js";

const WRITE_ONLY = "ngrok: not implemented - the ngrok provider only supports write operations";

class VaultMissingError extends Error {
  override readonly name = "VaultMissingError";
}

/** The value upstream pushes: one key of the Secret, or the whole Secret as Go marshals map[string][]byte. */
function pushedValue(source: PushSource, data: PushSecretData): Buffer {
  if (data.secretKey) {
    const v = source.data[data.secretKey];
    if (v === undefined) throw new StoreConfigError(`ngrok: key ${data.secretKey} not found in secret`);
    return v;
  }
  const obj = Object.fromEntries(Object.entries(source.data).map(([k, v]) => [k, v.toString("base64")]));
  return Buffer.from(goJsonMarshal(obj), "utf8");
}

/**
 * Write-only client for one ngrok vault, found by name. Values cannot be read back (the API never returns them),
 * so each pushed secret carries the SHA-256 of its value in its metadata under `_sha256`.
 */
export class NgrokClient implements SecretsClient {
  constructor(
    private readonly api: NgrokApi,
    private readonly vaultName: string,
    private vaultID: string,
  ) {}

  /** Re-finds the vault by name when its id no longer answers to that name (renamed or recreated). */
  private async currentVault(): Promise<string> {
    if (this.vaultID) {
      try {
        const v = await this.api.vault(this.vaultID);
        if (v.name === this.vaultName) return this.vaultID;
      } catch {
        // Looked up again by name below.
      }
    }
    const v = await this.api.findVault(this.vaultName);
    if (!v) throw new VaultMissingError(`ngrok: vault ${JSON.stringify(this.vaultName)} does not exist`);
    this.vaultID = v.id;
    return v.id;
  }

  async getSecret(): Promise<Buffer> {
    throw new NotSupportedError(WRITE_ONLY);
  }

  async getSecretMap(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError(WRITE_ONLY);
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError(WRITE_ONLY);
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    let vaultID: string;
    try {
      vaultID = await this.currentVault();
    } catch (err) {
      if (!(err instanceof VaultMissingError)) throw err;
      throw new NoSecretError(`ngrok: failed to verify vault name still matches ID: ${err.message}`);
    }
    const value = pushedValue(source, data);
    const meta = parseNgrokPushMetadata(data.metadata);
    meta.metadata._sha256 = createHash("sha256").update(value).digest("hex");
    const write = {
      value: value.toString("utf8"),
      metadata: goJsonMarshal(meta.metadata),
      description: meta.description,
    };
    const name = data.remoteRef.remoteKey;
    const existing = await this.api.findSecret(vaultID, name);
    if (existing) await this.api.updateSecret(existing.id, name, write);
    else await this.api.createSecret(vaultID, name, write);
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    let vaultID: string;
    try {
      vaultID = await this.currentVault();
    } catch (err) {
      if (err instanceof VaultMissingError) return false;
      throw err;
    }
    return (await this.api.findSecret(vaultID, ref.remoteKey)) !== undefined;
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    let vaultID: string;
    try {
      vaultID = await this.currentVault();
    } catch (err) {
      if (err instanceof VaultMissingError) return;
      throw err;
    }
    const secret = await this.api.findSecret(vaultID, ref.remoteKey);
    if (!secret) return;
    try {
      await this.api.deleteSecret(secret.id, ref.remoteKey);
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
    }
  }

  async validate(): Promise<ValidationResult> {
    try {
      await this.api.probeSecrets();
      return { ready: true };
    } catch (err) {
      return { ready: false, message: `ngrok: store is not allowed to list secrets: ${(err as Error).message}` };
    }
  }

  async close(): Promise<void> {}
}
