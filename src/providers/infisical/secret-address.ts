/**
 * Where a remote key lives, as upstream resolves it against the store's secretsPath: a bare name is in
 * secretsPath; "/a/b/NAME" is absolute; "a/b/NAME" is relative to secretsPath.
 */
import { posix } from "node:path";

export function secretAddress(defaultPath: string, key: string): { path: string; name: string } {
  const slash = key.lastIndexOf("/");
  if (slash < 0) return { path: defaultPath, name: key };
  const folder = key.slice(0, slash);
  const name = key.slice(slash + 1);
  if (key.startsWith("/")) return { path: folder || "/", name };
  return { path: posix.join(defaultPath, folder), name };
}
