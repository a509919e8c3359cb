/**
 * Go RE2 syntax translated to JavaScript RegExp (u mode), the one translation every Go-regexp field and template
 * function uses. Syntax JS cannot express the same way, and JS-only syntax RE2 rejects (lookaround,
 * backreferences), is rejected with Go's "error parsing regexp: ..." message.
 */

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

/** Translates a Go regexp to a JS RegExp source (for the "u" flag); throws RegexpError with Go's message. */
export function translateGoRegexp(expr: string): Translated {
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
  return { source: out, flags: globalI ? "ui" : "u", names };
}

/** Builds the RegExp for a translation; extraFlags (e.g. "g") are added to the translation's own. */
export function toRegExp(t: Translated, extraFlags = ""): RegExp {
  let flags = t.flags;
  for (const f of extraFlags) if (!flags.includes(f)) flags += f;
  try {
    return new RegExp(t.source, flags);
  } catch (e) {
    throw new RegexpError(`error parsing regexp: ${(e as Error).message}`);
  }
}
