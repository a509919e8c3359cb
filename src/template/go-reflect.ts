/**
 * Reflection registries: the Go methods callable on values of our classes ({{ $t.Unix }}), and the Go type name,
 * reflect kind and exported fields of the classes that stand for Go structs and pointers ({{ $ca.Cert }}).
 */
import type { TemplateFunc } from "./template-func.js";

/** Go methods callable from templates on non-map values, keyed by class. */
const METHODS = new Map<unknown, Record<string, TemplateFunc>>();

/** Register methods of a class; each receives the receiver first, then its arguments (declare them with goFunc). */
export function defineGoMethods(
  ctor: abstract new (...args: never[]) => unknown,
  methods: Record<string, TemplateFunc>,
): void {
  METHODS.set(ctor, { ...(METHODS.get(ctor) ?? {}), ...methods });
}

/** The method NAME of a value (receiver passed as the first argument), if any. */
export function goMethod(v: unknown, name: string): TemplateFunc | undefined {
  if (v === null || typeof v !== "object") return undefined;
  const table = METHODS.get((v as object).constructor);
  return table && Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Go type name, reflect kind and exported fields of a class that stands for a Go struct or pointer. */
export interface GoTypeInfo {
  type: string;
  kind: string;
  fields: readonly string[];
}
const GO_TYPES = new Map<unknown, GoTypeInfo>();

export function defineGoType(
  ctor: abstract new (...args: never[]) => unknown,
  info: { type: string; kind: string; fields?: readonly string[] },
): void {
  GO_TYPES.set(ctor, { fields: [], ...info });
}

export function goTypeInfo(v: object): GoTypeInfo | undefined {
  return GO_TYPES.get(v.constructor);
}

/** The exported struct field NAME of a value ({{ $ca.Cert }}), if it has one. */
export function goStructField(v: unknown, name: string): { value: unknown } | undefined {
  if (v === null || typeof v !== "object") return undefined;
  const info = goTypeInfo(v);
  return info?.fields.includes(name) ? { value: (v as Record<string, unknown>)[name] } : undefined;
}
