import { NoSecretError, NotSupportedError, StoreConfigError } from "../errors.js";
import type {
  PushRemoteRef,
  PushSecretData,
  PushSource,
  RemoteRef,
  SecretsClient,
  ValidationResult,
} from "../provider.js";
import { gjsonGet } from "../util/gjson-path.js";
import { goByteValue, goJsonMarshal } from "../util/go-json.js";
import { jsonValueString, parseJson } from "../util/json-value.js";
import { existsBy, readinessOf } from "../util/readiness.js";
import { newSecretName, parseKey, type SsKey } from "./keys.js";
import { renderSecret, type SsField, type SsSecret } from "./secret.js";
import type { SecretServerApi } from "./transport.js";

const quote = (s: string) => JSON.stringify(s);

/** PushSecret metadata (kind PushSecretMetadata): where a new secret is created and with which template. */
interface PushMetadata {
  folderId: number;
  secretTemplateId: number;
}

function parseMetadata(metadata: unknown, key: string): PushMetadata | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  const spec = (metadata as { spec?: unknown }).spec;
  if (typeof metadata !== "object" || (spec !== undefined && (typeof spec !== "object" || spec === null))) {
    throw new StoreConfigError(`secretserver: push ${quote(key)}: failed to parse metadata: spec must be an object`);
  }
  const s = (spec ?? {}) as { folderId?: unknown; secretTemplateId?: unknown };
  const num = (v: unknown, name: string) => {
    if (v === undefined) return 0;
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new StoreConfigError(
        `secretserver: push ${quote(key)}: failed to parse metadata: ${name} must be an integer`,
      );
    }
    return v;
  };
  return { folderId: num(s.folderId, "folderId"), secretTemplateId: num(s.secretTemplateId, "secretTemplateId") };
}

/** The value of `property` in a secret: a gjson path into the first field's JSON, else a field by slug or name. */
function propertyValue(secret: SsSecret, property: string): string | undefined {
  const first = secret.Items?.[0]?.ItemValue;
  if (first !== undefined && parseJson(first)) {
    const v = gjsonGet(first, property);
    if (v) return jsonValueString(v);
  }
  let found: string | undefined;
  for (const f of secret.Items ?? []) {
    if (f.FieldName === property || f.Slug === property) found = f.ItemValue;
  }
  return found;
}

function objectEntries(text: string): Record<string, Buffer> | undefined {
  const parsed = parseJson(text);
  if (parsed?.type !== "object") return undefined;
  const obj = JSON.parse(text) as Record<string, unknown>;
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = goByteValue(v);
  return out;
}

export class SecretServerClient implements SecretsClient {
  constructor(private readonly api: SecretServerApi) {}

  /** The secret a key names; NoSecretError when there is none. `folderId` scopes a name lookup. */
  private async lookup(key: string, version?: string, folderId = 0): Promise<SsSecret> {
    if (version)
      throw new NotSupportedError(`secretserver: secret ${quote(key)}: specifying a version is not supported`);
    const k = parseKey(key);
    const what = `secret ${quote(key)}`;
    if (k.kind === "path") return this.api.secretByPath(k.path, what);
    if (k.kind === "id") {
      if (k.id <= 0) throw new NoSecretError(`secretserver: ${what}: not found (secret ID must be positive)`);
      return this.api.secret(k.id, what);
    }
    const folder = k.folderId ?? folderId;
    const records = (await this.api.searchByName(k.name, `search ${what}`)).filter(
      (r) => folder <= 0 || r.folderId === folder,
    );
    // The search matches names containing the text: an exact name wins, else the first result, as upstream.
    const pick = records.find((r) => r.name === k.name) ?? records[0];
    if (!pick) {
      const where = folder > 0 ? ` in folder ${folder}` : "";
      throw new NoSecretError(`secretserver: ${what}: not found (no matching secrets${where})`);
    }
    return this.api.secret(pick.id, what);
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const secret = await this.lookup(ref.key, ref.version);
    if (!secret.Items) return Buffer.alloc(0);
    if (!ref.property) return Buffer.from(goJsonMarshal(renderSecret(secret), { sortKeys: false }), "utf8");
    const v = propertyValue(secret, ref.property);
    if (v === undefined) {
      throw new NoSecretError(`secretserver: secret ${quote(ref.key)}: property ${quote(ref.property)} not found`);
    }
    return Buffer.from(v, "utf8");
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const secret = await this.lookup(ref.key, ref.version);
    const items = secret.Items ?? [];
    if (items.length === 0) throw new Error(`secretserver: secret ${quote(ref.key)}: secret contains no fields`);
    if (ref.property) {
      const v = propertyValue(secret, ref.property);
      if (v === undefined) {
        throw new NoSecretError(`secretserver: secret ${quote(ref.key)}: property ${quote(ref.property)} not found`);
      }
      return objectEntries(v) ?? { [ref.property]: Buffer.from(v, "utf8") };
    }
    const fromFirst = objectEntries(items[0]!.ItemValue);
    if (fromFirst) return fromFirst;
    const out: Record<string, Buffer> = {};
    for (const f of items) out[f.Slug || f.FieldName || String(f.FieldID)] = Buffer.from(f.ItemValue, "utf8");
    return out;
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError(
      "secretserver: getting all secrets is not supported by Delinea Secret Server at this time",
    );
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const key = data.remoteRef.remoteKey;
    if (!key) throw new StoreConfigError("secretserver: remote key must be defined");
    const value = pushValue(source, data);
    const meta = parseMetadata(data.metadata, key);
    const property = data.remoteRef.property ?? "";
    let existing: SsSecret | undefined;
    try {
      existing = await this.lookup(key, undefined, meta?.folderId ?? 0);
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
    }
    if (existing) return this.update(existing, key, property, value);
    if (!meta || meta.folderId <= 0 || meta.secretTemplateId <= 0) {
      throw new StoreConfigError(
        `secretserver: push ${quote(key)}: folderId and secretTemplateId must be provided in metadata to create a new secret`,
      );
    }
    return this.create(parseKey(key), key, property, value, meta);
  }

  private async update(secret: SsSecret, key: string, property: string, value: string): Promise<void> {
    const items = secret.Items ?? [];
    const target = property ? items.find((f) => f.Slug === property || f.FieldName === property) : items[0];
    if (!target) {
      throw new StoreConfigError(
        property
          ? `secretserver: push ${quote(key)}: field ${quote(property)} not found in secret`
          : `secretserver: push ${quote(key)}: secret has no fields to update`,
      );
    }
    if (target.ItemValue === value) return;
    target.ItemValue = value;
    // File fields are written through their own endpoint; the general update carries the others.
    await this.api.updateSecret({ ...secret, Items: items.filter((f) => !f.IsFile) }, `update secret ${quote(key)}`);
  }

  private async create(k: SsKey, key: string, property: string, value: string, meta: PushMetadata): Promise<void> {
    const template = await this.api.template(meta.secretTemplateId, `secret template ${meta.secretTemplateId}`);
    const name = newSecretName(k);
    if (!name) {
      throw new StoreConfigError(
        `secretserver: invalid secret name ${quote(key)}: name must not be empty or end with a trailing slash`,
      );
    }
    let fieldId: number;
    if (!property) {
      const first = template.fields[0];
      if (!first) throw new StoreConfigError(`secretserver: push ${quote(key)}: secret template has no fields`);
      fieldId = first.id;
    } else {
      const f = template.fields.find((t) => t.slug === property || t.name === property);
      if (!f)
        throw new StoreConfigError(
          `secretserver: push ${quote(key)}: field ${quote(property)} not found in secret template`,
        );
      fieldId = f.id;
    }
    const field: SsField = {
      ItemID: 0,
      FieldID: fieldId,
      FileAttachmentID: 0,
      FieldName: "",
      Slug: "",
      FieldDescription: "",
      Filename: "",
      ItemValue: value,
      IsFile: false,
      IsNotes: false,
      IsPassword: false,
    };
    await this.api.createSecret(
      {
        Name: name,
        FolderID: meta.folderId,
        ID: 0,
        SiteID: 0,
        SecretTemplateID: meta.secretTemplateId,
        SecretPolicyID: 0,
        PasswordTypeWebScriptID: 0,
        LauncherConnectAsSecretID: 0,
        CheckOutIntervalMinutes: 0,
        Active: false,
        CheckedOut: false,
        CheckOutEnabled: false,
        AutoChangeEnabled: false,
        CheckOutChangePasswordEnabled: false,
        DelayIndexing: false,
        EnableInheritPermissions: false,
        EnableInheritSecretPolicy: false,
        ProxyEnabled: false,
        RequiresComment: false,
        SessionRecordingEnabled: false,
        WebLauncherRequiresIncognitoMode: false,
        Items: [field],
      },
      `create secret ${quote(key)}`,
    );
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    let secret: SsSecret;
    try {
      secret = await this.lookup(ref.remoteKey);
      await this.api.deleteSecret(secret.ID, `delete secret ${quote(ref.remoteKey)}`);
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
    }
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    return existsBy(() => this.lookup(ref.remoteKey));
  }

  /** Ready once the credentials are accepted (upstream reports ready without a call). */
  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.currentUser());
  }

  async close(): Promise<void> {}
}

/** The text a PushSecret entry writes: one key of the Secret, or the whole Secret as a JSON object. */
function pushValue(source: PushSource, data: PushSecretData): string {
  let bytes: Buffer;
  if (data.secretKey) {
    const v = source.data[data.secretKey];
    if (v === undefined) {
      throw new StoreConfigError(
        `secretserver: failed to extract secret data: key ${quote(data.secretKey)} not found in Secret ${source.namespace}/${source.name}`,
      );
    }
    bytes = v;
  } else {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(source.data)) values[k] = v.toString("utf8");
    bytes = Buffer.from(goJsonMarshal(values), "utf8");
  }
  const text = bytes.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(bytes))
    throw new StoreConfigError("secretserver: secret value is not valid UTF-8");
  return text;
}
