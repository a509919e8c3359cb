/**
 * dataFrom.extract as upstream providers implement it: a JSON object's top-level keys become Secret keys;
 * string values are used raw, null becomes empty, anything else is kept as its JSON text.
 */
import { NoSecretError } from "../errors.js";
import { parseJson } from "./json-value.js";

export class SecretMapError extends Error {
  override readonly name = "SecretMapError";
}

/** Throws SecretMapError (naming the key, never the value) when the value is not a JSON object. */
export function jsonToSecretMap(value: Buffer, keyForErrors = ""): Record<string, Buffer> {
  const parsed = parseJson(value.toString("utf8"));
  if (parsed?.type !== "object") {
    const what = keyForErrors ? `secret ${JSON.stringify(keyForErrors)}` : "secret";
    throw new SecretMapError(`unable to unmarshal ${what}: value is not a JSON object`);
  }
  const out: Record<string, Buffer> = {};
  for (const [k, v] of parsed.entries) {
    // Go's json.Unmarshal into a map keeps the last duplicate.
    if (v.type === "string") out[k] = Buffer.from(v.str, "utf8");
    else if (v.type === "null") out[k] = Buffer.alloc(0);
    else out[k] = Buffer.from(v.raw, "utf8");
  }
  return out;
}

/** Like jsonToSecretMap but reports "not found" for an absent value (provider returned nothing). */
export function requireSecretMap(value: Buffer | undefined, keyForErrors: string): Record<string, Buffer> {
  if (value === undefined) throw new NoSecretError(`secret ${JSON.stringify(keyForErrors)} not found`);
  return jsonToSecretMap(value, keyForErrors);
}
