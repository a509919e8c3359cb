/** SecretsClient for one Vault store: reads, find, and (with push.ts) writes. */
import { NoSecretError } from "../errors.js";
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
import { jsonToSecretMap } from "../util/secret-map.js";
import { goJson } from "./kit/go-json.js";
import type { VaultHttp } from "./kit/transport.js";
import { type KvStore, type SecretData, secretValue } from "./kv.js";
import { deleteSecret, pushSecret } from "./push.js";

export class VaultClient implements SecretsClient {
  constructor(
    private readonly http: VaultHttp,
    private readonly kv: KvStore,
  ) {}

  /** KV read, falling back to the raw path for dynamic engines (e.g. database/creds/role) on a miss. */
  private async readData(key: string, version?: string): Promise<SecretData> {
    try {
      return (await this.kv.read(key, version)).data;
    } catch (err) {
      const mount = this.kv.layout.mount;
      const isForeignPath = !version && key.includes("/") && (mount === undefined || !key.startsWith(`${mount}/`));
      if (!(err instanceof NoSecretError) || !isForeignPath) throw err;
      const raw = await this.kv.readRaw(key);
      if (!raw) throw err;
      return raw;
    }
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    if (ref.metadataPolicy === "Fetch") {
      if (this.kv.layout.version === "v1") {
        throw new Error("vault: cannot perform metadata fetch operations with kv version v1");
      }
      const meta = await this.kv.metadata(ref.key);
      return secretValue(meta, ref.property, ref.key);
    }
    const data = await this.readData(ref.key, ref.version);
    return secretValue(data, ref.property, ref.key);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return jsonToSecretMap(await this.getSecret(ref), ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (this.kv.layout.version === "v1" && find.tags) {
      throw new Error("vault: cannot perform find by tag operations with kv version v1");
    }
    const matcher = newFindMatcher({ name: find.name });
    const candidates = await this.kv.list(find.path ? `${find.path}/` : "");
    const out: Record<string, Buffer> = {};
    for (const name of candidates) {
      if (find.name && !matcher.matchName(name)) continue;
      if (!find.name && find.tags) {
        const meta = await this.kv.metadata(name);
        if (!Object.entries(find.tags).every(([k, v]) => meta[k] === v)) continue;
      }
      try {
        out[name] = Buffer.from(goJson((await this.kv.read(name)).data), "utf8");
      } catch (err) {
        if (!(err instanceof NoSecretError)) throw err;
      }
    }
    return out;
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    await pushSecret(this.kv, source, data);
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    await deleteSecret(this.kv, ref);
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    let data: SecretData;
    try {
      data = (await this.kv.read(ref.remoteKey)).data;
    } catch (err) {
      if (err instanceof NoSecretError) return false;
      throw err;
    }
    if (!ref.property) return true;
    try {
      secretValue(data, ref.property, ref.remoteKey);
      return true;
    } catch (err) {
      if (err instanceof NoSecretError) return false;
      throw err;
    }
  }

  async validate(): Promise<ValidationResult> {
    try {
      const res = await this.kv.session.lookupSelf();
      if (res.status === 200) return { ready: true };
      return { ready: false, message: `vault: token lookup failed: HTTP ${res.status}` };
    } catch (err) {
      return { ready: false, message: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    this.http.close();
  }
}
