/** Sprig's string functions. */
import { randomFillSync, randomInt } from "node:crypto";
import { checkStringLength } from "../budget.js";
import { goFunc } from "../signature.js";
import { quote as goQuote } from "../strconv.js";
import { compareGoStrings, type FuncMap, formatValue, typedMap, typedSlice } from "../values.js";
import { camelCaseToLowerCase, goTitle, swapCase, toCamelCase, uncapitalize } from "./casing.js";
import { fromBin, isSpace, mapRunes, toBin, toLower, toUpper } from "./unicode.js";
import { byteLen, byteSlice, isList, listItems, strval } from "./util.js";

/** goutils.AbbreviateFull on bytes; errors yield the input unchanged as Sprig ignores them. */
function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  if (str === "") return "";
  const b = toBin(str);
  if (maxWidth < 4) return str;
  if (b.length <= maxWidth) return str;
  if (offset > b.length) offset = b.length;
  if (b.length - offset < maxWidth - 3) offset = b.length - (maxWidth - 3);
  if (offset <= 4) return fromBin(`${b.slice(0, maxWidth - 3)}...`);
  if (maxWidth < 7) return "";
  if (offset + maxWidth - 3 < b.length) {
    return `...${abbreviateFull(fromBin(b.slice(offset)), 0, maxWidth - 3)}`;
  }
  return fromBin(`...${b.slice(b.length - (maxWidth - 3))}`);
}

function trunc(c: number, s: string): string {
  const b = toBin(s);
  if (c < 0 && b.length + c > 0) return fromBin(b.slice(b.length + c));
  if (c >= 0 && b.length > c) return fromBin(b.slice(0, c));
  return s;
}

function substr(start: number, end: number, s: string): string {
  const len = byteLen(s);
  if (start < 0) return byteSlice(s, 0, end);
  if (end < 0 || end > len) return byteSlice(s, start);
  return byteSlice(s, start, end);
}

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  const cps = Array.from(s);
  let i = 0;
  let j = cps.length;
  while (i < j && isSpace(cps[i]!.codePointAt(0)!)) i++;
  while (j > i && isSpace(cps[j - 1]!.codePointAt(0)!)) j--;
  return cps.slice(i, j).join("");
}

/** strings.Trim(s, cutset). */
function trimCutset(s: string, cutset: string): string {
  const set = new Set(Array.from(cutset));
  // utf8.RuneError stands for U+FFFD and every byte that is not UTF-8 (carried as U+DC80..U+DCFF): a cutset
  // holding either trims both
  const isErr = (c: string) => c === "\ufffd" || (c.length === 1 && c >= "\udc80" && c <= "\udcff");
  const cutsErrors = [...set].some(isErr);
  const cut = (c: string) => set.has(c) || (cutsErrors && isErr(c));
  const cps = Array.from(s);
  let i = 0;
  let j = cps.length;
  while (i < j && cut(cps[i]!)) i++;
  while (j > i && cut(cps[j - 1]!)) j--;
  return cps.slice(i, j).join("");
}

function initials(s: string): string {
  // goutils.Initials walks bytes and writes each word's first byte as a rune.
  const b = toBin(s);
  let out = "";
  let gap = true;
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (isSpace(c)) gap = true;
    else if (gap) {
      out += String.fromCharCode(c);
      gap = false;
    }
  }
  return out;
}

/** goutils.WrapCustom on bytes. */
export function wrapCustom(str: string, wrapLength: number, newLine: string, wrapLong: boolean): string {
  if (str === "") return "";
  const s = toBin(str);
  const nl = toBin(newLine === "" ? "\n" : newLine);
  if (wrapLength < 1) wrapLength = 1;
  checkStringLength(str.length + Math.ceil(str.length / wrapLength) * Math.max(newLine.length, 1));
  const len = s.length;
  let offset = 0;
  let out = "";
  while (len - offset > wrapLength) {
    if (s[offset] === " ") {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    const space = s.slice(offset, end).lastIndexOf(" ") + offset;
    if (space >= offset) {
      out += s.slice(offset, space) + nl;
      offset = space + 1;
    } else if (wrapLong) {
      out += s.slice(offset, wrapLength + offset) + nl;
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      const idx = s.slice(e).indexOf(" ");
      if (idx >= 0) {
        out += s.slice(offset, idx + e) + nl;
        offset = idx + e + 1;
      } else {
        out += s.slice(offset);
        offset = len;
      }
    }
  }
  return fromBin(out + s.slice(offset));
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";

/** goutils.CryptoRandom over a fixed alphabet; negative counts are an error that Sprig turns into "". */
export function randomFrom(count: number, alphabet: string): string {
  if (count < 0) return "";
  checkStringLength(count);
  // Bytes drawn in bulk and mapped by rejection sampling (uniform), into scratch buffers reused across calls, then
  // decoded into one flat string: appending a character at a time makes a rope of tens of bytes per character,
  // and a large string made by Buffer#toString lives off the V8 heap, out of a template worker's heap limit.
  // Every alphabet here is ASCII.
  if (scratch.length < count) scratch = new Uint8Array(count);
  const limit = 256 - (256 % alphabet.length);
  const codes = Uint8Array.from(alphabet, (c) => c.charCodeAt(0));
  let n = 0;
  while (n < count) {
    randomFillSync(randomChunk);
    for (let i = 0; i < randomChunk.length && n < count; i++) {
      const b = randomChunk[i]!;
      if (b < limit) scratch[n++] = codes[b % codes.length]!;
    }
  }
  return ASCII_DECODER.decode(scratch.subarray(0, count));
}

const ASCII_DECODER = new TextDecoder();
const randomChunk = new Uint8Array(64 * 1024);
let scratch = new Uint8Array(0);

let ASCII = "";
for (let c = 32; c < 127; c++) ASCII += String.fromCharCode(c);

function shuffle(s: string): string {
  const rs = Array.from(s);
  for (let i = rs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [rs[i], rs[j]] = [rs[j]!, rs[i]!];
  }
  return rs.join("");
}

/** A byte that is not UTF-8 (U+DC80..U+DCFF, see bytes.ts): as a needle it may match inside a UTF-8 sequence. */
function hasRawByte(s: string): boolean {
  for (const ch of s) {
    // code points, so that the low half of a surrogate pair is not taken for a byte
    const c = ch.codePointAt(0)!;
    if (c >= 0xdc80 && c <= 0xdcff) return true;
  }
  return false;
}

/** Runs a substring test or cut on bytes when the needle holds a byte that is not UTF-8, as Go does. */
function byteWise<T>(needle: string, s: string, f: (needle: string, s: string) => T): T {
  if (!hasRawByte(needle)) return f(needle, s);
  const r = f(toBin(needle), toBin(s));
  return (typeof r === "string" ? fromBin(r) : r) as T;
}

/** strings.Split(s, sep): an empty separator splits after each UTF-8 sequence. */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (hasRawByte(sep)) return goSplit(toBin(s), toBin(sep), n).map(fromBin);
  let parts: string[];
  if (sep === "") {
    parts = Array.from(s);
    if (n > 0 && parts.length > n) parts = [...parts.slice(0, n - 1), parts.slice(n - 1).join("")];
    return parts;
  }
  parts = s.split(sep);
  if (n > 0 && parts.length > n) parts = [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  return parts;
}

/** Sprig's strslice: a list's non-nil elements as strings; a scalar becomes a one-element list. */
export function strslice(v: unknown): string[] {
  if (isList(v)) {
    const out: string[] = [];
    for (const e of listItems(v)) if (e !== null && e !== undefined) out.push(strval(e));
    return typedSlice(out, "string");
  }
  if (v === null || v === undefined) return typedSlice([], "string");
  return typedSlice([strval(v)], "string");
}

function indent(spaces: number, v: string): string {
  // Sprig pads with strings.Repeat, which panics on a negative count
  if (spaces < 0) throw new Error("strings: negative Repeat count");
  checkStringLength(spaces * v.split("\n").length + v.length);
  const pad = " ".repeat(spaces);
  return pad + v.split("\n").join(`\n${pad}`);
}

function atoi(s: string): bigint {
  // strconv.Atoi: optional sign and decimal digits; a syntax error yields 0, a range error the clamped
  // int64 value that Atoi returns with its error (Sprig drops the error, not the value)
  if (!/^[+-]?\d+$/.test(s)) return 0n;
  const n = BigInt(s);
  if (n > 9223372036854775807n) return 9223372036854775807n;
  if (n < -9223372036854775808n) return -9223372036854775808n;
  return n;
}

function sortAlpha(list: unknown): string[] {
  if (isList(list)) return typedSlice(strslice(list).sort(compareGoStrings), "string");
  return typedSlice([strval(list)], "string");
}

/** strings.Replace(s, old, new, -1). */
export function goReplaceAll(s: string, old: string, rep: string): string {
  if (old === "") {
    checkStringLength(s.length + (s.length + 1) * rep.length);
    return s === "" ? rep : rep + Array.from(s).join(rep) + rep;
  }
  if (rep.length > old.length) checkStringLength(s.length + (s.length / old.length) * (rep.length - old.length));
  if (hasRawByte(old)) return fromBin(toBin(s).split(toBin(old)).join(toBin(rep)));
  return s.split(old).join(rep);
}

function repeat(count: number, s: string): string {
  if (count < 0) throw new Error("strings: negative Repeat count");
  if (s.length * count > 64 * 1024 * 1024) throw new Error("strings: Repeat output length overflow");
  checkStringLength(s.length * count);
  return s.repeat(count);
}

/** strings.Split into Sprig's map of "_0", "_1", ... (a map[string]string). */
function splitMap(parts: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  parts.forEach((p, i) => {
    out[`_${i}`] = p;
  });
  return typedMap(out, "string");
}

/** Sprig's quote, squote and cat: nil arguments are left out. */
function given(args: unknown[]): unknown[] {
  return args.filter((a) => a !== null && a !== undefined);
}

const n = Number;

export function stringFuncs(): FuncMap {
  const trimAll = goFunc("func(string, string) string", (a: string, b: string) => trimCutset(b, a));
  return {
    hello: goFunc("func() string", () => "Hello!"),
    abbrev: goFunc("func(int, string) string", (w: bigint, s: string) => (n(w) < 4 ? s : abbreviateFull(s, 0, n(w)))),
    abbrevboth: goFunc("func(int, int, string) string", (l: bigint, r: bigint, s: string) => {
      const [left, right] = [n(l), n(r)];
      if (right < 4 || (left > 0 && right < 7)) return s;
      return abbreviateFull(s, left, right);
    }),
    trunc: goFunc("func(int, string) string", (c: bigint, s: string) => trunc(n(c), s)),
    trim: goFunc("func(string) string", trimSpace),
    upper: goFunc("func(string) string", (s: string) => mapRunes(s, toUpper)),
    lower: goFunc("func(string) string", (s: string) => mapRunes(s, toLower)),
    title: goFunc("func(string) string", goTitle),
    untitle: goFunc("func(string) string", uncapitalize),
    substr: goFunc("func(int, int, string) string", (a: bigint, b: bigint, s: string) => substr(n(a), n(b), s)),
    repeat: goFunc("func(int, string) string", (c: bigint, s: string) => repeat(n(c), s)),
    trimall: trimAll,
    trimAll,
    trimSuffix: goFunc("func(string, string) string", (suf: string, s: string) =>
      byteWise(suf, s, (n, h) => (n !== "" && h.endsWith(n) ? h.slice(0, h.length - n.length) : h)),
    ),
    trimPrefix: goFunc("func(string, string) string", (pre: string, s: string) =>
      byteWise(pre, s, (n, h) => (h.startsWith(n) ? h.slice(n.length) : h)),
    ),
    // goutils.DeleteWhiteSpace walks bytes and writes each as a rune: non-ASCII text comes out as its UTF-8
    // bytes read as Latin-1, and the bytes 0x85 and 0xA0 count as spaces. Sprig v3.3.0 does exactly that.
    nospace: goFunc("func(string) string", (s: string) => {
      const bytes = Array.from(toBin(s));
      const kept = bytes.filter((c) => !isSpace(c.charCodeAt(0)));
      // (and when it removes nothing it returns its argument unchanged)
      return kept.length === bytes.length ? s : kept.join("");
    }),
    initials: goFunc("func(string) string", initials),
    randAlphaNum: goFunc("func(int) string", (c: bigint) => randomFrom(n(c), UPPER + LOWER + DIGITS)),
    randAlpha: goFunc("func(int) string", (c: bigint) => randomFrom(n(c), UPPER + LOWER)),
    randAscii: goFunc("func(int) string", (c: bigint) => randomFrom(n(c), ASCII)),
    randNumeric: goFunc("func(int) string", (c: bigint) => randomFrom(n(c), DIGITS)),
    swapcase: goFunc("func(string) string", swapCase),
    shuffle: goFunc("func(string) string", shuffle),
    snakecase: goFunc("func(string) string", (s: string) => camelCaseToLowerCase(s, 0x5f)),
    camelcase: goFunc("func(string) string", (s: string) => toCamelCase(s, true)),
    kebabcase: goFunc("func(string) string", (s: string) => camelCaseToLowerCase(s, 0x2d)),
    wrap: goFunc("func(int, string) string", (l: bigint, s: string) => wrapCustom(s, n(l), "", false)),
    wrapWith: goFunc("func(int, string, string) string", (l: bigint, sep: string, s: string) =>
      wrapCustom(s, n(l), sep, true),
    ),
    contains: goFunc("func(string, string) bool", (sub: string, s: string) =>
      byteWise(sub, s, (n, h) => h.includes(n)),
    ),
    hasPrefix: goFunc("func(string, string) bool", (p: string, s: string) => byteWise(p, s, (n, h) => h.startsWith(n))),
    hasSuffix: goFunc("func(string, string) bool", (p: string, s: string) => byteWise(p, s, (n, h) => h.endsWith(n))),
    quote: goFunc("func(...interface {}) string", (...args: unknown[]) =>
      given(args)
        .map((a) => goQuote(strval(a)))
        .join(" "),
    ),
    squote: goFunc("func(...interface {}) string", (...args: unknown[]) =>
      given(args)
        .map((a) => `'${strval(a)}'`)
        .join(" "),
    ),
    cat: goFunc("func(...interface {}) string", (...args: unknown[]) =>
      given(args)
        .map((a) => formatValue(a))
        .join(" "),
    ),
    indent: goFunc("func(int, string) string", (c: bigint, s: string) => indent(n(c), s)),
    nindent: goFunc("func(int, string) string", (c: bigint, s: string) => `\n${indent(n(c), s)}`),
    replace: goFunc("func(string, string, string) string", (o: string, r: string, s: string) => goReplaceAll(s, o, r)),
    plural: goFunc("func(string, string, int) string", (one: string, many: string, count: bigint) =>
      count === 1n ? one : many,
    ),
    toString: goFunc("func(interface {}) string", strval),
    atoi: goFunc("func(string) int", atoi),
    split: goFunc("func(string, string) map[string]string", (sep: string, s: string) => splitMap(goSplit(s, sep))),
    splitn: goFunc("func(string, int, string) map[string]string", (sep: string, c: bigint, s: string) =>
      splitMap(goSplit(s, sep, n(c))),
    ),
    splitList: goFunc("func(string, string) []string", (sep: string, s: string) =>
      typedSlice(goSplit(s, sep), "string"),
    ),
    toStrings: goFunc("func(interface {}) []string", strslice),
    join: goFunc("func(string, interface {}) string", (sep: string, v: unknown) => strslice(v).join(sep)),
    sortAlpha: goFunc("func(interface {}) []string", sortAlpha),
  };
}
