/** Scaleway remote keys: `id:<uuid>`, `name:<name>` or `path:/<folder>/<name>`, as upstream. */

export type ScwRefType = "id" | "name" | "path";

export interface ScwRef {
  type: string;
  value: string;
}

export class ScwRefError extends Error {
  override readonly name = "ScwRefError";
}

export function decodeRef(key: string): ScwRef {
  const i = key.indexOf(":");
  if (i < 0) throw new ScwRefError(`scaleway: key ${JSON.stringify(key)}: invalid secret reference: missing colon ':'`);
  return { type: key.slice(0, i), value: key.slice(i + 1) };
}

/** `/a/b/name` -> name "name", path "/a/b"; `/name` -> path "/". Undefined when the value does not start with "/". */
export function splitNameAndPath(ref: string): { name: string; path: string } | undefined {
  if (!ref.startsWith("/")) return undefined;
  const parts = ref.split("/");
  const name = parts[parts.length - 1] ?? "";
  const path = parts.length === 2 ? "/" : parts.slice(0, -1).join("/");
  return { name, path };
}

/** The list filter a name or path reference selects. */
export function nameFilter(ref: ScwRef, key: string, op: string): { name: string; path?: string } {
  if (ref.type === "name") return { name: ref.value };
  if (ref.type === "path") {
    const np = splitNameAndPath(ref.value);
    if (!np) throw new ScwRefError(`scaleway: key ${JSON.stringify(key)}: ref is not a path`);
    return np;
  }
  throw new ScwRefError(`scaleway: key ${JSON.stringify(key)}: secrets can only be ${op} by name or path`);
}
