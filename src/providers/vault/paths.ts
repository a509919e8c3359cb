/**
 * Vault API paths from a store's `path`/`version` and a remote key, following ESO's rules: the key may
 * already start with the mount (and, on KV v2, with `<mount>/data/`), which is stripped before the mount
 * and `data` segment are put back; without a store path the first key segment is the mount.
 */

export interface KvLayout {
  mount?: string;
  version: "v1" | "v2";
  /** checkAndSet.required: KV v2 data writes carry options.cas. */
  casRequired?: boolean;
}

/** Strips a leading `<mount>/` (and `data/` right after it on KV v2) from a key. */
function stripMount(layout: KvLayout, key: string): string {
  if (layout.mount === undefined) return key;
  const cut = `${layout.mount}/`;
  if (!key.startsWith(cut)) return key;
  let out = key.slice(cut.length);
  if (layout.version === "v2" && out.startsWith("data/")) out = out.slice("data/".length);
  return out;
}

/** Path of a secret's data: `<mount>/data/<key>` on KV v2, `<mount>/<key>` on KV v1. */
export function dataPath(layout: KvLayout, key: string): string {
  if (layout.mount !== undefined) {
    const rest = stripMount(layout, key);
    return layout.version === "v2" ? `${layout.mount}/data/${rest}` : `${layout.mount}/${rest}`;
  }
  if (layout.version === "v2" && !key.includes("/data/")) {
    const [first, ...rest] = key.split("/");
    return [first, "data", ...rest].join("/");
  }
  return key;
}

/** Path of a KV v2 secret's metadata (or, on KV v1, of the secret itself, used for LIST). */
export function metadataPath(layout: KvLayout, key: string): string {
  if (layout.version === "v1") return layout.mount !== undefined ? `${layout.mount}/${key}` : key;
  if (layout.mount === undefined) {
    if (!key.includes("data")) throw new Error(`remote key "${key}" is not a valid KV v2 path without a store path`);
    return key.replace("/data/", "/metadata/");
  }
  return `${layout.mount}/metadata/${stripMount(layout, key)}`;
}
