/**
 * Go (RE2) regular expressions for provider-side matching (find.name.regexp, namespace and key patterns): the
 * shared compiled form (GoRegexp.of in src/regexp), with Go's parse errors as GoRegexpError.
 */

import { RegexpError } from "../../regexp/errors.js";
import { GoRegexp } from "../../regexp/go-regexp.js";

export class GoRegexpError extends RegexpError {
  override readonly name = "GoRegexpError";
}

/** The expression compiled with its meaning in Go; throws GoRegexpError with Go's message. */
export function compileGoRegexp(expr: string): GoRegexp {
  try {
    return GoRegexp.of(expr);
  } catch (err) {
    if (err instanceof RegexpError) throw new GoRegexpError(err.message);
    throw err;
  }
}

/** regexp.MatchString: true when the expression matches anywhere in the text. */
export function goRegexpMatch(expr: string, text: string): boolean {
  return compileGoRegexp(expr).matches(text);
}
