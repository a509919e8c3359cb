/**
 * spec.syncWindows, pure: whether a periodic refresh may run at a given instant, and when the next one may. As
 * upstream: schedules are 5-field cron (or @-shorthands, "@every <duration>") evaluated in UTC; a window is open
 * from each firing for `duration` (both ends inclusive); "allow" permits refreshes only while a window is open,
 * "deny" blocks them while any is; a window whose schedule or duration does not parse is ignored, so a typo never
 * blocks syncs for good; an unknown kind permits.
 *
 * Cron input is hostile: the text is length-capped, every value range-checked, and each search is bounded in
 * iterations and horizon, so no expression costs more than a few thousand steps.
 */
import { parseDuration } from "../../../api/duration.js";
import type { ExternalSecret, ExternalSecretStatus, SyncWindows } from "../../../api/externalsecret.js";
import { rfc3339 } from "../../../kube/index.js";
import { type Condition, getCondition, setCondition } from "../../common/conditions.js";
import { CONDITION_READY } from "../constants.js";

const MAX_SCHEDULE_LENGTH = 256;
const MINUTE_MS = 60_000;
/** How far ahead a firing (or an allowed instant) is looked for. */
const SEARCH_HORIZON_MS = 5 * 366 * 24 * 3600_000;
const MAX_STEPS = 10_000;

export interface Schedule {
  /** The first firing strictly after `afterMs`, or undefined if none within the search horizon. */
  next(afterMs: number): number | undefined;
}

interface Field {
  min: number;
  max: number;
  names?: readonly string[];
}

const MINUTE: Field = { min: 0, max: 59 };
const HOUR: Field = { min: 0, max: 23 };
const DOM: Field = { min: 1, max: 31 };
const MONTH: Field = {
  min: 1,
  max: 12,
  names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
};
const DOW: Field = { min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] };

const SHORTHANDS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

function value(text: string, field: Field): number {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d{1,2}$/.test(text)) throw new Error("bad value");
  const n = Number(text);
  if (n < field.min || n > field.max) throw new Error("out of range");
  return n;
}

/** One cron field: the set of values it matches, and whether it was a bare "*" or "?" (day matching needs it). */
function parseField(text: string, field: Field): { set: boolean[]; star: boolean } {
  const set = new Array<boolean>(field.max + 1).fill(false);
  let star = false;
  for (const item of text.split(",")) {
    const [range = "", stepText, extra] = item.split("/");
    if (extra !== undefined) throw new Error("bad step");
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") {
      star = true;
      lo = field.min;
      hi = field.max;
    } else {
      const [a = "", b, more] = range.split("-");
      if (more !== undefined) throw new Error("bad range");
      lo = value(a, field);
      hi = b === undefined ? (stepText === undefined ? lo : field.max) : value(b, field);
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || step > field.max + 1 || !/^\d+$/.test(stepText ?? "1")) {
      throw new Error("bad step");
    }
    if (hi < lo) throw new Error("bad range");
    for (let v = lo; v <= hi; v += step) set[v] = true;
  }
  return { set, star };
}

class CronSchedule implements Schedule {
  private readonly minute: boolean[];
  private readonly hour: boolean[];
  private readonly dom: { set: boolean[]; star: boolean };
  private readonly month: boolean[];
  private readonly dow: { set: boolean[]; star: boolean };

  constructor(fields: string[]) {
    this.minute = parseField(fields[0] ?? "", MINUTE).set;
    this.hour = parseField(fields[1] ?? "", HOUR).set;
    this.dom = parseField(fields[2] ?? "", DOM);
    this.month = parseField(fields[3] ?? "", MONTH).set;
    this.dow = parseField(fields[4] ?? "", DOW);
  }

  /** As Vixie cron: when both day fields are restricted, either may match. */
  private dayMatches(d: Date): boolean {
    const dom = this.dom.set[d.getUTCDate()] === true;
    const dow = this.dow.set[d.getUTCDay()] === true;
    return this.dom.star || this.dow.star ? dom && dow : dom || dow;
  }

  next(afterMs: number): number | undefined {
    const limit = afterMs + SEARCH_HORIZON_MS;
    const d = new Date(Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
    for (let steps = 0; steps < MAX_STEPS && d.getTime() <= limit; steps++) {
      if (!this.month[d.getUTCMonth() + 1]) {
        d.setUTCMonth(d.getUTCMonth() + 1, 1);
        d.setUTCHours(0, 0, 0, 0);
      } else if (!this.dayMatches(d)) {
        d.setUTCDate(d.getUTCDate() + 1);
        d.setUTCHours(0, 0, 0, 0);
      } else if (!this.hour[d.getUTCHours()]) {
        d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      } else if (!this.minute[d.getUTCMinutes()]) {
        d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      } else {
        return d.getTime();
      }
    }
    return undefined;
  }
}

/** "@every d": fires d after the instant asked about (upstream's constant-delay schedule), at least 1 s. */
class EverySchedule implements Schedule {
  constructor(private readonly delayMs: number) {}
  next(afterMs: number): number {
    return afterMs + this.delayMs;
  }
}

/** A schedule, or undefined when the text is not one (upstream ignores such windows). */
export function parseSchedule(text: string): Schedule | undefined {
  if (typeof text !== "string" || text.length === 0 || text.length > MAX_SCHEDULE_LENGTH) return undefined;
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith("@every ")) {
      const ms = parseDuration(trimmed.slice("@every ".length).trim());
      if (!(ms > 0)) return undefined;
      return new EverySchedule(Math.max(1000, Math.floor(ms / 1000) * 1000));
    }
    const spec = SHORTHANDS[trimmed.toLowerCase()] ?? trimmed;
    const fields = spec.split(/\s+/);
    if (fields.length !== 5) return undefined;
    return new CronSchedule(fields);
  } catch {
    return undefined;
  }
}

interface Window {
  schedule: Schedule;
  durationMs: number;
}

function parsedWindows(sw: SyncWindows): Window[] {
  const out: Window[] = [];
  for (const w of Array.isArray(sw.windows) ? sw.windows : []) {
    const schedule = parseSchedule(w?.schedule);
    if (!schedule) continue;
    let durationMs: number;
    try {
      durationMs = parseDuration(w.duration);
    } catch {
      continue;
    }
    if (durationMs < 0) continue;
    out.push({ schedule, durationMs });
  }
  return out;
}

/** The window is open at t: it fired within [t - duration, t]. */
function isOpen(w: Window, t: number): boolean {
  const fired = w.schedule.next(t - w.durationMs - 1);
  return fired !== undefined && fired <= t;
}

/** When the window open at t closes (its last firing at or before t, plus its duration). */
function closesAt(w: Window, t: number): number | undefined {
  let fired = w.schedule.next(t - w.durationMs - 1);
  if (fired === undefined || fired > t) return undefined;
  for (let i = 0; i < MAX_STEPS; i++) {
    const later = w.schedule.next(fired);
    if (later === undefined || later > t) return fired + w.durationMs;
    fired = later;
  }
  return undefined;
}

function allowedAt(kind: string, windows: Window[], t: number): boolean {
  if (kind === "allow") return windows.some((w) => isOpen(w, t));
  if (kind === "deny") return !windows.some((w) => isOpen(w, t));
  return true;
}

export type WindowVerdict =
  /** A periodic refresh may run now. */
  | { allowed: true }
  /** Blocked; `nextAllowedMs` is when one may run again (undefined: none found within the bounded search). */
  | { allowed: false; nextAllowedMs: number | undefined };

/** Whether spec.syncWindows lets a periodic refresh run at `nowMs`, and if not, when one next may. */
export function syncWindowVerdict(sw: SyncWindows | undefined, nowMs: number): WindowVerdict {
  if (!sw || !Array.isArray(sw.windows) || sw.windows.length === 0) return { allowed: true };
  const windows = parsedWindows(sw);
  if (allowedAt(sw.kind, windows, nowMs)) return { allowed: true };
  return { allowed: false, nextAllowedMs: nextAllowed(sw.kind, windows, nowMs) };
}

function nextAllowed(kind: string, windows: Window[], nowMs: number): number | undefined {
  const limit = nowMs + SEARCH_HORIZON_MS;
  if (kind === "allow") {
    let first: number | undefined;
    for (const w of windows) {
      const at = w.schedule.next(nowMs);
      if (at !== undefined && (first === undefined || at < first)) first = at;
    }
    return first !== undefined && first <= limit && allowedAt(kind, windows, first) ? first : undefined;
  }
  // deny: step past the end of every window open at t until none is.
  let t = nowMs;
  for (let i = 0; i < 64 && t <= limit; i++) {
    let end: number | undefined;
    for (const w of windows) {
      if (!isOpen(w, t)) continue;
      const closes = closesAt(w, t);
      if (closes === undefined) return undefined;
      end = end === undefined ? closes : Math.max(end, closes);
    }
    if (end === undefined) return t;
    t = end + 1;
  }
  return undefined;
}

/**
 * The status while spec.syncWindows holds a due refresh: the Ready=True condition's message says when the next
 * refresh may run (upstream's status has no field for it). A Ready=False condition is left to explain its failure.
 */
export function heldStatus(es: ExternalSecret, untilMs: number | undefined, nowMs: number): ExternalSecretStatus {
  const status: ExternalSecretStatus = structuredClone(es.status ?? {});
  const conditions = status.conditions as Condition[] | undefined;
  const ready = getCondition(conditions, CONDITION_READY);
  if (ready?.status !== "True") return status;
  const when =
    untilMs === undefined
      ? "and no time ahead was found when they allow one"
      : `next refresh at ${rfc3339(new Date(untilMs))}`;
  const message = `secret synced; periodic refresh held by syncWindows, ${when}`;
  const next = setCondition(conditions, { ...ready, message }, new Date(nowMs));
  return { ...status, conditions: next as ExternalSecretStatus["conditions"] };
}
