/**
 * Password Safe client for one store: reads managed account passwords (request, credentials, check-in) or
 * Secrets Safe secrets (credential, text, file) by path, and pushes Secrets Safe secrets, as upstream.
 * One session per client: signed in on first use, signed out on close.
 */
import { NotSupportedError, StoreConfigError } from "../errors.js";
import type { PushSecretData, PushSource, SecretsClient, ValidationResult } from "../provider.js";
import { pushValue } from "../util/push-value.js";
import { existsBy, readinessOf } from "../util/readiness.js";
import type { ResolvedAuth } from "./auth/resolve.js";
import { managedAccountPath, secretPath } from "./paths.js";
import type { PasswordSafeApi, SignedInUser } from "./transport.js";

export interface BeyondtrustSettings {
  managedAccount: boolean;
  separator: string;
  decrypt: boolean;
  /** "3.0" when unset, as Password Safe's default. */
  apiVersion: string;
}

type Metadata = Record<string, unknown>;

const str = (m: Metadata, k: string, dflt = "") => (typeof m[k] === "string" ? (m[k] as string) : dflt);
const int = (m: Metadata, k: string) => (typeof m[k] === "number" ? Math.trunc(m[k] as number) : 0);

export class BeyondtrustClient implements SecretsClient {
  private session?: Promise<SignedInUser>;

  constructor(
    private readonly api: PasswordSafeApi,
    private readonly auth: ResolvedAuth,
    private readonly settings: BeyondtrustSettings,
  ) {}

  private signedIn(): Promise<SignedInUser> {
    if (!this.session) {
      this.session = this.api.signIn(this.auth.signIn);
      this.session.catch(() => {
        this.session = undefined;
      });
    }
    return this.session;
  }

  async getSecret(ref: { key: string }): Promise<Buffer> {
    const sep = this.settings.separator;
    await this.signedIn();
    if (this.settings.managedAccount) {
      const { system, account } = managedAccountPath(ref.key, sep);
      const what = `managed account "${system}${sep}${account}"`;
      const acc = await this.api.managedAccount(system, account);
      const requestId = await this.api.createRequest(acc, what);
      const password = await this.api.credential(requestId, what);
      await this.api.checkIn(requestId, what);
      return Buffer.from(password, "utf8");
    }
    const { path, title } = secretPath(ref.key, sep);
    const what = `secret "${path}${sep}${title}"`;
    const secret = await this.api.secretByPath(path, title, sep, this.settings.decrypt, what);
    if ((secret.SecretType ?? "").toUpperCase() === "FILE") return this.api.fileSecret(secret.Id, what);
    return Buffer.from(secret.Password ?? "", "utf8");
  }

  async getSecretMap(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("beyondtrust: not implemented");
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("beyondtrust: GetAllSecrets not implemented");
  }

  /** Creates a Secrets Safe secret in metadata.folder_name; its type, title and owners come from the metadata. */
  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const value = pushValue(source, data, "beyondtrust");
    const meta: Metadata =
      data.metadata && typeof data.metadata === "object" && !Array.isArray(data.metadata)
        ? (data.metadata as Metadata)
        : {};
    const user = await this.signedIn();
    const version = this.settings.apiVersion;
    if (version !== "3.0" && version !== "3.1") {
      throw new StoreConfigError(
        `beyondtrust: push "${data.remoteRef.remoteKey}": unsupported API version: ${version}`,
      );
    }
    const title = str(meta, "title") || data.remoteRef.remoteKey;
    const what = `push secret "${title}"`;
    const base: Metadata = {
      Title: title,
      Description: str(meta, "description"),
      Notes: str(meta, "notes"),
      Urls: Array.isArray(meta.urls) ? meta.urls : [],
    };
    const owners =
      Array.isArray(meta.owners) && meta.owners.length
        ? meta.owners
        : version === "3.0"
          ? [{ OwnerId: user.UserId ?? 0, Owner: user.UserName ?? "", Email: user.EmailAddress ?? "" }]
          : [
              {
                GroupId: int(meta, "group_id"),
                UserId: user.UserId ?? 0,
                Name: user.UserName ?? "",
                Email: user.EmailAddress ?? "",
              },
            ];
    const ownership: Metadata =
      version === "3.0"
        ? {
            OwnerId: int(meta, "owner_id") || (user.UserId ?? 0),
            OwnerType: str(meta, "owner_type", "User"),
            Owners: owners,
          }
        : { Owners: owners };
    const type = str(meta, "secret_type", "CREDENTIAL").toUpperCase();
    const folderName = str(meta, "folder_name").trim();
    const folder = (await this.api.folders()).find((f) => f.Name === folderName);
    if (!folder)
      throw new StoreConfigError(`beyondtrust: ${what}: folder "${folderName}" was not found in folder list`);
    switch (type) {
      case "CREDENTIAL":
        return this.api.createSecret(
          folder.Id,
          "",
          { ...base, Username: str(meta, "username"), Password: value, ...ownership },
          what,
        );
      case "TEXT":
        return this.api.createSecret(folder.Id, "/text", { ...base, Text: value, ...ownership }, what);
      case "FILE": {
        const fileName = str(meta, "file_name");
        return this.api.createFileSecret(
          folder.Id,
          { ...base, FileName: fileName, ...ownership },
          fileName,
          value,
          what,
        );
      }
      default:
        throw new StoreConfigError(`beyondtrust: ${what}: Unknown secret type`);
    }
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError("beyondtrust: not implemented");
  }

  /** As upstream: a Secrets Safe secret with the remote key as its title exists. */
  async secretExists(ref: { remoteKey: string }): Promise<boolean> {
    await this.signedIn();
    return existsBy(() => this.api.secretByTitle(ref.remoteKey, `secret "${ref.remoteKey}"`));
  }

  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.signedIn());
  }

  async close(): Promise<void> {
    if (!this.session) return;
    const s = this.session;
    this.session = undefined;
    try {
      await s;
      await this.api.signOut();
    } catch {
      // A failed sign-in has no session to end; a failed sign-out lapses server-side.
    }
  }
}
