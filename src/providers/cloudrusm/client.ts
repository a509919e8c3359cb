import { NoSecretError, NotSupportedError } from "../errors.js";
import type { FindRef, RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { gjsonGet } from "../util/gjson-path.js";
import { parseJson } from "../util/json-value.js";
import { readinessOf } from "../util/readiness.js";
import type { CloudruApi } from "./transport.js";
import { isUUID } from "./uuid.js";

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

function parseVersion(version: string | undefined): number | undefined {
  if (!version || version === "latest") return undefined;
  const n = /^[+-]?\d+$/.test(version) ? Number(version) : Number.NaN;
  if (!Number.isInteger(n) || n > INT32_MAX || n < INT32_MIN) {
    throw new Error("cloudrusm: invalid secret version: should be a valid int32 value or 'latest' keyword");
  }
  return n;
}

/** Read-only client over one project's secrets; a key is a secret path, or a secret id when it parses as a UUID. */
export class CloudruSMClient implements SecretsClient {
  constructor(
    private readonly api: CloudruApi,
    private readonly projectID: string,
  ) {}

  private access(key: string, version: string | undefined): Promise<Buffer> {
    if (isUUID(key)) return this.api.accessByID(key, version || "latest");
    return this.api.accessByPath(this.projectID, key, parseVersion(version));
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const value = await this.access(ref.key, ref.version);
    const prop = (ref.property ?? "").trim();
    if (!prop) return value;
    const text = value.toString("utf8");
    if (parseJson(text)?.type !== "object") {
      throw new Error(
        `cloudrusm: expecting the secret ${JSON.stringify(ref.key)} in JSON format, could not access property ${JSON.stringify(ref.property)}`,
      );
    }
    const found = gjsonGet(text, prop);
    if (!found) {
      throw new NoSecretError(
        `cloudrusm: the requested property ${JSON.stringify(prop)} does not exist in secret ${JSON.stringify(ref.key)}`,
      );
    }
    // As upstream (gjson's Result.Str): a string property yields its text, any other kind yields nothing.
    return Buffer.from(found.type === "string" ? found.str : "", "utf8");
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const value = await this.access(ref.key, ref.version);
    const doc = parseJson(value.toString("utf8"));
    if (doc?.type !== "object")
      throw new Error(`cloudrusm: expecting the secret ${JSON.stringify(ref.key)} in JSON format`);
    const out: Record<string, Buffer> = {};
    // Upstream keeps each member's raw JSON text and strips the surrounding quotes of strings (escapes stay).
    for (const [k, v] of doc.entries) out[k] = Buffer.from(v.raw.replace(/^"+|"+$/g, ""), "utf8");
    return out;
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    const noTags = !find.tags || Object.keys(find.tags).length === 0;
    if (noTags && !find.name && find.path === undefined) {
      throw new Error("cloudrusm: at least one of the following fields must be set: tags, name, path");
    }
    const secrets = await this.api.search({
      projectID: this.projectID,
      labels: find.tags,
      nameRegex: find.name?.regexp,
      path: find.path,
    });
    const out: Record<string, Buffer> = {};
    for (const s of secrets) {
      if (!s.id) continue;
      out[s.path ?? s.name ?? s.id] = await this.api.accessByID(s.id, "latest");
    }
    return out;
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError("cloudrusm: push secret is not supported");
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError("cloudrusm: not implemented");
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError("cloudrusm: secret exists is not supported");
  }

  /** Upstream reports no readiness; here a store is ready once its key gets an IAM token. */
  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.token());
  }

  async close(): Promise<void> {}
}
