import { NoSecretError, NotSupportedError } from "../errors.js";
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
import { escapeGjsonKey, gjsonGet } from "../util/gjson-path.js";
import { goJsonMarshal } from "../util/go-json.js";
import { type JsonValue, parseJson } from "../util/json-value.js";
import { readinessOf } from "../util/readiness.js";
import { decodeRef, nameFilter, type ScwRef, ScwRefError } from "./refs.js";
import type { ScalewayApi } from "./transport.js";

const LIST_PAGE_SIZE = 50;

const quote = (s: string) => JSON.stringify(s);

/** A JSON value as upstream hands it out: strings unquoted, anything else as its JSON text. */
function jsonToSecretData(v: JsonValue): Buffer {
  return Buffer.from(v.type === "string" ? v.str : v.raw.trim(), "utf8");
}

export class ScalewayClient implements SecretsClient {
  constructor(private readonly api: ScalewayApi) {}

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const scwRef = decodeRef(ref.key);
    const value = await this.accessVersion(scwRef, ref.key, ref.version || "latest_enabled");
    if (!ref.property) return value;
    const text = value.toString("utf8");
    let found = gjsonGet(text, ref.property);
    // A literal dotted key (e.g. "tls.crt") is reachable too.
    if (!found && ref.property.includes(".")) found = gjsonGet(text, escapeGjsonKey(ref.property));
    if (!found)
      throw new NoSecretError(`scaleway: secret ${quote(ref.key)}: property ${quote(ref.property)} not found`);
    return jsonToSecretData(found);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const parsed = parseJson((await this.getSecret(ref)).toString("utf8"));
    if (parsed?.type !== "object") {
      throw new Error(`scaleway: secret ${quote(ref.key)}: failed to unmarshal secret: invalid JSON format`);
    }
    const out: Record<string, Buffer> = {};
    for (const [k, v] of parsed.entries) out[k] = jsonToSecretData(v);
    return out;
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    const matcher = newFindMatcher({ name: find.name });
    const tags = find.tags ? Object.keys(find.tags) : undefined;
    const out: Record<string, Buffer> = {};
    for (let page = 1, fetched = 0; ; page++) {
      const { secrets, total } = await this.api.listSecrets(
        { path: find.path, tags, page, pageSize: LIST_PAGE_SIZE },
        "list secrets",
      );
      fetched += secrets.length;
      for (const s of secrets) {
        if (find.name && !matcher.matchName(s.name)) continue;
        try {
          out[s.name] = await this.api.accessSecretVersion(s.id, "latest_enabled", `access secret ${quote(s.name)}`);
        } catch (err) {
          // A secret without an enabled version is left out, as upstream does; any other failure fails the sync.
          if (!(err instanceof NoSecretError)) throw err;
        }
      }
      if (secrets.length === 0 || fetched >= total) break;
    }
    return out;
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const value = pushPayload(source, data);
    const key = data.remoteRef.remoteKey;
    const filter = nameFilter(decodeRef(key), key, "pushed");
    const found = await this.findByName(filter, key);
    let secretId: string;
    let existing: Buffer | undefined;
    if (found) {
      secretId = found;
      try {
        const latest = await this.api.getSecretVersion(secretId, "latest", `secret ${quote(key)} latest version`);
        existing = await this.api.accessSecretVersion(secretId, String(latest.revision), `access secret ${quote(key)}`);
      } catch (err) {
        if (!(err instanceof NoSecretError)) throw err;
      }
    } else {
      const created = await this.api.createSecret(filter.name, filter.path ?? "/", `create secret ${quote(key)}`);
      secretId = created.id;
    }
    if (existing?.equals(value)) return;
    await this.api.createSecretVersion(secretId, value, `push secret ${quote(key)}`);
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const key = ref.remoteKey;
    const filter = nameFilter(decodeRef(key), key, "deleted");
    const found = await this.findByName(filter, key);
    if (!found) return;
    try {
      await this.api.deleteSecret(found, `delete secret ${quote(key)}`);
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
    }
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError("scaleway: secretExists: not implemented");
  }

  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.listSecrets({ page: 1, pageSize: 1 }, "list secrets"));
  }

  async close(): Promise<void> {}

  /** The id of the first secret of the project with that name (and path), or undefined. */
  private async findByName(filter: { name: string; path?: string }, key: string): Promise<string | undefined> {
    const { secrets } = await this.api.listSecrets({ ...filter, page: 1, pageSize: 1 }, `find secret ${quote(key)}`);
    return secrets[0]?.id;
  }

  private async accessVersion(ref: ScwRef, key: string, version: string): Promise<Buffer> {
    const what = `secret ${quote(key)} version ${quote(version)}`;
    // An id with a revision number needs no lookup.
    if (ref.type === "id" && /^[0-9]+$/.test(version)) return this.api.accessSecretVersion(ref.value, version, what);
    let secretId: string;
    if (ref.type === "id") {
      secretId = ref.value;
    } else if (ref.type === "name" || ref.type === "path") {
      const found = await this.findByName(nameFilter(ref, key, "read"), key);
      if (!found) throw new NoSecretError(`scaleway: secret ${quote(key)}: not found (no secret for this name)`);
      secretId = found;
    } else {
      throw new ScwRefError(`scaleway: key ${quote(key)}: invalid secret reference type ${quote(ref.type)}`);
    }
    const v = await this.api.getSecretVersion(secretId, version, what);
    return this.api.accessSecretVersion(v.secret_id || secretId, String(v.revision), what);
  }
}

/** The bytes a PushSecret entry writes: the selected key's value, or the whole Secret as a JSON object. */
function pushPayload(source: PushSource, data: PushSecretData): Buffer {
  if (data.secretKey) {
    const v = source.data[data.secretKey];
    if (v === undefined) {
      throw new Error(`scaleway: secret key ${quote(data.secretKey)} not found in the source secret`);
    }
    return v;
  }
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(source.data)) values[k] = v.toString("utf8");
  return Buffer.from(goJsonMarshal(values), "utf8");
}
