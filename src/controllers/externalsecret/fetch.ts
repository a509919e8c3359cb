/**
 * Gathers an ExternalSecret's data from its sources, as upstream: dataFrom entries in order (extract,
 * find, generator), each rewritten, key-converted, validated and decoded, then data[] entries on top.
 * A missing remote secret is skipped when deletionPolicy is Delete or Merge (so the Secret can shrink or
 * go away) and is an error under Retain (so the Secret keeps its last good data).
 */
import type {
  ExternalSecret,
  ExternalSecretData,
  ExternalSecretDataFrom,
  GeneratorRef,
} from "../../api/externalsecret.js";
import type { SecretStoreRef } from "../../api/meta.js";
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../../providers/errors.js";
import type { FindRef, RemoteRef, SecretsClient } from "../../providers/provider.js";
import { decodeMap, decodeValue } from "./decode.js";
import { convertKeys, validateKeys } from "./keys.js";
import type { RenderTemplate } from "./render.js";
import { rewriteMap } from "./rewrite.js";

/** Where values come from: a store client (the default store, or a sourceRef.storeRef) or a generator. */
export interface SourceResolver {
  client(storeRef: SecretStoreRef | undefined): Promise<SecretsClient>;
  generate(ref: GeneratorRef): Promise<Record<string, Buffer>>;
}

export class FetchError extends Error {
  override readonly name = "FetchError";
}

export interface FetchResult {
  data: Record<string, Buffer>;
  /** Human-readable notes (no values) about remote secrets that were missing and skipped. */
  missing: string[];
}

/** The provider's message, led by the failure class so every provider's condition reads the same way. */
function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ProviderAuthError) return `authentication failed: ${message}`;
  if (err instanceof ProviderThrottledError) return `throttled by the provider: ${message}`;
  return message;
}

function checkNullBytes(policy: string | undefined, data: Record<string, Buffer>, where: string): void {
  if (policy !== "Fail") return;
  for (const [k, v] of Object.entries(data)) {
    if (v.includes(0)) throw new FetchError(`${where}: value of key ${JSON.stringify(k)} contains a null byte`);
  }
}

async function fetchDataFrom(
  entry: ExternalSecretDataFrom,
  i: number,
  sources: SourceResolver,
  render: RenderTemplate,
): Promise<Record<string, Buffer>> {
  const where = `spec.dataFrom[${i}]`;
  if (entry.sourceRef?.generatorRef) {
    const generated = await sources.generate(entry.sourceRef.generatorRef);
    return validateKeys(await rewriteMap(entry.rewrite, generated, render));
  }
  const client = await sources.client(entry.sourceRef?.storeRef);
  let map: Record<string, Buffer>;
  let conversion: string | undefined;
  let decoding: string | undefined;
  if (entry.find) {
    const find = entry.find as FindRef;
    map = await client.getAllSecrets(find);
    conversion = find.conversionStrategy;
    decoding = find.decodingStrategy;
  } else if (entry.extract) {
    map = await client.getSecretMap(entry.extract as RemoteRef);
    conversion = entry.extract.conversionStrategy;
    decoding = entry.extract.decodingStrategy;
    checkNullBytes(entry.extract.nullBytePolicy, map, where);
  } else {
    throw new FetchError(`${where}: one of extract, find or sourceRef.generatorRef must be set`);
  }
  map = await rewriteMap(entry.rewrite, map, render);
  if (!entry.rewrite?.length) map = convertKeys(conversion ?? "Default", map);
  map = validateKeys(map);
  return decodeMap(decoding, map);
}

async function readEntry(entry: ExternalSecretData, sources: SourceResolver): Promise<Buffer> {
  const client = await sources.client(entry.sourceRef?.storeRef);
  return client.getSecret(entry.remoteRef as RemoteRef);
}

/** Starts, all at once, the reads whose store gathers them into one call; the rest are left to the caller. */
async function startGatheredReads(
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

export async function fetchSecretData(
  es: ExternalSecret,
  sources: SourceResolver,
  render: RenderTemplate,
): Promise<FetchResult> {
  const skipMissing = (es.spec.target?.deletionPolicy ?? "Retain") !== "Retain";
  const data: Record<string, Buffer> = {};
  const missing: string[] = [];
  const dataFrom = es.spec.dataFrom ?? [];
  for (let i = 0; i < dataFrom.length; i++) {
    try {
      Object.assign(data, await fetchDataFrom(dataFrom[i]!, i, sources, render));
    } catch (err) {
      if (err instanceof NoSecretError && skipMissing) {
        missing.push(`secret does not exist at provider using spec.dataFrom[${i}]`);
        continue;
      }
      throw new FetchError(`error processing spec.dataFrom[${i}]: ${describeFailure(err)}`);
    }
  }
  const entries = es.spec.data ?? [];
  // Reads a store gathers into one provider call start together (one round trip instead of one per entry);
  // others run one after another, so a failing provider costs one call per attempt, as upstream.
  const started = await startGatheredReads(entries, sources);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    try {
      const value = await (started[i] ?? readEntry(entry, sources));
      const decoded = decodeValue(entry.remoteRef.decodingStrategy, value);
      checkNullBytes(entry.remoteRef.nullBytePolicy, { [entry.secretKey]: decoded }, `spec.data[${i}]`);
      data[entry.secretKey] = decoded;
    } catch (err) {
      if (err instanceof NoSecretError && skipMissing) {
        missing.push(`secret does not exist at provider using spec.data[${i}] (key=${entry.remoteRef.key})`);
        continue;
      }
      throw new FetchError(
        `error retrieving secret at .data[${i}], key: ${entry.remoteRef.key}, err: ${describeFailure(err)}`,
      );
    }
  }
  return { data, missing };
}
