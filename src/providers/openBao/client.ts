/** The SecretsClient of one OpenBao store: KV reads and find by name and path; read-only, as upstream. */
import { NoSecretError, NotSupportedError } from "../errors.js";
import type { FindRef, PushRemoteRef, RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { newFindMatcher } from "../util/find.js";
import { selectProperty } from "../util/json-property.js";
import { readinessOf } from "../util/readiness.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import { goJson } from "../vault/kit/go-json.js";
import type { VaultHttp } from "../vault/kit/transport.js";
import type { OpenBaoKv, SecretData } from "./kv.js";

const READ_ONLY = "openbao: push secret is not supported (the OpenBao provider is currently read only)";
/** At most this many secrets are read for one find. */
const MAX_FIND = 10_000;

/** The whole secret as JSON, or one property: a top-level key first (strings raw), else a gjson path. */
function secretValue(data: SecretData, property: string | undefined, key: string): Buffer {
  if (!property) return Buffer.from(goJson(data), "utf8");
  if (Object.hasOwn(data, property)) {
    const v = data[property];
    return Buffer.from(typeof v === "string" ? v : goJson(v), "utf8");
  }
  return selectProperty(Buffer.from(goJson(data), "utf8"), property, key);
}

export class OpenBaoClient implements SecretsClient {
  constructor(
    private readonly http: VaultHttp,
    private readonly kv: OpenBaoKv,
  ) {}

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    if (ref.metadataPolicy === "Fetch") {
      if (this.kv.version === "v1")
        throw new Error("openbao: cannot perform metadata fetch operations with kv version v1");
      return secretValue(await this.kv.metadata(ref.key), ref.property, ref.key);
    }
    return secretValue(await this.kv.read(ref.key, ref.version), ref.property, ref.key);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return jsonToSecretMap(await this.getSecret(ref), ref.key);
  }

  /** Lists the entries directly under find.path and reads those whose name matches; tags are not supported. */
  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.tags && Object.keys(find.tags).length) {
      throw new NotSupportedError("openbao: tag based search is not implemented");
    }
    const matcher = newFindMatcher({ name: find.name });
    const base = (find.path ?? "").replace(/^\/+|\/+$/g, "");
    const names = (await this.kv.list(base)).filter((n) => !n.endsWith("/") && matcher.matchName(n));
    if (names.length > MAX_FIND) throw new Error(`openbao: find: more than ${MAX_FIND} secrets match`);
    const out: Record<string, Buffer> = {};
    for (const name of names) {
      const key = base ? `${base}/${name}` : name;
      try {
        out[key] = secretValue(await this.kv.read(key), undefined, key);
      } catch (err) {
        if (!(err instanceof NoSecretError)) throw err;
      }
    }
    return out;
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError(READ_ONLY);
  }

  async deleteSecret(_ref: PushRemoteRef): Promise<void> {
    throw new NotSupportedError(
      "openbao: delete secret is not supported (the OpenBao provider is currently read only)",
    );
  }

  async secretExists(_ref: PushRemoteRef): Promise<boolean> {
    throw new NotSupportedError("openbao: checking whether a secret exists is not supported (read only)");
  }

  /** Ready when the credentials log in and the mount is a KV engine of the configured version. */
  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.kv.checkMount());
  }

  async close(): Promise<void> {
    this.http.close();
  }
}
