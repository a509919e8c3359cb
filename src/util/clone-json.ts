/**
 * A deep copy of parsed JSON (objects, arrays, strings, numbers, booleans, null), several times faster than
 * structuredClone for the small trees Kubernetes metadata and status are. Past a nesting depth of 100 it copies the
 * rest with an explicit stack, so a deeply nested value cannot exhaust the call stack (structuredClone would).
 */
const MAX_RECURSION = 100;

type Json = Record<string, unknown> | unknown[];

export function cloneJson<T>(value: T): T {
  return copy(value, 0) as T;
}

function copy(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== "object") return v;
  if (depth >= MAX_RECURSION) return copyIteratively(v as Json);
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i], depth + 1);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k in v) {
    if (Object.hasOwn(v, k)) setKey(out, k, copy((v as Record<string, unknown>)[k], depth + 1));
  }
  return out;
}

function copyIteratively(root: Json): Json {
  const emptyLike = (v: Json): Json => (Array.isArray(v) ? new Array<unknown>(v.length) : {});
  const out = emptyLike(root);
  const pending: Array<[Json, Json]> = [[root, out]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [from, to] = next;
    for (const k of Object.keys(from)) {
      const item = (from as Record<string, unknown>)[k];
      if (item === null || typeof item !== "object") {
        setKey(to as Record<string, unknown>, k, item);
        continue;
      }
      const child = emptyLike(item as Json);
      setKey(to as Record<string, unknown>, k, child);
      pending.push([item as Json, child]);
    }
  }
  return out;
}

/** JSON.parse makes "__proto__" an own key; assigning it would replace the copy's prototype instead. */
function setKey(out: Record<string, unknown>, k: string, value: unknown): void {
  if (k === "__proto__") Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  else out[k] = value;
}
