/**
 * Go's encoding/json.Marshal of decoded JSON (object keys sorted unless told otherwise, <, > and & escaped, floats
 * with an exponent only below 1e-6 or from 1e21), and upstream's esutils.GetByteValue (strings raw, numbers and booleans as text, null empty,
 * objects and arrays as that JSON).
 */
import { formatFloatF } from "./json-value.js";

export interface GoJsonOptions {
  /** Go sorts map keys; a struct keeps its field order (false). Default true. */
  sortKeys?: boolean;
}

export function goJsonMarshal(x: unknown, opts: GoJsonOptions = {}): string {
  const sortKeys = opts.sortKeys ?? true;
  const enc = (v: unknown): string => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "string") {
      return JSON.stringify(v)
        .replace(/</g, "\\u003c")
        .replace(/>/g, "\\u003e")
        .replace(/&/g, "\\u0026")
        .replace(/\u2028/g, "\\u2028")
        .replace(/\u2029/g, "\\u2029");
    }
    // encoding/json writes exponents exactly where JavaScript does (below 1e-6, from 1e21), unpadded.
    if (typeof v === "number") return String(v);
    if (typeof v === "boolean") return String(v);
    if (Array.isArray(v)) return `[${v.map(enc).join(",")}]`;
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    if (sortKeys) keys.sort();
    return `{${keys.map((k) => `${enc(k)}:${enc(obj[k])}`).join(",")}}`;
  };
  return enc(x);
}

/** esutils.GetByteValue: a decoded JSON value as the bytes a Secret key gets. */
export function goByteValue(v: unknown): Buffer {
  if (v === null || v === undefined) return Buffer.alloc(0);
  if (typeof v === "string") return Buffer.from(v, "utf8");
  if (typeof v === "number") return Buffer.from(formatFloatF(v), "utf8");
  if (typeof v === "boolean") return Buffer.from(String(v), "utf8");
  return Buffer.from(goJsonMarshal(v), "utf8");
}
