import type { TokenCredential } from "@azure/identity";
import type { CertificateClient } from "@azure/keyvault-certificates";
import type { KeyClient } from "@azure/keyvault-keys";
import type { SecretClient } from "@azure/keyvault-secrets";
import { NoSecretError, NotSupportedError, StoreConfigError } from "../errors.js";
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
import { pushValue, setJsonProperty } from "../util/push-value.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import { azureCall } from "./errors.js";
import type { AzureClientOptions } from "./kit/sdk-options.js";
import { jwkJson, parseObjectKey } from "./refs.js";

export const MANAGED_BY_TAG = "managed-by";
export const MANAGED_BY_VALUE = "external-secrets";

export interface VaultClientOptions extends AzureClientOptions {
  disableChallengeResourceVerification: boolean;
}

export class AzureKVClient implements SecretsClient {
  private constructor(
    private readonly secrets: SecretClient,
    private readonly keys: KeyClient,
    private readonly certs: CertificateClient,
  ) {}

  /** The Key Vault SDKs are loaded on first use: stores of other providers never pay for them. */
  static async open(
    vaultUrl: string,
    credential: TokenCredential,
    options: VaultClientOptions,
  ): Promise<AzureKVClient> {
    const [{ SecretClient }, { KeyClient }, { CertificateClient }] = await Promise.all([
      import("@azure/keyvault-secrets"),
      import("@azure/keyvault-keys"),
      import("@azure/keyvault-certificates"),
    ]);
    return new AzureKVClient(
      new SecretClient(vaultUrl, credential, options),
      new KeyClient(vaultUrl, credential, options),
      new CertificateClient(vaultUrl, credential, options),
    );
  }

  /** The object's value and tags. */
  private async fetch(key: string, version?: string): Promise<{ value: Buffer; tags: Record<string, string> }> {
    const { type, name } = parseObjectKey(key);
    const v = version && version !== "latest" ? version : undefined;
    if (type === "secret") {
      const s = await azureCall(`secret "${name}"`, () => this.secrets.getSecret(name, v ? { version: v } : {}));
      return { value: Buffer.from(s.value ?? "", "utf8"), tags: s.properties.tags ?? {} };
    }
    if (type === "key") {
      const k = await azureCall(`key "${name}"`, () => this.keys.getKey(name, v ? { version: v } : {}));
      return {
        value: Buffer.from(jwkJson({ ...(k.key ?? {}) } as Record<string, unknown>), "utf8"),
        tags: k.properties.tags ?? {},
      };
    }
    const c = await azureCall(`certificate "${name}"`, () =>
      v ? this.certs.getCertificateVersion(name, v) : this.certs.getCertificate(name),
    );
    return { value: Buffer.from(c.cer ?? new Uint8Array()), tags: c.properties.tags ?? {} };
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const { value, tags } = await this.fetch(ref.key, ref.version);
    if (ref.metadataPolicy === "Fetch") {
      if (!ref.property) return Buffer.from(JSON.stringify(tags), "utf8");
      const tag = tags[ref.property];
      if (tag === undefined) throw new NoSecretError(`azurekv: key "${ref.key}": tag "${ref.property}" does not exist`);
      return Buffer.from(tag, "utf8");
    }
    return selectProperty(value, ref.property, ref.key);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const { value, tags } = await this.fetch(ref.key, ref.version);
    if (ref.metadataPolicy === "Fetch") {
      return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, Buffer.from(v, "utf8")]));
    }
    return jsonToSecretMap(selectProperty(value, ref.property, ref.key), ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.path) throw new NotSupportedError("azurekv: dataFrom.find.path is not supported by Azure Key Vault");
    const matcher = newFindMatcher({ name: find.name, tags: find.tags });
    const out: Record<string, Buffer> = {};
    const names: string[] = [];
    await azureCall("list secrets", async () => {
      for await (const p of this.secrets.listPropertiesOfSecrets()) {
        if (p.enabled === false) continue;
        if (matcher.matches(p.name, p.tags ?? {})) names.push(p.name);
      }
    });
    for (const name of names) {
      const s = await azureCall(`secret "${name}"`, () => this.secrets.getSecret(name));
      out[name] = Buffer.from(s.value ?? "", "utf8");
    }
    return out;
  }

  private async existingSecret(name: string): Promise<{ value: string; tags: Record<string, string> } | undefined> {
    try {
      const s = await azureCall(`secret "${name}"`, () => this.secrets.getSecret(name));
      return { value: s.value ?? "", tags: s.properties.tags ?? {} };
    } catch (err) {
      if (err instanceof NoSecretError) return undefined;
      throw err;
    }
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const { type, name } = parseObjectKey(data.remoteRef.remoteKey);
    if (type !== "secret") {
      throw new NotSupportedError(`azurekv: remoteKey "${data.remoteRef.remoteKey}": only secrets can be pushed`);
    }
    let value = pushValue(source, data, "azurekv");
    const existing = await this.existingSecret(name);
    if (existing && existing.tags[MANAGED_BY_TAG] !== MANAGED_BY_VALUE) {
      throw new StoreConfigError(`azurekv: secret "${name}" exists and is not managed by external-secrets`);
    }
    if (data.remoteRef.property) {
      value = setJsonProperty(existing?.value, data.remoteRef.property, value, `azurekv: secret "${name}"`);
    }
    if (existing?.value === value) return;
    await azureCall(`set secret "${name}"`, () =>
      this.secrets.setSecret(name, value, { tags: { ...(existing?.tags ?? {}), [MANAGED_BY_TAG]: MANAGED_BY_VALUE } }),
    );
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const { type, name } = parseObjectKey(ref.remoteKey);
    if (type !== "secret")
      throw new NotSupportedError(`azurekv: remoteKey "${ref.remoteKey}": only secrets can be deleted`);
    const existing = await this.existingSecret(name);
    if (!existing || existing.tags[MANAGED_BY_TAG] !== MANAGED_BY_VALUE) return;
    if (ref.property) {
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(existing.value) as Record<string, unknown>;
      } catch {
        return;
      }
      delete obj[ref.property];
      if (Object.keys(obj).length > 0) {
        await azureCall(`set secret "${name}"`, () =>
          this.secrets.setSecret(name, JSON.stringify(obj), { tags: existing.tags }),
        );
        return;
      }
    }
    await azureCall(`delete secret "${name}"`, () => this.secrets.beginDeleteSecret(name));
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    try {
      await this.fetch(ref.remoteKey);
      return true;
    } catch (err) {
      if (err instanceof NoSecretError) return false;
      throw err;
    }
  }

  async validate(): Promise<ValidationResult> {
    try {
      await azureCall("list secrets", async () => {
        await this.secrets.listPropertiesOfSecrets().byPage({ maxPageSize: 1 }).next();
      });
      return { ready: true };
    } catch (err) {
      return { ready: false, message: (err as Error).message };
    }
  }

  async close(): Promise<void> {}
}
