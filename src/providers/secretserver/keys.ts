/**
 * Secret Server remote keys, as upstream reads them: a numeric id, a `/Folder/Name` path, a name, or a
 * folder-scoped name `folderId:<id>/<name>`.
 */
export type SsKey =
  | { kind: "id"; id: number }
  | { kind: "path"; path: string }
  | { kind: "name"; name: string; folderId?: number };

const FOLDER_PREFIX = "folderId:";

export function parseKey(key: string): SsKey {
  if (key.startsWith(FOLDER_PREFIX)) {
    const m = /^folderId:([0-9]+)\/(.+)$/.exec(key);
    const folderId = m ? Number(m[1]) : 0;
    if (!m || folderId <= 0 || !m[2]) {
      throw new Error(`secretserver: key ${JSON.stringify(key)}: expected folderId:<id>/<name>`);
    }
    return { kind: "name", name: m[2], folderId };
  }
  if (key.startsWith("/")) return { kind: "path", path: key };
  if (/^[+-]?[0-9]+$/.test(key)) return { kind: "id", id: Number(key) };
  return { kind: "name", name: key };
}

/** The name a new secret gets: the last segment of the key, without a folder prefix. */
export function newSecretName(key: SsKey): string {
  const raw = key.kind === "name" ? key.name : key.kind === "path" ? key.path : String(key.id);
  const parts = raw.replace(/^\/+|\/+$/g, "").split("/");
  return parts[parts.length - 1] ?? "";
}
