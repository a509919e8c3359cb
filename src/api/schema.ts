/**
 * TypeBox helpers that keep every schema structural (Kubernetes' rules) while still giving
 * precise static types: string enums as `{type: string, enum}`, string maps, base64 bytes,
 * and free-form JSON marked with x-kubernetes-preserve-unknown-fields.
 */
import {
  FormatRegistry,
  Kind,
  type SchemaOptions,
  type Static,
  type StringOptions,
  type TSchema,
  type TUnsafe,
  Type,
  TypeRegistry,
} from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

if (!FormatRegistry.Has("byte")) FormatRegistry.Set("byte", (v) => BASE64.test(v.replace(/\s+/g, "")));
if (!FormatRegistry.Has("date-time")) FormatRegistry.Set("date-time", (v) => RFC3339.test(v));
if (!TypeRegistry.Has("StringEnum")) {
  TypeRegistry.Set<{ enum: string[] }>(
    "StringEnum",
    (schema, value) => typeof value === "string" && schema.enum.includes(value),
  );
}

const INNER = Symbol("nullable-inner");
if (!TypeRegistry.Has("Nullable")) {
  TypeRegistry.Set<{ [INNER]: TSchema }>(
    "Nullable",
    (schema, value) => value === null || Value.Check(schema[INNER], value),
  );
}

/** `schema` or null, emitted as the schema plus `nullable: true` (Go's +nullable). */
export function Nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const { [Kind]: _kind, ...rest } = schema as TSchema;
  return Type.Unsafe<Static<T> | null>({ ...rest, nullable: true, [Kind]: "Nullable", [INNER]: schema });
}

/** The schema a Nullable wraps, or undefined for any other schema. */
export function nullableInner(schema: TSchema): TSchema | undefined {
  return (schema as { [INNER]?: TSchema })[INNER];
}

/** A string restricted to `values`, emitted as `{type: string, enum: [...]}`. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, [Kind]: "StringEnum", type: "string", enum: [...values] });
}

/** map[string]string. Emitted in the CRD as additionalProperties. */
export function StringMap(options: SchemaOptions = {}) {
  return Type.Record(Type.String(), Type.String(), options);
}

/** Any JSON value; the only place unknown fields survive pruning. */
export function FreeForm(options: SchemaOptions = {}) {
  return Type.Unknown({ ...options, "x-kubernetes-preserve-unknown-fields": true });
}

/** Go []byte: base64 in JSON/YAML. */
export function Bytes(options: StringOptions = {}) {
  return Type.String({ ...options, format: "byte" });
}

/** metav1.Duration: a Go duration string ("1h30m"); parsed by validation, not the schema. */
export function Duration(options: StringOptions = {}) {
  return Type.String(options);
}

export function DateTime(options: StringOptions = {}) {
  return Type.String({ ...options, format: "date-time" });
}

export const DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
export const DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
export const SECRET_KEY = "^[-._a-zA-Z0-9]+$";

/** Name of a namespaced object (DNS-1123 subdomain). */
export function ObjectName(options: StringOptions = {}) {
  return Type.String({ minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN, ...options });
}

export function NamespaceName(options: StringOptions = {}) {
  return Type.String({ minLength: 1, maxLength: 63, pattern: DNS_LABEL, ...options });
}

export function SecretDataKey(options: StringOptions = {}) {
  return Type.String({ minLength: 1, maxLength: 253, pattern: SECRET_KEY, ...options });
}

export type { TSchema };
