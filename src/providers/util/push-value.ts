import { StoreConfigError } from "../errors.js";
import type { PushSecretData, PushSource } from "../provider.js";

/** The string a PushSecret entry writes: one key of the Secret, or the whole Secret as a JSON object. */
export function pushValue(source: PushSource, data: PushSecretData, provider: string): string {
  if (data.secretKey === undefined) {
    const obj: Record<string, string> = {};
    for (const [k, v] of Object.entries(source.data)) obj[k] = v.toString("utf8");
    return JSON.stringify(obj);
  }
  const v = source.data[data.secretKey];
  if (v === undefined) {
    throw new StoreConfigError(
      `${provider}: key "${data.secretKey}" not found in Secret ${source.namespace}/${source.name}`,
    );
  }
  return v.toString("utf8");
}

/**
 * PushSecret with remoteRef.property: the remote value is a JSON object and only that key is set.
 * `existing` is the current remote value (undefined or empty when there is none).
 */
export function setJsonProperty(existing: string | undefined, property: string, value: string, what: string): string {
  let obj: Record<string, unknown> = {};
  if (existing) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(existing);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new StoreConfigError(`${what}: current value is not a JSON object, cannot set property "${property}"`);
    }
    obj = parsed as Record<string, unknown>;
  }
  obj[property] = value;
  return JSON.stringify(obj);
}
