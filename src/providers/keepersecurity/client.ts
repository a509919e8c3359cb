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
import { compileGoRegexp } from "../util/go-regexp.js";
import { pushValue } from "../util/push-value.js";
import { readinessOf } from "../util/readiness.js";
import { RecordView } from "./record-view.js";
import type { KeeperApi, KeeperRecord } from "./transport.js";

/** Records this provider creates and is allowed to change or delete (upstream's record type). */
export const EXTERNAL_SECRETS_TYPE = "externalSecrets";

/** Reads by record UID; push and delete address `<record title>/<field>` among externalSecrets records. */
export class KeeperClient implements SecretsClient {
  constructor(
    private readonly api: KeeperApi,
    private readonly folderID: string,
  ) {}

  private async byUid(uid: string): Promise<RecordView> {
    const { records } = await this.api.getSecrets([uid]);
    const record = records.find((r) => r.uid === uid) ?? records[0];
    if (!record) throw new NoSecretError(`keepersecurity: secret "${uid}" not found (no secrets found)`);
    return new RecordView(record);
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    return (await this.byUid(ref.key)).item(ref.property);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return (await this.byUid(ref.key)).items(ref.property);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.tags) throw new NotSupportedError("'find.tags' is not implemented in the KeeperSecurity provider");
    if (find.path) throw new NotSupportedError("'find.path' is not implemented in the KeeperSecurity provider");
    const re = find.name?.regexp !== undefined ? compileGoRegexp(find.name.regexp) : undefined;
    const { records } = await this.api.getSecrets();
    const out: Record<string, Buffer> = {};
    for (const record of records) {
      const view = new RecordView(record);
      if (re && !re.matches(view.title)) continue;
      out[view.title] = await view.item(undefined);
    }
    return out;
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    if (data.secretKey === undefined || data.secretKey === "") {
      throw new NotSupportedError("keepersecurity: pushing the whole secret is not yet implemented");
    }
    const [title, key] = splitRemoteKey(data.remoteRef.remoteKey);
    const value = pushValue(source, data, "keepersecurity");
    const secrets = await this.api.getSecrets();
    const record = findByTitle(secrets.records, title);
    if (record) {
      setRecordValue(record, key, value);
      await this.api.updateRecord(record);
      return;
    }
    const folderKey = secrets.folderKeys.get(this.folderID);
    if (!folderKey) {
      throw new StoreConfigError(
        `keepersecurity: folder "${this.folderID}" is not a shared folder of the application: cannot create secret "${title}"`,
      );
    }
    await this.api.createRecord(this.folderID, folderKey, newRecordData(title, key, value));
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const [title] = splitRemoteKey(ref.remoteKey);
    const record = findByTitle((await this.api.getSecrets()).records, title);
    if (!record) return;
    await this.api.deleteRecords([record.uid]);
  }

  async secretExists(_ref: PushRemoteRef): Promise<boolean> {
    throw new NotSupportedError("keepersecurity: not implemented");
  }

  /** Signs one small request: checks the configuration, the keys and that the application still has access. */
  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.getSecrets([this.folderID]));
  }

  async close(): Promise<void> {}
}

function splitRemoteKey(remoteKey: string): [string, string] {
  const parts = remoteKey.split("/");
  if (parts.length !== 2) {
    throw new StoreConfigError(
      `match.remoteRef.remoteKey. Invalid format. Format should match secretName/key got ${remoteKey}`,
    );
  }
  return [parts[0]!, parts[1]!];
}

/** The one record of our type with that title: none, or an error when several share it. */
function findByTitle(records: KeeperRecord[], title: string): KeeperRecord | undefined {
  const ours = records.filter((r) => r.data.title === title && r.data.type === EXTERNAL_SECRETS_TYPE);
  if (ours.length > 1) throw new StoreConfigError(`keepersecurity: more than 1 secret ${title} found`);
  return ours[0];
}

/** Which standard field a key names, as upstream: login/username, password, url/baseurl; else a custom field. */
function standardField(key: string): "login" | "password" | "url" | undefined {
  const k = key.toLowerCase();
  if (/login|username/.test(k)) return "login";
  if (/password/.test(k)) return "password";
  if (/url|baseurl/.test(k)) return "url";
  return undefined;
}

function newRecordData(title: string, key: string, value: string): Record<string, unknown> {
  const std = standardField(key);
  return {
    type: EXTERNAL_SECRETS_TYPE,
    title,
    fields: std ? [{ type: std, value: [value] }] : [],
    custom: std ? [] : [{ type: "secret", label: key, value: [value] }],
  };
}

type RawField = { type?: string; label?: string; value?: unknown[] };

function setRecordValue(record: KeeperRecord, key: string, value: string): void {
  const std = standardField(key);
  if (std) {
    const fields = (Array.isArray(record.data.fields) ? record.data.fields : []) as RawField[];
    const field = fields.find((f) => f.type === std);
    if (field) field.value = [value];
    else fields.push({ type: std, value: [value] });
    record.data.fields = fields;
    return;
  }
  const custom = (Array.isArray(record.data.custom) ? record.data.custom : []) as RawField[];
  const field = custom.find((f) => f.label === key);
  if (!field || !Array.isArray(field.value) || field.value.length === 0 || field.value[0] === "") {
    throw new StoreConfigError(
      `secret ${String(record.data.title)} does not contain any custom field with label ${key}`,
    );
  }
  field.value = [value];
}
