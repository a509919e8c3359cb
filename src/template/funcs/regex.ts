/** Sprig's regex functions (regexMatch, regexFindAll, regexReplaceAll, ...) over Go regexps (src/regexp, linear time). */

import { RegexpError } from "../../regexp/errors.js";
import { GoRegexp } from "../../regexp/go-regexp.js";
import { goFunc } from "../signature.js";
import { canBackquote, quote as goQuote } from "../strconv.js";
import { type FuncMap, nilSlice, typedSlice } from "../values.js";

/**
 * regexp.Compile: Go's parser first rejects a pattern that is not UTF-8 (a byte carried as U+DC80..U+DCFF, see
 * bytes.ts), quoting the pattern from that byte on.
 */
function compileGo(expr: string): GoRegexp {
  let i = 0;
  for (const ch of expr) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xdc80 && c <= 0xdcff) throw new RegexpError(`error parsing regexp: invalid UTF-8: \`${expr.slice(i)}\``);
    i += ch.length;
  }
  return GoRegexp.of(expr);
}

/** regexp.MustCompile: panics (throws) with Go's "regexp: Compile(...)" message. */
function mustCompile(expr: string): GoRegexp {
  try {
    return compileGo(expr);
  } catch (e) {
    const q = canBackquote(expr) ? `\`${expr}\`` : goQuote(expr);
    throw new Error(`regexp: Compile(${q}): ${(e as Error).message}`);
  }
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}

const strs = (l: string[]) => typedSlice(l, "string");
/** Go's FindAllString gives nil for no match, Split nil for n == 0. */
const strsOrNil = (l: string[]) => (l.length === 0 ? nilSlice(strs(l)) : strs(l));

const S2 = "func(string, string)";
const S3 = "func(string, string, string)";
const S2I = "func(string, string, int)";

export function regexFuncs(): FuncMap {
  const findAll = (re: GoRegexp, s: string, n: bigint) => strsOrNil(re.findAll(s, Number(n)).map((m) => m[0]));
  const split = (re: GoRegexp, s: string, n: bigint) => strsOrNil(re.split(s, Number(n)));
  return {
    regexMatch: goFunc(`${S2} bool`, (e: string, s: string) => {
      try {
        return compileGo(e).matches(s);
      } catch (err) {
        if (err instanceof RegexpError) return false;
        throw err;
      }
    }),
    mustRegexMatch: goFunc(`${S2} (bool, error)`, (e: string, s: string) => compileGo(e).matches(s)),
    regexFindAll: goFunc(`${S2I} []string`, (e: string, s: string, n: bigint) => findAll(mustCompile(e), s, n)),
    mustRegexFindAll: goFunc(`${S2I} ([]string, error)`, (e: string, s: string, n: bigint) =>
      findAll(compileGo(e), s, n),
    ),
    regexFind: goFunc(`${S2} string`, (e: string, s: string) => mustCompile(e).findString(s)),
    mustRegexFind: goFunc(`${S2} (string, error)`, (e: string, s: string) => compileGo(e).findString(s)),
    regexReplaceAll: goFunc(`${S3} string`, (e: string, s: string, r: string) => mustCompile(e).replaceAllString(s, r)),
    mustRegexReplaceAll: goFunc(`${S3} (string, error)`, (e: string, s: string, r: string) =>
      compileGo(e).replaceAllString(s, r),
    ),
    regexReplaceAllLiteral: goFunc(`${S3} string`, (e: string, s: string, r: string) =>
      mustCompile(e).replaceAllLiteralString(s, r),
    ),
    mustRegexReplaceAllLiteral: goFunc(`${S3} (string, error)`, (e: string, s: string, r: string) =>
      compileGo(e).replaceAllLiteralString(s, r),
    ),
    regexSplit: goFunc(`${S2I} []string`, (e: string, s: string, n: bigint) => split(mustCompile(e), s, n)),
    mustRegexSplit: goFunc(`${S2I} ([]string, error)`, (e: string, s: string, n: bigint) => split(compileGo(e), s, n)),
    regexQuoteMeta: goFunc("func(string) string", quoteMeta),
  };
}
