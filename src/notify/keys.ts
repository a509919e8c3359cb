/**
 * Which ExternalSecrets a change notification concerns: an index from "store + remote key" to the
 * ExternalSecrets reading that key (spec.data[].remoteRef.key, spec.dataFrom[].extract.key), plus a
 * per-store "*" entry for dataFrom[].find users, who are matched against the key at notification time.
 */
import type { ExternalSecret } from "../api/externalsecret.js";
import type { SecretStoreRef } from "../api/meta.js";
import { goRegexpMatch } from "../providers/util/go-regexp.js";

export const REMOTE_KEY_INDEX = "remote-key";
const FIND = "*";

/** A store as a notification names it. `namespace` is ignored for a ClusterSecretStore. */
export interface NotifyStoreRef {
  kind: "SecretStore" | "ClusterSecretStore";
  namespace?: string;
  name: string;
}

export function storeIndexPrefix(store: NotifyStoreRef): string {
  return store.kind === "ClusterSecretStore" ? `css/${store.name}` : `ss/${store.namespace ?? ""}/${store.name}`;
}

function storeOf(
  ref: SecretStoreRef | undefined,
  fallback: SecretStoreRef | undefined,
  ns: string,
): string | undefined {
  const r = ref ?? fallback;
  if (!r?.name) return undefined;
  return storeIndexPrefix({
    kind: r.kind === "ClusterSecretStore" ? "ClusterSecretStore" : "SecretStore",
    namespace: ns,
    name: r.name,
  });
}

/** Index values of one ExternalSecret: "<store>#<remote key>" for each key it reads, "<store>#*" for finds. */
export function remoteKeyIndex(es: ExternalSecret): string[] {
  const ns = es.metadata?.namespace ?? "";
  const spec = es.spec ?? {};
  const out = new Set<string>();
  for (const d of spec.data ?? []) {
    const store = storeOf(d.sourceRef?.storeRef, spec.secretStoreRef, ns);
    if (store && d.remoteRef?.key) out.add(`${store}#${d.remoteRef.key}`);
  }
  for (const d of spec.dataFrom ?? []) {
    if (d.sourceRef?.generatorRef) continue;
    const store = storeOf(d.sourceRef?.storeRef, spec.secretStoreRef, ns);
    if (!store) continue;
    if (d.extract?.key) out.add(`${store}#${d.extract.key}`);
    if (d.find) out.add(`${store}#${FIND}`);
  }
  return [...out];
}

/** Whether one of the ExternalSecret's find entries on `store` could return `key`. */
export function findMayInclude(es: ExternalSecret, store: string, key: string): boolean {
  const spec = es.spec ?? {};
  const ns = es.metadata?.namespace ?? "";
  for (const d of spec.dataFrom ?? []) {
    if (!d.find || storeOf(d.sourceRef?.storeRef, spec.secretStoreRef, ns) !== store) continue;
    const find = d.find as { path?: string; name?: { regexp?: string } };
    if (find.path && !key.startsWith(find.path)) continue;
    if (!find.name?.regexp) return true;
    try {
      if (goRegexpMatch(find.name.regexp, key)) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/** Index values to look up for a notification (the exact key, then the store's find users). */
export function lookupKeys(store: NotifyStoreRef, key: string): { exact: string; find: string; store: string } {
  const prefix = storeIndexPrefix(store);
  return { exact: `${prefix}#${key}`, find: `${prefix}#${FIND}`, store: prefix };
}
