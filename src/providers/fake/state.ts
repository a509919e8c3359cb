/**
 * The fake provider's in-memory secrets, one table per store, as upstream: entries come from the store's
 * spec.data (replaced each time a client is built, so editing the store rotates values) or from
 * PushSecret writes (which survive store edits).
 */

export type EntryOrigin = "SecretStore" | "SetSecret";

export interface FakeEntry {
  key: string;
  version: string;
  value: string;
  valueMap?: Record<string, string>;
  origin: EntryOrigin;
}

/** Table key: key + version, as upstream's mapKey. */
export function entryKey(key: string, version: string | undefined): string {
  return `${key}${version ?? ""}`;
}

const tables = new Map<string, Map<string, FakeEntry>>();

export function storeTable(storeId: string): Map<string, FakeEntry> {
  let table = tables.get(storeId);
  if (!table) {
    table = new Map();
    tables.set(storeId, table);
  }
  return table;
}

/** Forgets every store's pushed entries (tests). */
export function resetFakeStores(): void {
  tables.clear();
}
