/**
 * remoteRef.property selection as upstream providers do it: a gjson path into the JSON value, with the
 * result rendered as gjson's Result.String() (strings unquoted, objects and arrays as their raw JSON).
 */
import { NoSecretError } from "../errors.js";
import { escapeGjsonKey, gjsonGet } from "./gjson-path.js";
import { jsonValueString } from "./json-value.js";

export interface SelectPropertyOptions {
  /**
   * Try the whole property as one literal key first (dots not being separators), then as a path.
   * Upstream AWS Secrets Manager does this so `{"a.b": ...}` is reachable as property `a.b`.
   */
  literalKeyFirst?: boolean;
}

/** Returns the selected property's text, or undefined when the value is not JSON or has no such path. */
export function getJsonProperty(
  json: string,
  property: string,
  options: SelectPropertyOptions = {},
): string | undefined {
  if (options.literalKeyFirst && property.includes(".")) {
    const literal = gjsonGet(json, escapeGjsonKey(property));
    if (literal) return jsonValueString(literal);
  }
  const result = gjsonGet(json, property);
  return result ? jsonValueString(result) : undefined;
}

/**
 * Selects `property` from a remote value. An empty property returns the value unchanged. A missing
 * property throws NoSecretError naming the key and property, never the value.
 */
export function selectProperty(
  value: Buffer,
  property: string | undefined,
  keyForErrors: string,
  options: SelectPropertyOptions = {},
): Buffer {
  if (!property) return value;
  const selected = getJsonProperty(value.toString("utf8"), property, options);
  if (selected === undefined) {
    throw new NoSecretError(`key ${JSON.stringify(keyForErrors)}: property ${JSON.stringify(property)} does not exist`);
  }
  return Buffer.from(selected, "utf8");
}
