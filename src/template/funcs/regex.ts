/** Sprig's regex functions (regexMatch, regexFindAll, regexReplaceAll, ...) over Go regexps (src/regexp, linear time). */

import { RegexpError } from "../../regexp/errors.js";
import { GoRegexp } from "../../regexp/go-regexp.js";
import { canBackquote, quote as goQuote } from "../strconv.js";
import { type FuncMap, nilSlice, typedSlice } from "../values.js";
import { argInt, argStr } from "./util.js";

/** regexp.MustCompile: panics (throws) with Go's "regexp: Compile(...)" message. */
function mustCompile(expr: string): GoRegexp {
  try {
    return GoRegexp.of(expr);
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

export function regexFuncs(): FuncMap {
  const must = (e: unknown) => GoRegexp.of(argStr(e));
  const mc = (e: unknown) => mustCompile(argStr(e));
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
      strsOrNil(
        mc(e)
          .findAll(argStr(s), argInt(n))
          .map((m) => m[0]),
      ),
    mustRegexFindAll: (e, s, n) =>
      strsOrNil(
        must(e)
          .findAll(argStr(s), argInt(n))
          .map((m) => m[0]),
      ),
    regexFind: (e, s) => mc(e).findString(argStr(s)),
    mustRegexFind: (e, s) => must(e).findString(argStr(s)),
    regexReplaceAll: (e, s, r) => mc(e).replaceAllString(argStr(s), argStr(r)),
    mustRegexReplaceAll: (e, s, r) => must(e).replaceAllString(argStr(s), argStr(r)),
    regexReplaceAllLiteral: (e, s, r) => mc(e).replaceAllLiteralString(argStr(s), argStr(r)),
    mustRegexReplaceAllLiteral: (e, s, r) => must(e).replaceAllLiteralString(argStr(s), argStr(r)),
    regexSplit: (e, s, n) => strsOrNil(mc(e).split(argStr(s), argInt(n))),
    mustRegexSplit: (e, s, n) => strsOrNil(must(e).split(argStr(s), argInt(n))),
    regexQuoteMeta: (s) => quoteMeta(argStr(s)),
  };
}
