/**
 * Step 3 of a sync: the provider (or generator) reads of each source entry, nothing more. What comes back is raw:
 * transform decodes, rewrites and converts it.
 */
import type { ExternalSecretData, ExternalSecretDataFrom, GeneratorRef } from "../../../api/externalsecret.js";
import type { SecretStoreRef } from "../../../api/meta.js";
import type { FindRef, RemoteRef, SecretsClient } from "../../../providers/provider.js";

/** Where values come from: a store client (the default store, or a sourceRef.storeRef) or a generator. */
export interface SourceResolver {
  client(storeRef: SecretStoreRef | undefined): Promise<SecretsClient>;
  generate(ref: GeneratorRef): Promise<Record<string, Buffer>>;
}

export class FetchError extends Error {
  override readonly name = "FetchError";
}

/** What one dataFrom entry read: its map, and whether a generator (not a store) produced it. */
export interface FetchedMap {
  map: Record<string, Buffer>;
  generated: boolean;
}

export async function fetchDataFrom(
  entry: ExternalSecretDataFrom,
  index: number,
  sources: SourceResolver,
): Promise<FetchedMap> {
  if (entry.sourceRef?.generatorRef) {
    return { map: await sources.generate(entry.sourceRef.generatorRef), generated: true };
  }
  const client = await sources.client(entry.sourceRef?.storeRef);
  if (entry.find) return { map: await client.getAllSecrets(entry.find as FindRef), generated: false };
  if (entry.extract) return { map: await client.getSecretMap(entry.extract as RemoteRef), generated: false };
  throw new FetchError(`spec.dataFrom[${index}]: one of extract, find or sourceRef.generatorRef must be set`);
}

export async function fetchData(entry: ExternalSecretData, sources: SourceResolver): Promise<Buffer> {
  const client = await sources.client(entry.sourceRef?.storeRef);
  return client.getSecret(entry.remoteRef as RemoteRef);
}

/**
 * Starts, all at once, the data[] reads whose store gathers them into one call (one round trip instead of one per
 * entry); the others are left undefined, for the caller to read one after another.
 */
export async function startGatheredReads(
  entries: ExternalSecretData[],
  sources: SourceResolver,
): Promise<(Promise<Buffer> | undefined)[]> {
  const started: (Promise<Buffer> | undefined)[] = [];
  if (entries.length < 2) return started;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    // A store that cannot be resolved fails again, with its entry's index, in the caller's loop.
    const client = await sources.client(entry.sourceRef?.storeRef).catch(() => undefined);
    if (!client?.readsTogether?.(entry.remoteRef as RemoteRef)) continue;
    const read = client.getSecret(entry.remoteRef as RemoteRef);
    read.catch(() => {}); // settled in index order by the caller, or dropped when an earlier entry fails
    started[i] = read;
  }
  return started;
}
