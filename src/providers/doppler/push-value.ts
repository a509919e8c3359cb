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
