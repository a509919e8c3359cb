import { bytesToGoString, goStringToBytes } from "./bytes.js";

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

const RE_UPPER = /^\p{Lu}$/u;
const RE_LOWER = /^\p{Ll}$/u;
const RE_TITLE = /^\p{Lt}$/u;
const RE_LETTER = /^\p{L}$/u;
const RE_DIGIT = /^\p{Nd}$/u;
const RE_NUMBER = /^\p{N}$/u;
const RE_PUNCT = /^\p{P}$/u;

const ch = (cp: number) => String.fromCodePoint(cp);

export const isUpper = (cp: number): boolean => RE_UPPER.test(ch(cp));
export const isLower = (cp: number): boolean => RE_LOWER.test(ch(cp));
export const isTitle = (cp: number): boolean => RE_TITLE.test(ch(cp));
export const isLetter = (cp: number): boolean => RE_LETTER.test(ch(cp));
export const isDigit = (cp: number): boolean => RE_DIGIT.test(ch(cp));
export const isNumber = (cp: number): boolean => RE_NUMBER.test(ch(cp));
export const isPunct = (cp: number): boolean => RE_PUNCT.test(ch(cp));

/** unicode.ToUpper: a one-to-one mapping (special casings that expand, like ß → SS, leave the rune alone). */
export function toUpper(cp: number): number {
  const u = ch(cp).toUpperCase();
  const c = u.codePointAt(0)!;
  return u.length === ch(c).length ? c : cp;
}

export function toLower(cp: number): number {
  const u = ch(cp).toLowerCase();
  const c = u.codePointAt(0)!;
  return u.length === ch(c).length ? c : cp;
}

/** unicode.ToTitle (title case equals upper case except for a few digraphs). */
export function toTitle(cp: number): number {
  switch (cp) {
    case 0x01c4:
    case 0x01c5:
    case 0x01c6:
      return 0x01c5;
    case 0x01c7:
    case 0x01c8:
    case 0x01c9:
      return 0x01c8;
    case 0x01ca:
    case 0x01cb:
    case 0x01cc:
      return 0x01cb;
    case 0x01f1:
    case 0x01f2:
    case 0x01f3:
      return 0x01f2;
  }
  return toUpper(cp);
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
