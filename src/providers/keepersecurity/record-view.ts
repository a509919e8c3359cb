/**
 * A Keeper record as ExternalSecrets see it, as upstream: standard fields keyed by label (else type), custom fields
 * by label, files by title; a whole record is its JSON; duplicate keys make the record unusable.
 */
import { NoSecretError } from "../errors.js";
import { goJsonMarshal as goJson } from "../util/go-json.js";
import type { KeeperRecord } from "./transport.js";

interface Field {
  type: string;
  label?: string;
  value: unknown[];
}

const FILE_REF = "fileRef";
const ONE_TIME_CODE = "oneTimeCode";

export class KeeperRecordError extends Error {
  override readonly name = "KeeperRecordError";
}

function fieldsOf(v: unknown): Field[] | null {
  if (!Array.isArray(v)) return null;
  return v.map((f) => {
    const o = (f ?? {}) as Record<string, unknown>;
    return {
      type: typeof o.type === "string" ? o.type : "",
      label: typeof o.label === "string" && o.label ? o.label : undefined,
      value: Array.isArray(o.value) ? o.value : [],
    };
  });
}

/** A value list as upstream renders it: nothing, the single string raw, else JSON. */
function fieldValue(value: unknown[]): Buffer {
  if (value.length === 0) return Buffer.alloc(0);
  if (value.length === 1) {
    const v = value[0];
    return Buffer.from(typeof v === "string" ? v : goJson(v), "utf8");
  }
  return Buffer.from(goJson(value), "utf8");
}

export class RecordView {
  readonly title: string;
  readonly type: string;
  private readonly fields: Field[] | null;
  private readonly custom: Field[] | null;

  constructor(private readonly record: KeeperRecord) {
    this.title = typeof record.data.title === "string" ? record.data.title : "";
    this.type = typeof record.data.type === "string" ? record.data.type : "";
    this.fields = fieldsOf(record.data.fields);
    this.custom = fieldsOf(record.data.custom);
    this.checkDuplicates();
  }

  private checkDuplicates(): void {
    const seen = new Map<string, number>();
    const count = (k: string) => seen.set(k, (seen.get(k) ?? 0) + 1);
    for (const f of this.fields ?? []) count(f.label ?? f.type);
    for (const f of this.custom ?? []) count(f.label ?? "");
    for (const f of this.record.files) count(f.title);
    const dup = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
    if (dup.length) throw new KeeperRecordError(`invalid Secret. Following keys are duplicated ${dup.join(", ")}`);
  }

  /** remoteRef without property: the record's JSON; with property: that field, custom field or file. */
  async item(property: string | undefined): Promise<Buffer> {
    if (property) return this.property(property);
    return Buffer.from(await this.toJson(), "utf8");
  }

  /** dataFrom.extract: every field, custom field and file (or only `property`). */
  async items(property: string | undefined): Promise<Record<string, Buffer>> {
    if (property) return { [property]: await this.property(property) };
    const out: Record<string, Buffer> = {};
    for (const f of this.fields ?? []) if (f.value.length) out[f.label ?? f.type] = fieldValue(f.value);
    for (const f of this.custom ?? []) if (f.value.length) out[f.label ?? ""] = fieldValue(f.value);
    for (const f of this.record.files) out[f.title] = await f.content();
    if (Object.keys(out).length === 0) {
      throw new NoSecretError(`invalid Secret. Secret ${this.title} does not contain any valid field/file`);
    }
    return out;
  }

  private async property(key: string): Promise<Buffer> {
    const field = (this.fields ?? []).find(
      (f) => (f.label ?? f.type) === key && f.type !== FILE_REF && f.type !== ONE_TIME_CODE && f.value.length > 0,
    );
    if (field) return fieldValue(field.value);
    const custom = (this.custom ?? []).find((f) => f.label === key && f.value.length > 0);
    if (custom) return fieldValue(custom.value);
    const file = this.record.files.find((f) => f.title === key);
    if (file) return file.content();
    throw new NoSecretError(`invalid Property. Secret ${this.title} does not have any key matching ${key}`);
  }

  /** Go's encoding of upstream's Secret struct: title, type, fields, custom, files (null when absent). */
  private async toJson(): Promise<string> {
    const fields = this.fields
      ? `[${this.fields
          .map(
            (f) =>
              `{"type":${goJson(f.type)}${f.label ? `,"label":${goJson(f.label)}` : ""},"value":${goJson(f.value)}}`,
          )
          .join(",")}]`
      : "null";
    const custom = this.custom
      ? `[${this.custom.map((f) => `{"type":${goJson(f.type)},"label":${goJson(f.label ?? "")},"value":${goJson(f.value)}}`).join(",")}]`
      : "null";
    let files = "null";
    if (this.record.files.length) {
      const parts: string[] = [];
      for (const f of this.record.files) {
        parts.push(`{"type":${goJson(f.title)},"content":${goJson((await f.content()).toString("utf8"))}}`);
      }
      files = `[${parts.join(",")}]`;
    }
    return `{"title":${goJson(this.title)},"type":${goJson(this.type)},"fields":${fields},"custom":${custom},"files":${files}}`;
  }
}
