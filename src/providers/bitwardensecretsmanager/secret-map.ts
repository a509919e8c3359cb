/**
 * dataFrom.extract for Bitwarden as upstream: the secret's value read as a YAML mapping (JSON objects are YAML
 * too). Strings are used raw, nested mappings become their YAML text, other scalars their Go `%v` text.
 */
import { parse, stringify } from "yaml";
import { StoreConfigError } from "../errors.js";

function goValueText(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goValueText).join(" ")}]`;
  if (typeof v === "object")
    return `map[${Object.entries(v)
      .map(([k, x]) => `${k}:${goValueText(x)}`)
      .join(" ")}]`;
  return String(v);
}

/** Throws a StoreConfigError naming the key (never the value) when the value is not a mapping. */
export function bitwardenSecretMap(value: string, key: string): Record<string, Buffer> {
  let parsed: unknown;
  try {
    parsed = parse(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new StoreConfigError(`bitwardensecretsmanager: key "${key}": error unmarshalling secret: not a mapping`);
  }
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v === "string") out[k] = Buffer.from(v, "utf8");
    else if (v && typeof v === "object" && !Array.isArray(v)) out[k] = Buffer.from(stringify(v).trim(), "utf8");
    else out[k] = Buffer.from(goValueText(v), "utf8");
  }
  return out;
}
