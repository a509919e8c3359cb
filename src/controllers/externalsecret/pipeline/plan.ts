/**
 * Step 1 of a sync, pure: is a provider round-trip due, is it a drift repair, and when to come back. The one home
 * of refresh policy (refreshPolicy, refreshInterval, the default interval, the refresh phase) and of forced syncs
 * (notifications, store changes, retries still owed), as upstream's rules.
 */
import { createHash } from "node:crypto";
import { parseDuration } from "../../../api/duration.js";
import type { ExternalSecret } from "../../../api/externalsecret.js";
import { decodeSecretData, MANAGED_LABEL, MANAGED_LABEL_VALUE } from "../../../kube/index.js";
import type { Result } from "../../../runtime/controller.js";
import { resourceVersionOf, secretDataHash } from "../../common/hash.js";
import { ANNOTATION_DATA_HASH } from "../constants.js";
import type { SecretObject } from "./secret-object.js";
import { syncWindowVerdict } from "./sync-windows.js";

const DEFAULT_REFRESH = "1h";

/** The ExternalSecret's own "<generation>-<labels/annotations hash>" stamp. */
export function esResourceVersion(es: ExternalSecret): string {
  return resourceVersionOf(es.metadata ?? {});
}

/** spec.refreshInterval in ms; unset or unparsable falls back to the default (the controller's flag, else 1h). */
export function refreshIntervalMs(es: ExternalSecret, defaultMs?: number): number {
  const text = es.spec.refreshInterval;
  if (text === undefined || text === "") return defaultMs ?? parseDuration(DEFAULT_REFRESH);
  try {
    return parseDuration(text);
  } catch {
    return parseDuration(DEFAULT_REFRESH);
  }
}

/** Whether the ExternalSecret refreshes on a timer (Periodic, interval not 0): only those are forced. */
export function refreshesPeriodically(es: ExternalSecret): boolean {
  if ((es.spec?.refreshPolicy ?? "Periodic") !== "Periodic") return false;
  const text = es.spec?.refreshInterval;
  if (!text) return true;
  try {
    return parseDuration(text) > 0;
  } catch {
    return true; // the default interval applies
  }
}

/** A sync after the ExternalSecret itself changed (not its first one, not a timer): the user wants fresh data. */
export function isUserRequestedSync(es: ExternalSecret): boolean {
  const synced = es.status?.syncedResourceVersion ?? "";
  return synced !== "" && synced !== esResourceVersion(es);
}

function refreshTimeMs(es: ExternalSecret): number | undefined {
  const t = es.status?.refreshTime;
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * A refresh that only the clock (or a forced sync) would cause: Periodic policy, synced before, unchanged since.
 * Only these are subject to spec.syncWindows; a first sync or a spec change runs at once, as upstream.
 */
export function isPeriodicRefresh(es: ExternalSecret): boolean {
  if ((es.spec.refreshPolicy ?? "Periodic") !== "Periodic") return false;
  const synced = es.status?.syncedResourceVersion ?? "";
  return synced !== "" && synced === esResourceVersion(es) && refreshTimeMs(es) !== undefined;
}

/**
 * What an ExternalSecret reads, as one string: its namespace (provider reads are shared within a namespace only),
 * and each store + remote reference (or generator) it reads, sorted. Equal strings read the same remote secrets
 * through the same stores, hence the same credentials; the secretKeys they are written under do not matter.
 */
export function readSetOf(es: ExternalSecret): string {
  const spec = es.spec ?? {};
  const store = (ref: { kind?: string; name?: string } | undefined) =>
    ref?.name ? `${ref.kind ?? "SecretStore"}/${ref.name}` : "";
  const fallback = store(spec.secretStoreRef);
  const reads: string[] = [];
  for (const d of spec.data ?? []) {
    const src = d.sourceRef?.generatorRef ? `gen:${stable(d.sourceRef.generatorRef)}` : store(d.sourceRef?.storeRef);
    reads.push(`${src || fallback}|${stable(d.remoteRef)}`);
  }
  for (const d of spec.dataFrom ?? []) {
    const src = d.sourceRef?.generatorRef ? `gen:${stable(d.sourceRef.generatorRef)}` : store(d.sourceRef?.storeRef);
    reads.push(`${src || fallback}|${stable({ extract: d.extract, find: d.find, rewrite: d.rewrite })}`);
  }
  return JSON.stringify([es.metadata?.namespace ?? "", reads.sort()]);
}

function stable(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(",")}}`;
}

/**
 * Periodic refreshes happen at the ExternalSecret's phase points: every t with t mod interval = phase (Unix time).
 * The phase is a hash of what it reads, in whole seconds: ExternalSecrets reading the same remote secrets through
 * the same store refresh at the same instant, so one coalesced provider read serves them all, while different
 * read sets spread evenly over the interval. Whole seconds because status.refreshTime keeps whole seconds: a
 * refresh at or after a phase point records a time at or after it, so the record alone says which point was
 * served. Undefined (refresh at last + interval, plus jitter) for intervals that are not whole seconds.
 */
export function refreshPhaseMs(es: ExternalSecret, intervalMs: number): number | undefined {
  if (intervalMs < 1000 || intervalMs % 1000 !== 0) return undefined;
  const digest = createHash("sha256").update(readSetOf(es)).digest();
  // 48 bits of the digest: uniform enough over any interval a user would set.
  return (digest.readUIntBE(0, 6) % (intervalMs / 1000)) * 1000;
}

/**
 * When the refresh after one at `lastMs` is due: the first phase point after it, which is never more than one
 * interval later, so no value gets staler than its refreshInterval (the first refresh after a sync off the
 * schedule, e.g. the first one, comes early instead). Without a phase: last + interval.
 */
export function nextRefreshAtMs(es: ExternalSecret, intervalMs: number, lastMs: number): number {
  const phase = refreshPhaseMs(es, intervalMs);
  if (phase === undefined) return lastMs + intervalMs;
  const ahead = (((phase - lastMs) % intervalMs) + intervalMs) % intervalMs;
  return lastMs + (ahead === 0 ? intervalMs : ahead);
}

/** refreshPolicy CreatedOnce / OnChange / Periodic (the default). */
export function shouldRefresh(es: ExternalSecret, intervalMs: number, nowMs: number): boolean {
  const synced = es.status?.syncedResourceVersion ?? "";
  const last = refreshTimeMs(es);
  switch (es.spec.refreshPolicy) {
    case "CreatedOnce":
      return synced === "" || last === undefined;
    case "OnChange":
      return synced === "" || last === undefined || synced !== esResourceVersion(es);
    default:
      if (intervalMs <= 0 && synced !== "") return synced !== esResourceVersion(es);
      if (synced !== esResourceVersion(es)) return true;
      if (last === undefined) return true;
      if (last > nowMs) return true;
      return nextRefreshAtMs(es, intervalMs, last) <= nowMs;
  }
}

/**
 * The live Secret still matches what was last written: it exists, carries the managed label and its data hashes
 * to the annotation. Anything else (deleted, edited) forces a sync: drift is repaired.
 */
export function isSecretValid(secret: SecretObject | undefined, creationPolicy: string | undefined): boolean {
  if (creationPolicy === "None") return true;
  if (!secret?.metadata?.uid) return false;
  if (secret.metadata.labels?.[MANAGED_LABEL] !== MANAGED_LABEL_VALUE) return false;
  return secret.metadata.annotations?.[ANNOTATION_DATA_HASH] === secretDataHash(decodeSecretData(secret.data));
}

/**
 * Delay until the next periodic refresh (`nextRefreshAtMs`), from the last refresh: status.refreshTime, or
 * `refreshedAtMs` when the caller has just refreshed (the status it is writing records that time). `jitter` (0..1
 * of the interval, added at random) applies only where there is no phase. Undefined means "do not requeue"
 * (interval 0, or a policy that never refreshes on time).
 */
export function requeueAfterMs(
  es: ExternalSecret,
  intervalMs: number,
  nowMs: number,
  jitter = 0,
  random: () => number = Math.random,
  refreshedAtMs?: number,
): number | undefined {
  if (es.spec.refreshPolicy === "CreatedOnce" || es.spec.refreshPolicy === "OnChange") return undefined;
  if (intervalMs <= 0) return undefined;
  // status.refreshTime keeps whole seconds.
  const last = refreshedAtMs !== undefined ? Math.floor(refreshedAtMs / 1000) * 1000 : refreshTimeMs(es);
  const phased = refreshPhaseMs(es, intervalMs) !== undefined;
  const extra = jitter > 0 && !phased ? Math.floor(random() * jitter * intervalMs) : 0;
  if (last === undefined) return phased ? nextRefreshAtMs(es, intervalMs, nowMs) - nowMs : intervalMs + extra;
  if (last > nowMs) return 0;
  return Math.max(0, nextRefreshAtMs(es, intervalMs, last) - nowMs) + extra;
}

/**
 * The controller's next visit after a visit that found nothing to do, or (with `refreshedAtMs`) after a sync that
 * refreshed at that time.
 */
export function nextVisit(
  es: ExternalSecret,
  intervalMs: number,
  nowMs: number,
  jitter = 0,
  refreshedAtMs?: number,
): Result | undefined {
  const after = requeueAfterMs(es, intervalMs, nowMs, jitter, Math.random, refreshedAtMs);
  if (after === undefined) return undefined;
  return after > 0 ? { requeueAfter: after } : { requeue: true };
}

export interface PlanInput {
  es: ExternalSecret;
  /** The live target Secret (undefined: absent). */
  live: SecretObject | undefined;
  nowMs: number;
  /** A sync was asked for regardless of the schedule (notification, store change, a forced sync still owed). */
  forced: boolean;
  /** The controller's default refresh interval (ms), for ExternalSecrets without spec.refreshInterval. */
  defaultRefreshMs?: number;
  /** Whether the live target still matches what was written (default: isSecretValid of `live`). */
  valid?: boolean;
}

export type Plan =
  /**
   * Nothing to do: the Secret is valid and no refresh is due. `held`: a periodic refresh was due but
   * spec.syncWindows blocks it until `untilMs` (undefined: no window opens within the search horizon).
   */
  | { sync: false; intervalMs: number; held?: { untilMs: number | undefined } }
  /** A provider round-trip: `drift` when only the live Secret's state asked for it; `fresh` when the user did. */
  | { sync: true; intervalMs: number; drift: boolean; fresh: boolean };

export function planSync(input: PlanInput): Plan {
  const { es, nowMs } = input;
  const intervalMs = refreshIntervalMs(es, input.defaultRefreshMs);
  const policy = es.spec.target?.creationPolicy ?? "Owner";
  let refreshDue = input.forced || shouldRefresh(es, intervalMs, nowMs);
  let held: { untilMs: number | undefined } | undefined;
  if (refreshDue && es.spec.syncWindows && isPeriodicRefresh(es)) {
    const verdict = syncWindowVerdict(es.spec.syncWindows, nowMs);
    if (!verdict.allowed) {
      refreshDue = false;
      held = { untilMs: verdict.nextAllowedMs };
    }
  }
  const valid = input.valid ?? isSecretValid(input.live, policy);
  if (!refreshDue && valid) return held ? { sync: false, intervalMs, held } : { sync: false, intervalMs };
  return { sync: true, intervalMs, drift: !refreshDue, fresh: isUserRequestedSync(es) };
}

/**
 * Syncs owed regardless of the schedule, by "namespace/name": asked for by a notification or a store change, or
 * still owed after a forced sync was deferred or failed. Each is consumed by the ExternalSecret's next plan.
 */
export class ForcedSyncs {
  private readonly owed = new Set<string>();

  /** Owe a sync to this ExternalSecret (only those refreshing on a timer: other policies keep their own rules). */
  request(id: string, es?: ExternalSecret): void {
    if (es && !refreshesPeriodically(es)) return;
    this.owed.add(id);
  }

  /** Whether a sync is owed, and forget it (a sync that does not complete owes it again with `request`). */
  take(id: string): boolean {
    return this.owed.delete(id);
  }
}

/** What the sync does with its target once the data is in (creationPolicy and deletionPolicy, as upstream). */
export type TargetAction =
  /** No data and deletionPolicy Delete: remove the target (only creationPolicy Owner may). */
  | "delete"
  /** No data and deletionPolicy Retain: leave the target as it is. */
  | "retain"
  /** creationPolicy None: nothing is written. */
  | "none"
  /** creationPolicy Merge and the target does not exist: wait for someone to create it. */
  | "await-target"
  | "write";

export function targetAction(es: ExternalSecret, hasData: boolean, targetExists: boolean): TargetAction {
  const target = es.spec.target ?? {};
  const deletion = target.deletionPolicy ?? "Retain";
  if (!hasData && deletion === "Delete") return "delete";
  if (!hasData && deletion === "Retain") return "retain";
  const policy = target.creationPolicy ?? "Owner";
  if (policy === "None") return "none";
  if (policy === "Merge" && !targetExists) return "await-target";
  return "write";
}
