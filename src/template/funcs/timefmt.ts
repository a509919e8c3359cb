/** Go's time.Format / time.Parse layouts ("2006-01-02T15:04:05Z07:00") and time.ParseDuration. */
import { daysFromCivil, type GoLocation, GoTime, UTC, zoneAt } from "../go-time.js";
import { goStringToBytes } from "./bytes.js";

/** Go's month and weekday names (time.Month.String, time.Weekday.String). */
export const LONG_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
export const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

type Std = { k: "lit"; s: string } | { k: "frac"; n: number; trim: boolean; sep: string } | { k: string; s: string };

const lower = (c: string | undefined) => c !== undefined && c >= "a" && c <= "z";
const digit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/** Split a layout into literal text and std tokens (Go's nextStdChunk). */
export function tokenize(layout: string): Std[] {
  const out: Std[] = [];
  let lit = "";
  const push = (k: string, s: string) => {
    if (lit) out.push({ k: "lit", s: lit });
    lit = "";
    out.push({ k, s });
  };
  let i = 0;
  while (i < layout.length) {
    const r = layout.slice(i);
    const c = layout[i]!;
    let m: string | undefined;
    switch (c) {
      case "J":
        if (r.startsWith("January")) m = "January";
        else if (r.startsWith("Jan") && !lower(r[3])) m = "Jan";
        break;
      case "M":
        if (r.startsWith("Monday")) m = "Monday";
        else if (r.startsWith("Mon") && !lower(r[3])) m = "Mon";
        else if (r.startsWith("MST")) m = "MST";
        break;
      case "0":
        if (r[1] !== undefined && r[1] >= "1" && r[1] <= "6") m = r.slice(0, 2);
        else if (r.startsWith("002")) m = "002";
        break;
      case "1":
        m = r.startsWith("15") ? "15" : "1";
        break;
      case "2":
        m = r.startsWith("2006") ? "2006" : "2";
        break;
      case "_":
        if (r[1] === "2") {
          if (r.startsWith("_2006")) {
            lit += "_";
            i++;
            continue;
          }
          m = "_2";
        } else if (r.startsWith("__2")) m = "__2";
        break;
      case "3":
      case "4":
      case "5":
        m = c;
        break;
      case "P":
        if (r[1] === "M") m = "PM";
        break;
      case "p":
        if (r[1] === "m") m = "pm";
        break;
      case "-":
        for (const t of ["-07:00:00", "-070000", "-07:00", "-0700", "-07"]) {
          if (r.startsWith(t)) {
            m = t;
            break;
          }
        }
        break;
      case "Z":
        for (const t of ["Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07"]) {
          if (r.startsWith(t)) {
            m = t;
            break;
          }
        }
        break;
      case ".":
      case ",":
        if (r[1] === "0" || r[1] === "9") {
          let j = 1;
          while (r[j] === r[1]) j++;
          if (!digit(r[j])) {
            if (lit) out.push({ k: "lit", s: lit });
            lit = "";
            out.push({ k: "frac", n: j - 1, trim: r[1] === "9", sep: c });
            i += j;
            continue;
          }
        }
        break;
    }
    if (m !== undefined) {
      push(m, m);
      i += m.length;
    } else {
      lit += c;
      i++;
    }
  }
  if (lit) out.push({ k: "lit", s: lit });
  return out;
}

const pad = (n: number, w: number, ch = "0") => {
  const s = String(Math.abs(n)).padStart(w, ch);
  return n < 0 ? `-${s}` : s;
};

function formatZone(k: string, offsetSec: number): string {
  if (k.startsWith("Z") && offsetSec === 0) return "Z";
  const sign = offsetSec < 0 ? "-" : "+";
  const a = Math.abs(offsetSec);
  const hh = pad(Math.floor(a / 3600), 2);
  const mm = pad(Math.floor((a % 3600) / 60), 2);
  const ss = pad(a % 60, 2);
  const body = k.slice(1);
  switch (body) {
    case "07":
      return sign + hh;
    case "0700":
      return sign + hh + mm;
    case "07:00":
      return `${sign}${hh}:${mm}`;
    case "070000":
      return sign + hh + mm + ss;
    default:
      return `${sign}${hh}:${mm}:${ss}`;
  }
}

/** time.Time.Format. */
export function formatTime(t: GoTime, layout: string): string {
  const c = t.civil();
  let out = "";
  for (const tok of tokenize(layout)) {
    switch (tok.k) {
      case "lit":
        out += (tok as { s: string }).s;
        break;
      case "frac": {
        const f = tok as { n: number; trim: boolean; sep: string };
        let digits = String(c.nanosecond).padStart(9, "0").slice(0, Math.min(f.n, 9));
        if (f.trim) {
          digits = digits.replace(/0+$/, "");
          if (digits) out += f.sep + digits;
        } else out += f.sep + digits;
        break;
      }
      case "2006":
        out += c.year < 0 ? `-${pad(-c.year, 4)}` : pad(c.year, 4);
        break;
      case "06":
        out += pad(((c.year % 100) + 100) % 100, 2);
        break;
      case "January":
        out += LONG_MONTHS[c.month - 1];
        break;
      case "Jan":
        out += LONG_MONTHS[c.month - 1]!.slice(0, 3);
        break;
      case "1":
        out += String(c.month);
        break;
      case "01":
        out += pad(c.month, 2);
        break;
      case "Monday":
        out += LONG_DAYS[c.weekday];
        break;
      case "Mon":
        out += LONG_DAYS[c.weekday]!.slice(0, 3);
        break;
      case "2":
        out += String(c.day);
        break;
      case "_2":
        out += pad(c.day, 2, " ");
        break;
      case "02":
        out += pad(c.day, 2);
        break;
      case "__2":
        out += pad(c.yearDay, 3, " ");
        break;
      case "002":
        out += pad(c.yearDay, 3);
        break;
      case "15":
        out += pad(c.hour, 2);
        break;
      case "3":
        out += String(c.hour % 12 === 0 ? 12 : c.hour % 12);
        break;
      case "03":
        out += pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2);
        break;
      case "4":
        out += String(c.minute);
        break;
      case "04":
        out += pad(c.minute, 2);
        break;
      case "5":
        out += String(c.second);
        break;
      case "05":
        out += pad(c.second, 2);
        break;
      case "PM":
        out += c.hour >= 12 ? "PM" : "AM";
        break;
      case "pm":
        out += c.hour >= 12 ? "pm" : "am";
        break;
      case "MST":
        if (c.zoneAbbrev !== "") out += c.zoneAbbrev;
        else out += formatZone("-0700", c.offsetSec);
        break;
      default:
        out += formatZone(tok.k, c.offsetSec);
    }
  }
  return out;
}

export const RFC3339NANO = "2006-01-02T15:04:05.999999999Z07:00";

// ------------------------------------------------------------------ parsing

const quoteGo = (s: string) => timeQuote(s);

export class TimeParseError extends Error {
  constructor(layout: string, value: string, layoutElem: string, valueElem: string, msg = "") {
    super(
      msg
        ? `parsing time ${quoteGo(value)}${msg}`
        : `parsing time ${quoteGo(value)} as ${quoteGo(layout)}: cannot parse ${quoteGo(valueElem)} as ${quoteGo(layoutElem)}`,
    );
  }
}

function getNum(v: string, fixed: boolean): [number, string] | undefined {
  if (!digit(v[0])) return undefined;
  if (!digit(v[1])) {
    if (fixed) return undefined;
    return [Number(v[0]), v.slice(1)];
  }
  return [Number(v.slice(0, 2)), v.slice(2)];
}

function lookupName(names: string[], v: string): [number, string] | undefined {
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (v.length >= n.length && v.slice(0, n.length).toLowerCase() === n.toLowerCase()) return [i, v.slice(n.length)];
  }
  return undefined;
}

/** Offset of a location for a civil time given as seconds (as if UTC). */
function offsetForCivil(loc: GoLocation, civilSec: number): number {
  if (loc.fixedOffsetSec !== undefined) return loc.fixedOffsetSec;
  let off = zoneAt(loc, civilSec * 1000).offsetSec;
  off = zoneAt(loc, (civilSec - off) * 1000).offsetSec;
  return off;
}

/** time.ParseInLocation. */
export function parseTime(layout: string, value: string, loc: GoLocation): GoTime {
  const orig = value;
  // Go's Parse leaves the year at 0 when the layout has none ("15:04" reads as 0000-01-01)
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pm = false;
  let pmSet = false;
  let zoneOffset: number | undefined;
  let zoneName: string | undefined;
  const toks = tokenize(layout);
  for (let ti = 0; ti < toks.length; ti++) {
    const tok = toks[ti]!;
    if (tok.k === "lit") {
      const lit = (tok as { s: string }).s;
      if (!value.startsWith(lit)) throw new TimeParseError(layout, orig, lit, value);
      value = value.slice(lit.length);
      continue;
    }
    const hold = value;
    const elem = tok.k === "frac" ? "" : (tok as { s: string }).s;
    const fail = (): never => {
      throw new TimeParseError(layout, orig, elem, hold);
    };
    const range = (what: string): never => {
      throw new TimeParseError(layout, orig, elem, hold, `: ${what} out of range`);
    };
    let r: [number, string] | undefined;
    switch (tok.k) {
      case "2006":
        if (value.length < 4 || !digit(value[0])) fail();
        if (!/^\d{4}/.test(value)) fail();
        year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      case "06":
        if (!/^\d{2}/.test(value)) fail();
        year = Number(value.slice(0, 2));
        year += year >= 69 ? 1900 : 2000;
        value = value.slice(2);
        break;
      case "January":
      case "Jan":
        r = lookupName(tok.k === "Jan" ? LONG_MONTHS.map((m) => m.slice(0, 3)) : LONG_MONTHS, value) ?? fail();
        month = r[0] + 1;
        value = r[1];
        break;
      case "Monday":
      case "Mon":
        r = lookupName(tok.k === "Mon" ? LONG_DAYS.map((m) => m.slice(0, 3)) : LONG_DAYS, value) ?? fail();
        value = r[1];
        break;
      case "1":
      case "01":
        r = getNum(value, tok.k === "01") ?? fail();
        month = r[0];
        value = r[1];
        if (month <= 0 || month > 12) range("month");
        break;
      case "2":
      case "_2":
      case "02":
        if (tok.k === "_2" && value[0] === " ") value = value.slice(1);
        r = getNum(value, tok.k === "02") ?? fail();
        day = r[0];
        value = r[1];
        break;
      case "__2":
      case "002": {
        let v = value;
        if (tok.k === "__2") v = v.replace(/^ {1,2}/, "");
        const m = /^\d{1,3}/.exec(v) ?? fail();
        if (tok.k === "002" && m[0].length !== 3) fail();
        yday = Number(m[0]);
        value = v.slice(m[0].length);
        if (yday < 1 || yday > 366) range("day-of-year");
        break;
      }
      case "15":
        r = getNum(value, false) ?? fail();
        hour = r[0];
        value = r[1];
        if (hour < 0 || hour >= 24) range("hour");
        break;
      case "3":
      case "03":
        r = getNum(value, tok.k === "03") ?? fail();
        hour = r[0];
        value = r[1];
        if (hour < 0 || hour > 12) range("hour");
        break;
      case "4":
      case "04":
        r = getNum(value, tok.k === "04") ?? fail();
        min = r[0];
        value = r[1];
        if (min < 0 || min >= 60) range("minute");
        break;
      case "5":
      case "05": {
        r = getNum(value, tok.k === "05") ?? fail();
        sec = r[0];
        value = r[1];
        if (sec < 0 || sec >= 60) range("second");
        const next = toks[ti + 1];
        const m = /^[.,](\d+)/.exec(value);
        if (m && next?.k !== "frac") {
          nsec = Number(m[1]!.slice(0, 9).padEnd(9, "0"));
          value = value.slice(m[0].length);
        }
        break;
      }
      case "PM":
      case "pm": {
        const p = value.slice(0, 2);
        const want = tok.k === "PM" ? ["PM", "AM"] : ["pm", "am"];
        if (p === want[0]) pm = true;
        else if (p !== want[1]) fail();
        pmSet = true;
        value = value.slice(2);
        break;
      }
      case "MST": {
        if (value.startsWith("UTC")) {
          zoneName = "UTC";
          zoneOffset = 0;
          value = value.slice(3);
          break;
        }
        const m = /^(?:GMT[+-]\d{1,2}|[A-Z]{3,5}|ChST|MeST)/.exec(value) ?? fail();
        zoneName = m[0];
        value = value.slice(m[0].length);
        break;
      }
      case "frac": {
        const f = tok as { n: number; trim: boolean; sep: string };
        if (f.trim) {
          const m = /^[.,](\d+)/.exec(value);
          if (m) {
            nsec = Number(m[1]!.slice(0, 9).padEnd(9, "0"));
            value = value.slice(m[0].length);
          }
        } else {
          const m = new RegExp(`^[.,](\\d{${f.n}})`).exec(value) ?? fail();
          nsec = Number(m[1]!.slice(0, 9).padEnd(9, "0"));
          value = value.slice(m[0].length);
        }
        break;
      }
      default: {
        // numeric zones: -0700, -07:00, -07, -070000, -07:00:00 and the Z variants
        if (tok.k.startsWith("Z") && value.startsWith("Z")) {
          value = value.slice(1);
          zoneOffset = 0;
          zoneName = "UTC";
          break;
        }
        const body = tok.k.slice(1);
        const pats: Record<string, RegExp> = {
          "07": /^([+-])(\d{2})/,
          "0700": /^([+-])(\d{2})(\d{2})/,
          "07:00": /^([+-])(\d{2}):(\d{2})/,
          "070000": /^([+-])(\d{2})(\d{2})(\d{2})/,
          "07:00:00": /^([+-])(\d{2}):(\d{2}):(\d{2})/,
        };
        const m = pats[body]!.exec(value) ?? fail();
        const off = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
        zoneOffset = m[1] === "-" ? -off : off;
        value = value.slice(m[0].length);
      }
    }
  }
  if (value.length > 0) {
    throw new TimeParseError(layout, orig, "", value, `: extra text: ${quoteGo(value)}`);
  }
  if (pmSet) {
    if (pm && hour < 12) hour += 12;
    else if (!pm && hour === 12) hour = 0;
  }
  if (yday >= 0) {
    const isLeap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    if (yday > (isLeap ? 366 : 365)) throw new TimeParseError(layout, orig, "", value, ": day-of-year out of range");
    const d = daysFromCivil(year, 1, 1) + yday - 1;
    const dt = new Date(d * 86400000);
    const m2 = dt.getUTCMonth() + 1;
    const d2 = dt.getUTCDate();
    if (month >= 0 && month !== m2)
      throw new TimeParseError(layout, orig, "", value, ": day-of-year does not match month");
    if (day >= 0 && day !== d2) throw new TimeParseError(layout, orig, "", value, ": day-of-year does not match day");
    month = m2;
    day = d2;
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  const dim = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day < 1 || day > (month === 2 && leap ? 29 : dim)) {
    throw new TimeParseError(layout, orig, "", value, ": day out of range");
  }
  const civilSec = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
  let location: GoLocation = loc;
  let offset: number;
  if (zoneOffset !== undefined) {
    offset = zoneOffset;
    if (zoneName === "UTC") location = UTC;
    else {
      const localOff = offsetForCivil(loc, civilSec - offset);
      location = localOff === offset ? loc : { name: "", fixedOffsetSec: offset };
    }
  } else if (zoneName !== undefined) {
    const localOff = offsetForCivil(loc, civilSec);
    const abbrev = zoneAt(loc, (civilSec - localOff) * 1000).abbrev;
    if (abbrev === zoneName) {
      offset = localOff;
    } else {
      offset = 0;
      location = { name: zoneName, fixedOffsetSec: 0 };
    }
  } else {
    offset = offsetForCivil(loc, civilSec);
  }
  const unixSec = BigInt(civilSec - offset);
  return new GoTime(unixSec * 1_000_000_000n + BigInt(nsec), location);
}

// ------------------------------------------------------------------ durations

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** The time package's quote: bytes outside printable ASCII as \xNN, quotes and backslashes escaped. */
function timeQuote(s: string): string {
  let out = '"';
  for (const b of goStringToBytes(s)) {
    if (b >= 0x80 || b < 0x20) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += (b === 0x22 || b === 0x5c ? "\\" : "") + String.fromCharCode(b);
  }
  return `${out}"`;
}

/** time.ParseDuration. */
export function parseDuration(s: string): bigint {
  const orig = s;
  const q = timeQuote(orig);
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw new Error(`time: invalid duration ${q}`);
  let total = 0n;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (m[0] === "" || m[0] === "." || (m[1] === "" && (m[2] ?? "") === ""))
      throw new Error(`time: invalid duration ${q}`);
    s = s.slice(m[0].length);
    const u = /^[^\d.]+/.exec(s);
    if (!u) throw new Error(`time: missing unit in duration ${q}`);
    const unit = UNITS[u[0]];
    if (unit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(u[0])} in duration ${q}`);
    s = s.slice(u[0].length);
    const whole = BigInt(m[1] || "0") * unit;
    let frac = 0n;
    const fd = m[2] ?? "";
    if (fd !== "") frac = (BigInt(fd) * unit) / 10n ** BigInt(fd.length);
    total += whole + frac;
    if (total > 9223372036854775807n) throw new Error(`time: invalid duration ${q}`);
  }
  return neg ? -total : total;
}
