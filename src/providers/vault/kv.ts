/**
 * KV reads shared by the client's get, find, push and delete paths: secret data (any version, KV v1/v2 or a
 * dynamic engine), metadata (system keys + custom_metadata), recursive LIST, and gjson property selection.
 */
import { NoSecretError } from "../errors.js";
import { selectProperty } from "../util/json-property.js";
import { goJson } from "./kit/go-json.js";
import type { VaultSession } from "./kit/session.js";
import { vaultError } from "./kit/transport.js";
import { dataPath, type KvLayout, metadataPath } from "./paths.js";

export type SecretData = Record<string, unknown>;

export interface ReadResult {
  data: SecretData;
  /** KV v2 version read (undefined on KV v1 / dynamic engines). */
  version?: number;
}

const SYSTEM_METADATA_KEYS = ["created_time", "current_version", "delete_version_after"];

export class KvStore {
  constructor(
    readonly session: VaultSession,
    readonly layout: KvLayout,
  ) {}

  /** Reads a secret; NoSecretError when absent or its version was deleted. */
  async read(key: string, version?: string): Promise<ReadResult> {
    const path = dataPath(this.layout, key);
    const res = await this.session.request({
      method: "GET",
      path,
      ...(version ? { query: { version } } : {}),
    });
    if (res.status === 404) throw new NoSecretError(`vault: secret "${key}" not found`);
    if (res.status < 200 || res.status >= 300) throw vaultError(res, path);
    const body = res.body ?? {};
    if (this.layout.version === "v1") {
      if (!body.data) throw new NoSecretError(`vault: secret "${key}" not found`);
      return { data: body.data };
    }
    if (!body.data || !("data" in body.data)) throw new Error(`vault: ${path}: failed to find data field`);
    if (body.data.data === null) throw new NoSecretError(`vault: secret "${key}" not found`);
    if (typeof body.data.data !== "object") throw new Error(`vault: ${path}: data field is not an object`);
    return { data: body.data.data, version: Number(body.data.metadata?.version) || undefined };
  }

  /** Reads a path as-is (dynamic secret engines such as database/creds/<role>); undefined when unreadable. */
  async readRaw(path: string): Promise<SecretData | undefined> {
    const res = await this.session.request({ method: "GET", path }, { relogin: false });
    if (res.status !== 200 || !res.body?.data || typeof res.body.data !== "object") return undefined;
    return res.body.data;
  }

  /** Metadata as ESO exposes it: created_time, current_version, delete_version_after plus custom_metadata. */
  async metadata(key: string): Promise<Record<string, string>> {
    if (this.layout.version === "v1") {
      const { data } = await this.read(key);
      const cm = data.custom_metadata;
      return cm && typeof cm === "object" ? stringMap(cm as Record<string, unknown>) : {};
    }
    const path = metadataPath(this.layout, key);
    const res = await this.session.request({ method: "GET", path });
    if (res.status === 404) throw new NoSecretError(`vault: metadata of "${key}" not found`);
    if (res.status < 200 || res.status >= 300) throw vaultError(res, path);
    const data = res.body?.data ?? {};
    const out: Record<string, string> = {};
    for (const k of SYSTEM_METADATA_KEYS) if (data[k] !== undefined && data[k] !== null) out[k] = String(data[k]);
    Object.assign(out, stringMap(data.custom_metadata ?? {}));
    return out;
  }

  /** Every secret under `prefix` (ending in "/" or empty), recursing into folders. */
  async list(prefix: string): Promise<string[]> {
    const path = metadataPath(this.layout, prefix);
    const res = await this.session.request({ method: "LIST", path });
    if (res.status === 404) throw new NoSecretError(`vault: nothing found under "${prefix}"`);
    if (res.status < 200 || res.status >= 300) throw vaultError(res, path);
    const keys: unknown[] = Array.isArray(res.body?.data?.keys) ? res.body.data.keys : [];
    const out: string[] = [];
    for (const k of keys) {
      const full = `${prefix}${String(k)}`;
      if (String(k).endsWith("/")) out.push(...(await this.list(full)));
      else out.push(full);
    }
    return out;
  }
}

function stringMap(m: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) out[k] = typeof v === "string" ? v : goJson(v);
  return out;
}

/** One value of a secret: the whole JSON without property; a top-level key first; else a gjson path. */
export function secretValue(data: SecretData, property: string | undefined, key: string): Buffer {
  if (!property) return Buffer.from(goJson(data), "utf8");
  if (Object.hasOwn(data, property)) {
    const v = data[property];
    if (typeof v === "string") return Buffer.from(v, "utf8");
    return Buffer.from(goJson(v), "utf8");
  }
  return selectProperty(Buffer.from(goJson(data), "utf8"), property, key);
}
