/**
 * Write-only client over GitHub Actions secrets of one organization, repository or environment, as upstream:
 * PushSecret seals the value to the scope's public key and writes it; deletion and existence work by name;
 * GitHub never returns secret values, so every read is refused.
 */
import { NoSecretError, NotSupportedError, ProviderAuthError, StoreConfigError } from "../errors.js";
import type { PushRemoteRef, PushSecretData, PushSource, SecretsClient, ValidationResult } from "../provider.js";
import { describeScope } from "./endpoints.js";
import { sealForGithub } from "./seal.js";
import type { EncryptedSecret, GithubActionsApi, GithubSecretMeta } from "./transport.js";

const WRITE_ONLY = "github: not implemented - this provider supports write-only operations";

export interface GithubClientOptions {
  /** spec.orgSecretVisibility: forced on every organization secret written. */
  orgSecretVisibility?: "all" | "private";
  /** Called when GitHub refuses the installation token, so the next call mints a new one. */
  onAuthRefused?: () => void;
}

/** The whole Secret as upstream marshals it: a JSON object of its keys, values base64 (Go's []byte), keys sorted. */
function wholeSecretJson(data: Record<string, Buffer>): Buffer {
  const sorted = Object.fromEntries(
    Object.keys(data)
      .sort()
      .map((k) => [k, data[k]!.toString("base64")]),
  );
  return Buffer.from(JSON.stringify(sorted), "utf8");
}

export class GithubClient implements SecretsClient {
  constructor(
    private readonly api: GithubActionsApi,
    private readonly opts: GithubClientOptions = {},
  ) {}

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ProviderAuthError) this.opts.onAuthRefused?.();
      throw err;
    }
  }

  private async existing(name: string): Promise<GithubSecretMeta | undefined> {
    try {
      return await this.api.getSecret(name);
    } catch (err) {
      if (err instanceof NoSecretError) return undefined;
      throw err;
    }
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
    let value: Buffer;
    if (data.secretKey) {
      const v = source.data[data.secretKey];
      if (v === undefined) {
        throw new StoreConfigError(
          `github: key "${data.secretKey}" not found in Secret ${source.namespace}/${source.name}`,
        );
      }
      value = v;
    } else {
      value = wholeSecretJson(source.data);
    }
    const remoteKey = data.remoteRef.remoteKey;
    await this.guard(async () => {
      const current = await this.existing(remoteKey);
      const publicKey = await this.api.publicKey();
      const secret: EncryptedSecret = {
        encrypted_value: await sealForGithub(value, publicKey.key),
        key_id: publicKey.key_id,
      };
      const name = current?.name ?? remoteKey;
      if (this.api.scope.kind === "organization") {
        const visibility = this.opts.orgSecretVisibility ?? current?.visibility ?? "all";
        secret.visibility = visibility;
        // An update without selected_repository_ids clears a "selected" secret's repositories: send them back.
        if (visibility === "selected" && current) {
          secret.selected_repository_ids = await this.api.selectedRepositoryIDs(name);
        }
      }
      await this.api.putSecret(name, secret);
    });
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    await this.guard(async () => {
      try {
        await this.api.deleteSecret(ref.remoteKey);
      } catch (err) {
        if (!(err instanceof NoSecretError)) throw err;
      }
    });
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    return this.guard(async () => (await this.existing(ref.remoteKey)) !== undefined);
  }

  async validate(): Promise<ValidationResult> {
    try {
      await this.guard(() => this.api.listSecrets());
      return { ready: true };
    } catch (err) {
      return {
        ready: false,
        message: `github: store is not allowed to list secrets of ${describeScope(this.api.scope)}: ${(err as Error).message}`,
      };
    }
  }

  async close(): Promise<void> {}
}
