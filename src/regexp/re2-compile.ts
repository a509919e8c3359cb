/**
 * Go regexp syntax compiled by re2js (a port of RE2/J, itself Go's regexp: same parser, same leftmost-first
 * semantics, linear-time matching), with Go's "error parsing regexp: <code>: `<expr>`" messages.
 */
import { RE2JS, RE2JSException, RE2JSSyntaxException } from "re2js";
import { renameCaptures } from "./capture-names.js";
import { RegexpError } from "./errors.js";

/** The Go-API object of re2js (FindAllSubmatchIndex and friends over UTF-16 strings). */
export type Re2 = ReturnType<RE2JS["re2"]>;

export interface CompiledRe2 {
  re2: Re2;
  /** Names by group index (index 0 is the whole match, ""); "" for an unnamed group. */
  names: string[];
}

const DUPLICATE_NAME = "duplicate capture group name";
/** Codes for which Go quotes the whole expression (Go's parser sets Expr to it when it gives up). */
const WHOLE_EXPRESSION = new Set(["expression too large", "expression nests too deeply"]);

/** Compiles with Go's syntax (syntax.Perl); throws RegexpError with Go's message when Go would reject it. */
export function compileRe2(expr: string): CompiledRe2 {
  try {
    const re2 = RE2JS.compile(expr).re2();
    return { re2, names: namesOf(re2) };
  } catch (err) {
    if (!(err instanceof RE2JSSyntaxException && err.error === DUPLICATE_NAME)) throw goError(err, expr, expr);
  }
  // Go accepts a name used twice; RE2/J does not.
  const renamed = renameCaptures(expr);
  try {
    return { re2: RE2JS.compile(renamed.source).re2(), names: renamed.names };
  } catch (err) {
    throw goError(err, expr, renamed.source);
  }
}

function namesOf(re2: Re2): string[] {
  const names = new Array<string>(re2.numberOfCapturingGroups() + 1).fill("");
  for (const [name, index] of Object.entries(re2.namedGroups)) names[index] = name;
  return names;
}

function goError(err: unknown, expr: string, compiled: string): unknown {
  if (err instanceof RE2JSSyntaxException) {
    let quoted = err.input ?? "";
    if (quoted === compiled || (quoted === "" && WHOLE_EXPRESSION.has(err.error))) quoted = expr;
    return new RegexpError(`error parsing regexp: ${err.error}: \`${quoted}\``);
  }
  if (err instanceof RE2JSException) return new RegexpError(`error parsing regexp: ${err.message}`);
  return err;
}
