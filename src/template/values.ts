/**
 * The value model shared by the template engine and its function library.
 *
 * Go value            → JS representation
 *   string            → string
 *   bool              → boolean
 *   int, int64        → bigint (always kept within the signed 64-bit range; Go's `int` on 64-bit platforms)
 *   float64           → number
 *   nil               → null (undefined is accepted as nil too; inside the evaluator `undefined` also
 *                       stands for Go's "invalid" reflect.Value, e.g. a missing map key)
 *   []interface{}     → Array (an array may be tagged with an element type via `typedSlice`, e.g. []string)
 *   map[string]any    → plain object (prototype Object.prototype or null); keys print sorted like Go
 *   []byte            → Uint8Array
 *   time.Time         → GoTime
 *   time.Duration     → GoDuration
 *   time.Month, time.Weekday → GoNamedInt (an int that prints as its name)
 *
 * Functions: a TemplateFunc receives already-evaluated arguments (int literals as bigint, float literals
 * as number, missing values as null) and returns a value in this model. Throwing an Error yields Go's
 * `error calling NAME: <message>` execution error. Functions cast their own arguments.
 */
import { formatFloat } from "./strconv.js";

export type TemplateFunc = (...args: unknown[]) => unknown;
export type FuncMap = Record<string, TemplateFunc>;
export type GoMap = Record<string, unknown>;

const ELEM_TYPE = Symbol.for("eso.template.elemType");

/** Tag an array with a Go element type name ("string", "int", ...) so %T prints e.g. []string. */
export function typedSlice<T extends unknown[]>(arr: T, elemType: string): T {
  Object.defineProperty(arr, ELEM_TYPE, { value: elemType, enumerable: false, configurable: true });
  return arr;
}

export function sliceElemType(arr: unknown[]): string {
  return (arr as unknown as Record<symbol, string | undefined>)[ELEM_TYPE] ?? "interface {}";
}

const NIL_SLICE = Symbol.for("eso.template.nilSlice");

/** Mark an empty array as a nil slice: it prints [] and ranges as empty, but JSON (and YAML) write it as null. */
export function nilSlice<T extends unknown[]>(arr: T): T {
  Object.defineProperty(arr, NIL_SLICE, { value: true, enumerable: false, configurable: true });
  return arr;
}

export function isNilSlice(v: unknown): boolean {
  return (
    Array.isArray(v) && v.length === 0 && (v as unknown as Record<symbol, boolean | undefined>)[NIL_SLICE] === true
  );
}

/** Tag a map with a Go element type name (e.g. "string" for ESO's map[string]string data). */
export function typedMap<T extends GoMap>(m: T, elemType: string): T {
  Object.defineProperty(m, ELEM_TYPE, { value: elemType, enumerable: false, configurable: true });
  return m;
}

export function mapElemType(m: GoMap): string {
  return (m as unknown as Record<symbol, string | undefined>)[ELEM_TYPE] ?? "interface {}";
}

const SIGNATURE = Symbol.for("eso.template.signature");

/**
 * Declare a function's Go parameter count so the engine reports Go's
 * "wrong number of args for NAME: want N got M" errors. `fixed` is the number of
 * non-variadic parameters; `variadic` says whether more may follow.
 */
export function withArity<F extends TemplateFunc>(fn: F, fixed: number, variadic = false): F {
  Object.defineProperty(fn, SIGNATURE, { value: [fixed, variadic], enumerable: false, configurable: true });
  return fn;
}

export function funcArity(fn: TemplateFunc): [number, boolean] | undefined {
  return (fn as unknown as Record<symbol, [number, boolean] | undefined>)[SIGNATURE];
}

/** Go methods callable from templates on non-map values ({{ $t.Unix }}), keyed by class. */
const METHODS = new Map<unknown, Record<string, TemplateFunc>>();

export function defineGoMethods(
  ctor: abstract new (...args: never[]) => unknown,
  methods: Record<string, TemplateFunc>,
): void {
  METHODS.set(ctor, { ...(METHODS.get(ctor) ?? {}), ...methods });
}

/** The method NAME of a value (receiver passed as the first argument), if any. */
export function goMethod(v: unknown, name: string): TemplateFunc | undefined {
  if (v === null || typeof v !== "object") return undefined;
  const table = METHODS.get((v as object).constructor);
  return table && Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Go type name, reflect kind and exported fields of the classes that stand for Go structs and pointers. */
interface GoTypeInfo {
  type: string;
  kind: string;
  fields: readonly string[];
}
const GO_TYPES = new Map<unknown, GoTypeInfo>();

export function defineGoType(
  ctor: abstract new (...args: never[]) => unknown,
  info: { type: string; kind: string; fields?: readonly string[] },
): void {
  GO_TYPES.set(ctor, { fields: [], ...info });
}

function goTypeInfo(v: object): GoTypeInfo | undefined {
  return GO_TYPES.get(v.constructor);
}

/** The exported struct field NAME of a value ({{ $ca.Cert }}), if it has one. */
export function goStructField(v: unknown, name: string): { value: unknown } | undefined {
  if (v === null || typeof v !== "object") return undefined;
  const info = goTypeInfo(v);
  return info?.fields.includes(name) ? { value: (v as Record<string, unknown>)[name] } : undefined;
}

export function isMap(v: unknown): v is GoMap {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Wrap a bigint into the int64 range, as Go's integer arithmetic does. */
export function toInt64(n: bigint): bigint {
  return n >= INT64_MIN && n <= INT64_MAX ? n : BigInt.asIntN(64, n);
}

// ---------------------------------------------------------------- Duration

const NS = 1n;
const US = 1000n * NS;
const MS = 1000n * US;
const SEC = 1000n * MS;

/** time.Duration: a signed count of nanoseconds. */
export class GoDuration {
  readonly ns: bigint;
  constructor(ns: bigint) {
    this.ns = toInt64(ns);
  }
  toString(): string {
    return formatDuration(this.ns);
  }
}

function fracPart(v: bigint, digits: number): string {
  // v < 10^digits; print as .ddd with trailing zeros trimmed, or "" if zero
  if (v === 0n) return "";
  const s = v.toString().padStart(digits, "0").replace(/0+$/, "");
  return `.${s}`;
}

export function formatDuration(d: bigint): string {
  if (d === 0n) return "0s";
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < SEC) {
    if (u < US) out = `${u}ns`;
    else if (u < MS) out = `${u / US}${fracPart(u % US, 3)}µs`;
    else out = `${u / MS}${fracPart(u % MS, 6)}ms`;
  } else {
    const secs = `${(u / SEC) % 60n}${fracPart(u % SEC, 9)}s`;
    u /= SEC;
    if (u >= 60n) {
      const mins = (u / 60n) % 60n;
      const hours = u / 3600n;
      out = hours > 0n ? `${hours}h${mins}m${secs}` : `${mins}m${secs}`;
    } else out = secs;
  }
  return neg ? `-${out}` : out;
}

// ---------------------------------------------------------------- named ints

/** A Go named integer type with a String method: its Go type name and how a value prints. */
export interface NamedIntType {
  readonly name: string;
  label(n: bigint): string;
}

/**
 * A value of a named int type such as time.Month or time.Weekday: it compares (eq, lt, ...), indexes,
 * converts and formats with %d as its integer, and prints ({{ . }}, %v, %s) as its String().
 */
export class GoNamedInt {
  constructor(
    readonly n: bigint,
    readonly type: NamedIntType,
  ) {}
  /** Another value of the same type. */
  with(n: bigint): GoNamedInt {
    return new GoNamedInt(n, this.type);
  }
  toString(): string {
    return this.type.label(this.n);
  }
}

/** The integer behind an int-kind value (int, time.Duration, named ints); undefined for anything else. */
export function goIntValue(v: unknown): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (v instanceof GoDuration) return v.ns;
  if (v instanceof GoNamedInt) return v.n;
  return undefined;
}

// ---------------------------------------------------------------- Time

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
    const secTotal = floorDiv(this.unixNano, SEC) + BigInt(offsetSec);
    const nanosecond = Number(this.unixNano - floorDiv(this.unixNano, SEC) * SEC);
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
    return `${y}-${p2(c.month)}-${p2(c.day)} ${p2(c.hour)}:${p2(c.minute)}:${p2(c.second)}${frac} ${zone} ${c.zoneAbbrev}`;
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
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

// ---------------------------------------------------------------- type names

/** Go's %T for a value. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float64";
    case "function":
      return "func(...interface {}) interface {}";
  }
  if (Array.isArray(v)) return `[]${sliceElemType(v)}`;
  if (v instanceof Uint8Array) return "[]uint8";
  if (v instanceof GoTime) return "time.Time";
  if (v instanceof GoDuration) return "time.Duration";
  if (v instanceof GoNamedInt) return v.type.name;
  if (v instanceof Error) return "*errors.errorString";
  if (isMap(v)) return `map[string]${mapElemType(v)}`;
  return goTypeInfo(v as object)?.type ?? "struct {}";
}

/** reflect.Kind name of a value ("invalid" for nil). */
export function goKind(v: unknown): string {
  if (v === null || v === undefined) return "invalid";
  switch (typeof v) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float64";
    case "function":
      return "func";
  }
  if (Array.isArray(v) || v instanceof Uint8Array) return "slice";
  if (v instanceof GoDuration) return "int64";
  if (v instanceof GoNamedInt) return "int";
  if (v instanceof GoTime) return "struct";
  if (isMap(v)) return "map";
  if (v instanceof Error) return "ptr";
  return goTypeInfo(v as object)?.kind ?? "struct";
}

/** Go template truthiness (text/template IsTrue). */
export function isTrue(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case "string":
      return v.length > 0;
    case "boolean":
      return v;
    case "bigint":
      return v !== 0n;
    case "number":
      return v !== 0;
    case "function":
      return true;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (v instanceof GoDuration) return v.ns !== 0n;
  if (v instanceof GoNamedInt) return v.n !== 0n;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** Keys of a Go map in Go's sorted order (strings sort bytewise, which matches UTF-16 order for BMP text). */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(compareGoStrings);
}

/** Compare strings by their UTF-8 bytes, as Go does. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (astral code points) have larger UTF-8 encodings than U+E000..U+FFFF.
      const sx = x >= 0xd800 && x < 0xe000;
      const sy = y >= 0xd800 && y < 0xe000;
      if (sx !== sy) return sx ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

// ---------------------------------------------------------------- printing

/** fmt's %v of one value (nested values print as in Go: slices [a b], maps map[k:v], nil <nil>). */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  switch (typeof v) {
    case "string":
      return v;
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "number":
      return formatFloat(v, "g", -1);
    case "function":
      return "0xc000010000";
  }
  if (Array.isArray(v)) return `[${v.map(formatValue).join(" ")}]`;
  if (v instanceof Uint8Array) return `[${Array.from(v).join(" ")}]`;
  if (v instanceof GoTime || v instanceof GoDuration || v instanceof GoNamedInt) return v.toString();
  if (v instanceof Error) return v.message;
  if (isMap(v)) {
    const keys = sortedKeys(v);
    return `map[${keys.map((k) => `${k}:${formatValue(v[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** fmt.Sprint(v) for a single argument. */
export function toGoString(v: unknown): string {
  return formatValue(v);
}

// ---------------------------------------------------------------- spf13/cast converters

function parseGoInt(s: string): bigint | undefined {
  // strconv.ParseInt(s, 0, 64): optional sign, 0x/0o/0b/0 prefixes, underscores only with a prefix.
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const sign = m[1] === "-" ? -1n : 1n;
  let body = m[2]!;
  if (body.includes("_")) {
    if (!/^0/.test(body) || /__|_$/.test(body)) return undefined;
    body = body.replace(/_/g, "");
  }
  let n: bigint;
  if (/^0[xXoObB]/.test(body)) {
    if (body.length === 2) return undefined;
    const p = body[1]!.toLowerCase();
    n = BigInt(`0${p}${body.slice(2)}`);
  } else if (body.length > 1 && body[0] === "0") n = BigInt(`0o${body.slice(1)}`);
  else n = BigInt(body);
  n *= sign;
  if (n < INT64_MIN || n > INT64_MAX) return undefined;
  return n;
}

function trimZeroDecimal(s: string): string {
  // cast's trimZeroDecimal: "12.000" → "12"
  const m = /^(.*?)\.0+$/.exec(s);
  return m && m[1] !== "" ? m[1]! : s;
}

/** cast.ToInt64E; returns undefined when cast would report an error. */
export function castToInt64E(v: unknown): bigint | undefined {
  if (v === null || v === undefined) return 0n;
  switch (typeof v) {
    case "bigint":
      return toInt64(v);
    case "number":
      if (!Number.isFinite(v)) return INT64_MIN; // amd64 conversion of NaN/Inf
      return toInt64(BigInt(Math.trunc(v)));
    case "boolean":
      return v ? 1n : 0n;
    case "string":
      return parseGoInt(trimZeroDecimal(v));
  }
  if (v instanceof GoDuration) return v.ns;
  if (v instanceof GoNamedInt) return v.n; // cast's toInt knows time.Month and time.Weekday
  return undefined;
}

export function castToInt64(v: unknown): bigint {
  return castToInt64E(v) ?? 0n;
}

/** cast.ToInt (Go int is 64-bit). */
export function castToInt(v: unknown): bigint {
  return castToInt64(v);
}

/** cast.ToFloat64E; returns undefined when cast would report an error. */
export function castToFloat64E(v: unknown): number | undefined {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case "number":
      return v;
    case "bigint":
      return Number(v);
    case "boolean":
      return v ? 1 : 0;
    case "string":
      return parseGoFloat(v);
  }
  if (v instanceof GoDuration) return Number(v.ns);
  if (v instanceof GoNamedInt) return Number(v.n);
  return undefined;
}

export function castToFloat64(v: unknown): number {
  return castToFloat64E(v) ?? 0;
}

/** strconv.ParseFloat(s, 64) accepting Go's syntax (decimal, hex floats, inf, nan, underscores after a base prefix). */
export function parseGoFloat(s: string): number | undefined {
  const t = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (t === "nan") return Number.NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
  const hx = /^([+-]?)0x([0-9a-f]*)\.?([0-9a-f]*)p([+-]?\d+)$/.exec(t.replace(/_/g, ""));
  if (hx && (hx[2] !== "" || hx[3] !== "")) {
    const mant = Number.parseInt(hx[2]! + hx[3]! || "0", 16);
    const val = mant * 2 ** (Number(hx[4]) - 4 * hx[3]!.length);
    return hx[1] === "-" ? -val : val;
  }
  return undefined;
}

/** cast.ToStringE; returns undefined when cast would report an error. */
export function castToStringE(v: unknown): string | undefined {
  if (v === null || v === undefined) return "";
  switch (typeof v) {
    case "string":
      return v;
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "number":
      return formatFloat(v, "f", -1);
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString("utf8");
  if (v instanceof GoTime || v instanceof GoDuration || v instanceof GoNamedInt) return v.toString();
  if (v instanceof Error) return v.message;
  return undefined;
}

export function castToString(v: unknown): string {
  return castToStringE(v) ?? "";
}

/** cast.ToSlice: []interface{} passes through; anything else is an empty slice. */
export function castToSlice(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Bytes of a Go string (UTF-8). */
export function stringBytes(s: string): Uint8Array {
  return Buffer.from(s, "utf8");
}

// ---------------------------------------------------------------- Go methods of time values

function durationUnits(d: bigint, unit: bigint): number {
  const whole = d / unit;
  const rest = d % unit;
  return Number(whole) + Number(rest) / Number(unit);
}

defineGoMethods(GoDuration, {
  Hours: withArity((d) => durationUnits((d as GoDuration).ns, 3_600_000_000_000n), 0),
  Minutes: withArity((d) => durationUnits((d as GoDuration).ns, 60_000_000_000n), 0),
  Seconds: withArity((d) => durationUnits((d as GoDuration).ns, 1_000_000_000n), 0),
  Milliseconds: withArity((d) => (d as GoDuration).ns / 1_000_000n, 0),
  Microseconds: withArity((d) => (d as GoDuration).ns / 1_000n, 0),
  Nanoseconds: withArity((d) => (d as GoDuration).ns, 0),
  String: withArity((d) => (d as GoDuration).toString(), 0),
});

defineGoMethods(GoNamedInt, {
  String: withArity((v) => (v as GoNamedInt).toString(), 0),
});

defineGoMethods(GoTime, {
  Unix: withArity((t) => floorDiv((t as GoTime).unixNano, SEC), 0),
  UnixMilli: withArity((t) => floorDiv((t as GoTime).unixNano, MS), 0),
  UnixMicro: withArity((t) => floorDiv((t as GoTime).unixNano, US), 0),
  UnixNano: withArity((t) => (t as GoTime).unixNano, 0),
  Year: withArity((t) => BigInt((t as GoTime).civil().year), 0),
  Day: withArity((t) => BigInt((t as GoTime).civil().day), 0),
  Hour: withArity((t) => BigInt((t as GoTime).civil().hour), 0),
  Minute: withArity((t) => BigInt((t as GoTime).civil().minute), 0),
  Second: withArity((t) => BigInt((t as GoTime).civil().second), 0),
  Nanosecond: withArity((t) => BigInt((t as GoTime).civil().nanosecond), 0),
  YearDay: withArity((t) => BigInt((t as GoTime).civil().yearDay), 0),
  UTC: withArity((t) => (t as GoTime).in(UTC), 0),
  String: withArity((t) => (t as GoTime).toString(), 0),
});
