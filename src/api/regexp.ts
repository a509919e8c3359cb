/**
 * Go (RE2) regular expressions, as ESO users write them in find.name.regexp, rewrite.regexp.source and
 * namespaceRegexes, checked at admission through the shared compiled form (GoRegexp.of in src/regexp).
 */

import { RegexpError } from "../regexp/errors.js";
import { GoRegexp } from "../regexp/go-regexp.js";

/** The shared compiled form of `source`; throws an Error naming the expression and Go's reason if Go rejects it. */
export function compileGoRegexp(source: string): GoRegexp {
  try {
    return GoRegexp.of(source);
  } catch (err) {
    if (!(err instanceof RegexpError)) throw err;
    throw new Error(`invalid regular expression "${source}": ${err.message.replace(/^error parsing regexp: /, "")}`);
  }
}
