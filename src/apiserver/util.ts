import type { KObj } from "./types.js";

export function isObject(v: unknown): v is KObj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Structural equality of JSON values, independent of key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as KObj)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as KObj)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!deepEqual((a as KObj)[k], (b as KObj)[k])) return false;
  return true;
}

/** A JSON-safe deep copy; cheaper than structuredClone for plain JSON documents. */
export function copy<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(copy) as T;
  const out: KObj = {};
  for (const k in v) out[k] = copy((v as KObj)[k]);
  return out as T;
}

export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}
