/**
 * remoteRef.key of a crd store, as upstream reads it. SecretStore: the object name, no '/' (the namespace is
 * the store's). ClusterSecretStore: "namespace/objectName" for a namespaced kind, a bare name for a
 * cluster-scoped one.
 */
import { StoreConfigError } from "../errors.js";
import type { StoreKind } from "../provider.js";

export interface ObjectKey {
  name: string;
  /** Set when the key named one ("namespace/objectName"). */
  namespace?: string;
}

export function parseRemoteKey(storeKind: StoreKind, key: string): ObjectKey {
  if (!key) throw new StoreConfigError("crd: remoteRef.key must not be empty");
  const slash = key.indexOf("/");
  if (storeKind === "SecretStore") {
    if (slash >= 0) {
      throw new StoreConfigError(
        "crd: remoteRef.key must not contain '/' for a SecretStore; the namespace is the store's",
      );
    }
    return { name: key };
  }
  if (slash < 0) return { name: key };
  const namespace = key.slice(0, slash);
  const name = key.slice(slash + 1);
  if (!namespace)
    throw new StoreConfigError(`crd: invalid remoteRef.key ${JSON.stringify(key)}: empty namespace before '/'`);
  if (!name)
    throw new StoreConfigError(`crd: invalid remoteRef.key ${JSON.stringify(key)}: empty object name after '/'`);
  if (name.includes("/")) {
    throw new StoreConfigError(
      `crd: invalid remoteRef.key ${JSON.stringify(key)}: must be "namespace/objectName" (exactly one '/')`,
    );
  }
  return { name, namespace };
}
