/** huandu/xstrings case conversions (snake, kebab, Pascal) and Masterminds/goutils word helpers. */
import {
  isDigit,
  isLetter,
  isLower,
  isNumber,
  isPunct,
  isSpace,
  isTitle,
  isUpper,
  toLower,
  toTitle,
  toUpper,
} from "./unicode.js";

const isConnector = (r: number): boolean => r === 0x2d || r === 0x5f || isSpace(r);

/** xstrings' notion of an alphabet rune: a letter that is not a CJK ideograph. */
function isAlphabet(r: number): boolean {
  if (!isLetter(r)) return false;
  // xstrings v1.5.0's CJK ranges, exactly (not Unicode's current blocks)
  if (r < 0x3400) return true;
  if ((r >= 0x4e00 && r <= 0x9fcc) || (r >= 0x3400 && r <= 0x4d85)) return false;
  if (r >= 0x20000 && r <= 0x2b81d) return false;
  return true;
}

/** xstrings.ToPascalCase (isBig) / ToCamelCase. */
export function toCamelCase(str: string, isBig: boolean): string {
  const rs = Array.from(str, runeOf);
  if (rs.length === 0) return "";
  let out = "";
  let i = 0;
  let r0 = 0;
  let firstUpper = false;
  while (i < rs.length) {
    r0 = rs[i++]!;
    if (!isConnector(r0)) {
      firstUpper = isUpper(r0);
      r0 = isBig ? toUpper(r0) : toLower(r0);
      break;
    }
    out += String.fromCodePoint(r0);
  }
  if (i >= rs.length) {
    // xstrings writes the last rune read again, even a connector: camelcase "-" is "--" in Sprig
    out += String.fromCodePoint(r0);
    return out;
  }
  while (i < rs.length) {
    const r1 = r0;
    r0 = rs[i++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += String.fromCodePoint(r1);
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpper(r0);
      r0 = toUpper(r0);
    } else {
      if (firstUpper) {
        if (isUpper(r0)) r0 = toLower(r0);
        else firstUpper = false;
      }
      out += String.fromCodePoint(r1);
    }
  }
  if (firstUpper && !isBig) r0 = toLower(r0);
  return out + String.fromCodePoint(r0);
}

enum W {
  Invalid = 0,
  Number = 1,
  Upper = 2,
  Alpha = 3,
  Connector = 4,
  Punct = 5,
  Other = 6,
}

interface Word {
  wt: W;
  word: number[];
  rest: number[];
}

/** utf8.RuneError: a byte that is not UTF-8 (carried as U+DC80..U+DCFF, see bytes.ts) or a real U+FFFD. */
function isRuneError(c: number): boolean {
  return c === 0xfffd || (c >= 0xdc80 && c <= 0xdcff);
}

/**
 * xstrings' nextValidRune: the first rune at or after `i` that is not RuneError, and the index after it (the
 * skipped runes belong to it); `prev` and the end of the input when there is none.
 */
function nextValid(str: number[], i: number, prev: number): [number, number] {
  let j = i;
  while (j < str.length) {
    const c = str[j++]!;
    if (!isRuneError(c)) return [c, j];
  }
  return [prev, j];
}

function nextWord(str: number[]): Word {
  if (str.length === 0) return { wt: W.Invalid, word: [], rest: [] };
  let [r, n] = nextValid(str, 0, 0xfffd);
  if (isRuneError(r)) return { wt: W.Invalid, word: str.slice(0, n), rest: str.slice(n) };
  const take = (pred: (c: number) => boolean) => {
    let last = r;
    while (n < str.length) {
      const [c, j] = nextValid(str, n, last);
      if (!pred(c)) break;
      n = j;
      last = c;
    }
  };
  let wt: W;
  if (isConnector(r)) {
    wt = W.Connector;
    take(isConnector);
  } else if (isPunct(r)) {
    wt = W.Punct;
    take(isPunct);
  } else if (isUpper(r)) {
    wt = W.Upper;
    if (n < str.length) {
      const [r2, j2] = nextValid(str, n, r);
      if (isUpper(r2)) {
        let lastStart = n;
        n = j2;
        let last = r2;
        while (n < str.length) {
          const [c, j] = nextValid(str, n, last);
          if (!isUpper(c)) {
            // "HTTPStatus": the last upper-case rune starts the next word.
            if (isAlphabet(c)) n = lastStart;
            break;
          }
          lastStart = n;
          n = j;
          last = c;
        }
      } else if (isAlphabet(r2)) {
        n = j2;
        r = r2;
        take((c) => isAlphabet(c) && !isUpper(c));
      }
    }
  } else if (isAlphabet(r)) {
    wt = W.Alpha;
    take((c) => isAlphabet(c) && !isUpper(c));
  } else if (isNumber(r)) {
    wt = W.Number;
    take(isNumber);
  } else {
    wt = W.Other;
    take((c) => !(isConnector(c) || isAlphabet(c) || isNumber(c) || isPunct(c)));
  }
  return { wt, word: str.slice(0, n), rest: str.slice(n) };
}

function lowerWord(wt: W, word: number[], connector: number): string {
  let out = "";
  for (const r of word) {
    if (wt !== W.Upper && wt !== W.Connector) out += String.fromCodePoint(r);
    // WriteRune(utf8.RuneError) for a byte that is not UTF-8
    else if (isRuneError(r)) out += "\ufffd";
    else if (isConnector(r)) out += String.fromCodePoint(connector);
    else out += String.fromCodePoint(isUpper(r) ? toLower(r) : r);
  }
  return out;
}

/** xstrings.ToSnakeCase ("_") and ToKebabCase ("-"). */
export function camelCaseToLowerCase(s: string, connector: number): string {
  if (s.length === 0) return "";
  const c = String.fromCodePoint(connector);
  let { wt, word, rest } = nextWord(Array.from(s, (x) => x.codePointAt(0)!));
  let out = "";
  while (rest.length > 0) {
    if (wt !== W.Connector) out += lowerWord(wt, word, connector);
    const prev = wt;
    const last = word;
    ({ wt, word, rest } = nextWord(rest));
    switch (prev) {
      case W.Number:
        while (wt === W.Alpha || wt === W.Number) {
          out += lowerWord(wt, word, connector);
          ({ wt, word, rest } = nextWord(rest));
        }
        if (wt !== W.Invalid && wt !== W.Punct && wt !== W.Connector) out += c;
        break;
      case W.Connector:
        out += lowerWord(prev, last, connector);
        break;
      case W.Punct:
        break;
      default: {
        if (wt !== W.Number) {
          if (wt !== W.Connector && wt !== W.Punct) out += c;
          break;
        }
        if (rest.length === 0) break;
        const num = word;
        ({ wt, word, rest } = nextWord(rest));
        if (wt !== W.Alpha) {
          out += lowerWord(W.Number, num, connector);
          if (wt !== W.Connector && wt !== W.Punct) out += c;
          break;
        }
        out += c + lowerWord(W.Number, num, connector);
        while (wt === W.Alpha || wt === W.Number) {
          out += lowerWord(wt, word, connector);
          ({ wt, word, rest } = nextWord(rest));
        }
        if (wt !== W.Invalid && wt !== W.Connector && wt !== W.Punct) out += c;
      }
    }
  }
  return out + lowerWord(wt, word, connector);
}

/** goutils.SwapCase. */
export function swapCase(s: string): string {
  let out = "";
  let ws = true;
  for (const ch of s) {
    let r = runeOf(ch);
    if (isUpper(r) || isTitle(r)) {
      r = toLower(r);
      ws = false;
    } else if (isLower(r)) {
      r = ws ? toTitle(r) : toUpper(r);
      ws = false;
    } else ws = isSpace(r);
    out += String.fromCodePoint(r);
  }
  return out;
}

/** goutils.Uncapitalize with whitespace delimiters. */
export function uncapitalize(s: string): string {
  let out = "";
  let next = true;
  for (const ch of s) {
    const r = runeOf(ch);
    if (isSpace(r)) {
      next = true;
      out += ch;
    } else if (next) {
      out += String.fromCodePoint(toLower(r));
      next = false;
    } else out += String.fromCodePoint(r);
  }
  return out;
}

/** The rune Go's range loop yields: utf8.RuneError for a byte that is not UTF-8 (carried as U+DC80..U+DCFF). */
function runeOf(ch: string): number {
  const r = ch.codePointAt(0)!;
  return isRuneError(r) ? 0xfffd : r;
}

/** strings.Title. */
export function goTitle(s: string): string {
  const isSep = (r: number): boolean => {
    if (r <= 0x7f) {
      if ((r >= 0x30 && r <= 0x39) || (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || r === 0x5f) return false;
      return true;
    }
    if (isLetter(r) || isDigit(r)) return false;
    return isSpace(r);
  };
  let prev = 0x20;
  let out = "";
  for (const ch of s) {
    // strings.Map: a byte that is not UTF-8 becomes U+FFFD
    const r = runeOf(ch);
    out += isSep(prev) ? String.fromCodePoint(toTitle(r)) : String.fromCodePoint(r);
    prev = r;
  }
  return out;
}
