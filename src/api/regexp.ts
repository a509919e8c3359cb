/**
 * Go (RE2) regular expressions, as ESO users write them in find.name.regexp, rewrite.regexp.source and
 * namespaceRegexes, compiled to JavaScript. RE2 syntax JavaScript spells differently is translated;
 * constructs RE2 rejects (backreferences, lookaround) are rejected here too.
 */

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

export class RegexpError extends Error {
  override readonly name = "RegexpError";
}

/** Compiles a Go regular expression; throws RegexpError with a short reason when it does not compile. */
export function compileGoRegexp(source: string, extraFlags = ""): RegExp {
  let src = source;
  let flags = extraFlags;
  const leading = /^\(\?([imsU]+)\)/.exec(src);
  if (leading) {
    const f = leading[1] ?? "";
    if (f.includes("U")) throw new RegexpError(`unsupported flag U in "${source}"`);
    for (const c of f) if (!flags.includes(c)) flags += c;
    src = src.slice(leading[0].length);
  }
  if (/\(\?[=!]|\(\?<[=!]/.test(src)) throw new RegexpError(`lookaround is not supported in "${source}"`);
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(src)) throw new RegexpError(`backreferences are not supported in "${source}"`);
  src = src
    .replace(/\(\?P</g, "(?<")
    .replace(/\\z/g, "$(?![\\s\\S])")
    .replace(/\\A/g, "^")
    .replace(/\[:(\^?)([a-z]+):\]/g, (whole, neg: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      if (!cls) throw new RegexpError(`unknown character class ${whole} in "${source}"`);
      if (neg) throw new RegexpError(`negated POSIX class ${whole} is not supported in "${source}"`);
      return cls;
    });
  try {
    return new RegExp(src, flags);
  } catch (err) {
    throw new RegexpError(`invalid regular expression "${source}": ${(err as Error).message.replace(/^.*: /, "")}`);
  }
}
