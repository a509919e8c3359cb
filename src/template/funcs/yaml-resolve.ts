/**
 * go-yaml v2's implicit typing of scalars (resolve.go): YAML 1.1 booleans (y, yes, on, ...), nulls, ints in Go's
 * literal syntax (0x1F, 0o17, 017, 0b1, underscores), floats, .inf/.nan, "<<", and timestamps in the four layouts
 * go-yaml tries with time.Parse. Shared by fromYaml (decoding) and toYaml (quoting strings that would not read back
 * as strings).
 */
import { parseFloat64, parseIntBase0 } from "../strconv.js";
import { failf } from "./yaml-errors.js";
import { YamlInt, type YamlValue } from "./yaml-values.js";

const LONG_TAG_PREFIX = "tag:yaml.org,2002:";
export const TAG = {
  null: `${LONG_TAG_PREFIX}null`,
  bool: `${LONG_TAG_PREFIX}bool`,
  str: `${LONG_TAG_PREFIX}str`,
  int: `${LONG_TAG_PREFIX}int`,
  float: `${LONG_TAG_PREFIX}float`,
  timestamp: `${LONG_TAG_PREFIX}timestamp`,
  binary: `${LONG_TAG_PREFIX}binary`,
  merge: `${LONG_TAG_PREFIX}merge`,
};

export function shortTag(tag: string): string {
  return tag.startsWith(LONG_TAG_PREFIX) ? `!!${tag.slice(LONG_TAG_PREFIX.length)}` : tag;
}

const RESOLVABLE = new Set(["", TAG.str, TAG.bool, TAG.int, TAG.float, TAG.null, TAG.timestamp]);

const WORDS = new Map<string, [YamlValue, string]>();
for (const [value, tag, words] of [
  [true, TAG.bool, "y Y yes Yes YES true True TRUE on On ON"],
  [false, TAG.bool, "n N no No NO false False FALSE off Off OFF"],
  [null, TAG.null, "~ null Null NULL"],
  [Number.NaN, TAG.float, ".nan .NaN .NAN"],
  [Number.POSITIVE_INFINITY, TAG.float, ".inf .Inf .INF +.inf +.Inf +.INF"],
  [Number.NEGATIVE_INFINITY, TAG.float, "-.inf -.Inf -.INF"],
  ["<<", TAG.merge, "<<"],
] as [YamlValue, string, string][]) {
  for (const w of words.split(" ")) WORDS.set(w, [value, tag]);
}
WORDS.set("", [null, TAG.null]);
const WORD_STARTS = new Set(Array.from("yYnNtTfFoO~", (c) => c.charCodeAt(0)));

/** The first byte's class: sign, digit, a letter starting a word above, or '.'. */
function hint(s: string): string | undefined {
  if (s === "") return "N";
  const c = s.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) return "S";
  if (c >= 0x30 && c <= 0x39) return "D";
  if (c === 0x2e) return ".";
  return c < 0x80 && WORD_STARTS.has(c) ? "M" : undefined;
}

/** strconv.ParseFloat(s, 64) without a range error. */
function parseFloatStrict(s: string): number | undefined {
  const f = parseFloat64(s);
  if (f === undefined || Number.isFinite(f) || Number.isNaN(f)) return f;
  return /inf/i.test(s) ? f : undefined;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

function int(v: bigint): YamlInt {
  return new YamlInt(v, false);
}

/** strconv.ParseInt(s, 2, 64) (no prefix, no underscores). */
function parseBinary(s: string): bigint | undefined {
  const m = /^([+-]?)([01]+)$/.exec(s);
  if (!m) return undefined;
  const v = BigInt(`0b${m[2]}`) * (m[1] === "-" ? -1n : 1n);
  return v >= -(1n << 63n) && v < 1n << 63n ? v : undefined;
}

/** go-yaml's resolve(tag, in): the tag a scalar resolves to and its Go value; fails on a tag it contradicts. */
export function resolve(tag: string, s: string): [string, YamlValue] {
  if (!RESOLVABLE.has(tag)) return [tag, s];
  const [rtag, out] = resolveImplicit(tag, s);
  if (tag === "" || tag === rtag || tag === TAG.str || tag === TAG.binary) return [rtag, out];
  if (tag === TAG.float && rtag === TAG.int && out instanceof YamlInt && !out.unsigned) {
    return [TAG.float, Number(out.value)];
  }
  failf(`cannot decode ${shortTag(rtag)} \`${s}\` as a ${shortTag(tag)}`);
}

function resolveImplicit(tag: string, s: string): [string, YamlValue] {
  const h = hint(s);
  if (h === undefined || tag === TAG.str || tag === TAG.binary) return [TAG.str, s];
  const word = WORDS.get(s);
  if (word) return [word[1], word[0]];
  if (h === ".") {
    const f = parseFloatStrict(s);
    if (f !== undefined) return [TAG.float, f];
  } else if (h === "D" || h === "S") {
    if ((tag === "" || tag === TAG.timestamp) && isGoYamlTimestamp(s)) return [TAG.timestamp, s];
    const plain = s.replace(/_/g, "");
    const i = parseIntBase0(plain, false);
    if (i !== undefined) return [TAG.int, int(i)];
    const u = parseIntBase0(plain, true);
    if (u !== undefined) return [TAG.int, new YamlInt(u, true)];
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseFloatStrict(plain);
      if (f !== undefined) return [TAG.float, f];
    }
    if (plain.startsWith("0b")) {
      const b = parseBinary(plain.slice(2));
      if (b !== undefined) return [TAG.int, int(b)];
      const ub = /^[01]+$/.test(plain.slice(2)) ? BigInt(`0b${plain.slice(2)}`) : undefined;
      if (ub !== undefined && ub < 1n << 64n) return [TAG.int, new YamlInt(ub, true)];
    } else if (plain.startsWith("-0b")) {
      const b = parseBinary(`-${plain.slice(3)}`);
      if (b !== undefined) return [TAG.int, int(b)];
    }
  }
  return [TAG.str, s];
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(month: number, year: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/**
 * Whether time.Parse accepts s in one of go-yaml's layouts: 2006-1-2T15:4:5.999999999Z07:00 (T or t),
 * 2006-1-2 15:4:5.999999999, 2006-1-2. One- or two-digit fields, a fraction after '.' or ',', range checks.
 */
export function isGoYamlTimestamp(s: string): boolean {
  const m = /^(\d{4})-(\d\d?)-(\d\d?)(?:([Tt ])(\d\d?):(\d\d?):(\d\d?)(?:[.,]\d+)?(Z|[+-]\d\d:\d\d)?)?$/.exec(s);
  if (!m) return false;
  const [, year, month, day, sep, hour, minute, second, zone] = m;
  if (Number(month) < 1 || Number(month) > 12) return false;
  if (sep !== undefined) {
    if (Number(hour) >= 24 || Number(minute) >= 60 || Number(second) >= 60) return false;
    if (sep === " " ? zone !== undefined : zone === undefined) return false;
    if (zone !== undefined && zone !== "Z" && (Number(zone.slice(1, 3)) > 24 || Number(zone.slice(4)) > 60)) {
      return false;
    }
  }
  return Number(day) >= 1 && Number(day) <= daysIn(Number(month), Number(year));
}

/** go-yaml's isBase60Float: sexagesimal numbers it still quotes when writing. */
export function isBase60Float(s: string): boolean {
  if (s === "") return false;
  const c = s[0]!;
  if (!(c === "+" || c === "-" || (c >= "0" && c <= "9")) || !s.includes(":")) return false;
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}
