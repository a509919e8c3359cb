import { bytesToGoString, goStringToBytes } from "./bytes.js";
import { CASE_RANGES, DIGIT, LETTER, LOWER, NUMBER, PRINT, PUNCT, TITLE, UPPER } from "./unicode-tables.js";

/** Go's unicode package predicates and case mappings, on code points. */

export function isSpace(cp: number): boolean {
  if (cp <= 0xff) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0x85 || cp === 0xa0;
  return (
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

/**
 * Classes and case mappings come from Go's own tables (unicode-tables.ts, generated from the Go toolchain's
 * unicode package), not from the JS engine: Node's ICU knows letters Unicode added after Go's version, which Go
 * leaves unclassified and unmapped.
 */
class RangeSet {
  private readonly bounds: Uint32Array;
  constructor(spec: string) {
    const parts = spec.split(",");
    this.bounds = new Uint32Array(parts.length * 2);
    parts.forEach((p, i) => {
      const [lo, hi = lo] = p.split("-");
      this.bounds[2 * i] = Number.parseInt(lo!, 16);
      this.bounds[2 * i + 1] = Number.parseInt(hi!, 16);
    });
  }
  has(cp: number): boolean {
    let lo = 0;
    let hi = this.bounds.length / 2;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (cp < this.bounds[2 * m]!) hi = m;
      else if (cp > this.bounds[2 * m + 1]!) lo = m + 1;
      else return true;
    }
    return false;
  }
}

const UPPER_SET = new RangeSet(UPPER);
const LOWER_SET = new RangeSet(LOWER);
const TITLE_SET = new RangeSet(TITLE);
const LETTER_SET = new RangeSet(LETTER);
const DIGIT_SET = new RangeSet(DIGIT);
const NUMBER_SET = new RangeSet(NUMBER);
const PUNCT_SET = new RangeSet(PUNCT);
const PRINT_SET = new RangeSet(PRINT);

export const isUpper = (cp: number): boolean => UPPER_SET.has(cp);
export const isLower = (cp: number): boolean => LOWER_SET.has(cp);
export const isTitle = (cp: number): boolean => TITLE_SET.has(cp);
export const isLetter = (cp: number): boolean => LETTER_SET.has(cp);
export const isDigit = (cp: number): boolean => DIGIT_SET.has(cp);
export const isNumber = (cp: number): boolean => NUMBER_SET.has(cp);
export const isPunct = (cp: number): boolean => PUNCT_SET.has(cp);
/** strconv.IsPrint (unicode.IsPrint). */
export const isPrintRune = (cp: number): boolean => PRINT_SET.has(cp);

/** unicode.UpperLower: the range alternates upper and lower case letters. */
const UPPER_LOWER = 0x110000;

/** unicode.CaseRanges as [lo, hi, upper delta, lower delta, title delta] rows. */
const CASES: number[][] = CASE_RANGES.split(",").map((row) => {
  const [range, ...deltas] = row.split(":");
  const [lo, hi] = range!.split("-").map((x) => Number.parseInt(x, 16));
  return [lo!, hi!, ...deltas.map((d) => (d === "U" ? UPPER_LOWER : Number(d)))];
});

/** unicode.to: the rune's mapping in case 0 (upper), 1 (lower) or 2 (title); one rune to one rune. */
function mapCase(which: 0 | 1 | 2, cp: number): number {
  let lo = 0;
  let hi = CASES.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    const row = CASES[m]!;
    if (cp < row[0]!) hi = m;
    else if (cp > row[1]!) lo = m + 1;
    else {
      const delta = row[2 + which]!;
      // in an UpperLower run even offsets are upper case and odd ones lower case
      if (delta === UPPER_LOWER) return row[0]! + (((cp - row[0]!) & ~1) | (which & 1));
      return cp + delta;
    }
  }
  return cp;
}

/** unicode.ToUpper: a one-to-one mapping (special casings that expand, like ß → SS, leave the rune alone). */
export function toUpper(cp: number): number {
  return mapCase(0, cp);
}

export function toLower(cp: number): number {
  return mapCase(1, cp);
}

/** unicode.ToTitle. */
export function toTitle(cp: number): number {
  return mapCase(2, cp);
}

export function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const c of s) out.push(c.codePointAt(0)!);
  return out;
}

export function fromCodePoints(cps: number[]): string {
  let s = "";
  for (const c of cps) s += String.fromCodePoint(c);
  return s;
}

/** strings.Map: a byte that is not valid UTF-8 (carried as U+DC80..U+DCFF, see bytes.ts) becomes U+FFFD. */
export function mapRunes(s: string, f: (cp: number) => number): string {
  let out = "";
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    out += cp >= 0xdc80 && cp <= 0xdcff ? "\ufffd" : String.fromCodePoint(f(cp));
  }
  return out;
}

/** A Go string's bytes as a binary (latin1) JS string: one char per byte, for byte-indexed algorithms. */
export function toBin(s: string): string {
  return goStringToBytes(s).toString("latin1");
}

export function fromBin(b: string): string {
  return bytesToGoString(Buffer.from(b, "latin1"));
}
