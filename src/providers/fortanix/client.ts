import { NoSecretError, NotSupportedError } from "../errors.js";
import type { RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { goByteValue } from "../util/go-json.js";
import { parseJson } from "../util/json-value.js";
import { readinessOf } from "../util/readiness.js";
import type { FortanixApi } from "./transport.js";

const PUSH_NOT_SUPPORTED = "fortanix: pushing secrets is currently not supported";
const DELETE_NOT_SUPPORTED = "fortanix: deleting secrets is currently not supported";
const FIND_NOT_SUPPORTED = "fortanix: getting all secrets is currently not supported";

/** Upstream decodes the value into map[string]string: a JSON object of strings, or an error. */
function stringMap(value: Buffer, key: string): Record<string, string> {
  const parsed = parseJson(value.toString("utf8"));
  const fail = () =>
    new Error(`fortanix: unable to unmarshal secret ${JSON.stringify(key)}, is it a valid JSON object of strings?`);
  if (parsed?.type !== "object") throw fail();
  const out: Record<string, string> = {};
  for (const [k, v] of parsed.entries) {
    if (v.type === "string") out[k] = v.str;
    else if (v.type !== "null") throw fail();
  }
  return out;
}

/** Read-only client over DSM security objects, looked up by name. */
export class FortanixClient implements SecretsClient {
  constructor(private readonly api: FortanixApi) {}

  private async value(name: string): Promise<Buffer> {
    let obj = await this.api.info(name);
    // Secret objects carry no value in their metadata: it has to be exported.
    if (obj.obj_type === "Secret") {
      if (!obj.kid) throw new Error(`fortanix: security object "${name}" has no id`);
      obj = await this.api.export(obj.kid, name);
    }
    if (obj.value === undefined || obj.value === null) {
      throw new NoSecretError(`fortanix: security object "${name}" has no exportable value`);
    }
    return Buffer.from(obj.value, "base64");
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const value = await this.value(ref.key);
    if (!ref.property) return value;
    const map = stringMap(value, ref.key);
    if (!Object.hasOwn(map, ref.property)) {
      throw new NoSecretError(`fortanix: unable to get value for key ${ref.property} of ${JSON.stringify(ref.key)}`);
    }
    return goByteValue(map[ref.property]);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const map = stringMap(await this.getSecret(ref), ref.key);
    return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, Buffer.from(v, "utf8")]));
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError(FIND_NOT_SUPPORTED);
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError(PUSH_NOT_SUPPORTED);
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError(DELETE_NOT_SUPPORTED);
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError(PUSH_NOT_SUPPORTED);
  }

  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.check());
  }

  async close(): Promise<void> {}
}
