/**
 * Go RE2 syntax translated to JavaScript RegExp (u mode), with Go's match iteration, Expand ($1, ${name})
 * and Split semantics. Syntax JS cannot express the same way is rejected with a clear error.
 */

import { canBackquote, quote as goQuote } from "../strconv.js";
import { type FuncMap, typedSlice } from "../values.js";
import { argInt, argStr } from "./util.js";

export class RegexpError extends Error {}

const perr = (code: string, arg: string) => new RegexpError(`error parsing regexp: ${code}: \`${arg}\``);

const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const JS_SYNTAX = "^$\\.*+?()[]{}|/";

function litChar(c: string, inClass: boolean): string {
  if (inClass) return "\\^-[]".includes(c) ? `\\${c}` : c;
  return JS_SYNTAX.includes(c) ? `\\${c}` : c;
}

function unicodeClass(name: string, neg: boolean): string {
  const p = neg ? "P" : "p";
  if (name === "Any") return neg ? "[^\\s\\S]" : "[\\s\\S]";
  if (/^[A-Z][a-z]?$/.test(name)) return `\\${p}{${name}}`;
  return `\\${p}{Script=${name}}`;
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

export interface Translated {
  source: string;
  flags: string;
  names: string[];
}

/** Translate a Go regexp to a JS RegExp source. */
export function translate(expr: string): Translated {
  const cps = Array.from(expr);
  let i = 0;
  let out = "";
  const names: string[] = [""];
  let globalI = false;
  let flags: Flags = { i: false, m: false, s: false, U: false };
  const stack: { flags: Flags; start: number }[] = [];
  let lastAtom = false;
  let lastWasRepeat = false;

  const parseEscape = (inClass: boolean): string => {
    const start = i;
    i++;
    const c = cps[i];
    if (c === undefined) throw perr("trailing backslash at end of expression", "");
    i++;
    switch (c) {
      case "A":
        if (inClass) break;
        return "(?<![\\s\\S])";
      case "z":
        if (inClass) break;
        return "(?![\\s\\S])";
      case "b":
      case "B":
        if (inClass) break;
        return `\\${c}`;
      case "d":
      case "D":
      case "w":
      case "W":
        return `\\${c}`;
      case "s":
        return inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]";
      case "S":
        if (inClass) throw new RegexpError("error parsing regexp: \\S inside a character class is not supported");
        return "[^\\t\\n\\f\\r ]";
      case "a":
        return "\\x07";
      case "f":
        return "\\f";
      case "t":
        return "\\t";
      case "n":
        return "\\n";
      case "r":
        return "\\r";
      case "v":
        return "\\v";
      case "p":
      case "P": {
        let name = cps[i];
        if (name === undefined) throw perr("invalid character class range", cps.slice(start).join(""));
        if (name === "{") {
          const close = cps.indexOf("}", i);
          if (close < 0) throw perr("invalid character class range", cps.slice(start).join(""));
          name = cps.slice(i + 1, close).join("");
          i = close + 1;
        } else i++;
        let neg = c === "P";
        if (name.startsWith("^")) {
          neg = !neg;
          name = name.slice(1);
        }
        const cls = unicodeClass(name, neg);
        try {
          new RegExp(cls, "u");
        } catch {
          throw perr("invalid character class range", cps.slice(start, i).join(""));
        }
        if (inClass && name === "Any")
          throw new RegexpError("error parsing regexp: \\p{Any} inside a class is not supported");
        return cls;
      }
      case "x": {
        let hex: string;
        if (cps[i] === "{") {
          const close = cps.indexOf("}", i);
          hex = close < 0 ? "" : cps.slice(i + 1, close).join("");
          if (close < 0 || !/^[0-9a-fA-F]+$/.test(hex) || Number.parseInt(hex, 16) > 0x10ffff) {
            throw perr("invalid escape sequence", cps.slice(start, close < 0 ? cps.length : close + 1).join(""));
          }
          i = close + 1;
        } else {
          hex = cps.slice(i, i + 2).join("");
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw perr("invalid escape sequence", cps.slice(start, i + 2).join(""));
          i += 2;
        }
        return `\\u{${hex}}`;
      }
      case "Q": {
        let lit = "";
        while (i < cps.length) {
          if (cps[i] === "\\" && cps[i + 1] === "E") {
            i += 2;
            break;
          }
          lit += litChar(cps[i]!, inClass);
          i++;
        }
        return lit;
      }
      default:
        break;
    }
    if (c >= "0" && c <= "7") {
      // \1-\7 alone would be a backreference (unsupported); octal needs a leading 0 or more digits
      let j = i;
      while (j < cps.length && j < i + 2 && cps[j]! >= "0" && cps[j]! <= "7") j++;
      if (c !== "0" && j === i) throw perr("invalid escape sequence", `\\${c}`);
      const code = Number.parseInt(c + cps.slice(i, j).join(""), 8);
      i = j;
      return `\\u{${code.toString(16)}}`;
    }
    if (c < "\x80" && !/[0-9A-Za-z]/.test(c)) return litChar(c, inClass);
    throw perr("invalid escape sequence", `\\${c}`);
  };

  const caseLit = (c: string): string => {
    if (flags.i && !globalI) {
      const lo = c.toLowerCase();
      const up = c.toUpperCase();
      if (lo !== up && lo.length === 1 && up.length === 1) return `[${lo}${up}]`;
    }
    return litChar(c, false);
  };

  const parseClass = (): string => {
    const start = i;
    i++;
    let cls = "[";
    if (cps[i] === "^") {
      cls += "^";
      i++;
    }
    let first = true;
    let hasLetter = false;
    for (;;) {
      const c = cps[i];
      if (c === undefined) throw perr("missing closing ]", cps.slice(start).join(""));
      if (c === "]" && !first) {
        i++;
        break;
      }
      first = false;
      if (c === "[" && cps[i + 1] === ":") {
        const close = cps.indexOf(":", i + 2);
        if (close > 0 && cps[close + 1] === "]") {
          let name = cps.slice(i + 2, close).join("");
          const neg = name.startsWith("^");
          if (neg) name = name.slice(1);
          const body = POSIX[name];
          if (body === undefined) throw perr("invalid character class range", cps.slice(i, close + 2).join(""));
          if (neg) throw new RegexpError(`error parsing regexp: negated POSIX class [:^${name}:] is not supported`);
          cls += body;
          hasLetter = true;
          i = close + 2;
          continue;
        }
      }
      let lo: string;
      let loCp: number | undefined;
      if (c === "\\") {
        const e = parseEscape(true);
        const m = /^\\u\{([0-9a-f]+)\}$/.exec(e);
        if (m) loCp = Number.parseInt(m[1]!, 16);
        else if (e.length === 2 && e[0] === "\\" && !/[a-zA-Z]/.test(e[1]!)) loCp = e.codePointAt(1);
        else if (e.length === 1) loCp = e.codePointAt(0);
        lo = e;
      } else {
        lo = litChar(c, true);
        loCp = c.codePointAt(0);
        i++;
      }
      if (cps[i] === "-" && cps[i + 1] !== "]" && cps[i + 1] !== undefined && loCp !== undefined) {
        i++;
        let hi: string;
        let hiCp: number | undefined;
        if (cps[i] === "\\") {
          hi = parseEscape(true);
          const m = /^\\u\{([0-9a-f]+)\}$/.exec(hi);
          hiCp = m ? Number.parseInt(m[1]!, 16) : hi.length === 2 ? hi.codePointAt(1) : hi.codePointAt(0);
        } else {
          hi = litChar(cps[i]!, true);
          hiCp = cps[i]!.codePointAt(0);
          i++;
        }
        if (hiCp === undefined || hiCp < loCp) {
          throw perr(
            "invalid character class range",
            `${String.fromCodePoint(loCp)}-${String.fromCodePoint(hiCp ?? 0)}`,
          );
        }
        cls += `${lo}-${hi}`;
      } else cls += lo;
      if (/[a-zA-Z]/.test(lo)) hasLetter = true;
    }
    if (flags.i && !globalI && hasLetter) {
      throw new RegexpError("error parsing regexp: a scoped (?i) flag on a character class is not supported");
    }
    return `${cls}]`;
  };

  // A leading flag group applies to the whole expression and maps to JS flags.
  const lead = /^\(\?([imsU]+)\)/.exec(expr);
  if (lead) {
    for (const f of lead[1]!) flags[f as keyof Flags] = true;
    globalI = flags.i;
    i = Array.from(lead[0]).length;
  }

  const quantifier = (q: string): void => {
    if (!lastAtom) {
      if (lastWasRepeat) throw perr("invalid nested repetition operator", q);
      throw perr("missing argument to repetition operator", q);
    }
    let lazy = false;
    if (cps[i] === "?") {
      lazy = true;
      i++;
    }
    if (flags.U) lazy = !lazy;
    out += q + (lazy ? "?" : "");
    if (cps[i] === "*" || cps[i] === "+" || cps[i] === "?")
      throw perr("invalid nested repetition operator", q + cps[i]);
    lastAtom = false;
    lastWasRepeat = true;
  };

  while (i < cps.length) {
    const c = cps[i]!;
    lastWasRepeat = false;
    switch (c) {
      case "\\":
        out += parseEscape(false);
        lastAtom = true;
        continue;
      case "[":
        out += parseClass();
        lastAtom = true;
        continue;
      case ".":
        out += flags.s ? "[\\s\\S]" : "[^\\n]";
        i++;
        lastAtom = true;
        continue;
      case "^":
        out += flags.m ? "(?<![^\\n])" : "(?<![\\s\\S])";
        i++;
        lastAtom = false;
        continue;
      case "$":
        out += flags.m ? "(?![^\\n])" : "(?![\\s\\S])";
        i++;
        lastAtom = false;
        continue;
      case "|":
        out += "|";
        i++;
        lastAtom = false;
        continue;
      case "*":
      case "+":
      case "?":
        i++;
        quantifier(c);
        continue;
      case "{": {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(cps.slice(i, i + 20).join(""));
        if (!m) {
          out += "\\{";
          i++;
          lastAtom = true;
          continue;
        }
        const lo = Number(m[1]);
        const hi = m[3] ? Number(m[3]) : m[2] ? -1 : lo;
        if (lo > 1000 || hi > 1000 || (hi >= 0 && hi < lo)) throw perr("invalid repeat count", m[0]);
        i += m[0].length;
        quantifier(m[0]);
        continue;
      }
      case "}":
      case "]":
        out += `\\${c}`;
        i++;
        lastAtom = true;
        continue;
      case "(": {
        const rest = cps.slice(i, i + 40).join("");
        stack.push({ flags: { ...flags }, start: i });
        if (rest.startsWith("(?P<") || rest.startsWith("(?<")) {
          if (/^\(\?<[=!]/.test(rest)) throw perr("invalid or unsupported Perl syntax", rest.slice(0, 4));
          const open = rest.startsWith("(?P<") ? 4 : 3;
          const close = cps.indexOf(">", i);
          const name = close < 0 ? "" : cps.slice(i + open, close).join("");
          if (close < 0 || !/^[A-Za-z0-9_]+$/.test(name)) {
            throw perr("invalid named capture", cps.slice(i, close < 0 ? cps.length : close + 1).join(""));
          }
          if (names.includes(name)) throw perr("duplicate capture group name", name);
          names.push(name);
          out += `(?<${name}>`;
          i = close + 1;
        } else if (rest.startsWith("(?")) {
          const m = /^\(\?(-?[imsU]*(?:-[imsU]*)?)([:)])/.exec(rest);
          if (!m || m[1] === "" || m[1] === "-") {
            stack.pop();
            throw perr("invalid or unsupported Perl syntax", rest.slice(0, 3));
          }
          let neg = false;
          const nf = { ...flags };
          for (const f of m[1]!) {
            if (f === "-") neg = true;
            else nf[f as keyof Flags] = !neg;
          }
          if (nf.i !== flags.i && globalI)
            throw new RegexpError("error parsing regexp: turning off a leading (?i) flag is not supported");
          i += m[0].length;
          if (m[2] === ")") {
            stack.pop();
            flags = nf;
            lastAtom = false;
            continue;
          }
          flags = nf;
          out += "(?:";
        } else {
          names.push("");
          out += "(";
          i++;
        }
        lastAtom = false;
        continue;
      }
      case ")": {
        const top = stack.pop();
        if (!top) throw perr("unexpected )", expr);
        flags = top.flags;
        out += ")";
        i++;
        lastAtom = true;
        continue;
      }
      default:
        out += caseLit(c);
        i++;
        lastAtom = true;
    }
  }
  if (stack.length > 0) throw perr("missing closing )", expr);
  return { source: out, flags: `gu${globalI ? "i" : ""}`, names };
}

/** A compiled Go regexp. */
export class GoRegexp {
  readonly re: RegExp;
  readonly names: string[];
  constructor(readonly expr: string) {
    const t = translate(expr);
    try {
      this.re = new RegExp(t.source, t.flags);
    } catch (e) {
      throw new RegexpError(`error parsing regexp: ${(e as Error).message}`);
    }
    this.names = t.names;
  }

  static mustCompile(expr: string): GoRegexp {
    try {
      return new GoRegexp(expr);
    } catch (e) {
      const q = canBackquote(expr) ? `\`${expr}\`` : goQuote(expr);
      throw new Error(`regexp: Compile(${q}): ${(e as Error).message}`);
    }
  }

  private exec(s: string, pos: number): RegExpExecArray | null {
    this.re.lastIndex = pos;
    return this.re.exec(s);
  }

  private static width(s: string, pos: number): number {
    const c = s.codePointAt(pos);
    return c !== undefined && c > 0xffff ? 2 : 1;
  }

  /** FindAll...Index with Go's rule that an empty match right after a match is skipped. */
  findAll(s: string, n: number): RegExpExecArray[] {
    const out: RegExpExecArray[] = [];
    let pos = 0;
    let prevEnd = -1;
    while ((n < 0 || out.length < n) && pos <= s.length) {
      const m = this.exec(s, pos);
      if (!m) break;
      const end = m.index + m[0].length;
      let accept = true;
      if (end === pos) {
        if (m.index === prevEnd) accept = false;
        pos += pos < s.length ? GoRegexp.width(s, pos) : 1;
      } else pos = end;
      prevEnd = end;
      if (accept) out.push(m);
    }
    return out;
  }

  matches(s: string): boolean {
    return this.exec(s, 0) !== null;
  }

  findString(s: string): string {
    return this.exec(s, 0)?.[0] ?? "";
  }

  /** ReplaceAllString / ReplaceAllLiteralString. */
  replaceAll(src: string, repl: (m: RegExpExecArray) => string): string {
    let out = "";
    let lastEnd = 0;
    let searchPos = 0;
    while (searchPos <= src.length) {
      const m = this.exec(src, searchPos);
      if (!m) break;
      const end = m.index + m[0].length;
      out += src.slice(lastEnd, m.index);
      if (end > lastEnd || m.index === 0) out += repl(m);
      lastEnd = end;
      const w = searchPos < src.length ? GoRegexp.width(src, searchPos) : 1;
      if (searchPos + w > end) searchPos += w;
      else if (searchPos + 1 > end) searchPos++;
      else searchPos = end;
    }
    return out + src.slice(lastEnd);
  }

  /** Regexp.Expand for a match. */
  expand(template: string, m: RegExpExecArray): string {
    let out = "";
    let t = template;
    while (t.length > 0) {
      const i = t.indexOf("$");
      if (i < 0) break;
      out += t.slice(0, i);
      t = t.slice(i);
      if (t.length > 1 && t[1] === "$") {
        out += "$";
        t = t.slice(2);
        continue;
      }
      let name: string | undefined;
      let rest = "";
      const braced = /^\$\{([A-Za-z0-9_]+)\}/.exec(t);
      const bare = /^\$([A-Za-z0-9_]+)/.exec(t);
      if (t[1] === "{") {
        if (braced) {
          name = braced[1];
          rest = t.slice(braced[0].length);
        }
      } else if (bare) {
        name = bare[1];
        rest = t.slice(bare[0].length);
      }
      if (name === undefined) {
        out += "$";
        t = t.slice(1);
        continue;
      }
      t = rest;
      if (/^\d+$/.test(name)) {
        const n = Number(name);
        if (n < m.length) out += m[n] ?? "";
      } else {
        for (let k = 0; k < this.names.length; k++) {
          if (this.names[k] === name && m[k] !== undefined) {
            out += m[k];
            break;
          }
        }
      }
    }
    return out + t;
  }

  split(s: string, n: number): string[] {
    if (n === 0) return [];
    if (this.expr.length > 0 && s.length === 0) return [""];
    const out: string[] = [];
    let beg = 0;
    let end = 0;
    for (const m of this.findAll(s, n)) {
      if (n > 0 && out.length === n - 1) break;
      end = m.index;
      if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
      beg = m.index + m[0].length;
    }
    if (end !== s.length) out.push(s.slice(beg));
    return out;
  }
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}

const strs = (l: string[]) => typedSlice(l, "string");

export function regexFuncs(): FuncMap {
  const must = (e: unknown) => new GoRegexp(argStr(e));
  const mc = (e: unknown) => GoRegexp.mustCompile(argStr(e));
  return {
    regexMatch: (e, s) => {
      const str = argStr(s);
      try {
        return must(e).matches(str);
      } catch (err) {
        if (err instanceof RegexpError) return false;
        throw err;
      }
    },
    mustRegexMatch: (e, s) => must(e).matches(argStr(s)),
    regexFindAll: (e, s, n) =>
      strs(
        mc(e)
          .findAll(argStr(s), argInt(n))
          .map((m) => m[0]),
      ),
    mustRegexFindAll: (e, s, n) =>
      strs(
        must(e)
          .findAll(argStr(s), argInt(n))
          .map((m) => m[0]),
      ),
    regexFind: (e, s) => mc(e).findString(argStr(s)),
    mustRegexFind: (e, s) => must(e).findString(argStr(s)),
    regexReplaceAll: (e, s, r) => {
      const re = mc(e);
      const repl = argStr(r);
      return re.replaceAll(argStr(s), (m) => re.expand(repl, m));
    },
    mustRegexReplaceAll: (e, s, r) => {
      const re = must(e);
      const repl = argStr(r);
      return re.replaceAll(argStr(s), (m) => re.expand(repl, m));
    },
    regexReplaceAllLiteral: (e, s, r) => {
      const repl = argStr(r);
      return mc(e).replaceAll(argStr(s), () => repl);
    },
    mustRegexReplaceAllLiteral: (e, s, r) => {
      const repl = argStr(r);
      return must(e).replaceAll(argStr(s), () => repl);
    },
    regexSplit: (e, s, n) => strs(mc(e).split(argStr(s), argInt(n))),
    mustRegexSplit: (e, s, n) => strs(must(e).split(argStr(s), argInt(n))),
    regexQuoteMeta: (s) => quoteMeta(argStr(s)),
  };
}
