/**
 * A compiled Go regexp: Go's syntax and semantics on a linear-time RE2 engine (re2js), so a user's expression
 * cannot stall the event loop however it is written. Match iteration (an empty match right after a match is
 * skipped), ReplaceAllString, Expand ($1, ${name}, $$) and Split follow Go's regexp package. Positions are
 * UTF-16 indices; no caller exposes them, so they are never Go-visible.
 */
import { expand } from "./expand.js";
import { type CompiledRe2, compileRe2, type Re2 } from "./re2-compile.js";
import { RegexpCache } from "./regexp-cache.js";

/** A match as JavaScript's RegExp.exec shapes it: [whole, ...groups] (undefined when a group did not match). */
export type GoMatch = RegExpExecArray;

const UNANCHORED = 0;

/** Rough bytes per compiled instruction (program, NFA thread queues), on top of the DFA's own accounting. */
const BYTES_PER_INSTRUCTION = 64;

const cache = new RegexpCache<GoRegexp>((r) => r.heldBytes());

/** A compiled Go regexp. */
export class GoRegexp {
  /** Subexpression names by group index (Go's SubexpNames): "" for the whole match and unnamed groups. */
  readonly names: string[];
  private readonly re2: Re2;

  constructor(readonly expr: string) {
    const compiled: CompiledRe2 = compileRe2(expr);
    this.re2 = compiled.re2;
    this.names = compiled.names;
  }

  /**
   * The compiled form of `expr`, shared: templates call regex functions inside loops and every reconcile
   * rewrites keys with the same few expressions. Safe to share: a GoRegexp holds no per-match state.
   */
  static of(expr: string): GoRegexp {
    return cache.get(expr, () => new GoRegexp(expr));
  }

  /** Approximate bytes this expression holds: its program and the DFA states re2js has cached so far. */
  heldBytes(): number {
    const dfa = this.re2.lazyDFA as { stateBudget?: number; memBudget?: number } | null;
    const dfaBytes = dfa ? (dfa.stateBudget ?? 0) - (dfa.memBudget ?? 0) : 0;
    return dfaBytes + this.re2.numberOfInstructions() * BYTES_PER_INSTRUCTION;
  }

  /** regexp.MatchString: a match anywhere in s. */
  matches(s: string): boolean {
    return this.re2.match(s);
  }

  /** FindString: the leftmost match, "" when none. */
  findString(s: string): string {
    const loc = this.execAt(s, 0, 1);
    return loc ? s.slice(loc[0], loc[1]) : "";
  }

  /** FindAllStringSubmatch with Go's rule that an empty match right after a match is skipped; n < 0 for all. */
  findAll(s: string, n: number): GoMatch[] {
    if (n === 0) return [];
    const all: number[][] | null = this.re2.findAllSubmatchIndex(s, n);
    return (all ?? []).map((loc) => this.toMatch(s, loc));
  }

  /**
   * ReplaceAllString / ReplaceAllLiteralString with `repl` giving each match's replacement (Go's replaceAll:
   * no replacement for an empty match right after a match, and the search always advances a character).
   */
  replaceAll(src: string, repl: (m: GoMatch) => string): string {
    let out = "";
    let lastMatchEnd = 0;
    let searchPos = 0;
    const groups = this.names.length;
    while (searchPos <= src.length) {
      const loc = this.execAt(src, searchPos, groups);
      if (!loc) break;
      const [start, end] = loc as [number, number];
      out += src.slice(lastMatchEnd, start);
      if (end > lastMatchEnd || start === 0) out += repl(this.toMatch(src, loc));
      lastMatchEnd = end;
      const width = searchPos < src.length ? codePointWidth(src, searchPos) : 1;
      if (searchPos + width > end) searchPos += width;
      else if (searchPos + 1 > end) searchPos++;
      else searchPos = end;
    }
    return out + src.slice(lastMatchEnd);
  }

  /** ReplaceAllString: each match replaced by `template` expanded as Expand does. */
  replaceAllString(src: string, template: string): string {
    return this.replaceAll(src, (m) => this.expand(template, m));
  }

  /** ReplaceAllLiteralString: each match replaced by `literal` as is. */
  replaceAllLiteralString(src: string, literal: string): string {
    return this.replaceAll(src, () => literal);
  }

  /** Regexp.Expand for a match. */
  expand(template: string, m: GoMatch): string {
    return expand(template, this.names, (i) => m[i]);
  }

  /** Regexp.Split. */
  split(s: string, n: number): string[] {
    if (n === 0) return [];
    if (this.expr.length > 0 && s.length === 0) return [""];
    const out: string[] = [];
    let beg = 0;
    let end = 0;
    for (const m of this.findAll(s, n)) {
      if (n > 0 && out.length === n - 1) break;
      end = m.index;
      if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
      beg = m.index + m[0].length;
    }
    if (end !== s.length) out.push(s.slice(beg));
    return out;
  }

  /** The leftmost match at or after `pos` (with s as context for ^, \b, ...): `groups` pairs of indices. */
  private execAt(s: string, pos: number, groups: number): number[] | null {
    const [found, loc] = this.re2.matchWithGroup(s, pos, s.length, UNANCHORED, groups) as [boolean, number[] | null];
    return found && loc ? loc : null;
  }

  private toMatch(s: string, loc: readonly number[]): GoMatch {
    const values: (string | undefined)[] = [];
    let groups: Record<string, string | undefined> | undefined;
    for (let i = 0; i < this.names.length; i++) {
      const start = loc[2 * i] ?? -1;
      const v = start >= 0 ? s.slice(start, loc[2 * i + 1]) : undefined;
      values.push(v);
      const name = this.names[i];
      if (name) {
        groups ??= Object.create(null) as Record<string, string | undefined>;
        if (groups[name] === undefined) groups[name] = v;
      }
    }
    return Object.assign(values, { index: loc[0] ?? 0, input: s, groups }) as GoMatch;
  }
}

function codePointWidth(s: string, pos: number): number {
  const c = s.codePointAt(pos);
  return c !== undefined && c > 0xffff ? 2 : 1;
}
