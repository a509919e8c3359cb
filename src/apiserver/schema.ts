/**
 * CRD structural-schema handling as kube-apiserver applies it to custom resources: apply defaults, then validate
 * (types, required, enum, pattern, bounds, items, maps). Unknown fields are already pruned by then, as the request
 * was decoded (checkFields in field-validation.ts).
 */
import type { FieldError } from "./errors.js";
import type { KObj } from "./types.js";

type Schema = KObj;

const rootKeep = new Set(["apiVersion", "kind", "metadata"]);

function isObject(v: unknown): v is KObj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

export function applyDefaults(schema: Schema | undefined, value: unknown): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    if (schema.items) for (const v of value) applyDefaults(schema.items, v);
    return;
  }
  if (!isObject(value)) return;
  const props: KObj | undefined = schema.properties;
  if (props) {
    for (const [key, sub] of Object.entries(props) as [string, Schema][]) {
      if (sub.default !== undefined && (value[key] === undefined || (value[key] === null && !sub.nullable))) {
        value[key] = clone(sub.default);
      }
      if (value[key] !== undefined) applyDefaults(sub, value[key]);
    }
  }
  if (isObject(schema.additionalProperties)) {
    for (const key of Object.keys(value)) {
      if (!props || !(key in props)) applyDefaults(schema.additionalProperties, value[key]);
    }
  }
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeOk(schema: Schema, v: unknown): boolean {
  if (schema["x-kubernetes-int-or-string"]) return typeof v === "string" || Number.isInteger(v);
  switch (schema.type) {
    case undefined:
      return true;
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    default:
      return true;
  }
}

function quoteList(vals: unknown[]): string {
  return vals.map((v) => JSON.stringify(v)).join(", ");
}

const patternCache = new Map<string, RegExp | null>();
function compilePattern(p: string): RegExp | null {
  let re = patternCache.get(p);
  if (re === undefined) {
    try {
      re = new RegExp(p, "u");
    } catch {
      re = null;
    }
    patternCache.set(p, re);
  }
  return re;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function validate(schema: Schema | undefined, value: unknown, path = "", root = true): FieldError[] {
  const errs: FieldError[] = [];
  if (schema) check(schema, value, path, root, errs);
  return errs;
}

function check(schema: Schema, v: unknown, path: string, root: boolean, errs: FieldError[]): void {
  const shown = path || "<root>";
  if (v === null) {
    if (schema.nullable || (schema["x-kubernetes-preserve-unknown-fields"] && schema.type === undefined)) return;
    if (schema.type || schema["x-kubernetes-int-or-string"]) {
      const t = schema["x-kubernetes-int-or-string"] ? "integer or string" : schema.type;
      errs.push({
        field: shown,
        type: "Invalid",
        value: "null",
        detail: `${shown} in body must be of type ${t}: "null"`,
      });
    }
    return;
  }
  if (!typeOk(schema, v)) {
    const t = schema["x-kubernetes-int-or-string"] ? "integer or string" : schema.type;
    const actual = typeName(v);
    errs.push({
      field: shown,
      type: "Invalid",
      value: actual,
      detail: `${shown} in body must be of type ${t}: "${actual}"`,
    });
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e: unknown) => deepEqual(e, v))) {
    errs.push({ field: shown, type: "NotSupported", value: v, detail: `supported values: ${quoteList(schema.enum)}` });
  }
  if (typeof v === "string") checkString(schema, v, shown, errs);
  else if (typeof v === "number") checkNumber(schema, v, shown, errs);
  else if (Array.isArray(v)) {
    if (typeof schema.minItems === "number" && v.length < schema.minItems) {
      errs.push({
        field: shown,
        type: "Invalid",
        value: v,
        detail: `${shown} in body should have at least ${schema.minItems} items`,
      });
    }
    if (typeof schema.maxItems === "number" && v.length > schema.maxItems) {
      errs.push({ field: shown, type: "TooMany", detail: `must have at most ${schema.maxItems} items` });
    }
    if (schema["x-kubernetes-list-type"] === "set") {
      const seen = new Set<string>();
      v.forEach((item, i) => {
        const k = JSON.stringify(item);
        if (seen.has(k)) errs.push({ field: `${path}[${i}]`, type: "Duplicate", value: item, detail: "" });
        seen.add(k);
      });
    }
    if (schema.items) {
      for (let i = 0; i < v.length; i++) check(schema.items, v[i], `${path}[${i}]`, false, errs);
    }
  } else if (isObject(v)) checkObject(schema, v, path, root, errs);
  checkCombinators(schema, v, path, shown, errs);
}

function checkString(schema: Schema, v: string, shown: string, errs: FieldError[]): void {
  const len = [...v].length;
  if (typeof schema.minLength === "number" && len < schema.minLength) {
    errs.push({
      field: shown,
      type: "Invalid",
      value: v,
      detail: `${shown} in body should be at least ${schema.minLength} chars long`,
    });
  }
  if (typeof schema.maxLength === "number" && len > schema.maxLength) {
    errs.push({ field: shown, type: "TooLong", detail: `may not be more than ${schema.maxLength} bytes` });
  }
  if (typeof schema.pattern === "string") {
    const re = compilePattern(schema.pattern);
    if (re && !re.test(v)) {
      errs.push({
        field: shown,
        type: "Invalid",
        value: v,
        detail: `${shown} in body should match '${schema.pattern}'`,
      });
    }
  }
}

function checkNumber(schema: Schema, v: number, shown: string, errs: FieldError[]): void {
  if (typeof schema.minimum === "number") {
    if (schema.exclusiveMinimum === true ? v <= schema.minimum : v < schema.minimum) {
      const rel = schema.exclusiveMinimum === true ? "greater than" : "greater than or equal to";
      errs.push({
        field: shown,
        type: "Invalid",
        value: v,
        detail: `${shown} in body should be ${rel} ${schema.minimum}`,
      });
    }
  }
  if (typeof schema.maximum === "number") {
    if (schema.exclusiveMaximum === true ? v >= schema.maximum : v > schema.maximum) {
      const rel = schema.exclusiveMaximum === true ? "less than" : "less than or equal to";
      errs.push({
        field: shown,
        type: "Invalid",
        value: v,
        detail: `${shown} in body should be ${rel} ${schema.maximum}`,
      });
    }
  }
  if (typeof schema.multipleOf === "number" && schema.multipleOf > 0 && !Number.isInteger(v / schema.multipleOf)) {
    errs.push({
      field: shown,
      type: "Invalid",
      value: v,
      detail: `${shown} in body should be a multiple of ${schema.multipleOf}`,
    });
  }
}

function checkObject(schema: Schema, v: KObj, path: string, root: boolean, errs: FieldError[]): void {
  const shown = path || "<root>";
  if (Array.isArray(schema.required)) {
    for (const key of schema.required as string[]) {
      if (v[key] === undefined) errs.push({ field: join(path, key), type: "Required", detail: "" });
    }
  }
  const n = Object.keys(v).length;
  if (typeof schema.minProperties === "number" && n < schema.minProperties) {
    errs.push({
      field: shown,
      type: "Invalid",
      value: n,
      detail: `${shown} in body should have at least ${schema.minProperties} properties`,
    });
  }
  if (typeof schema.maxProperties === "number" && n > schema.maxProperties) {
    errs.push({ field: shown, type: "TooMany", detail: `must have at most ${schema.maxProperties} items` });
  }
  const props: KObj | undefined = schema.properties;
  for (const [key, child] of Object.entries(v)) {
    if (child === undefined) continue;
    if (root && rootKeep.has(key) && key !== "metadata") continue;
    if (root && key === "metadata") continue;
    const sub = props?.[key];
    if (sub) check(sub, child, join(path, key), false, errs);
    else if (isObject(schema.additionalProperties))
      check(schema.additionalProperties, child, join(path, key), false, errs);
    else if (schema.additionalProperties === false && !schema["x-kubernetes-preserve-unknown-fields"]) {
      errs.push({ field: join(path, key), type: "Forbidden", detail: "additional property is not allowed" });
    }
  }
}

function checkCombinators(schema: Schema, v: unknown, path: string, shown: string, errs: FieldError[]): void {
  const passes = (s: Schema) => {
    const e: FieldError[] = [];
    check(s, v, path, false, e);
    return e.length === 0;
  };
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf) check(s, v, path, false, errs);
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some(passes)) {
    errs.push({
      field: shown,
      type: "Invalid",
      value: v,
      detail: `${shown} in body must match at least one schema in anyOf`,
    });
  }
  if (Array.isArray(schema.oneOf)) {
    const count = schema.oneOf.filter(passes).length;
    if (count !== 1)
      errs.push({
        field: shown,
        type: "Invalid",
        value: v,
        detail: `${shown} in body must validate one and only one schema (oneOf)`,
      });
  }
  if (isObject(schema.not) && passes(schema.not)) {
    errs.push({
      field: shown,
      type: "Invalid",
      value: v,
      detail: `${shown} in body must not validate the schema (not)`,
    });
  }
}
