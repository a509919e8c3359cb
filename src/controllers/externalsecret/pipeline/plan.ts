/**
 * Step 1 of a sync, pure: is a provider round-trip due, is it a drift repair, and when to come back. The one home
 * of refresh policy (refreshPolicy, refreshInterval, the default interval) and of forced syncs (notifications,
 * store changes, retries still owed), as upstream's rules.
 */
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
      return last + intervalMs <= nowMs;
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
 * Delay until the next periodic refresh, measured from the last refresh, with up to `jitter` (0..1) of the
 * interval added so many ExternalSecrets with the same interval do not refresh in lockstep. Undefined means "do
 * not requeue" (interval 0, or a policy that never refreshes on time).
 */
export function requeueAfterMs(
  es: ExternalSecret,
  intervalMs: number,
  nowMs: number,
  jitter = 0,
  random: () => number = Math.random,
): number | undefined {
  if (es.spec.refreshPolicy === "CreatedOnce" || es.spec.refreshPolicy === "OnChange") return undefined;
  if (intervalMs <= 0) return undefined;
  const last = refreshTimeMs(es);
  const extra = jitter > 0 ? Math.floor(random() * jitter * intervalMs) : 0;
  if (last === undefined) return intervalMs + extra;
  const since = nowMs - last;
  if (since < 0) return 0;
  return Math.max(0, intervalMs - since) + extra;
}

/** The controller's next visit after a sync (or a visit that found nothing to do). */
export function nextVisit(es: ExternalSecret, intervalMs: number, nowMs: number, jitter = 0): Result | undefined {
  const after = requeueAfterMs(es, intervalMs, nowMs, jitter);
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
