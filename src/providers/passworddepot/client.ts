import { NoSecretError, NotSupportedError } from "../errors.js";
import type { RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { readinessOf } from "../util/readiness.js";
import { entryToMap } from "./entry.js";
import type { PasswordDepotApi, PdSecretEntry } from "./transport.js";

const notImplemented = (what: string) => new NotSupportedError(`passworddepot: ${what} not implemented`);

/**
 * Read-only client over one Password Depot database. A key names an entry, with dots descending through folders
 * (`folder.sub.entry`); as upstream, each name is matched as a substring of the entry names, first match wins, and
 * the database is the first one whose name contains the configured one.
 */
export class PasswordDepotClient implements SecretsClient {
  constructor(
    private readonly api: PasswordDepotApi,
    private readonly database: string,
  ) {}

  private async databaseFingerprint(): Promise<string> {
    const db = (await this.api.databases()).find((d) => (d.name ?? "").includes(this.database));
    if (!db?.fingerprint) {
      throw new NoSecretError(`passworddepot: database ${JSON.stringify(this.database)} not found`);
    }
    return db.fingerprint;
  }

  private async entry(key: string): Promise<PdSecretEntry> {
    const db = await this.databaseFingerprint();
    const parts = key.split(".");
    let folder = "";
    for (const part of parts) {
      const found = (await this.api.entries(db, folder)).find((e) => (e.name ?? "").includes(part));
      if (!found?.fingerprint) throw new NoSecretError(`passworddepot: secret ${JSON.stringify(key)} not found`);
      folder = found.fingerprint;
    }
    return this.api.read(db, folder, `read secret ${JSON.stringify(key)}`);
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const fields = entryToMap(await this.entry(ref.key));
    const value = Object.hasOwn(fields, ref.property ?? "") ? fields[ref.property ?? ""] : undefined;
    if (value === undefined) {
      throw new Error(
        `passworddepot: secret ${JSON.stringify(ref.key)}: key ${JSON.stringify(ref.property ?? "")} not found in secret data`,
      );
    }
    return value;
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return entryToMap(await this.entry(ref.key));
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw notImplemented("GetAllSecrets");
  }

  async pushSecret(): Promise<void> {
    throw notImplemented("PushSecret");
  }

  async deleteSecret(): Promise<void> {
    throw notImplemented("DeleteSecret");
  }

  async secretExists(): Promise<boolean> {
    throw notImplemented("SecretExists");
  }

  /** Upstream reports ready without a call; here the login and the database are checked. */
  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.databaseFingerprint());
  }

  async close(): Promise<void> {}
}
