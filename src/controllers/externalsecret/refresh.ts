/** When an ExternalSecret needs a provider round-trip, and when to come back (upstream's rules). */
import type { ExternalSecret } from "../../api/externalsecret.js";
import { resourceVersionOf, secretDataHash } from "../common/hash.js";
import { ANNOTATION_DATA_HASH, LABEL_MANAGED, LABEL_MANAGED_VALUE } from "./constants.js";
import type { SecretObject } from "./secret.js";

/** The ExternalSecret's own "<generation>-<labels/annotations hash>" stamp. */
export function esResourceVersion(es: ExternalSecret): string {
  return resourceVersionOf(es.metadata ?? {});
}

function refreshTimeMs(es: ExternalSecret): number | undefined {
  const t = es.status?.refreshTime;
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** refreshPolicy CreatedOnce / OnChange / Periodic (the default). */
export function shouldRefresh(es: ExternalSecret, refreshIntervalMs: number, nowMs: number): boolean {
  const synced = es.status?.syncedResourceVersion ?? "";
  const last = refreshTimeMs(es);
  switch (es.spec.refreshPolicy) {
    case "CreatedOnce":
      return synced === "" || last === undefined;
    case "OnChange":
      return synced === "" || last === undefined || synced !== esResourceVersion(es);
    default:
      if (refreshIntervalMs <= 0 && synced !== "") return synced !== esResourceVersion(es);
      if (synced !== esResourceVersion(es)) return true;
      if (last === undefined) return true;
      if (last > nowMs) return true;
      return last + refreshIntervalMs <= nowMs;
  }
}

/**
 * The live Secret still matches what was last written: it exists, carries the managed label and its
 * data hashes to the annotation. Anything else (deleted, edited) forces a sync: drift is repaired.
 */
export function isSecretValid(secret: SecretObject | undefined, creationPolicy: string | undefined): boolean {
  if (creationPolicy === "None") return true;
  if (!secret?.metadata?.uid) return false;
  if (secret.metadata.labels?.[LABEL_MANAGED] !== LABEL_MANAGED_VALUE) return false;
  return secret.metadata.annotations?.[ANNOTATION_DATA_HASH] === secretDataHash(decodeSecretData(secret));
}

export function decodeSecretData(secret: SecretObject | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(secret?.data ?? {})) out[k] = Buffer.from(v, "base64");
  return out;
}

/**
 * Delay until the next periodic refresh, measured from the last refresh, with up to `jitter` (0..1)
 * of the interval added so many ExternalSecrets with the same interval do not refresh in lockstep.
 * Undefined means "do not requeue" (interval 0, or a policy that never refreshes on time).
 */
export function requeueAfterMs(
  es: ExternalSecret,
  refreshIntervalMs: number,
  nowMs: number,
  jitter = 0,
  random: () => number = Math.random,
): number | undefined {
  if (es.spec.refreshPolicy === "CreatedOnce" || es.spec.refreshPolicy === "OnChange") return undefined;
  if (refreshIntervalMs <= 0) return undefined;
  const last = refreshTimeMs(es);
  const extra = jitter > 0 ? Math.floor(random() * jitter * refreshIntervalMs) : 0;
  if (last === undefined) return refreshIntervalMs + extra;
  const since = nowMs - last;
  if (since < 0) return 0;
  return Math.max(0, refreshIntervalMs - since) + extra;
}
