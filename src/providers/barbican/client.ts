import { NotSupportedError } from "../errors.js";
import type { FindRef, PushRemoteRef, PushSecretData, PushSource, RemoteRef, SecretsClient } from "../provider.js";
import { newFindMatcher } from "../util/find.js";
import { escapeGjsonKey, gjsonGet } from "../util/gjson-path.js";
import { goByteValue } from "../util/go-json.js";
import { type JsonValue, parseJson } from "../util/json-value.js";
import type { BarbicanApi } from "./transport.js";

const quote = (s: string) => JSON.stringify(s);

/** gjson's String(): strings unquoted, anything else as its JSON text. */
const gjsonString = (v: JsonValue) => Buffer.from(v.type === "string" ? v.str : v.raw.trim(), "utf8");

/** The last path segment of a secret_ref URL (its UUID). */
export function uuidFromRef(ref: string): string {
  const i = ref.lastIndexOf("/");
  return i > -1 ? ref.slice(i + 1) : "";
}

export class BarbicanClient implements SecretsClient {
  constructor(private readonly api: BarbicanApi) {}

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const payload = await this.api.payload(ref.key, `get secret ${quote(ref.key)} payload`);
    if (!ref.property) return payload;
    const text = payload.toString("utf8");
    if (parseJson(text) === undefined) {
      throw new Error(`barbican: secret ${quote(ref.key)}: failed to get property: payload is not valid json`);
    }
    // A dotted property is tried as a literal key first, then as a path.
    let found = ref.property.includes(".") ? gjsonGet(text, escapeGjsonKey(ref.property)) : undefined;
    found ??= gjsonGet(text, ref.property);
    if (!found) {
      throw new Error(
        `barbican: secret ${quote(ref.key)}: property ${quote(ref.property)} not found in secret payload`,
      );
    }
    return gjsonString(found);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const payload = await this.getSecret(ref);
    let obj: unknown;
    try {
      obj = JSON.parse(payload.toString("utf8"));
    } catch {
      throw new Error(`barbican: secret ${quote(ref.key)}: failed to unmarshal json`);
    }
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
      throw new Error(`barbican: secret ${quote(ref.key)}: failed to unmarshal json: not an object`);
    }
    const out: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) out[k] = goByteValue(v);
    return out;
  }

  /** find.name.regexp over every secret's name (Barbican's list filters by exact name only); keyed by UUID. */
  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (!find.name?.regexp) throw new Error("barbican client: missing field name and/or regexp");
    const matcher = newFindMatcher({ name: find.name });
    const out: Record<string, Buffer> = {};
    for (const s of await this.api.listAll("list all secrets")) {
      if (!matcher.matchName(s.name)) continue;
      const uuid = uuidFromRef(s.secretRef);
      out[uuid] = await this.api.payload(uuid, `get secret ${quote(uuid)} payload`);
    }
    if (Object.keys(out).length === 0) throw new Error("barbican client: no secrets found");
    return out;
  }

  async pushSecret(_source: PushSource, _data: PushSecretData): Promise<void> {
    throw new NotSupportedError("barbican provider does not support pushing secrets");
  }

  async secretExists(_ref: PushRemoteRef): Promise<boolean> {
    throw new NotSupportedError("barbican provider does not support checking secret existence (read-only)");
  }

  async deleteSecret(_ref: PushRemoteRef): Promise<void> {
    throw new NotSupportedError("barbican provider does not support deleting secrets (delete policy Delete)");
  }

  /** Keystone accepted the credentials when the client was built. */
  async validate() {
    return { ready: true };
  }

  async close(): Promise<void> {}
}
