/**
 * ESC values to Secret bytes, as upstream: esutils.GetByteValue of the value (objects and arrays as Go-encoded
 * JSON, in which nested values keep their `{value, trace}` shape, as upstream documents).
 */
import { goByteValue } from "../util/go-json.js";

export class EscValueError extends Error {
  override readonly name = "EscValueError";
}

export const escValueBytes = goByteValue;

/** dataFrom.extract: each top-level entry of an object value (an ESC value itself) becomes one Secret key. */
export function escObjectEntries(value: unknown, key: string): Record<string, Buffer> {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new EscValueError(`pulumi: value of "${key}" is not an object`);
  }
  const out: Record<string, Buffer> = {};
  for (const [k, entry] of Object.entries(value as Record<string, unknown>)) {
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      throw new EscValueError(`pulumi: entry "${k}" of "${key}" is not an ESC value`);
    }
    out[k] = goByteValue((entry as { value?: unknown }).value);
  }
  return out;
}
