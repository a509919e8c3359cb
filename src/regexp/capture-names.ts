/**
 * Named-capture scanning over Go regexp syntax, for the one case RE2/J and Go disagree on: Go (1.22+) accepts a
 * capture name used twice, re2js rejects it. Such an expression is compiled with its names replaced by unique
 * ones, and the real names are kept here by group index (Expand uses the first matching group of a name).
 */

export interface RenamedCaptures {
  /** The expression with every named group renamed to a unique placeholder. */
  source: string;
  /** Names by group index (index 0 is the whole match, ""); "" for an unnamed group. */
  names: string[];
}

/** A group opener with a name valid in Go; an invalid one is left for the engine to reject with Go's message. */
const NAMED_OPEN = /\(\?P?<([A-Za-z0-9_]+)>/y;

/** Renames every named group; positions inside escapes, \Q...\E and character classes are left alone. */
export function renameCaptures(expr: string): RenamedCaptures {
  const names = [""];
  let out = "";
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === "\\") {
      if (expr[i + 1] === "Q") {
        const end = expr.indexOf("\\E", i + 2);
        const stop = end < 0 ? expr.length : end + 2;
        out += expr.slice(i, stop);
        i = stop;
      } else {
        out += expr.slice(i, i + 2);
        i += 2;
      }
      continue;
    }
    if (c === "[") {
      const stop = classEnd(expr, i);
      out += expr.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === "(") {
      NAMED_OPEN.lastIndex = i;
      const named = NAMED_OPEN.exec(expr);
      if (named) {
        names.push(named[1]!);
        out += `(?P<g${names.length - 1}>`;
        i += named[0].length;
        continue;
      }
      if (expr[i + 1] !== "?") names.push("");
    }
    out += c;
    i++;
  }
  return { source: out, names };
}

/** Index just past the class opened at `start` (or the end of the text when it never closes). */
function classEnd(expr: string, start: number): number {
  let i = start + 1;
  if (expr[i] === "^") i++;
  if (expr[i] === "]") i++;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === "]") return i + 1;
    if (c === "\\") i += 2;
    else if (c === "[" && expr[i + 1] === ":") {
      const close = expr.indexOf(":]", i + 2);
      i = close < 0 ? i + 1 : close + 2;
    } else i++;
  }
  return expr.length;
}
