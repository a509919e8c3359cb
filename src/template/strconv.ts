/**
 * Float and string formatting with Go's strconv semantics (FormatFloat, Quote, QuoteRune).
 * Exact decimal expansion uses BigInt so fixed-precision rounding is round-half-even on the
 * exact binary value, as Go does.
 */

import { bytesToGoString, goStringToBytes } from "./funcs/bytes.js";
import { isPrintRune } from "./funcs/unicode.js";

/** A decimal digit string d1d2...dn with value 0.d1d2...dn × 10^dp; no trailing zeros. */
interface Decimal {
  d: string;
  dp: number;
}

const F64 = new DataView(new ArrayBuffer(8));

function exactDecimal(f: number): Decimal {
  if (f === 0) return { d: "", dp: 0 };
  F64.setFloat64(0, f);
  const hi = F64.getUint32(0);
  const lo = F64.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return trimZeros({ d: digits, dp });
}

function trimZeros(x: Decimal): Decimal {
  let end = x.d.length;
  while (end > 0 && x.d.charCodeAt(end - 1) === 48) end--;
  let start = 0;
  while (start < end && x.d.charCodeAt(start) === 48) start++;
  if (start === end) return { d: "", dp: 0 };
  return { d: x.d.slice(start, end), dp: x.dp - start };
}

function shortestDecimal(f: number): Decimal {
  if (f === 0) return { d: "", dp: 0 };
  const s = Math.abs(f).toExponential();
  const e = s.indexOf("e");
  const mant = s.slice(0, e).replace(".", "");
  const exp = Number(s.slice(e + 1));
  return trimZeros({ d: mant, dp: exp + 1 });
}

/** Round to nd significant digits (Go's decimal.Round), half to even on exact halves. */
function roundDecimal(x: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= x.d.length) return x;
  const c = x.d.charCodeAt(nd);
  let up: boolean;
  if (c === 53 && nd + 1 === x.d.length) up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = c >= 53;
  if (!up) return trimZeros({ d: x.d.slice(0, nd), dp: x.dp });
  let i = nd - 1;
  while (i >= 0 && x.d[i] === "9") i--;
  if (i < 0) return { d: "1", dp: x.dp + 1 };
  return trimZeros({ d: x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), dp: x.dp });
}

function fmtE(neg: boolean, d: Decimal, prec: number, fmt: string): string {
  let s = neg ? "-" : "";
  s += d.d.length === 0 ? "0" : d.d[0];
  if (prec > 0) {
    s += ".";
    let i = 1;
    const m = Math.min(d.d.length, prec + 1);
    if (i < m) {
      s += d.d.slice(i, m);
      i = m;
    }
    s += "0".repeat(Math.max(0, prec + 1 - i));
  }
  s += fmt;
  let exp = d.dp - 1;
  if (d.d.length === 0) exp = 0;
  s += exp < 0 ? "-" : "+";
  const ae = Math.abs(exp);
  s += ae < 10 ? `0${ae}` : String(ae);
  return s;
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let s = neg ? "-" : "";
  if (d.dp > 0) {
    const m = Math.min(d.d.length, d.dp);
    s += d.d.slice(0, m) + "0".repeat(d.dp - m);
  } else s += "0";
  if (prec > 0) {
    s += ".";
    for (let i = 1; i <= prec; i++) {
      const j = d.dp + i - 1;
      s += j >= 0 && j < d.d.length ? d.d[j] : "0";
    }
  }
  return s;
}

/** strconv.FormatFloat(f, fmt, prec, 64) for fmt in e E f F g G; prec < 0 means shortest. */
export function formatFloat(f: number, fmt: "e" | "E" | "f" | "F" | "g" | "G", prec: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Number.POSITIVE_INFINITY) return "+Inf";
  if (f === Number.NEGATIVE_INFINITY) return "-Inf";
  const neg = f < 0 || Object.is(f, -0);
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(f);
    switch (fmt) {
      case "e":
      case "E":
        prec = Math.max(d.d.length - 1, 0);
        break;
      case "f":
      case "F":
        prec = Math.max(d.d.length - d.dp, 0);
        break;
      default:
        prec = d.d.length;
    }
  } else {
    const exact = exactDecimal(Math.abs(f));
    switch (fmt) {
      case "e":
      case "E":
        d = roundDecimal(exact, prec + 1);
        break;
      case "f":
      case "F":
        d = roundDecimal(exact, exact.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        d = roundDecimal(exact, prec);
    }
  }
  switch (fmt) {
    case "e":
    case "E":
      return fmtE(neg, d, prec, fmt);
    case "f":
    case "F":
      return fmtF(neg, d, prec);
    default: {
      let eprec = prec;
      if (eprec > d.d.length && d.d.length >= d.dp) eprec = d.d.length;
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > d.d.length) prec = d.d.length;
        return fmtE(neg, d, prec - 1, fmt === "g" ? "e" : "E");
      }
      if (prec > d.dp) prec = d.d.length;
      return fmtF(neg, d, Math.max(prec - d.dp, 0));
    }
  }
}

const HEX = "0123456789abcdef";

/** Whether a code point is printable in Go's strconv.IsPrint sense (Go's tables: see funcs/unicode.ts). */
export function isPrint(cp: number): boolean {
  return isPrintRune(cp);
}

function escapeRune(cp: number, quote: number, asciiOnly: boolean): string {
  if (cp === quote || cp === 0x5c) return `\\${String.fromCodePoint(cp)}`;
  if (asciiOnly ? cp < 0x80 && isPrint(cp) : isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 7:
      return "\\a";
    case 8:
      return "\\b";
    case 12:
      return "\\f";
    case 10:
      return "\\n";
    case 13:
      return "\\r";
    case 9:
      return "\\t";
    case 11:
      return "\\v";
  }
  if (cp < 0x20 || cp === 0x7f) return `\\x${HEX[cp >> 4]}${HEX[cp & 15]}`;
  if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return "\\ufffd";
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, "0")}`;
  return `\\U${cp.toString(16).padStart(8, "0")}`;
}

/** strconv.Quote / QuoteToASCII. Lone surrogates (invalid UTF-8 in Go) become \ufffd. */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    // a byte that is not UTF-8 (carried as U+DC80..U+DCFF, see funcs/bytes.ts) is quoted as \xNN
    out +=
      cp >= 0xdc80 && cp <= 0xdcff
        ? `\\x${(cp - 0xdc00).toString(16).padStart(2, "0")}`
        : escapeRune(cp, 0x22, asciiOnly);
  }
  return `${out}"`;
}

/** strconv.QuoteRune / QuoteRuneToASCII. */
export function quoteRune(cp: number, asciiOnly = false): string {
  if (cp > 0x10ffff || cp < 0 || (cp >= 0xd800 && cp < 0xe000)) cp = 0xfffd;
  return `'${escapeRune(cp, 0x27, asciiOnly)}'`;
}

/** Whether s can be written as a Go raw string literal (strconv.CanBackquote). */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0xfeff) return false;
    if ((cp < 0x20 && cp !== 9) || cp === 0x60 || cp === 0x7f || cp === 0xfffd) return false;
    if (cp >= 0xd800 && cp < 0xe000) return false;
  }
  return true;
}

export class SyntaxError_ extends Error {
  constructor() {
    super("invalid syntax");
  }
}

/** strconv.UnquoteChar for the text after an opening quote: returns the char and the rest. */
export function unquoteChar(s: string, q: string): [ch: string, rest: string, isByte?: boolean] {
  const c = s[0];
  if (c === undefined) throw new SyntaxError_();
  if (c === q && (q === "'" || q === '"')) throw new SyntaxError_();
  if (c !== "\\") {
    const cp = s.codePointAt(0)!;
    const ch = String.fromCodePoint(cp);
    return [ch, s.slice(ch.length)];
  }
  const e = s[1];
  if (e === undefined) throw new SyntaxError_();
  const rest = s.slice(2);
  switch (e) {
    case "a":
      return ["\x07", rest];
    case "b":
      return ["\b", rest];
    case "f":
      return ["\f", rest];
    case "n":
      return ["\n", rest];
    case "r":
      return ["\r", rest];
    case "t":
      return ["\t", rest];
    case "v":
      return ["\v", rest];
    case "x":
    case "u":
    case "U": {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = rest.slice(0, n);
      if (hex.length < n || !/^[0-9a-fA-F]+$/.test(hex)) throw new SyntaxError_();
      const v = Number.parseInt(hex, 16);
      if (e === "x") return [String.fromCharCode(v), rest.slice(n), true];
      if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new SyntaxError_();
      return [String.fromCodePoint(v), rest.slice(n)];
    }
    case "0":
    case "1":
    case "2":
    case "3":
    case "4":
    case "5":
    case "6":
    case "7": {
      const oct = s.slice(1, 4);
      if (!/^[0-7]{3}$/.test(oct)) throw new SyntaxError_();
      const v = Number.parseInt(oct, 8);
      if (v > 255) throw new SyntaxError_();
      return [String.fromCharCode(v), s.slice(4), true];
    }
    case "\\":
      return ["\\", rest];
    case "'":
    case '"':
      if (e !== q) throw new SyntaxError_();
      return [e, rest];
  }
  throw new SyntaxError_();
}

/** strconv.Unquote for "..." and `...` literals. */
export function unquote(lit: string): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q) throw new SyntaxError_();
  const body = lit.slice(1, -1);
  if (q === "`") {
    if (body.includes("`")) throw new SyntaxError_();
    return body.replace(/\r/g, "");
  }
  if (q !== '"') throw new SyntaxError_();
  if (!body.includes("\\") && !body.includes('"') && !body.includes("\n")) return body;
  // \x and octal escapes are single bytes, which may join their neighbours into UTF-8 or stay invalid: the
  // result is built as bytes and read back as a Go string
  const bytes: number[] = [];
  let rest = body;
  while (rest.length > 0) {
    if (rest[0] === "\n") throw new SyntaxError_();
    const [ch, tail, isByte] = unquoteChar(rest, '"');
    if (isByte) bytes.push(ch.charCodeAt(0));
    else for (const b of goStringToBytes(ch)) bytes.push(b);
    rest = tail;
  }
  return bytesToGoString(Uint8Array.from(bytes));
}

/** Go's rule for underscores in number literals (strconv.underscoreOK). */
export function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s[0] === "-" || s[0] === "+") s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "bBoOxX".includes(s[1]!)) {
    i = 2;
    saw = "0";
    hex = s[1] === "x" || s[1] === "X";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c))) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

/** strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64): undefined on syntax or range error. */
export function parseIntBase0(s: string, unsigned: boolean): bigint | undefined {
  let t = s;
  let neg = false;
  if (!unsigned && (t[0] === "+" || t[0] === "-")) {
    neg = t[0] === "-";
    t = t.slice(1);
  }
  if (t === "") return undefined;
  let base = 10;
  let digits = t;
  if (t[0] === "0" && t.length > 1) {
    const p = t[1]!.toLowerCase();
    if (p === "x") base = 16;
    else if (p === "o") base = 8;
    else if (p === "b") base = 2;
    if (base !== 10) digits = t.slice(2);
    else {
      base = 8;
      digits = t.slice(1);
    }
  }
  if (t.includes("_")) {
    if (!underscoreOK(t)) return undefined;
    digits = digits.replace(/_/g, "");
  }
  if (digits === "") return undefined;
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return undefined;
  const prefix = base === 16 ? "0x" : base === 8 ? "0o" : base === 2 ? "0b" : "";
  let n = BigInt(prefix + digits);
  if (neg) n = -n;
  if (unsigned ? n > U64_MAX : n < I64_MIN || n > I64_MAX) return undefined;
  return n;
}

/** strconv.ParseFloat(s, 64): undefined on syntax error (overflow yields ±Inf like Go's value). */
export function parseFloat64(s: string): number | undefined {
  if (s.includes("_")) {
    if (!underscoreOK(s)) return undefined;
    s = s.replace(/_/g, "");
  }
  const t = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^[+-]?nan$/.test(t)) return Number.NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
  const hx = /^([+-]?)0x([0-9a-f]*)\.?([0-9a-f]*)p([+-]?\d+)$/.exec(t);
  if (hx && (hx[2] !== "" || hx[3] !== "")) {
    const mant = hx[2]! + hx[3]!;
    const val = Number(BigInt(`0x${mant}`)) * 2 ** (Number(hx[4]) - 4 * hx[3]!.length);
    return hx[1] === "-" ? -val : val;
  }
  return undefined;
}

/** strconv.FormatFloat(f, 'x' or 'X', prec, 64): -0x1.yyyyp±dd (shortest when prec < 0). */
export function formatHexFloat(f: number, fmt: "x" | "X", prec: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Number.POSITIVE_INFINITY) return "+Inf";
  if (f === Number.NEGATIVE_INFINITY) return "-Inf";
  const MASK = (1n << 64n) - 1n;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, f);
  const bits = view.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  exp -= 1023;
  if (mant === 0n) exp = 0;
  mant <<= 8n; // leading 1 at bit 60
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === "X" ? "0123456789ABCDEF" : "0123456789abcdef";
  let out = `${neg ? "-" : ""}0${fmt}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & MASK;
  if (prec < 0 && mant !== 0n) {
    out += ".";
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & MASK;
    }
  } else if (prec > 0) {
    out += ".";
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & MASK;
    }
  }
  out += fmt === "X" ? "P" : "p";
  out += exp < 0 ? "-" : "+";
  const e = Math.abs(exp);
  return out + (e < 10 ? `0${e}` : String(e));
}
