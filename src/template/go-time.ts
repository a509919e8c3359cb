/** time.Time, time zones (through Intl) and the proleptic Gregorian calendar arithmetic behind them. */
import { SECOND } from "./go-duration.js";

export interface CivilTime {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  weekday: number; // 0 = Sunday
  yearDay: number; // 1..366
  offsetSec: number;
  zoneAbbrev: string;
}

/** A time zone: "UTC", "Local", an IANA name, or a fixed zone (name plus offset). */
export interface GoLocation {
  name: string;
  fixedOffsetSec?: number;
}

export const UTC: GoLocation = { name: "UTC", fixedOffsetSec: 0 };
export const LOCAL: GoLocation = { name: "Local" };

const dtfCache = new Map<string, Intl.DateTimeFormat>();

function dtf(zone: string, locale: string, style: "short" | "longOffset"): Intl.DateTimeFormat {
  const key = `${zone}|${locale}|${style}`;
  let f = dtfCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: style, year: "numeric" });
    dtfCache.set(key, f);
  }
  return f;
}

function zonePart(zone: string, locale: string, style: "short" | "longOffset", ms: number): string {
  const parts = dtf(zone, locale, style).formatToParts(new Date(ms));
  return parts.find((p) => p.type === "timeZoneName")?.value ?? "";
}

function numericAbbrev(offsetSec: number): string {
  const sign = offsetSec < 0 ? "-" : "+";
  const a = Math.abs(offsetSec);
  const h = String(Math.floor(a / 3600)).padStart(2, "0");
  const m = Math.floor((a % 3600) / 60);
  return m === 0 ? `${sign}${h}` : `${sign}${h}${String(m).padStart(2, "0")}`;
}

/** Resolve the offset and abbreviation of a location at an instant (milliseconds since the epoch). */
export function zoneAt(loc: GoLocation, ms: number): { offsetSec: number; abbrev: string } {
  if (loc.fixedOffsetSec !== undefined) return { offsetSec: loc.fixedOffsetSec, abbrev: loc.name };
  const zone = loc.name === "Local" ? Intl.DateTimeFormat().resolvedOptions().timeZone : loc.name;
  const off = zonePart(zone, "en-US", "longOffset", ms); // "GMT", "GMT+05:30"
  let offsetSec = 0;
  const m = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(off);
  if (m) offsetSec = (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
  if (zone === "UTC" || zone === "Etc/UTC") return { offsetSec: 0, abbrev: "UTC" };
  let abbrev = zonePart(zone, "en-US", "short", ms);
  if (/^GMT|^UTC/.test(abbrev)) abbrev = zonePart(zone, "en-GB", "short", ms);
  if (/^GMT[+-]|^UTC[+-]/.test(abbrev) || abbrev === "") abbrev = numericAbbrev(offsetSec);
  if (abbrev === "GMT" && offsetSec !== 0) abbrev = numericAbbrev(offsetSec);
  return { offsetSec, abbrev };
}

/** time.Time: an instant (nanoseconds since the Unix epoch) and a location. */
export class GoTime {
  readonly unixNano: bigint;
  readonly location: GoLocation;
  constructor(unixNano: bigint, location: GoLocation = UTC) {
    this.unixNano = unixNano;
    this.location = location;
  }
  static fromDate(d: Date, location: GoLocation = UTC): GoTime {
    return new GoTime(BigInt(d.getTime()) * 1_000_000n, location);
  }
  unixMilli(): number {
    const ms = this.unixNano / 1_000_000n;
    return Number(this.unixNano < 0n && this.unixNano % 1_000_000n !== 0n ? ms - 1n : ms);
  }
  in(location: GoLocation): GoTime {
    return new GoTime(this.unixNano, location);
  }
  civil(): CivilTime {
    const { offsetSec, abbrev } = zoneAt(this.location, this.unixMilli());
    const secTotal = floorDiv(this.unixNano, SECOND) + BigInt(offsetSec);
    const nanosecond = Number(this.unixNano - floorDiv(this.unixNano, SECOND) * SECOND);
    const days = Number(floorDiv(secTotal, 86400n));
    const secOfDay = Number(secTotal - BigInt(days) * 86400n);
    const { year, month, day } = civilFromDays(days);
    const yearStart = daysFromCivil(year, 1, 1);
    return {
      year,
      month,
      day,
      hour: Math.floor(secOfDay / 3600),
      minute: Math.floor((secOfDay % 3600) / 60),
      second: secOfDay % 60,
      nanosecond,
      weekday: (((days + 4) % 7) + 7) % 7,
      yearDay: days - yearStart + 1,
      offsetSec,
      zoneAbbrev: abbrev,
    };
  }
  /** Go's Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST". */
  toString(): string {
    const c = this.civil();
    const p2 = (n: number) => String(n).padStart(2, "0");
    const y = c.year < 0 ? `-${String(-c.year).padStart(4, "0")}` : String(c.year).padStart(4, "0");
    const frac = c.nanosecond === 0 ? "" : `.${String(c.nanosecond).padStart(9, "0").replace(/0+$/, "")}`;
    const off = Math.abs(c.offsetSec);
    const sign = c.offsetSec < 0 ? "-" : "+";
    const zone = `${sign}${p2(Math.floor(off / 3600))}${p2(Math.floor((off % 3600) / 60))}`;
    // a zone without a name (a parsed "+05:30") prints its offset again, as Format's "MST" does
    const name = c.zoneAbbrev === "" ? zone : c.zoneAbbrev;
    return `${y}-${p2(c.month)}-${p2(c.day)} ${p2(c.hour)}:${p2(c.minute)}:${p2(c.second)}${frac} ${zone} ${name}`;
  }
}

/** Go's zero time.Time: January 1, year 1, 00:00:00 UTC. */
export const ZERO_TIME = new GoTime(-62135596800n * SECOND, UTC);

/** Integer division rounding toward negative infinity. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Days since 1970-01-01 → proleptic Gregorian date. */
export function civilFromDays(z: number): { year: number; month: number; day: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: month <= 2 ? y + 1 : y, month, day };
}

/** Proleptic Gregorian date → days since 1970-01-01. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
