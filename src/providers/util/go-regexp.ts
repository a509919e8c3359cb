/**
 * Compiles a Go (RE2) regular expression into a JavaScript RegExp with the same meaning for the syntax
 * both share. RE2 features JavaScript lacks are translated; JavaScript-only features RE2 rejects
 * (lookaround, backreferences) are rejected with an error, as Go's regexp.Compile would.
 */

export class GoRegexpError extends Error {
  override readonly name = "GoRegexpError";
}

const POSIX_CLASSES: Record<string, string> = {
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

const cache = new Map<string, RegExp>();

export function compileGoRegexp(expr: string): RegExp {
  const cached = cache.get(expr);
  if (cached) return cached;
  let flags = "";
  let body = expr;
  const leading = /^\(\?([imsU]+)\)/.exec(body);
  if (leading) {
    for (const f of leading[1]!) {
      if (f === "U") throw new GoRegexpError(`error parsing regexp: ungreedy flag is not supported: ${expr}`);
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(leading[0].length);
  }
  const source = translate(body, expr);
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (err) {
    throw new GoRegexpError(`error parsing regexp: ${(err as Error).message}`);
  }
  if (cache.size > 500) cache.clear();
  cache.set(expr, re);
  return re;
}

function translate(body: string, expr: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\\") {
      const n = body[i + 1];
      if (n === undefined)
        throw new GoRegexpError(`error parsing regexp: trailing backslash at end of expression: ${expr}`);
      if (!inClass && n >= "1" && n <= "9") {
        throw new GoRegexpError(`error parsing regexp: invalid escape sequence: \\${n}`);
      }
      if (!inClass && n === "A") out += "^";
      else if (!inClass && n === "z") out += "(?![\\s\\S])";
      else if (n === "Q") {
        const end = body.indexOf("\\E", i + 2);
        const literal = body.slice(i + 2, end < 0 ? body.length : end);
        out += literal.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
        i = end < 0 ? body.length : end + 1;
        continue;
      } else out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === "[" && body[i + 1] === ":") {
        const end = body.indexOf(":]", i + 2);
        if (end > 0) {
          let name = body.slice(i + 2, end);
          const negated = name.startsWith("^");
          if (negated) name = name.slice(1);
          const cls = POSIX_CLASSES[name];
          if (!cls || negated) throw new GoRegexpError(`error parsing regexp: invalid character class range: ${expr}`);
          out += cls;
          i = end + 1;
          continue;
        }
      }
      if (c === "]") inClass = false;
      out += c === "[" ? "\\[" : c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      if (body[i + 1] === "^") out += body[++i];
      if (body[i + 1] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(" && body[i + 1] === "?") {
      const rest = body.slice(i + 2);
      if (rest.startsWith("P<")) {
        out += "(?<";
        i += 3;
        continue;
      }
      if (/^(=|!|<=|<!)/.test(rest)) {
        throw new GoRegexpError(`error parsing regexp: invalid or unsupported Perl syntax: \`(?${rest[0]}\``);
      }
    }
    out += c;
  }
  return out;
}

/** regexp.MatchString: true when the expression matches anywhere in the text. */
export function goRegexpMatch(expr: string, text: string): boolean {
  const re = compileGoRegexp(expr);
  re.lastIndex = 0;
  return re.test(text);
}
