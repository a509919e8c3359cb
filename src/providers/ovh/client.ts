/** Secrets in one OKMS domain, read and written as upstream ESO's ovh provider does. */
import { isDeepStrictEqual } from "node:util";
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
import { goByteValue, goJsonMarshal } from "../util/go-json.js";
import { getJsonProperty } from "../util/json-property.js";
import { existsBy, readinessOf } from "../util/readiness.js";
import type { OkmsApi } from "./transport.js";

const MAX_UINT32 = 4294967295;

interface ReadSecret {
  /** The version's data as Go marshals it (keys sorted), or the selected property. */
  value: Buffer;
  data: Record<string, unknown>;
  currentVersion?: number;
}

function parseVersion(version: string | undefined): number | undefined {
  if (!version) return undefined;
  const n = /^\d+$/.test(version) ? Number(version) : Number.NaN;
  if (!Number.isInteger(n) || n > MAX_UINT32) throw new StoreConfigError(`ovh: invalid secret version "${version}"`);
  return n;
}

/** A Secret value as pushed: JSON text is embedded as JSON, anything else as a string (as upstream). */
function pushedValue(raw: Buffer): unknown {
  const text = raw.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class OvhClient implements SecretsClient {
  constructor(
    private readonly api: OkmsApi,
    private readonly cas: boolean,
    private readonly onClose: () => void = () => {},
  ) {}

  private async read(ref: RemoteRef): Promise<ReadSecret> {
    if (!ref.key) throw new StoreConfigError("ovh: remote key cannot be empty (spec.data.remoteRef.key)");
    if (ref.metadataPolicy === "Fetch") throw new NotSupportedError("ovh: fetch metadata policy not supported");
    const version = parseVersion(ref.version);
    const secret = await this.api.getSecret(ref.key, { version, includeData: true });
    const data = secret.version?.data;
    if (!data || typeof data !== "object" || Object.keys(data).length === 0) {
      throw new Error(`ovh: secret "${ref.key}": secret version data is missing`);
    }
    const json = goJsonMarshal(data);
    let value = Buffer.from(json, "utf8");
    if (ref.property) {
      const selected = getJsonProperty(json, ref.property);
      if (selected === undefined) {
        throw new Error(`ovh: secret "${ref.key}": secret property "${ref.property}" not found`);
      }
      value = Buffer.from(selected, "utf8");
    }
    return { value, data, currentVersion: secret.metadata?.currentVersion };
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    return (await this.read(ref)).value;
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const { value } = await this.read(ref);
    let parsed: unknown;
    try {
      parsed = JSON.parse(value.toString("utf8"));
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new Error(`ovh: failed to retrieve secret at path "${ref.key}": value is not a JSON object`);
    }
    const out: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) out[k] = goByteValue(v);
    return out;
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    const path = find.path ?? "";
    const names = await this.listUnder(path);
    if (names.length === 0) {
      // A plain error, as upstream: an empty find must not read as "deleted" (deletionPolicy).
      throw new Error(`ovh: no secrets under path "${path}" were found in the secret manager`);
    }
    const matcher = newFindMatcher({ name: find.name });
    const out: Record<string, Buffer> = {};
    for (const name of names) {
      if (find.name && !matcher.matchName(name)) continue;
      try {
        out[name] = await this.getSecret({ key: name });
      } catch (err) {
        if (!(err instanceof NoSecretError)) throw err;
      }
    }
    if (Object.keys(out).length === 0) {
      throw new Error(`ovh: regex expression "${find.name?.regexp ?? ""}" did not match any secret at path "${path}"`);
    }
    return out;
  }

  /** Every secret name under `path`, walking folders (listed with a trailing "/") depth first. */
  private async listUnder(path: string): Promise<string[]> {
    // A path ending in "//" names nothing; a trailing "/" is dropped; names never start with "/".
    if (path.endsWith("//")) return [];
    const start = path.endsWith("/") ? path.slice(0, -1) : path;
    const walk = async (dir: string): Promise<string[]> => {
      if (dir.startsWith("/")) return [];
      const out: string[] = [];
      for (const key of await this.api.listKeys(dir)) {
        if (!key || key.startsWith("/")) continue;
        const full = (k: string) => (dir ? `${dir}/${k}` : k);
        if (key.endsWith("/")) out.push(...(await walk(full(key.slice(0, -1)))));
        else out.push(full(key));
      }
      return out;
    };
    try {
      return await walk(start);
    } catch (err) {
      if (err instanceof NoSecretError) return [];
      throw err;
    }
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const key = data.remoteRef.remoteKey;
    if (Object.keys(source.data).length === 0) {
      throw new StoreConfigError(`ovh: failed to push secret at path "${key}": provided secret is empty`);
    }
    let existing: ReadSecret | undefined;
    try {
      existing = await this.read({ key });
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
    }
    const values: Record<string, unknown> = {};
    const keys = data.secretKey !== undefined ? [data.secretKey] : Object.keys(source.data);
    for (const k of keys) {
      const raw = source.data[k];
      if (raw === undefined) {
        throw new StoreConfigError(`ovh: failed to push secret at path "${key}": secretKey "${k}" not found`);
      }
      values[k] = pushedValue(raw);
    }
    const body = data.remoteRef.property ? { [data.remoteRef.property]: values } : values;
    // Equal data is not written again (no new version).
    if (existing && isDeepStrictEqual(JSON.parse(JSON.stringify(body)), JSON.parse(existing.value.toString()))) return;
    if (!existing) return this.api.createSecret(key, body);
    return this.api.updateSecret(key, body, this.cas ? existing.currentVersion : undefined);
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    try {
      await this.api.deleteSecret(ref.remoteKey);
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
    }
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    return existsBy(() => this.api.getSecret(ref.remoteKey, { includeData: false }));
  }

  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.listSecrets());
  }

  async close(): Promise<void> {
    this.onClose();
  }
}
