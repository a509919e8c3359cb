/** Sprig's date functions. */
import { GoDuration, SECOND } from "../go-duration.js";
import { GoInt } from "../go-ints.js";
import { type GoLocation, GoTime, LOCAL, UTC, ZERO_TIME } from "../go-time.js";
import { goFunc } from "../signature.js";
import type { FuncMap } from "../values.js";
import { formatTime, parseDuration, parseTime } from "./timefmt.js";

export function nowTime(): GoTime {
  const ns = process.hrtime.bigint() % 1_000_000n;
  return new GoTime(BigInt(Date.now()) * 1_000_000n + ns, LOCAL);
}

/** time.LoadLocation; undefined for an unknown zone. */
export function loadLocation(name: string): GoLocation | undefined {
  if (name === "" || name === "UTC") return UTC;
  if (name === "Local") return LOCAL;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return { name };
  } catch {
    return undefined;
  }
}

/** Unix seconds as an int, int64 or int32 (the integer types Sprig's date functions switch on). */
function unixSeconds(v: unknown, int32Too: boolean): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (v instanceof GoInt && (v.type === "int64" || (int32Too && v.type === "int32"))) return v.n;
  return undefined;
}

/** The time argument of Sprig's date functions: a time, or Unix seconds; anything else means now. */
function timeArg(v: unknown, int32Too = true): GoTime {
  if (v instanceof GoTime) return v;
  const sec = unixSeconds(v, int32Too);
  return sec === undefined ? nowTime() : new GoTime(sec * SECOND, LOCAL);
}

function dateInZone(layout: string, date: unknown, zone: string): string {
  const loc = loadLocation(zone) ?? UTC;
  return formatTime(timeArg(date).in(loc), layout);
}

/** time.Duration.Round(m). */
function roundDuration(d: bigint, m: bigint): bigint {
  let r = d % m;
  if (d < 0n) {
    r = -r;
    return r + r < m ? d + r : d + r - m;
  }
  return r + r < m ? d - r : d + m - r;
}

function since(t: GoTime): bigint {
  return nowTime().unixNano - t.unixNano;
}

function durationRound(v: unknown): string {
  let d = 0n;
  if (typeof v === "string") {
    try {
      d = parseDuration(v);
    } catch {
      d = 0n;
    }
  } else if (v instanceof GoInt && v.type === "int64") d = v.n;
  else if (v instanceof GoTime) d = since(v);
  let u = d < 0n ? -d : d;
  u = BigInt.asUintN(64, u);
  const second = 1_000_000_000n;
  const minute = 60n * second;
  const hour = 60n * minute;
  const day = 24n * hour;
  const month = 30n * day;
  const year = 365n * day;
  if (u > year) return `${u / year}y`;
  if (u > month) return `${u / month}mo`;
  if (u > day) return `${u / day}d`;
  if (u > hour) return `${u / hour}h`;
  if (u > minute) return `${u / minute}m`;
  if (u > second) return `${u / second}s`;
  return "0s";
}

function duration(v: unknown): string {
  let n = 0n;
  if (typeof v === "string") n = /^[+-]?\d+$/.test(v) ? BigInt(v) : 0n;
  else if (v instanceof GoInt && v.type === "int64") n = v.n;
  return new GoDuration(n * SECOND).toString();
}

function dateModify(fmt: string, date: GoTime): GoTime {
  return new GoTime(date.unixNano + parseDuration(fmt), date.location);
}

export function dateFuncs(): FuncMap {
  const dateInZoneF = goFunc("func(string, interface {}, string) string", dateInZone);
  const dateModifyF = goFunc("func(string, time.Time) time.Time", (f: string, t: GoTime) => {
    try {
      return dateModify(f, t);
    } catch {
      return t;
    }
  });
  const mustDateModifyF = goFunc("func(string, time.Time) (time.Time, error)", dateModify);
  return {
    now: goFunc("func() time.Time", nowTime),
    ago: goFunc("func(interface {}) string", (d: unknown) => {
      const t = timeArg(d, false);
      return new GoDuration(roundDuration(since(t), SECOND)).toString();
    }),
    date: goFunc("func(string, interface {}) string", (f: string, d: unknown) => dateInZone(f, d, "Local")),
    dateInZone: dateInZoneF,
    date_in_zone: dateInZoneF,
    dateModify: dateModifyF,
    date_modify: dateModifyF,
    mustDateModify: mustDateModifyF,
    must_date_modify: mustDateModifyF,
    duration: goFunc("func(interface {}) string", duration),
    durationRound: goFunc("func(interface {}) string", durationRound),
    htmlDate: goFunc("func(interface {}) string", (d: unknown) => dateInZone("2006-01-02", d, "Local")),
    htmlDateInZone: goFunc("func(interface {}, string) string", (d: unknown, z: string) =>
      dateInZone("2006-01-02", d, z),
    ),
    toDate: goFunc("func(string, string) time.Time", (f: string, s: string) => {
      try {
        return parseTime(f, s, LOCAL);
      } catch {
        return ZERO_TIME;
      }
    }),
    mustToDate: goFunc("func(string, string) (time.Time, error)", (f: string, s: string) => parseTime(f, s, LOCAL)),
    unixEpoch: goFunc("func(time.Time) string", (t: GoTime) => {
      const s = t.unixNano / SECOND;
      return String(t.unixNano < 0n && t.unixNano % SECOND !== 0n ? s - 1n : s);
    }),
  };
}
