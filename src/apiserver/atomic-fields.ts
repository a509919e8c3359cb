/**
 * Where server-side apply stops descending: a map or struct marked `x-kubernetes-map-type: atomic` in the schema is
 * one field, owned, compared and replaced as a whole, as kube-apiserver's structured-merge-diff treats it (every list
 * but ObjectMeta's merge lists is already atomic here, `x-kubernetes-list-type: atomic` included).
 */
import { resolveSchema } from "./field-validation.js";
import type { Schema } from "./openapi-schema-builders.js";
import { isObject } from "./util.js";

/** The schema of member `key` of an object described by `schema` (declared property, else additionalProperties). */
export function memberSchema(schema: Schema | undefined, key: string): Schema | undefined {
  const s = resolveSchema(schema);
  if (!s) return undefined;
  const declared = isObject(s.properties) ? s.properties[key] : undefined;
  if (declared) return declared;
  return isObject(s.additionalProperties) ? s.additionalProperties : undefined;
}

export function isAtomicMap(schema: Schema | undefined): boolean {
  return resolveSchema(schema)?.["x-kubernetes-map-type"] === "atomic";
}
