import { NoSecretError, StoreConfigError } from "../errors.js";
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
import { jsonToSecretMap } from "../util/secret-map.js";
import { entryKey, type FakeEntry } from "./state.js";

export class FakeClient implements SecretsClient {
  constructor(
    private readonly table: Map<string, FakeEntry>,
    private readonly validationResult: number,
  ) {}

  private lookup(ref: RemoteRef): FakeEntry {
    const entry = this.table.get(entryKey(ref.key, ref.version));
    if (!entry || entry.version !== (ref.version ?? "")) {
      throw new NoSecretError(`secret ${JSON.stringify(ref.key)} not found`);
    }
    return entry;
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const entry = this.lookup(ref);
    const value = entry.valueMap && !entry.value ? JSON.stringify(entry.valueMap) : entry.value;
    return selectProperty(Buffer.from(value, "utf8"), ref.property, ref.key);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const entry = this.lookup(ref);
    if (entry.valueMap) {
      return Object.fromEntries(Object.entries(entry.valueMap).map(([k, v]) => [k, Buffer.from(v, "utf8")]));
    }
    return jsonToSecretMap(await this.getSecret(ref), ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (!find.name) throw new StoreConfigError("find: only name is supported by the fake provider");
    const matcher = newFindMatcher({ name: find.name });
    const latest = new Map<string, FakeEntry>();
    for (const entry of this.table.values()) {
      if (!matcher.matchName(entry.key)) continue;
      const seen = latest.get(entry.key);
      if (!seen || seen.version < entry.version) latest.set(entry.key, entry);
    }
    const out: Record<string, Buffer> = {};
    for (const [key, entry] of latest) out[key] = Buffer.from(entry.value, "utf8");
    return out;
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    let value: Buffer;
    if (data.secretKey) {
      const v = source.data[data.secretKey];
      if (v === undefined)
        throw new StoreConfigError(`secret key ${JSON.stringify(data.secretKey)} not found in source`);
      value = v;
    } else {
      const decoded = Object.fromEntries(Object.entries(source.data).map(([k, v]) => [k, v.toString("utf8")]));
      value = Buffer.from(JSON.stringify(decoded), "utf8");
    }
    const key = data.remoteRef.remoteKey;
    const current = this.table.get(key);
    if (current && current.origin !== "SetSecret") throw new StoreConfigError("key already exists");
    this.table.set(key, { key, version: "", value: value.toString("utf8"), origin: "SetSecret" });
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const current = this.table.get(ref.remoteKey);
    if (current?.origin === "SetSecret") this.table.delete(ref.remoteKey);
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    return this.table.has(ref.remoteKey);
  }

  async validate(): Promise<ValidationResult> {
    if (this.validationResult === 2) return { ready: false, message: "fake provider: validation result Error" };
    if (this.validationResult === 1) return { ready: false, message: "fake provider: validation result Unknown" };
    return { ready: true };
  }

  async close(): Promise<void> {}
}
