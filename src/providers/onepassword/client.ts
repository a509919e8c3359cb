import type { FullItem } from "@1password/connect";
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
import { pushValue } from "../util/push-value.js";
import type { ConnectApi, ItemField } from "./connect.js";

const FILE_PREFIX = "file/";
const FIELD_PREFIX = "field/";
const DEFAULT_FIELD = "password";

// The SDK's enum value on the wire, spelled here so this module does not load the SDK (its .d.ts declares the
// enums without their string values).
const CATEGORY_DOCUMENT = "DOCUMENT";

/** Which part of an item a property addresses, as upstream: explicit prefixes, else by item category. */
function objectType(item: FullItem, property: string | undefined): { kind: "file" | "field"; name: string } {
  const p = property ?? "";
  if (p.startsWith(FILE_PREFIX)) return { kind: "file", name: p.slice(FILE_PREFIX.length) };
  if (p.startsWith(FIELD_PREFIX)) return { kind: "field", name: p.slice(FIELD_PREFIX.length) };
  if (String(item.category) === CATEGORY_DOCUMENT) return { kind: "file", name: p };
  return { kind: "field", name: p };
}

export class OnePasswordClient implements SecretsClient {
  private vaultIds?: { name: string; id: string }[];

  constructor(
    private readonly api: ConnectApi,
    /** Vault names in priority order (lowest number first). */
    private readonly vaultNames: string[],
  ) {}

  private async vaults(): Promise<{ name: string; id: string }[]> {
    if (!this.vaultIds) {
      const out: { name: string; id: string }[] = [];
      for (const name of this.vaultNames) out.push({ name, id: await this.api.vaultIdByTitle(name) });
      this.vaultIds = out;
    }
    return this.vaultIds;
  }

  /** The item titled `title` in the first vault (by priority) holding one; more than one in a vault is an error. */
  private async findItem(title: string): Promise<{ item: FullItem; vaultId: string } | undefined> {
    for (const v of await this.vaults()) {
      const items = await this.api.itemsByTitle(v.id, title);
      if (items.length > 1) {
        throw new StoreConfigError(
          `onepassword: key "${title}": found ${items.length} items in vault "${v.name}", expected one`,
        );
      }
      if (items.length === 1) return { item: items[0]!, vaultId: v.id };
    }
    return undefined;
  }

  private async requireItem(title: string): Promise<{ item: FullItem; vaultId: string }> {
    const found = await this.findItem(title);
    if (!found)
      throw new NoSecretError(`onepassword: key "${title}" not found in vaults ${this.vaultNames.join(", ")}`);
    return found;
  }

  private fieldValue(item: FullItem, key: string, label: string): Buffer {
    const name = label || DEFAULT_FIELD;
    const matches = (item.fields ?? []).filter((f) => f.label === name);
    if (matches.length === 0) throw new NoSecretError(`onepassword: key "${key}": field "${name}" not found`);
    if (matches.length > 1) {
      throw new StoreConfigError(
        `onepassword: key "${key}": found ${matches.length} fields labelled "${name}", expected one`,
      );
    }
    return Buffer.from(matches[0]!.value ?? "", "utf8");
  }

  private async fileValue(found: { item: FullItem; vaultId: string }, key: string, name: string): Promise<Buffer> {
    const files = found.item.files ?? [];
    const file = name ? files.find((f) => f.name === name) : files[0];
    if (!file?.id) throw new NoSecretError(`onepassword: key "${key}": file "${name}" not found`);
    return this.api.fileContent(found.vaultId, found.item.id ?? "", file.id);
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    if (ref.version) throw new NotSupportedError("onepassword: remoteRef.version: versioning is not supported");
    const found = await this.requireItem(ref.key);
    const target = objectType(found.item, ref.property);
    if (target.kind === "file") return this.fileValue(found, ref.key, target.name);
    return this.fieldValue(found.item, ref.key, target.name);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    if (ref.version) throw new NotSupportedError("onepassword: remoteRef.version: versioning is not supported");
    const found = await this.requireItem(ref.key);
    const target = objectType(found.item, ref.property);
    const out: Record<string, Buffer> = {};
    if (target.kind === "file") {
      for (const f of found.item.files ?? []) {
        if (!f.id || !f.name || (target.name && f.name !== target.name)) continue;
        out[f.name] = await this.api.fileContent(found.vaultId, found.item.id ?? "", f.id);
      }
      return out;
    }
    for (const f of found.item.fields ?? []) {
      if (!f.label || (target.name && f.label !== target.name)) continue;
      if (f.label in out) {
        throw new StoreConfigError(`onepassword: key "${ref.key}": more than one field labelled "${f.label}"`);
      }
      out[f.label] = Buffer.from(f.value ?? "", "utf8");
    }
    return out;
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    const matcher = newFindMatcher({ name: find.name });
    const wantedTags = Object.keys(find.tags ?? {});
    const out: Record<string, Buffer> = {};
    for (const v of await this.vaults()) {
      for (const summary of await this.api.listItems(v.id)) {
        if (find.path && summary.title !== find.path) continue;
        if (!matcher.matchName(summary.title)) continue;
        if (!wantedTags.every((t) => summary.tags.includes(t))) continue;
        const item = await this.api.item(v.id, summary.id);
        for (const f of item.fields ?? []) {
          // The first vault by priority wins for a label present in several items.
          if (f.label && !(f.label in out)) out[f.label] = Buffer.from(f.value ?? "", "utf8");
        }
      }
    }
    return out;
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const value = pushValue(source, data, "onepassword");
    const label = data.remoteRef.property || DEFAULT_FIELD;
    const vault = (await this.vaults())[0];
    if (!vault) throw new StoreConfigError("onepassword: spec.provider.onepassword.vaults: no vault configured");
    const items = await this.api.itemsByTitle(vault.id, data.remoteRef.remoteKey);
    if (items.length > 1) {
      throw new StoreConfigError(
        `onepassword: key "${data.remoteRef.remoteKey}": found ${items.length} items, expected one`,
      );
    }
    if (items.length === 0) {
      await this.api.createItem(vault.id, data.remoteRef.remoteKey, [this.api.concealedField(label, value)]);
      return;
    }
    const item = items[0]!;
    const fields: ItemField[] = [...(item.fields ?? [])];
    const existing = fields.find((f) => f.label === label);
    if (existing?.value === value) return;
    if (existing) existing.value = value;
    else fields.push(this.api.concealedField(label, value));
    await this.api.updateFields(vault.id, item, fields);
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const vault = (await this.vaults())[0];
    if (!vault) return;
    const items = await this.api.itemsByTitle(vault.id, ref.remoteKey);
    if (items.length !== 1) return;
    const item = items[0]!;
    const label = ref.property || DEFAULT_FIELD;
    const fields = (item.fields ?? []).filter((f) => f.label !== label);
    if (fields.length === (item.fields ?? []).length) return;
    if (fields.length === 0) await this.api.deleteItem(vault.id, item.id ?? "");
    else await this.api.updateFields(vault.id, item, fields);
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    const found = await this.findItem(ref.remoteKey);
    if (!found) return false;
    if (!ref.property) return true;
    return (found.item.fields ?? []).some((f) => f.label === ref.property);
  }

  async validate(): Promise<ValidationResult> {
    try {
      this.vaultIds = undefined;
      await this.vaults();
      return { ready: true };
    } catch (err) {
      return { ready: false, message: (err as Error).message };
    }
  }

  async close(): Promise<void> {}
}
