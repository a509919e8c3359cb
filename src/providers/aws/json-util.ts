/** Small JSON helpers for the AWS services: tag maps as Go renders them, and sjson-style property writes. */

/** JSON of a string map with sorted keys (Go's json.Marshal of map[string]string). */
export function tagsToJson(tags: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const k of Object.keys(tags).sort()) sorted[k] = tags[k]!;
  return JSON.stringify(sorted);
}

/** Splits a property path on dots not escaped with a backslash. */
function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === "\\" && i + 1 < path.length) cur += path[++i];
    else if (c === ".") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * Sets `path` (dot-separated, `\.` for a literal dot) to a string value inside a JSON object document,
 * creating objects on the way; an empty document starts as `{}`. Throws when the document is not an object.
 */
export function setJsonProperty(doc: string, path: string, value: string): string {
  const root: unknown = doc.trim() === "" ? {} : JSON.parse(doc);
  if (!root || typeof root !== "object" || Array.isArray(root)) throw new Error("document is not a JSON object");
  const parts = splitPath(path);
  let node = root as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    if (!next || typeof next !== "object" || Array.isArray(next)) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
  return JSON.stringify(root);
}
