/** Credential entries of a Devolutions Server, addressed as "<vault-id>/<entry-id>", as upstream ESO's dvls provider. */
import { NoSecretError, NotSupportedError, StoreConfigError } from "../errors.js";
import type {
  PushRemoteRef,
  PushSecretData,
  PushSource,
  RemoteRef,
  SecretsClient,
  ValidationResult,
} from "../provider.js";
import { existsBy, readinessOf } from "../util/readiness.js";
import { credentialMap, withSecret } from "./entries.js";
import type { DvlsApi, DvlsEntry } from "./transport.js";

function parseKey(key: string): { vaultId: string; entryId: string } {
  const slash = key.indexOf("/");
  if (slash < 0) throw new StoreConfigError(`dvls: invalid key format: expected '<vault-id>/<entry-id>', got "${key}"`);
  const vaultId = key.slice(0, slash).trim();
  const entryId = key.slice(slash + 1).trim();
  if (!vaultId) throw new StoreConfigError("dvls: vault ID cannot be empty");
  if (!entryId) throw new StoreConfigError("dvls: entry ID cannot be empty");
  return { vaultId, entryId };
}

export class DvlsClient implements SecretsClient {
  constructor(private readonly api: DvlsApi) {}

  private async entry(key: string): Promise<DvlsEntry & { id: string; vaultId: string }> {
    const { vaultId, entryId } = parseKey(key);
    const e = await this.api.getEntry(vaultId, entryId);
    return { ...e, id: e.id || entryId, vaultId };
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const map = credentialMap(await this.entry(ref.key));
    if (ref.property) {
      const v = map[ref.property];
      if (v === undefined) throw new Error(`dvls: entry "${ref.key}": property "${ref.property}" not found in entry`);
      return Buffer.from(v, "utf8");
    }
    // Upstream marshals its map of byte slices, which Go's encoding/json writes as base64 strings.
    const encoded: Record<string, string> = {};
    for (const k of Object.keys(map).sort()) encoded[k] = Buffer.from(map[k]!, "utf8").toString("base64");
    return Buffer.from(JSON.stringify(encoded), "utf8");
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const map = credentialMap(await this.entry(ref.key));
    return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, Buffer.from(v, "utf8")]));
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("dvls: dataFrom.find is not implemented by the DVLS provider");
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const key = data.remoteRef.remoteKey;
    if (!data.secretKey) throw new StoreConfigError("dvls: secretKey is required for DVLS push");
    const value = source.data[data.secretKey];
    if (value === undefined) {
      throw new StoreConfigError(`dvls: key "${data.secretKey}" not found in secret "${source.name}"`);
    }
    if (value.length === 0)
      throw new StoreConfigError(`dvls: key "${data.secretKey}" in secret "${source.name}" is empty`);
    let existing: DvlsEntry & { id: string; vaultId: string };
    try {
      existing = await this.entry(key);
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
      throw new NoSecretError(`dvls: entry "${key}" not found: entry must exist before pushing secrets`);
    }
    const updated = withSecret(existing, value.toString("utf8"));
    await this.api.updateEntry({ ...updated, id: existing.id, vaultId: existing.vaultId });
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const { vaultId, entryId } = parseKey(ref.remoteKey);
    try {
      await this.api.deleteEntry(vaultId, entryId);
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
    }
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    return existsBy(() => this.entry(ref.remoteKey));
  }

  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.checkLogin());
  }

  async close(): Promise<void> {}
}
