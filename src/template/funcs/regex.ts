/** Sprig's regex functions (regexMatch, regexFindAll, regexReplaceAll, ...) over Go regexps (src/regexp). */

import { GoRegexp } from "../../regexp/go-regexp.js";
import { RegexpError } from "../../regexp/translate.js";
import { canBackquote, quote as goQuote } from "../strconv.js";
import { type FuncMap, typedSlice } from "../values.js";
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
