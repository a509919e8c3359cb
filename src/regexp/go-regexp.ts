/**
 * A compiled Go regexp with Go's match iteration (an empty match right after a match is skipped),
 * ReplaceAllString, Expand ($1, ${name}, $$) and Split semantics, over the shared RE2 translation.
 */
import { toRegExp, translateGoRegexp } from "./translate.js";

const compiled = new Map<string, GoRegexp>();
const MAX_COMPILED = 500;

/** A compiled Go regexp. */
export class GoRegexp {
  readonly re: RegExp;
  readonly names: string[];
  constructor(readonly expr: string) {
    const t = translateGoRegexp(expr);
    this.re = toRegExp(t, "g");
    this.names = t.names;
  }

  /**
   * The compiled form of `expr`, shared: templates call regex functions inside loops and every reconcile
   * rewrites keys with the same few expressions. Safe to share, as no method yields while using `re`.
   */
  static of(expr: string): GoRegexp {
    let r = compiled.get(expr);
    if (!r) {
      r = new GoRegexp(expr);
      if (compiled.size >= MAX_COMPILED) compiled.clear();
      compiled.set(expr, r);
    }
    return r;
  }

  private exec(s: string, pos: number): RegExpExecArray | null {
    this.re.lastIndex = pos;
    return this.re.exec(s);
  }

  private static width(s: string, pos: number): number {
    const c = s.codePointAt(pos);
    return c !== undefined && c > 0xffff ? 2 : 1;
  }

  /** FindAll...Index with Go's rule that an empty match right after a match is skipped. */
  findAll(s: string, n: number): RegExpExecArray[] {
    const out: RegExpExecArray[] = [];
    let pos = 0;
    let prevEnd = -1;
    while ((n < 0 || out.length < n) && pos <= s.length) {
      const m = this.exec(s, pos);
      if (!m) break;
      const end = m.index + m[0].length;
      let accept = true;
      if (end === pos) {
        if (m.index === prevEnd) accept = false;
        pos += pos < s.length ? GoRegexp.width(s, pos) : 1;
      } else pos = end;
      prevEnd = end;
      if (accept) out.push(m);
    }
    return out;
  }

  matches(s: string): boolean {
    return this.exec(s, 0) !== null;
  }

  findString(s: string): string {
    return this.exec(s, 0)?.[0] ?? "";
  }

  /** ReplaceAllString / ReplaceAllLiteralString. */
  replaceAll(src: string, repl: (m: RegExpExecArray) => string): string {
    let out = "";
    let lastEnd = 0;
    let searchPos = 0;
    while (searchPos <= src.length) {
      const m = this.exec(src, searchPos);
      if (!m) break;
      const end = m.index + m[0].length;
      out += src.slice(lastEnd, m.index);
      if (end > lastEnd || m.index === 0) out += repl(m);
      lastEnd = end;
      const w = searchPos < src.length ? GoRegexp.width(src, searchPos) : 1;
      if (searchPos + w > end) searchPos += w;
      else if (searchPos + 1 > end) searchPos++;
      else searchPos = end;
    }
    return out + src.slice(lastEnd);
  }

  /** Regexp.Expand for a match. */
  expand(template: string, m: RegExpExecArray): string {
    let out = "";
    let t = template;
    while (t.length > 0) {
      const i = t.indexOf("$");
      if (i < 0) break;
      out += t.slice(0, i);
      t = t.slice(i);
      if (t.length > 1 && t[1] === "$") {
        out += "$";
        t = t.slice(2);
        continue;
      }
      let name: string | undefined;
      let rest = "";
      const braced = /^\$\{([A-Za-z0-9_]+)\}/.exec(t);
      const bare = /^\$([A-Za-z0-9_]+)/.exec(t);
      if (t[1] === "{") {
        if (braced) {
          name = braced[1];
          rest = t.slice(braced[0].length);
        }
      } else if (bare) {
        name = bare[1];
        rest = t.slice(bare[0].length);
      }
      if (name === undefined) {
        out += "$";
        t = t.slice(1);
        continue;
      }
      t = rest;
      if (/^\d+$/.test(name)) {
        const n = Number(name);
        if (n < m.length) out += m[n] ?? "";
      } else {
        for (let k = 0; k < this.names.length; k++) {
          if (this.names[k] === name && m[k] !== undefined) {
            out += m[k];
            break;
          }
        }
      }
    }
    return out + t;
  }

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
}
