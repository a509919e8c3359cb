/**
 * Steps 3 and 4 over all of an ExternalSecret's sources, as upstream orders them: dataFrom entries in order (each
 * fetched, then transformed), then data[] entries on top. A missing remote secret is skipped when deletionPolicy
 * is Delete or Merge (so the Secret can shrink or go away) and is an error under Retain (so the Secret keeps its
 * last good data).
 */
import type { ExternalSecret } from "../../../api/externalsecret.js";
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../../../providers/errors.js";
import type { RenderTemplate } from "../../common/secret-template.js";
import { FetchError, fetchData, fetchDataFrom, type SourceResolver, startGatheredReads } from "./fetch.js";
import { transformData, transformDataFrom } from "./transform.js";

export interface CollectedData {
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

export async function collectSecretData(
  es: ExternalSecret,
  sources: SourceResolver,
  render: RenderTemplate,
): Promise<CollectedData> {
  const skipMissing = (es.spec.target?.deletionPolicy ?? "Retain") !== "Retain";
  const data: Record<string, Buffer> = {};
  const missing: string[] = [];
  const dataFrom = es.spec.dataFrom ?? [];
  for (let i = 0; i < dataFrom.length; i++) {
    const entry = dataFrom[i]!;
    try {
      Object.assign(data, await transformDataFrom(entry, i, await fetchDataFrom(entry, i, sources), render));
    } catch (err) {
      if (err instanceof NoSecretError && skipMissing) {
        missing.push(`secret does not exist at provider using spec.dataFrom[${i}]`);
        continue;
      }
      throw new FetchError(`error processing spec.dataFrom[${i}]: ${describeFailure(err)}`);
    }
  }
  const entries = es.spec.data ?? [];
  // Reads a store gathers into one provider call start together; others run one after another, so a failing
  // provider costs one call per attempt, as upstream.
  const started = await startGatheredReads(entries, sources);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    try {
      data[entry.secretKey] = transformData(entry, i, await (started[i] ?? fetchData(entry, sources)));
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
