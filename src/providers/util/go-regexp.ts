/**
 * Go (RE2) regular expressions for provider-side matching (find.name.regexp, rewrite sources, namespace and
 * key patterns), compiled once through the shared translation in src/regexp and cached.
 */
import { compileGoRegexp as compile, RegexpError } from "../../regexp/translate.js";

export class GoRegexpError extends RegexpError {
  override readonly name = "GoRegexpError";
}

const cache = new Map<string, RegExp>();

/** A non-global RegExp with the expression's meaning in Go; throws GoRegexpError with Go's message. */
export function compileGoRegexp(expr: string): RegExp {
  const cached = cache.get(expr);
  if (cached) return cached;
  let re: RegExp;
  try {
    re = compile(expr);
  } catch (err) {
    if (err instanceof RegexpError) throw new GoRegexpError(err.message);
    throw err;
  }
  if (cache.size > 500) cache.clear();
  cache.set(expr, re);
  return re;
}

/** regexp.MatchString: true when the expression matches anywhere in the text. */
export function goRegexpMatch(expr: string, text: string): boolean {
  return compileGoRegexp(expr).test(text);
}
