/**
 * Go (RE2) regular expressions, as ESO users write them in find.name.regexp, rewrite.regexp.source and
 * namespaceRegexes, checked at admission through the shared translation in src/regexp.
 */
import { compileGoRegexp as compile, RegexpError as GoSyntaxError } from "../regexp/translate.js";

export class RegexpError extends Error {
  override readonly name = "RegexpError";
}

/** Compiles a Go regular expression; throws RegexpError naming the expression and Go's reason. */
export function compileGoRegexp(source: string, extraFlags = ""): RegExp {
  try {
    return compile(source, extraFlags);
  } catch (err) {
    if (!(err instanceof GoSyntaxError)) throw err;
    throw new RegexpError(
      `invalid regular expression "${source}": ${err.message.replace(/^error parsing regexp: /, "")}`,
    );
  }
}
