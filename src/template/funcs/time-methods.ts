/** Go methods of time.Time, time.Duration, time.Month and time.Weekday callable from templates ({{ $t.Unix }}). */
import { GoDuration, MICROSECOND, MILLISECOND, SECOND } from "../go-duration.js";
import { GoNamedInt, goInt64, type NamedIntType } from "../go-ints.js";
import { defineGoMethods } from "../go-reflect.js";
import { daysFromCivil, floorDiv, GoTime, LOCAL, UTC, ZERO_TIME, zoneAt } from "../go-time.js";
import { goFunc } from "../signature.js";
import { formatTime, LONG_DAYS, LONG_MONTHS } from "./timefmt.js";

function durationUnits(d: bigint, unit: bigint): number {
  const whole = d / unit;
  const rest = d % unit;
  return Number(whole) + Number(rest) / Number(unit);
}

defineGoMethods(GoDuration, {
  Hours: goFunc("func() float64", (d: GoDuration) => durationUnits(d.ns, 3600n * SECOND)),
  Minutes: goFunc("func() float64", (d: GoDuration) => durationUnits(d.ns, 60n * SECOND)),
  Seconds: goFunc("func() float64", (d: GoDuration) => durationUnits(d.ns, SECOND)),
  Milliseconds: goFunc("func() int64", (d: GoDuration) => goInt64(d.ns / MILLISECOND)),
  Microseconds: goFunc("func() int64", (d: GoDuration) => goInt64(d.ns / MICROSECOND)),
  Nanoseconds: goFunc("func() int64", (d: GoDuration) => goInt64(d.ns)),
  String: goFunc("func() string", (d: GoDuration) => d.toString()),
});

defineGoMethods(GoNamedInt, {
  String: goFunc("func() string", (v: GoNamedInt) => v.toString()),
});

/** Names as time.Month.String and time.Weekday.String give them, out-of-range values included. */
const MONTH: NamedIntType = {
  name: "time.Month",
  label: (n) => (n >= 1n && n <= 12n ? LONG_MONTHS[Number(n) - 1]! : `%!Month(${n})`),
};
const WEEKDAY: NamedIntType = {
  name: "time.Weekday",
  label: (n) => (n >= 0n && n <= 6n ? LONG_DAYS[Number(n)]! : `%!Weekday(${n})`),
};

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
  return new GoTime((localSec - BigInt(offset)) * SECOND + BigInt(c.nanosecond), t.location);
}

const int = (n: number) => BigInt(n);

defineGoMethods(GoTime, {
  Unix: goFunc("func() int64", (t: GoTime) => goInt64(floorDiv(t.unixNano, SECOND))),
  UnixMilli: goFunc("func() int64", (t: GoTime) => goInt64(floorDiv(t.unixNano, MILLISECOND))),
  UnixMicro: goFunc("func() int64", (t: GoTime) => goInt64(floorDiv(t.unixNano, MICROSECOND))),
  UnixNano: goFunc("func() int64", (t: GoTime) => goInt64(t.unixNano)),
  Year: goFunc("func() int", (t: GoTime) => int(t.civil().year)),
  Month: goFunc("func() time.Month", (t: GoTime) => new GoNamedInt(int(t.civil().month), MONTH)),
  Weekday: goFunc("func() time.Weekday", (t: GoTime) => new GoNamedInt(int(t.civil().weekday), WEEKDAY)),
  Day: goFunc("func() int", (t: GoTime) => int(t.civil().day)),
  Hour: goFunc("func() int", (t: GoTime) => int(t.civil().hour)),
  Minute: goFunc("func() int", (t: GoTime) => int(t.civil().minute)),
  Second: goFunc("func() int", (t: GoTime) => int(t.civil().second)),
  Nanosecond: goFunc("func() int", (t: GoTime) => int(t.civil().nanosecond)),
  YearDay: goFunc("func() int", (t: GoTime) => int(t.civil().yearDay)),
  UTC: goFunc("func() time.Time", (t: GoTime) => t.in(UTC)),
  Local: goFunc("func() time.Time", (t: GoTime) => t.in(LOCAL)),
  String: goFunc("func() string", (t: GoTime) => t.toString()),
  Format: goFunc("func(string) string", (t: GoTime, layout: string) => formatTime(t, layout)),
  IsZero: goFunc("func() bool", (t: GoTime) => t.unixNano === ZERO_TIME.unixNano),
  Add: goFunc("func(time.Duration) time.Time", (t: GoTime, d: GoDuration) => new GoTime(t.unixNano + d.ns, t.location)),
  AddDate: goFunc("func(int, int, int) time.Time", (t: GoTime, y: bigint, m: bigint, d: bigint) =>
    addDate(t, Number(y), Number(m), Number(d)),
  ),
  Sub: goFunc("func(time.Time) time.Duration", (t: GoTime, u: GoTime) => new GoDuration(t.unixNano - u.unixNano)),
  Before: goFunc("func(time.Time) bool", (t: GoTime, u: GoTime) => t.unixNano < u.unixNano),
  After: goFunc("func(time.Time) bool", (t: GoTime, u: GoTime) => t.unixNano > u.unixNano),
  Equal: goFunc("func(time.Time) bool", (t: GoTime, u: GoTime) => t.unixNano === u.unixNano),
});
