import type { Item, ItemField } from "@1password/sdk";
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
import { pushValue } from "../util/push-value.js";
import type { ReadCache } from "./read-cache.js";
import { type OnePasswordSdkApi, P } from "./transport.js";

const FIELD_PREFIX = "field/";
const FILE_PREFIX = "file/";
const DEFAULT_LABEL = "password";
// The SDK's enum values, spelled here so this module does not load the SDK.
const CATEGORY_DOCUMENT = "Document";
const CATEGORY_SERVER = "Server";
const FIELD_CONCEALED = "Concealed";

const VERSION_NOT_IMPLEMENTED = "'remoteRef.version' is not implemented in the 1Password SDK provider";

/** go-openapi strfmt.IsUUID, which upstream uses to tell an item ID from a title. */
const UUID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;

/** Which part of an item a property addresses: explicit prefixes, else files for Document items. */
function objectType(item: Item, property: string): { kind: "field" | "file"; name: string } {
  if (property.startsWith(FIELD_PREFIX)) return { kind: "field", name: property.slice(FIELD_PREFIX.length) };
  if (property.startsWith(FILE_PREFIX)) return { kind: "file", name: property.slice(FILE_PREFIX.length) };
  return { kind: String(item.category) === CATEGORY_DOCUMENT ? "file" : "field", name: property };
}

function pushTags(metadata: unknown): string[] | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  const spec = (metadata as { spec?: { tags?: unknown } })?.spec;
  if (typeof metadata !== "object" || (spec !== undefined && (typeof spec !== "object" || spec === null))) {
    throw new StoreConfigError(`${P}: failed to parse push secret metadata: expected {spec: {tags: [...]}}`);
  }
  const tags = spec?.tags;
  if (tags === undefined || tags === null) return undefined;
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string")) {
    throw new StoreConfigError(`${P}: failed to parse push secret metadata: spec.tags must be a list of strings`);
  }
  return tags as string[];
}

const concealed = (title: string, value: string): ItemField =>
  ({ id: "", title, value, fieldType: FIELD_CONCEALED }) as ItemField;

export class OnePasswordSDKClient implements SecretsClient {
  /** `op://<vault>/`: GetSecret keys are secret references below the store's vault. */
  private readonly prefix: string;

  constructor(
    private readonly api: OnePasswordSdkApi,
    vault: string,
    private readonly vaultId: string,
    private readonly cache?: ReadCache,
  ) {
    this.prefix = `op://${vault}/`;
  }

  private refKey(key: string): string {
    return this.prefix + key.replace(/^\/+/, "");
  }

  /** The item titled (or, for a UUID, identified by) `name`; two items with that title are an error. */
  private async findItem(name: string): Promise<Item | undefined> {
    if (UUID.test(name)) {
      try {
        return await this.api.getItem(this.vaultId, name, `item ${name}`);
      } catch (err) {
        if (err instanceof NoSecretError) return undefined;
        throw err;
      }
    }
    let id: string | undefined;
    for (const overview of await this.api.listItems(this.vaultId)) {
      if (overview.title !== name) continue;
      if (id !== undefined) throw new StoreConfigError(`${P}: found multiple items with name "${name}"`);
      id = overview.id;
    }
    return id === undefined ? undefined : this.api.getItem(this.vaultId, id, `item "${name}"`);
  }

  /** The secret reference `op://<vault>/<key>`: the key names the item and field (`item/[section/]field`). */
  async getSecret(ref: RemoteRef): Promise<Buffer> {
    if (ref.version) throw new NotSupportedError(VERSION_NOT_IMPLEMENTED);
    const reference = this.refKey(ref.key);
    const cached = this.cache?.get<Buffer>(reference);
    if (cached) return Buffer.from(cached);
    const value = Buffer.from(await this.api.resolve(reference, `key "${ref.key}"`), "utf8");
    this.cache?.set(reference, value);
    return Buffer.from(value);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    if (ref.version) throw new NotSupportedError(VERSION_NOT_IMPLEMENTED);
    const cacheKey = `${this.refKey(ref.key)}|${ref.property ?? ""}`;
    const cached = this.cache?.get<Record<string, Buffer>>(cacheKey);
    if (cached) return { ...cached };
    const item = await this.findItem(ref.key);
    if (!item) throw new NoSecretError(`${P}: key "${ref.key}": item not found in the vault`);
    const target = objectType(item, ref.property ?? "");
    const out = target.kind === "file" ? await this.files(item, target.name) : this.fields(item, target.name);
    this.cache?.set(cacheKey, out);
    return { ...out };
  }

  private fields(item: Item, title: string): Record<string, Buffer> {
    const out: Record<string, Buffer> = {};
    for (const f of item.fields ?? []) {
      if (title && f.title !== title) continue;
      const n = (item.fields ?? []).filter((x) => x.title === f.title).length;
      if (n !== 1) {
        throw new StoreConfigError(
          `${P}: found more than 1 fields with title '${f.title}' in '${item.title}', got ${n}`,
        );
      }
      out[f.title] = Buffer.from(f.value ?? "", "utf8");
    }
    return out;
  }

  /** File fields of the item, and a Document item's document, by file name. */
  private async files(item: Item, name: string): Promise<Record<string, Buffer>> {
    const attrs = (item.files ?? []).map((f) => f.attributes);
    if (item.document) attrs.push(item.document);
    const out: Record<string, Buffer> = {};
    for (const attr of attrs) {
      if (name && attr.name !== name) continue;
      const bytes = await this.api.readFile(this.vaultId, item.id, attr, `item "${item.title}" file "${attr.name}"`);
      out[attr.name] = Buffer.from(bytes);
    }
    return out;
  }

  async getAllSecrets(_find: FindRef): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("received invalid 1PasswordSdk SecretStore resource: not implemented");
  }

  /** Sets field `property` (default "password") of item `remoteKey`, creating a Server item when there is none. */
  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const value = pushValue(source, data, P);
    const title = data.remoteRef.remoteKey;
    const label = data.remoteRef.property || DEFAULT_LABEL;
    const tags = pushTags(data.metadata);
    const item = await this.findItem(title);
    if (!item) {
      await this.api.createItem({
        category: CATEGORY_SERVER as Item["category"],
        vaultId: this.vaultId,
        title,
        fields: [concealed(label, value)],
        tags,
      });
      this.cache?.invalidatePrefix(this.refKey(title));
      return;
    }
    const fields = [...(item.fields ?? [])];
    const matching = fields.filter((f) => f.title === label);
    if (matching.length > 1)
      throw new StoreConfigError(`${P}: item "${title}": found multiple labels with the same key`);
    const sameTags = !tags || JSON.stringify(tags) === JSON.stringify(item.tags ?? []);
    if (matching[0]?.value === value && sameTags) return;
    if (matching[0]) matching[0].value = value;
    else fields.push(concealed(label, value));
    await this.api.putItem({ ...item, fields, ...(tags ? { tags } : {}) });
    this.cache?.invalidatePrefix(this.refKey(title));
  }

  /** Removes field `property` (default "password"); an item left with nothing in it is deleted. */
  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const item = await this.findItem(ref.remoteKey);
    if (!item) return;
    const label = ref.property || DEFAULT_LABEL;
    const before = item.fields ?? [];
    const fields = before.filter((f) => f.title !== label);
    if (before.length - fields.length > 1) {
      throw new StoreConfigError(`${P}: failed to delete fields: found multiple labels on item "${label}"`);
    }
    if (fields.length === before.length) return;
    let sections = item.sections ?? [];
    if (sections.length === 1 && !sections[0]!.id && !sections[0]!.title) sections = [];
    if (fields.length === 0 && (item.files ?? []).length === 0 && sections.length === 0) {
      await this.api.deleteItem(item.vaultId || this.vaultId, item.id, `delete item "${item.title}"`);
    } else {
      await this.api.putItem({ ...item, fields, sections });
    }
    this.cache?.invalidatePrefix(this.refKey(ref.remoteKey));
  }

  async secretExists(_ref: PushRemoteRef): Promise<boolean> {
    throw new NotSupportedError(`${P}: not implemented`);
  }

  /** The vault was found when the client was built; further calls would spend the SDK's tight rate limit. */
  async validate(): Promise<ValidationResult> {
    return { ready: true };
  }

  async close(): Promise<void> {}
}
