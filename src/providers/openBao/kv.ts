/**
 * The KV engine calls of an OpenBao store, through the Vault kit's authenticated session: read (with version),
 * metadata, list, and the mount check. Paths are `<mount>/<key>` (v1) or `<mount>/data|metadata/<key>` (v2).
 */
import { NoSecretError, ProviderAuthError } from "../errors.js";
import type { VaultSession } from "../vault/kit/session.js";
import { vaultError } from "../vault/kit/transport.js";
import { asOpenBaoError } from "./vault-spec.js";

export type KvVersion = "v1" | "v2";
export type SecretData = Record<string, unknown>;

const trim = (s: string) => s.replace(/^\/+|\/+$/g, "");

export class OpenBaoKv {
  readonly mount: string;

  constructor(
    private readonly session: VaultSession,
    mount: string,
    readonly version: KvVersion,
  ) {
    this.mount = trim(mount);
  }

  private async get(path: string, what: string, query?: Record<string, string>): Promise<any> {
    const res = await this.session.request({ method: "GET", path, query }).catch((e) => {
      throw asOpenBaoError(e);
    });
    if (res.status === 404) return undefined;
    if (res.status === 403) throw new ProviderAuthError(`openbao: ${what}: permission denied (HTTP 403)`);
    if (res.status < 200 || res.status >= 300) throw asOpenBaoError(vaultError(res, path));
    return res.body;
  }

  /** The secret's key/value data; NoSecretError when absent or deleted. */
  async read(key: string, version?: string): Promise<SecretData> {
    const what = `secret ${JSON.stringify(key)}`;
    if (this.version === "v1") {
      if (version) throw new Error(`openbao: ${what}: KV v1 secrets have no versions (use KV v2)`);
      const body = await this.get(`${this.mount}/${trim(key)}`, what);
      if (!body?.data) throw new NoSecretError(`openbao: ${what}: not found`);
      return body.data as SecretData;
    }
    if (version !== undefined && !/^\d+$/.test(version)) {
      throw new Error(`openbao: ${what}: version ${JSON.stringify(version)} is not a number`);
    }
    const body = await this.get(`${this.mount}/data/${trim(key)}`, what, version ? { version } : undefined);
    const data = body?.data?.data;
    if (!data || typeof data !== "object") throw new NoSecretError(`openbao: ${what}: not found`);
    return data as SecretData;
  }

  /** custom_metadata of a KV v2 secret. */
  async metadata(key: string): Promise<SecretData> {
    const what = `metadata of ${JSON.stringify(key)}`;
    const body = await this.get(`${this.mount}/metadata/${trim(key)}`, what);
    if (!body?.data) throw new NoSecretError(`openbao: ${what}: not found`);
    return (body.data.custom_metadata ?? {}) as SecretData;
  }

  /** The entries directly under `path` (folders end in "/"); empty when there is nothing there. */
  async list(path: string): Promise<string[]> {
    const p = trim(path);
    const base = this.version === "v1" ? this.mount : `${this.mount}/metadata`;
    const full = p ? `${base}/${p}` : base;
    const res = await this.session.request({ method: "LIST", path: full }).catch((e) => {
      throw asOpenBaoError(e);
    });
    if (res.status === 404) return [];
    if (res.status === 403)
      throw new ProviderAuthError(`openbao: list ${JSON.stringify(p)}: permission denied (HTTP 403)`);
    if (res.status < 200 || res.status >= 300) throw asOpenBaoError(vaultError(res, full));
    const keys = res.body?.data?.keys;
    return Array.isArray(keys) ? keys.map(String) : [];
  }

  /** Checks that the mount is a KV engine of the configured version (store readiness). */
  async checkMount(): Promise<void> {
    const body = await this.get(`sys/internal/ui/mounts/${this.mount}`, `mount ${JSON.stringify(this.mount)}`);
    const info = body?.data;
    if (!info) throw new Error(`openbao: mount ${JSON.stringify(this.mount)}: not found`);
    if (info.type !== "kv") {
      throw new Error(
        `openbao: mount ${JSON.stringify(this.mount)}: expected mount type "kv", found ${JSON.stringify(info.type)}`,
      );
    }
    const actual = String(info.options?.version ?? "1");
    if (`v${actual}` !== this.version) {
      throw new Error(
        `openbao: mount ${JSON.stringify(this.mount)}: expected kv engine version ${this.version.slice(1)}, found version ${actual}`,
      );
    }
  }
}
