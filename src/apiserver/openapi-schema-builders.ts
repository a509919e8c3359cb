/**
 * Building blocks of the OpenAPI v3 definitions this server publishes: kube's definition-name prefixes, $ref
 * properties in kube's v3 style, and terse constructors for the property shapes the definitions repeat.
 */
import type { KObj } from "./types.js";

export type Schema = KObj;

export const meta = "io.k8s.apimachinery.pkg.apis.meta.v1.";
export const core = "io.k8s.api.core.v1.";
export const apiext = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.";

export function refTo(name: string): string {
  return `#/components/schemas/${name}`;
}

/** A property pointing at another definition, in kube's v3 style (allOf keeps the description beside the $ref). */
export function ref(name: string, description?: string): Schema {
  const s: Schema = { allOf: [{ $ref: refTo(name) }] };
  if (description) s.description = description;
  return s;
}

export const str = (description: string, extra: Schema = {}): Schema => ({ type: "string", description, ...extra });
export const int = (description: string, format = "int32"): Schema => ({ type: "integer", format, description });
export const bool = (description: string): Schema => ({ type: "boolean", description });
export const num = (description: string): Schema => ({ type: "number", format: "double", description });
export const strMap = (description: string): Schema => ({
  type: "object",
  description,
  additionalProperties: { type: "string", default: "" },
});
export const strList = (description: string, extra: Schema = {}): Schema => ({
  type: "array",
  description,
  items: { type: "string", default: "" },
  ...extra,
});
export const listOf = (name: string, description: string, extra: Schema = {}): Schema => ({
  type: "array",
  description,
  items: { ...ref(name), default: {} },
  ...extra,
});
/** Arbitrary JSON kept as is (RawExtension-like content). */
export const open = (description: string): Schema => ({
  type: "object",
  description,
  "x-kubernetes-preserve-unknown-fields": true,
});
export const obj = (description: string, properties: Record<string, Schema>, required?: string[]): Schema => {
  const s: Schema = { type: "object", description, properties };
  if (required) s.required = required;
  return s;
};

export const apiVersionProp = str(
  "APIVersion defines the versioned schema of this representation of an object. Servers convert recognized schemas to the latest internal value and may reject unrecognized values.",
);
export const kindProp = str(
  "Kind is a string value representing the REST resource this object represents; servers may infer it from the endpoint the client submits requests to. In CamelCase.",
);
