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
import { existsBy, readinessOf } from "../util/readiness.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import type { AkeylessApi } from "./transport.js";

function parseVersion(version: string | undefined, key: string): number | undefined {
  if (!version || version === "latest") return undefined;
  const n = Number(version);
  if (!Number.isInteger(n) || n < 0) throw new StoreConfigError(`akeyless: key "${key}": version must be an integer`);
  return n;
}

/** Reads static, dynamic and rotated secrets; writes static secrets. */
export class AkeylessClient implements SecretsClient {
  constructor(
    private readonly api: AkeylessApi,
    private readonly token: string,
  ) {}

  private async value(key: string, version: string | undefined): Promise<string> {
    const item = await this.api.describeItem(this.token, key);
    const v = parseVersion(version, key);
    switch (item.item_type) {
      case "STATIC_SECRET":
        return this.api.staticValue(this.token, key, v);
      case "DYNAMIC_SECRET":
        return this.api.dynamicValue(this.token, key);
      case "ROTATED_SECRET":
        return this.api.rotatedValue(this.token, key, v);
      default:
        throw new NotSupportedError(`akeyless: key "${key}": item type ${item.item_type} is not supported`);
    }
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const value = await this.value(ref.key, ref.version);
    return selectProperty(Buffer.from(value, "utf8"), ref.property, ref.key);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return jsonToSecretMap(await this.getSecret(ref), ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    const matcher = newFindMatcher({ name: find.name });
    const wanted = Object.entries(find.tags ?? {});
    const items = await this.api.listItems(this.token, find.path || "/", ["static-secret"]);
    const out: Record<string, Buffer> = {};
    for (const item of items) {
      if (!matcher.matchName(item.item_name)) continue;
      // Akeyless tags are plain strings; a find tag matches "key" (empty value) or "key=value".
      const tags = item.item_tags ?? [];
      if (!wanted.every(([k, v]) => tags.includes(v ? `${k}=${v}` : k) || (!v && tags.includes(`${k}=`)))) continue;
      out[item.item_name] = Buffer.from(await this.api.staticValue(this.token, item.item_name), "utf8");
    }
    return out;
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const name = data.remoteRef.remoteKey;
    let value = pushValue(source, data, "akeyless");
    let existing: string | undefined;
    try {
      const item = await this.api.describeItem(this.token, name);
      if (item.item_type !== "STATIC_SECRET") {
        throw new StoreConfigError(`akeyless: key "${name}": only static secrets can be pushed`);
      }
      existing = await this.api.staticValue(this.token, name);
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
    }
    if (data.remoteRef.property) {
      value = setJsonProperty(existing, data.remoteRef.property, value, `akeyless: key "${name}"`);
    }
    if (existing === undefined) await this.api.createSecret(this.token, name, value);
    else if (existing !== value) await this.api.updateSecret(this.token, name, value);
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    try {
      if (!ref.property) {
        await this.api.deleteItem(this.token, ref.remoteKey);
        return;
      }
      const obj = JSON.parse(await this.api.staticValue(this.token, ref.remoteKey)) as Record<string, unknown>;
      delete obj[ref.property];
      if (Object.keys(obj).length === 0) await this.api.deleteItem(this.token, ref.remoteKey);
      else await this.api.updateSecret(this.token, ref.remoteKey, JSON.stringify(obj));
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
    }
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    return existsBy(() => this.api.describeItem(this.token, ref.remoteKey));
  }

  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.listItems(this.token, "/", ["static-secret"]));
  }

  async close(): Promise<void> {}
}
