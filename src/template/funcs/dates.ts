/** Sprig's date functions. */
import {
  daysFromCivil,
  defineGoMethods,
  type FuncMap,
  GoDuration,
  type GoLocation,
  GoNamedInt,
  GoTime,
  goTypeName,
  type NamedIntType,
  UTC,
  withArity,
  zoneAt,
} from "../values.js";
import { formatTime, LONG_DAYS, LONG_MONTHS, parseDuration, parseTime } from "./timefmt.js";
import { argStr, argTime } from "./util.js";

const LOCAL: GoLocation = { name: "Local" };

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

/** The time argument of Sprig's date functions: a time, or Unix seconds; anything else means now. */
function timeArg(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  if (typeof v === "bigint") return new GoTime(v * 1_000_000_000n, LOCAL);
  return nowTime();
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
  } else if (typeof v === "bigint") d = v;
  else if (v instanceof GoDuration) d = v.ns;
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
  else if (typeof v === "bigint") n = v;
  return new GoDuration(n * 1_000_000_000n).toString();
}

function dateModify(fmt: string, date: GoTime): GoTime {
  return new GoTime(date.unixNano + parseDuration(fmt), date.location);
}

const ZERO_TIME = new GoTime(-62135596800n * 1_000_000_000n, UTC);

export function dateFuncs(): FuncMap {
  const fns: FuncMap = {
    now: () => nowTime(),
    ago: (d) => {
      const t = d instanceof GoTime ? d : typeof d === "bigint" ? new GoTime(d * 1_000_000_000n, LOCAL) : nowTime();
      return new GoDuration(roundDuration(since(t), 1_000_000_000n)).toString();
    },
    date: (f, d) => dateInZone(argStr(f), d, "Local"),
    dateInZone: (f, d, z) => dateInZone(argStr(f), d, argStr(z)),
    dateModify: (f, d) => {
      const t = argTime(d);
      try {
        return dateModify(argStr(f), t);
      } catch {
        return t;
      }
    },
    mustDateModify: (f, d) => dateModify(argStr(f), argTime(d)),
    duration: (v) => duration(v),
    durationRound: (v) => durationRound(v),
    htmlDate: (d) => dateInZone("2006-01-02", d, "Local"),
    htmlDateInZone: (d, z) => dateInZone("2006-01-02", d, argStr(z)),
    toDate: (f, s) => {
      try {
        return parseTime(argStr(f), argStr(s), LOCAL);
      } catch {
        return ZERO_TIME;
      }
    },
    mustToDate: (f, s) => parseTime(argStr(f), argStr(s), LOCAL),
    unixEpoch: (d) => {
      const t = argTime(d);
      const s = t.unixNano / 1_000_000_000n;
      return String(t.unixNano < 0n && t.unixNano % 1_000_000_000n !== 0n ? s - 1n : s);
    },
  };
  fns.date_in_zone = fns.dateInZone!;
  fns.date_modify = fns.dateModify!;
  fns.must_date_modify = fns.mustDateModify!;
  return fns;
}

// ---------------------------------------------------------------- time.Time methods used in templates

/** Names as time.Month.String and time.Weekday.String give them, out-of-range values included. */
const MONTH: NamedIntType = {
  name: "time.Month",
  label: (n) => (n >= 1n && n <= 12n ? LONG_MONTHS[Number(n) - 1]! : `%!Month(${n})`),
};
const WEEKDAY: NamedIntType = {
  name: "time.Weekday",
  label: (n) => (n >= 0n && n <= 6n ? LONG_DAYS[Number(n)]! : `%!Weekday(${n})`),
};

function timeRecv(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  throw new Error(`wrong type for value; expected time.Time; got ${goTypeName(v)}`);
}

function durationArg(v: unknown): bigint {
  if (v instanceof GoDuration) return v.ns;
  if (typeof v === "bigint") return v;
  throw new Error(`wrong type for value; expected time.Duration; got ${goTypeName(v)}`);
}

function intArg(v: unknown): number {
  if (typeof v === "bigint") return Number(v);
  throw new Error(`wrong type for value; expected int; got ${goTypeName(v)}`);
}

/** time.Time.AddDate: calendar arithmetic with Go's normalization (Oct 31 + 1 month = Dec 1). */
function addDate(t: GoTime, years: number, months: number, days: number): GoTime {
  const c = t.civil();
  const totalMonths = (c.year + years) * 12 + (c.month - 1) + months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12 + 1;
  const dayNumber = daysFromCivil(year, month, 1) + c.day - 1 + days;
  const localSec = BigInt(dayNumber) * 86400n + BigInt(c.hour * 3600 + c.minute * 60 + c.second);
  // The zone offset of the new date may differ (DST): take the offset in force at the first guess.
  const guess = localSec - BigInt(c.offsetSec);
  const offset = zoneAt(t.location, Number(guess * 1000n)).offsetSec;
  return new GoTime((localSec - BigInt(offset)) * 1_000_000_000n + BigInt(c.nanosecond), t.location);
}

defineGoMethods(GoTime, {
  Format: withArity((t, layout) => formatTime(timeRecv(t), argStr(layout)), 1),
  Month: withArity((t) => new GoNamedInt(BigInt(timeRecv(t).civil().month), MONTH), 0),
  Weekday: withArity((t) => new GoNamedInt(BigInt(timeRecv(t).civil().weekday), WEEKDAY), 0),
  IsZero: withArity((t) => timeRecv(t).unixNano === ZERO_TIME.unixNano, 0),
  Add: withArity((t, d) => new GoTime(timeRecv(t).unixNano + durationArg(d), timeRecv(t).location), 1),
  AddDate: withArity((t, y, m, d) => addDate(timeRecv(t), intArg(y), intArg(m), intArg(d)), 3),
  Sub: withArity((t, u) => new GoDuration(timeRecv(t).unixNano - timeRecv(u).unixNano), 1),
  Before: withArity((t, u) => timeRecv(t).unixNano < timeRecv(u).unixNano, 1),
  After: withArity((t, u) => timeRecv(t).unixNano > timeRecv(u).unixNano, 1),
  Equal: withArity((t, u) => timeRecv(t).unixNano === timeRecv(u).unixNano, 1),
  Local: withArity((t) => timeRecv(t).in(LOCAL), 0),
});
