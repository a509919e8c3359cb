/**
 * The gjson path syntax (github.com/tidwall/gjson) that upstream ESO providers use for remoteRef.property:
 * `a.b.c`, array indexes `arr.0`, escapes `a\.b`, wildcards `*` / `?` on keys, `#` (array length, or
 * `arr.#.key` to map over elements), queries `#(key=="v")` / `#(key>1)#`, the pipe `|`, and the
 * modifiers @this, @reverse, @keys, @values, @flatten.
 */
import { type JsonValue, parseJson } from "./json-value.js";

type Separator = "" | "." | "|";

type Segment =
  | { kind: "key"; sep: Separator; key: string; pattern?: string }
  | { kind: "hash"; sep: Separator }
  | { kind: "query"; sep: Separator; query: Query; all: boolean }
  | { kind: "modifier"; sep: Separator; name: string };

interface Query {
  path: string;
  op?: "==" | "!=" | "<" | "<=" | ">" | ">=" | "%" | "!%";
  value?: JsonValue | { type: "bare"; raw: string };
}

const OPERATORS = ["==", "!=", "<=", ">=", "!%", "=", "<", ">", "%"] as const;

/** Looks a path up in a JSON document; undefined when the document is not JSON or nothing matches. */
export function gjsonGet(json: string, path: string): JsonValue | undefined {
  const root = parseJson(json);
  if (!root) return undefined;
  return getPath(root, path);
}

/** Escapes gjson's special characters so the whole string is matched as one literal key. */
export function escapeGjsonKey(key: string): string {
  return key.replace(/[\\.|*?#@()!=<>%]/g, (c) => `\\${c}`);
}

export function getPath(root: JsonValue, path: string): JsonValue | undefined {
  if (path === "") return undefined;
  const segments = parsePath(path);
  if (!segments) return undefined;
  return evaluate(root, segments, 0);
}

function parsePath(path: string): Segment[] | undefined {
  const segments: Segment[] = [];
  let i = 0;
  let sep: Separator = "";
  while (i <= path.length) {
    let end: number;
    if (path.startsWith("#(", i)) {
      const close = matchingParen(path, i + 1);
      if (close < 0) return undefined;
      const all = path[close + 1] === "#";
      end = close + 1 + (all ? 1 : 0);
      const query = parseQuery(path.slice(i + 2, close));
      segments.push({ kind: "query", sep, query, all });
    } else {
      end = componentEnd(path, i);
      const text = path.slice(i, end);
      if (text === "#") segments.push({ kind: "hash", sep });
      else if (text.startsWith("@") && MODIFIERS.has(text.slice(1))) {
        segments.push({ kind: "modifier", sep, name: text.slice(1) });
      } else {
        const seg: Segment = { kind: "key", sep, key: unescapeKey(text) };
        if (hasWildcard(text)) seg.pattern = text;
        segments.push(seg);
      }
    }
    if (end >= path.length) break;
    const c = path[end];
    if (c !== "." && c !== "|") return undefined;
    sep = c;
    i = end + 1;
  }
  return segments;
}

function componentEnd(path: string, start: number): number {
  let i = start;
  while (i < path.length) {
    const c = path[i];
    if (c === "\\") i += 2;
    else if (c === "." || c === "|") break;
    else i++;
  }
  return Math.min(i, path.length);
}

function matchingParen(path: string, open: number): number {
  let depth = 0;
  for (let i = open; i < path.length; i++) {
    const c = path[i];
    if (c === "\\") i++;
    else if (c === '"') {
      for (i++; i < path.length && path[i] !== '"'; i++) if (path[i] === "\\") i++;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}

function unescapeKey(text: string): string {
  return text.replace(/\\(.)/gs, "$1");
}

function hasWildcard(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "*" || text[i] === "?") return true;
  }
  return false;
}

/** gjson's match.Match: `*` any run, `?` one character, `\` escapes the next character. */
export function globMatch(text: string, pattern: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (t: number, p: number): boolean => {
    const memoKey = t * (pattern.length + 1) + p;
    const cached = memo.get(memoKey);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (p >= pattern.length) result = t >= text.length;
    else {
      const pc = pattern[p];
      if (pc === "*") result = go(t, p + 1) || (t < text.length && go(t + 1, p));
      else if (pc === "?") result = t < text.length && go(t + 1, p + 1);
      else {
        const literal = pc === "\\" && p + 1 < pattern.length ? pattern[p + 1] : pc;
        const width = pc === "\\" && p + 1 < pattern.length ? 2 : 1;
        result = t < text.length && text[t] === literal && go(t + 1, p + width);
      }
    }
    memo.set(memoKey, result);
    return result;
  };
  return go(0, 0);
}

function parseQuery(inner: string): Query {
  let inQuote = false;
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === '"') inQuote = !inQuote;
    if (inQuote) continue;
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && "=!<>%".includes(c!)) {
      const op = OPERATORS.find((o) => inner.startsWith(o, i))!;
      if (!op) continue;
      const valueText = inner.slice(i + op.length).trim();
      return {
        path: inner.slice(0, i).trim(),
        op: op === "=" ? "==" : op,
        value: parseJson(valueText) ?? { type: "bare", raw: valueText },
      };
    }
  }
  return { path: inner.trim() };
}

function queryMatches(item: JsonValue, q: Query): boolean {
  const lhs = q.path === "" ? item : getPath(item, q.path);
  if (!lhs) return false;
  if (!q.op || !q.value) return true;
  const rhs = q.value;
  switch (rhs.type) {
    case "string":
    case "bare": {
      if (lhs.type !== "string") return false;
      const r = rhs.type === "string" ? rhs.str : rhs.raw;
      if (q.op === "%") return globMatch(lhs.str, r);
      if (q.op === "!%") return !globMatch(lhs.str, r);
      return compare(lhs.str, r, q.op);
    }
    case "number":
      return lhs.type === "number" && compare(lhs.num, rhs.num, q.op);
    case "true":
    case "false":
      return (lhs.type === "true" || lhs.type === "false") && compare(lhs.type === "true", rhs.type === "true", q.op);
    case "null":
      return q.op === "==" ? lhs.type === "null" : q.op === "!=" ? lhs.type !== "null" : false;
    default:
      return q.op === "==" ? lhs.raw === rhs.raw : q.op === "!=" ? lhs.raw !== rhs.raw : false;
  }
}

function compare<T extends string | number | boolean>(a: T, b: T, op: NonNullable<Query["op"]>): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    default:
      return false;
  }
}

function arrayOf(items: JsonValue[]): JsonValue {
  return { type: "array", raw: `[${items.map((v) => v.raw).join(",")}]`, items };
}

function evaluate(v: JsonValue, segs: Segment[], i: number): JsonValue | undefined {
  const seg = segs[i];
  if (!seg) return v;
  const next = segs[i + 1];
  switch (seg.kind) {
    case "modifier": {
      const r = applyModifier(v, seg.name);
      return r && evaluate(r, segs, i + 1);
    }
    case "hash": {
      if (v.type === "object") return lookupKey(v, "#", undefined, segs, i);
      if (v.type !== "array") return undefined;
      if (!next || next.sep === "|") {
        const count: JsonValue = { type: "number", raw: String(v.items.length), num: v.items.length };
        return evaluate(count, segs, i + 1);
      }
      return mapRest(v.items, segs, i + 1);
    }
    case "query": {
      if (v.type !== "array") return undefined;
      const matches = v.items.filter((item) => queryMatches(item, seg.query));
      if (!seg.all) return matches[0] && evaluate(matches[0], segs, i + 1);
      if (!next || next.sep === "|") return evaluate(arrayOf(matches), segs, i + 1);
      return mapRest(matches, segs, i + 1);
    }
    case "key": {
      if (v.type === "object") return lookupKey(v, seg.key, seg.pattern, segs, i);
      if (v.type === "array" && !seg.pattern && /^\d+$/.test(seg.key)) {
        const item = v.items[Number(seg.key)];
        return item && evaluate(item, segs, i + 1);
      }
      return undefined;
    }
  }
}

function lookupKey(
  v: Extract<JsonValue, { type: "object" }>,
  key: string,
  pattern: string | undefined,
  segs: Segment[],
  i: number,
): JsonValue | undefined {
  const entry = v.entries.find(([k]) => (pattern ? globMatch(k, pattern) : k === key));
  return entry && evaluate(entry[1], segs, i + 1);
}

function mapRest(items: JsonValue[], segs: Segment[], from: number): JsonValue {
  const results: JsonValue[] = [];
  for (const item of items) {
    const r = evaluate(item, segs, from);
    if (r) results.push(r);
  }
  return arrayOf(results);
}

const MODIFIERS = new Set(["this", "reverse", "keys", "values", "flatten"]);

function applyModifier(v: JsonValue, name: string): JsonValue | undefined {
  switch (name) {
    case "this":
      return v;
    case "reverse":
      if (v.type === "array") return arrayOf([...v.items].reverse());
      if (v.type === "object") {
        const entries = [...v.entries].reverse();
        const raw = `{${entries.map(([k, val]) => `${JSON.stringify(k)}:${val.raw}`).join(",")}}`;
        return { type: "object", raw, entries };
      }
      return v;
    case "keys":
      if (v.type !== "object") return arrayOf([]);
      return arrayOf(v.entries.map(([k]) => ({ type: "string", raw: JSON.stringify(k), str: k })));
    case "values":
      if (v.type !== "object") return arrayOf([]);
      return arrayOf(v.entries.map(([, val]) => val));
    case "flatten":
      if (v.type !== "array") return v;
      return arrayOf(v.items.flatMap((item) => (item.type === "array" ? item.items : [item])));
    default:
      return undefined;
  }
}
